"""The department's yearly list of cases (Excel .xlsx or CSV) as rows of cells keyed by record field.

Lists are typed by people: the header may sit below a title row, columns come in any order and
under other names (“企业全称”, “单位名称”, “市（州）”), with spaces or full-width characters; a CSV
may be saved as UTF-8 (with or without BOM), GBK or UTF-16. Rows with nothing in them are skipped.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from zipfile import BadZipFile

from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.utils.exceptions import InvalidFileException

from .problems import Problem, ProblemsFound

SEQUENCE = "seq"
IDENTIFIER = "id"

# The record field each column fills (or the row's 序号 / 编号), and the headers it goes by,
# compared after normalising (see _header_key).
COLUMNS = {
    SEQUENCE: ("序号", "序", "no", "no."),
    IDENTIFIER: ("案例编号", "编号", "记录编号"),
    "enterprise.name": ("企业名称", "企业全称", "单位名称", "单位全称", "企业", "公司名称", "申报企业", "申报单位"),
    "enterprise.short_name": ("企业简称", "简称"),
    "title": ("质量标杆名称", "标杆名称", "质量标杆", "典型经验名称", "经验名称", "名称"),
    "enterprise.city": ("市州", "市(州)", "所在市州", "所在市(州)", "所属市州", "地区", "所在地区", "市"),
    "enterprise.size": ("企业规模", "规模"),
    "industries": ("行业", "所属行业", "行业领域", "产业", "所属产业"),
    "methods": ("方法", "方法与技术", "质量管理方法", "质量管理方法(技术)", "质量管理方法与技术", "方法(技术)", "主要方法",
                "采用方法"),
    "directions": ("遴选方向", "方向", "申报方向"),
    "recognition.recommended_by": ("推荐单位", "推荐部门", "推荐机构"),
}
REQUIRED = ("enterprise.name", "title")
HEADER_SEARCH_ROWS = 10


@dataclass(frozen=True)
class Cell:
    text: str
    column: int
    header: str
    """The header as written in the list, to name the column in messages."""


@dataclass
class ListRow:
    number: int
    cells: dict[str, Cell]
    """Non-empty cells by field."""


@dataclass
class YearList:
    shown_as: str
    rows: list[ListRow]
    columns: dict[str, Cell] = field(default_factory=dict)
    """The header cell of each recognised column, by field."""
    ignored: list[Problem] = field(default_factory=list)
    """Columns that fill no field: named so that nobody wonders where their data went."""


def read_year_list(path: Path, shown_as: str) -> YearList:
    if not path.is_file():
        raise ProblemsFound([Problem(shown_as, 1, 1, "文件不存在")])
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return _from_table(_csv_rows(path.read_bytes(), shown_as), shown_as)
    if suffix in (".xlsx", ".xlsm"):
        return _from_table(_xlsx_rows(path, shown_as), shown_as)
    if suffix == ".xls":
        raise ProblemsFound([Problem(shown_as, 1, 1, "这是旧版 Excel（.xls）文件：请在 Excel 或 WPS 中“另存为”.xlsx 或 CSV 后再导入")])
    raise ProblemsFound([Problem(shown_as, 1, 1, "只能导入 Excel（.xlsx）或 CSV 文件")])


def _csv_rows(raw: bytes, shown_as: str) -> list[list[str]]:
    """The rows in the first encoding whose text has a recognisable header (GBK bytes may happen to be valid UTF-8)."""
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        encodings = ["utf-16"]
    elif raw.startswith(b"\xef\xbb\xbf"):
        encodings = ["utf-8-sig"]
    else:
        encodings = ["utf-8", "gb18030"]
    decoded = []
    for encoding in encodings:
        try:
            text = raw.decode(encoding)
        except UnicodeDecodeError:
            continue
        rows = _split_csv(text)
        if _header_row(rows) is not None:
            return rows
        decoded.append(rows)
    if not decoded:
        raise ProblemsFound([Problem(shown_as, 1, 1, "无法识别文件的编码：请在 Excel 中“另存为”CSV UTF-8 格式")])
    return decoded[0]


def _split_csv(text: str) -> list[list[str]]:
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    return list(csv.reader(io.StringIO(text, newline=""), dialect))


def _xlsx_rows(path: Path, shown_as: str) -> list[list[str]]:
    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, InvalidFileException, KeyError, OSError, ValueError):
        raise ProblemsFound([Problem(shown_as, 1, 1, "无法作为 Excel 文件（.xlsx）打开：请确认文件完整，或另存为 CSV 后再导入")]) from None
    try:
        sheets = [[[_cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True)]
                  for sheet in workbook.worksheets]
    finally:
        workbook.close()
    return next((rows for rows in sheets if _header_row(rows) is not None), sheets[0] if sheets else [])


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _header_key(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).rstrip(":*").casefold()


_KNOWN = {_header_key(alias): name for name, aliases in COLUMNS.items() for alias in aliases}


def _column_field(header: str) -> str | None:
    key = _header_key(header)
    without_note = re.sub(r"\([^)]*\)", "", key)  # “企业名称（全称）”
    without_brackets = re.sub(r"[()]", "", key)  # “市（州）” written without the 市(州) alias
    return _KNOWN.get(key) or _KNOWN.get(without_note) or _KNOWN.get(without_brackets)


def _header_row(rows: list[list[str]]) -> int | None:
    for index, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found = {_column_field(cell) for cell in row if cell.strip()}
        if all(name in found for name in REQUIRED):
            return index
    return None


def _from_table(rows: list[list[str]], shown_as: str) -> YearList:
    header_index = _header_row(rows)
    if header_index is None:
        wanted = "”和“".join(COLUMNS[name][0] for name in REQUIRED)
        raise ProblemsFound([Problem(shown_as, 1, 1, f"没有找到表头：前 {HEADER_SEARCH_ROWS} 行中没有同时包含“{wanted}”两列的一行")])
    header_number = header_index + 1
    year_list = YearList(shown_as, [])
    problems = []
    for column, header in enumerate(rows[header_index], start=1):
        if not header.strip():
            continue
        name = _column_field(header)
        cell = Cell(header.strip(), column, header.strip())
        if name is None:
            year_list.ignored.append(Problem(shown_as, header_number, column,
                                             f"{get_column_letter(column)} 列“{cell.header}”不是可导入的列，已忽略"))
        elif name in year_list.columns:
            first = year_list.columns[name]
            problems.append(Problem(shown_as, header_number, column, f"{get_column_letter(column)} 列“{cell.header}”与 "
                                    f"{get_column_letter(first.column)} 列“{first.header}”是同一项内容：请删去其中一列"))
        else:
            year_list.columns[name] = cell
    if problems:
        raise ProblemsFound(problems)
    for number, row in enumerate(rows[header_index + 1:], start=header_number + 1):
        cells = {name: Cell(row[c.column - 1].strip(), c.column, c.header)
                 for name, c in year_list.columns.items() if c.column <= len(row) and row[c.column - 1].strip()}
        if set(cells) - {SEQUENCE}:  # a row with only its 序号 is an empty line of the form
            year_list.rows.append(ListRow(number, cells))
    return year_list


def column_letter(column: int) -> str:
    return get_column_letter(column)
