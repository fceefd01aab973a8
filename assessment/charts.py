"""Small server-side SVG charts for the briefing (inline in its HTML, drawn by WeasyPrint into the PDF)."""

from __future__ import annotations

from django.utils.html import escape

FONT = "Noto Sans CJK SC, sans-serif"


def bar_chart(
    labels: list[str],
    values: list[float],
    *,
    title: str,
    max_value: float | None = None,
    width: int = 640,
    bar_height: int = 22,
    color: str = "#c0392b",
    unit: str = "",
) -> str:
    """Horizontal bars, one per label, the value written at the end of each."""
    max_value = max_value or max(values or [1]) or 1
    label_w, top, gap = 130, 34, 8
    height = top + len(values) * (bar_height + gap) + 10
    plot_w = width - label_w - 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" font-family="{FONT}">',
        f'<text x="0" y="20" font-size="15" font-weight="bold">{escape(title)}</text>',
    ]
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        y = top + i * (bar_height + gap)
        w = max(0.0, plot_w * float(value) / float(max_value))
        parts.append(
            f'<text x="{label_w - 8}" y="{y + bar_height * 0.72:.1f}" font-size="13" text-anchor="end">'
            f"{escape(label)}</text>"
            f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_height}" fill="{color}"/>'
            f'<text x="{label_w + w + 6:.1f}" y="{y + bar_height * 0.72:.1f}" font-size="12">'
            f"{value:g}{escape(unit)}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)


def column_chart(
    labels: list[str], series: list[tuple[str, list[float], str]], *, title: str, width: int = 640, height: int = 240
) -> str:
    """Vertical columns, grouped per label, one colour per series, with a legend."""
    top, bottom, left = 40, 30, 40
    plot_h = height - top - bottom
    plot_w = width - left - 10
    max_value = max([v for _n, vs, _c in series for v in vs] or [1]) or 1
    group_w = plot_w / max(1, len(labels))
    bar_w = group_w * 0.7 / max(1, len(series))
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" '
        f'role="img" aria-label="{escape(title)}" font-family="{FONT}">',
        f'<text x="0" y="18" font-size="15" font-weight="bold">{escape(title)}</text>',
        f'<line x1="{left}" y1="{top + plot_h}" x2="{width - 10}" y2="{top + plot_h}" stroke="#555"/>',
    ]
    for s, (name, _vs, colour) in enumerate(series):
        x = width - 10 - (len(series) - s) * 110
        parts.append(
            f'<rect x="{x}" y="8" width="12" height="12" fill="{colour}"/>'
            f'<text x="{x + 16}" y="19" font-size="12">{escape(name)}</text>'
        )
    for i, label in enumerate(labels):
        gx = left + i * group_w + group_w * 0.15
        for s, (_name, values, colour) in enumerate(series):
            value = float(values[i])
            h = plot_h * value / max_value
            x = gx + s * bar_w
            parts.append(
                f'<rect x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{bar_w - 2:.1f}" height="{h:.1f}" '
                f'fill="{colour}"/><text x="{x + bar_w / 2:.1f}" y="{top + plot_h - h - 4:.1f}" font-size="11" '
                f'text-anchor="middle">{value:g}</text>'
            )
        parts.append(
            f'<text x="{left + (i + 0.5) * group_w:.1f}" y="{height - 10}" font-size="12" '
            f'text-anchor="middle">{escape(label)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
