from django import template

from disclosure.public_selectors import period_display

register = template.Library()


@register.filter
def period_label(period: str) -> str:
    return period_display(period)


@register.filter
def paragraphs(text) -> list[str]:
    """Split a body into paragraphs on blank lines (the generic item template's ``body``)."""
    return [p.strip() for p in str(text or "").replace("\r\n", "\n").split("\n\n") if p.strip()]
