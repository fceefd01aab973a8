"""What an xlsx declares, checked before anything is loaded: no small file may ask for gigabytes.

An xlsx is a zip of XML. A 2 KB file can hold one cell at ``XFD1048576`` (a
reader that builds the sheet as a grid then asks for 16,384 × 1,048,576 cells),
or a shared-strings part that inflates to gigabytes. So before the reader sees
the file:

* every zip entry's declared size, the total, and its compression ratio are
  checked, then the parts that matter are inflated as a stream, counting bytes,
  so a lying header does not help;
* each worksheet's declared dimension and the position of every cell (read as
  a stream, never as a tree) must fit the roster's limits: rows, columns, cells;
* the shared strings are counted.

Every refusal is a ``RosterFileError`` with one message in Chinese. Limits are
settings (``ROSTER_IMPORT_MAX_COLUMNS`` …) with defaults that fit the largest
roster the import accepts.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
import zlib
from collections.abc import Iterator

from django.conf import settings

from .columns import max_rows
from .reading import RosterFileError

CHUNK = 1 << 20
_HEADER_SLACK = 20  # title rows above the header
_CELL_REF = re.compile(rb"<(?:\w+:)?c\b[^>]*?\br=\"([A-Z]{1,3})([0-9]{1,7})\"")
_CELL_OPEN = re.compile(rb"<(?:\w+:)?c[\s>/]")
_ROW_REF = re.compile(rb"<(?:\w+:)?row\b[^>]*?\br=\"([0-9]{1,7})\"")
_DIMENSION = re.compile(
    rb"<(?:\w+:)?dimension\b[^>]*?\bref=\"([A-Z]{1,3})?([0-9]{1,7})?(?::([A-Z]{1,3})([0-9]{1,7}))?\""
)
_SHARED_STRING = re.compile(rb"<(?:\w+:)?si[\s>]")


def _limit(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def max_columns() -> int:
    return _limit("ROSTER_IMPORT_MAX_COLUMNS", 100)


def max_sheet_rows() -> int:
    return max_rows() + _HEADER_SLACK


def max_cells() -> int:
    return _limit("ROSTER_IMPORT_MAX_CELLS", max_sheet_rows() * 40)


def max_unpacked_bytes() -> int:
    return _limit("ROSTER_IMPORT_MAX_UNPACKED_BYTES", 400 * 1024 * 1024)


def max_ratio() -> int:
    return _limit("ROSTER_IMPORT_MAX_RATIO", 200)


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ch - 64)
    return n


_TOO_BIG = "该表格声明的范围过大（{what}），不像党员名册，已拒绝导入。请只保留名册所在的行和列，另存后再上传"


def _refuse(what: str) -> RosterFileError:
    return RosterFileError(_TOO_BIG.format(what=what))


def _stream(book: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int]) -> Iterator[bytes]:
    """Inflate one entry chunk by chunk, counting what comes out against the whole file's budget."""
    with book.open(info) as raw:
        while True:
            chunk = raw.read(CHUNK)
            if not chunk:
                return
            budget[0] -= len(chunk)
            if budget[0] < 0:
                raise _refuse(f"解压后超过 {max_unpacked_bytes() // 1024 // 1024} MB")
            yield chunk


def _scan(chunks: Iterator[bytes], pattern: re.Pattern) -> Iterator[re.Match]:
    """Regex matches over a stream; a tag cut by a chunk border is seen whole in the next pass."""
    tail = b""
    for chunk in chunks:
        data = tail + chunk
        cut = data.rfind(b"<")
        cut = cut if cut > 0 else len(data)
        yield from pattern.finditer(data, 0, cut)
        tail = data[cut:]
        if len(tail) > CHUNK:  # a single tag a megabyte long is no roster
            raise _refuse("单个单元格过大")
    yield from pattern.finditer(tail)


def _check_worksheet(book: zipfile.ZipFile, info: zipfile.ZipInfo, budget: list[int]) -> int:
    rows_limit, cols_limit = max_sheet_rows(), max_columns()
    with book.open(info) as raw:  # the dimension sits near the top: read a little first
        head = raw.read(64 * 1024)
    found = _DIMENSION.search(head)
    if found and found.group(3):
        cols, rows = _column_number(found.group(3)), int(found.group(4))
        if rows > rows_limit or cols > cols_limit:
            raise _refuse(f"声明到第 {rows} 行、第 {cols} 列")
    cells = 0
    combined = re.compile(_CELL_REF.pattern + b"|" + _ROW_REF.pattern + b"|" + _CELL_OPEN.pattern)
    for match in _scan(_stream(book, info, budget), combined):
        col_letters, col_row, row_ref = match.group(1), match.group(2), match.group(3)
        if col_letters:
            row, col = int(col_row), _column_number(col_letters)
            if row > rows_limit or col > cols_limit:
                raise _refuse(f"有单元格位于第 {row} 行、第 {col} 列")
            cells += 1
        elif row_ref:
            if int(row_ref) > rows_limit:
                raise _refuse(f"有内容位于第 {int(row_ref)} 行")
        else:
            cells += 1  # a cell without a position: still a cell
        if cells > max_cells():
            raise _refuse(f"超过 {max_cells()} 个单元格")
    return cells


def check_xlsx(source: str | os.PathLike | bytes) -> None:
    """Refuse an xlsx whose parts or sheets would not fit in memory. Reads the file as a stream only."""
    try:
        book = zipfile.ZipFile(io.BytesIO(source) if isinstance(source, (bytes, bytearray)) else source)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise RosterFileError("无法读取该文件：文件已损坏，或不是 Excel/WPS 表格（.xlsx、.xls）") from None
    with book:
        infos = book.infolist()
        names = {i.filename.lower() for i in infos}
        if "xl/workbook.xml" not in names or any(n.startswith("xl/worksheets/") and n.endswith(".bin") for n in names):
            # xlsb, ods and the like: nothing here checks their parts, so none is read.
            raise RosterFileError("只支持 .xlsx、.xls 或 .csv 名册，请在 Excel/WPS 中另存为 .xlsx 后上传")
        if len(infos) > 1000:
            raise _refuse(f"压缩包内有 {len(infos)} 个文件")
        declared = sum(i.file_size for i in infos)
        if declared > max_unpacked_bytes():
            raise _refuse(f"解压后 {declared // 1024 // 1024} MB")
        for info in infos:
            if info.file_size > 10 * 1024 * 1024 and info.file_size > max_ratio() * max(info.compress_size, 1):
                raise _refuse(f"压缩比 {info.file_size // max(info.compress_size, 1)} 倍")
        budget = [max_unpacked_bytes()]
        try:
            for info in infos:
                name = info.filename.lower()
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    _check_worksheet(book, info, budget)
                elif name.endswith("sharedstrings.xml"):
                    strings = sum(1 for _ in _scan(_stream(book, info, budget), _SHARED_STRING))
                    if strings > max_cells():
                        raise _refuse(f"共享字符串 {strings} 个")
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError):
            raise RosterFileError("无法读取该文件：文件已损坏，或不是 Excel/WPS 表格（.xlsx、.xls）") from None
