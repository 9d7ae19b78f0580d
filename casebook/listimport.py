"""Records created or updated from the department's yearly list, one row at a time.

A row updates the record it names: by its 编号 column, else by the same enterprise name and title,
else by its 序号 (record SC-<year>-<序号>, if that record has the row's enterprise name or title).
Otherwise it creates a record: numbered by its 序号 when given, else with the next free number.
An update changes only the fields the list fills, in place (see ``recordedit``). A row that cannot
be used is reported with its row, column and reason and changes nothing.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .answers import Invalid, parse
from .drafts import Draft, next_id, record_path, remaining_problems, today, write_record
from .problems import Problem, ProblemsFound, display_path
from .records import RECORD_KEYS
from .recordedit import EditFailed, edit_record
from .vocabulary import Vocabularies
from .yamlsource import read_yaml
from .yearlist import IDENTIFIER, SEQUENCE, ListRow, YearList

_NOT_USED = "这一行没有导入"


@dataclass
class RecognitionOptions:
    """What the department knows of the whole list, applied to the records it creates."""

    notice: str | None = None
    publicity_start: str | None = None

    def values(self) -> dict[str, str]:
        values = {}
        if self.publicity_start:
            values.update({"recognition.status": "公示中", "recognition.publicity.start": self.publicity_start})
        if self.notice:
            values.update({"recognition.status": "已认定", "recognition.notice.number": self.notice})
        return values


@dataclass
class _Existing:
    path: Path
    data: dict[str, Any]

    @property
    def key(self) -> tuple[str, str]:
        enterprise = self.data.get("enterprise")
        name = enterprise.get("name") if isinstance(enterprise, dict) else None
        return _same(name), _same(self.data.get("title"))


@dataclass
class ListImport:
    done: list[str] = field(default_factory=list)
    """One line per row used, in the order of the list."""
    problems: list[Problem] = field(default_factory=list)


def import_list(year_list: YearList, year: int, folder: Path, vocabularies: Vocabularies,
                recognition: RecognitionOptions, dry_run: bool = False) -> ListImport:
    existing = _existing_records(folder, year)
    result = ListImport()
    claimed: dict[str, int] = {}
    for row in year_list.rows:
        values, problems = _row_values(row, year_list, year, vocabularies)
        target = None
        if not problems:
            target, problems = _target(row, values, existing, year, folder, year_list.shown_as, claimed)
        if problems:
            result.problems += problems
            continue
        claimed[target] = row.number
        line = _apply(row, values, target, existing, folder, vocabularies, recognition, dry_run, year_list)
        if isinstance(line, Problem):
            result.problems.append(line)
        else:
            result.done.append(line)
    return result


def _existing_records(folder: Path, year: int) -> dict[str, _Existing]:
    records, problems = {}, []
    for path in sorted((folder / str(year)).glob("*.yaml")):
        document, found = read_yaml(path, display_path(path), RECORD_KEYS)
        if document is None or not isinstance(document.data, dict):
            problems += found or [Problem(display_path(path), 1, 1, "记录应是一组“键: 值”")]
            continue
        records[path.stem] = _Existing(path, document.data)
    if problems:
        raise ProblemsFound(problems + [Problem(display_path(folder / str(year)), 1, 1,
                                                "以上记录读不出来，无法判断名单中的案例是否已有记录：请先改正它们再导入")])
    return records


def _row_values(row: ListRow, year_list: YearList, year: int, vocabularies: Vocabularies) -> tuple[dict[str, Any], list[Problem]]:
    values, problems = {}, []
    for name in ("enterprise.name", "title"):
        if name not in row.cells:
            column = year_list.columns[name]
            problems.append(Problem(year_list.shown_as, row.number, column.column, f"“{column.header}”是空的：{_NOT_USED}"))
    for name, cell in row.cells.items():
        if name in (SEQUENCE, IDENTIFIER):
            continue
        try:
            values[name] = parse(name, cell.text, vocabularies, year)
        except Invalid as invalid:
            problems.append(Problem(year_list.shown_as, row.number, cell.column, f"“{cell.header}”：{invalid}；{_NOT_USED}"))
    return values, problems


def _target(row: ListRow, values: dict[str, Any], existing: dict[str, _Existing], year: int, folder: Path,
            shown_as: str, claimed: dict[str, int]) -> tuple[str | None, list[Problem]]:
    """The id of the record this row updates or creates, or why there is none."""
    def problem(cell_name: str | None, message: str) -> tuple[None, list[Problem]]:
        column = row.cells[cell_name].column if cell_name in row.cells else 1
        return None, [Problem(shown_as, row.number, column, f"{message}；{_NOT_USED}")]

    key = (_same(values["enterprise.name"]), _same(values["title"]))
    if IDENTIFIER in row.cells:
        target = unicodedata.normalize("NFKC", row.cells[IDENTIFIER].text).strip().upper()
        if not re.fullmatch(rf"SC-{year}-\d{{3}}", target):
            return problem(IDENTIFIER, f"“{row.cells[IDENTIFIER].header}”应为 SC-{year}-三位序号，例如 SC-{year}-001")
    else:
        target = next((case_id for case_id, record in existing.items() if record.key == key), None)
    if target is None and SEQUENCE in row.cells:
        sequence = unicodedata.normalize("NFKC", row.cells[SEQUENCE].text).strip()
        if not sequence.isdigit() or not 1 <= int(sequence) <= 999:
            return problem(SEQUENCE, f"“{row.cells[SEQUENCE].header}”应为 1～999 的整数")
        target = f"SC-{year}-{int(sequence):03d}"
        other = existing.get(target)
        if other is not None and key[0] != other.key[0] and key[1] != other.key[1]:
            return problem(SEQUENCE, f"序号 {int(sequence)} 对应的 {target} 是另一条经验（{other.data.get('title')}）："
                                     "请在“编号”列写明要更新的记录，或改正序号")
    if target is None:
        target = _next_unclaimed(folder, year, claimed)
    if target in claimed:
        return problem(None, f"与第 {claimed[target]} 行是同一条记录 {target}")
    return target, []


def _next_unclaimed(folder: Path, year: int, claimed: dict[str, int]) -> str:
    candidate = next_id(folder, year)
    number = int(candidate[-3:])
    highest_claimed = max((int(c[-3:]) for c in claimed if c.startswith(f"SC-{year}-")), default=0)
    return f"SC-{year}-{max(number, highest_claimed + 1):03d}"


def _apply(row: ListRow, values: dict[str, Any], target: str, existing: dict[str, _Existing], folder: Path,
           vocabularies: Vocabularies, recognition: RecognitionOptions, dry_run: bool, year_list: YearList) -> str | Problem:
    year = int(target[3:7])
    if target in existing:
        return _update(row, values, existing[target], dry_run, year_list)
    path = record_path(folder, target)
    if dry_run:
        return f"第 {row.number} 行：将新建 {display_path(path)}"
    draft = Draft({**values, **recognition.values(), "id": target, "year": str(year), "updated": today()})
    write_record(folder, draft, vocabularies)
    left = remaining_problems(path, folder, vocabularies)
    return f"第 {row.number} 行：已新建 {display_path(path)}（还有 {len(left)} 处需要填写）"


def _update(row: ListRow, values: dict[str, Any], record: _Existing, dry_run: bool, year_list: YearList) -> str | Problem:
    changes, described = {}, []
    for name, value in values.items():
        location = tuple(name.split("."))
        old = _get(record.data, location)
        if old != value:
            changes[location] = value
            described.append(f"{row.cells[name].header} {_shown(old)} → {_shown(value)}")
    shown = display_path(record.path)
    if not changes:
        return f"第 {row.number} 行：{shown} 没有变化"
    if not dry_run:
        try:
            edit_record(record.path, changes)
        except EditFailed as failed:
            return Problem(year_list.shown_as, row.number, 1, f"{shown}：{failed}；{_NOT_USED}")
    return f"第 {row.number} 行：{'将更新' if dry_run else '已更新'} {shown}：" + "；".join(described)


def _get(data: Any, location: tuple[str, ...]) -> Any:
    for key in location:
        if not isinstance(data, dict):
            return None
        data = data.get(key)
    return data


def _shown(value: Any) -> str:
    if value in (None, "", []):
        return "（空）"
    return "、".join(value) if isinstance(value, list) else str(value)


def _same(text: Any) -> str:
    """Names compared as people mean them: the same whatever the width of characters or spaces."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)) if isinstance(text, str) else ""
