"""Reading a roster file (xlsx / xls / csv in UTF-8 or GB18030) into a ``Sheet``.

Every file-level problem is a ``RosterFileError`` with one message in Chinese.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from .columns import REQUIRED_HEADERS, canonical_header, max_file_bytes, max_rows


class RosterFileError(Exception):
    """The file as a whole cannot be imported; the message is for the user."""


@dataclass
class Sheet:
    """Headers as written in the file, where each known column is, and the numbered rows."""

    headers: list[str]
    columns: dict[str, int]  # canonical header -> cell index
    rows: Iterable[tuple[int, list[Any]]]  # (row number as the spreadsheet shows it, cells)
    total: int | None = None  # data rows, when known up front


def _find_header(rows: Iterator[tuple[int, list[Any]]]) -> tuple[int, list[Any]] | None:
    """The header row is the first of the first ten with at least two known columns."""
    for _ in range(10):
        try:
            number, cells = next(rows)
        except StopIteration:
            return None
        if sum(1 for c in cells if canonical_header(c)) >= 2:
            return number, cells
    return None


def _columns_of(header_cells: list[Any]) -> dict[str, int]:
    """Where each known column is (first one wins); a missing required column is named."""
    columns: dict[str, int] = {}
    for index, cell in enumerate(header_cells):
        name = canonical_header(cell)
        if name and name not in columns:
            columns[name] = index
    missing = [h for h in REQUIRED_HEADERS if h not in columns]
    if missing:
        raise RosterFileError("缺少必填列：" + "、".join(missing))
    return columns


def _sheet_from_rows(rows: Iterator[tuple[int, list[Any]]], total_rows: int | None) -> Sheet:
    found = _find_header(rows)
    if found is None:
        raise RosterFileError(
            "文件中找不到表头。请使用全国党员信息系统的表头（可下载模板），缺少必填列：" + "、".join(REQUIRED_HEADERS)
        )
    header_number, header_cells = found
    columns = _columns_of(header_cells)
    total = None if total_rows is None else max(total_rows - header_number, 0)
    if total is not None and total > max_rows():
        raise RosterFileError(f"文件行数过多（{total} 行），一次最多导入 {max_rows()} 行，请拆分后导入")
    headers = ["" if c is None else str(c).strip() for c in header_cells]
    return Sheet(headers=headers, columns=columns, rows=rows, total=total)


def _read_workbook(data: bytes | None, path: str | None) -> Sheet:
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(path) if path else CalamineWorkbook.from_filelike(io.BytesIO(data))
        names = book.sheet_names
        error: RosterFileError | None = None
        for index in range(min(len(names), 5)):
            sheet = book.get_sheet_by_index(index)
            first_row = sheet.start[0] if sheet.start else 0
            numbered = ((first_row + i + 1, list(cells)) for i, cells in enumerate(sheet.iter_rows()))
            try:
                return _sheet_from_rows(numbered, first_row + sheet.height)
            except RosterFileError as exc:
                error = error or exc
    except RosterFileError:
        raise
    except Exception:  # calamine raises several types for a broken or foreign file
        raise RosterFileError("无法读取该文件：文件已损坏，或不是 Excel/WPS 表格（.xlsx、.xls）") from None
    raise error or RosterFileError("文件中没有工作表")


def _decode_text(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="strict")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RosterFileError("无法识别 CSV 文件的编码，请另存为 UTF-8 或 GB18030（GBK）编码")


def _read_csv(data: bytes) -> Sheet:
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise RosterFileError("该文件不是表格文件，请上传 .xlsx、.xls 或 .csv 文件")
    try:
        text = _decode_text(data)
    except UnicodeDecodeError:
        raise RosterFileError("无法识别 CSV 文件的编码，请另存为 UTF-8 或 GB18030（GBK）编码") from None
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    records = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    return _sheet_from_rows(((i + 1, r) for i, r in enumerate(records)), len(records))


def read_roster(source: str | os.PathLike | bytes, *, file_name: str = "") -> Sheet:
    """Read a roster file by its content (the name only breaks ties)."""
    path = None
    if isinstance(source, (bytes, bytearray)):
        data = bytes(source)
        size = len(data)
    else:
        path = os.fspath(source)
        file_name = file_name or os.path.basename(path)
        size = os.path.getsize(path)
        data = None
    if size == 0:
        raise RosterFileError("文件是空的")
    if size > max_file_bytes():
        raise RosterFileError(
            f"文件太大（{size / 1024 / 1024:.1f} MB），上限为 {max_file_bytes() / 1024 / 1024:.0f} MB，请拆分后导入"
        )
    if data is None:
        with open(path, "rb") as fh:
            head = fh.read(8)
    else:
        head = data[:8]
    if head.startswith(b"PK\x03\x04"):
        from .guard import check_xlsx  # (guard imports this module)

        check_xlsx(data if data is not None else path)  # what it declares, before anything is loaded
        return _read_workbook(data, path)
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return _read_workbook(data, path)
    if file_name.lower().endswith((".xlsx", ".xls", ".xlsm", ".et")):
        raise RosterFileError("该文件不是有效的 Excel/WPS 表格，请上传 .xlsx、.xls 或 .csv 文件")
    if data is None:
        with open(path, "rb") as fh:
            data = fh.read()
    return _read_csv(data)


def sheet_from_dataset(dataset, row_numbers: list[int] | None = None) -> Sheet:
    """A tablib Dataset (django-import-export's currency) as a Sheet."""
    headers = list(dataset.headers or [])
    columns = _columns_of(headers)
    numbers = row_numbers or list(range(2, len(dataset) + 2))
    return Sheet(headers=headers, columns=columns, rows=zip(numbers, (list(r) for r in dataset)), total=len(dataset))
