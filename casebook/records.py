"""Load and check every record in ``cases/``: the validated input of a build.

A record lives at ``cases/<year>/<id>.yaml``; since the id must equal the file name and the folder
the year, two records can never share an id.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from pathlib import Path

from pydantic import ValidationError

from .cache import current
from .model import Case, CaseFile, field_names, is_listed
from .placeholders import placeholder_problems, with_placeholders
from .problems import Problem, ProblemsFound, display_path, schema_problems
from .promotion import FOLDER as PROMOTION_FOLDER
from .promotion import Promotion, load_promotion
from .vocabulary import Vocabularies, load_vocabularies
from .workdays import PUBLICITY_WORKING_DAYS, CalendarMissing, publicity_end
from .yamlsource import Document, read_yaml

VOCABULARY_FOLDER = "vocabularies"
RECORD_KEYS = field_names()


@dataclass(frozen=True)
class Casebook:
    """All public cases, sorted by id, with the vocabularies they were checked against."""

    cases: list[Case]
    vocabularies: Vocabularies
    promotion: Promotion = Promotion()
    images: dict[str, tuple[Path, ...]] = field(default_factory=dict)
    """The pictures beside each record (``cases/<year>/<id>/``) that its text may show, by case id."""


def load_casebook(folder: Path) -> Casebook:
    casebook, problems = check_casebook(folder)
    if problems:
        raise ProblemsFound(problems)
    assert casebook is not None
    return casebook


def check_casebook(folder: Path) -> tuple[Casebook | None, list[Problem]]:
    """Every problem of every file, or the casebook when there is none."""
    if not folder.is_dir():
        return None, [Problem(display_path(folder), 1, 1, "案例目录不存在")]
    vocabularies, problems = load_vocabularies(folder / VOCABULARY_FOLDER)
    if vocabularies is None:
        return None, problems
    cases, images = [], {}
    for path in record_paths(folder):
        case, pictures, found = _record_and_pictures(path, folder, vocabularies)
        problems += found
        if case is not None:
            cases.append(case)
            images[case.id] = pictures
    listed = {case.id for case in cases if is_listed(case)}
    promotion, found = load_promotion(folder / PROMOTION_FOLDER, listed)
    problems += found
    if problems:
        return None, sorted(problems)
    return Casebook(sorted(cases, key=lambda c: c.id), vocabularies, promotion, images), []


def recheck_records(casebook: Casebook, folder: Path, paths: list[Path]) -> tuple[Casebook, list[Case]] | None:
    """The casebook with these edited records checked again, and their cases.

    None when one of them has a problem, is not a record of the casebook already, or is listed
    or not listed now where it was not before: only checking the whole casebook tells then.
    """
    by_id = {case.id: case for case in casebook.cases}
    images, edited = dict(casebook.images), []
    for path in paths:
        case, pictures, problems = _record_and_pictures(path, folder, casebook.vocabularies)
        if problems or case is None or case.id not in by_id or is_listed(case) != is_listed(by_id[case.id]):
            return None
        by_id[case.id], images[case.id] = case, pictures
        edited.append(case)
    return replace(casebook, cases=[by_id[case.id] for case in casebook.cases], images=images), edited


def _record_and_pictures(path: Path, folder: Path,
                         vocabularies: Vocabularies) -> tuple[Case | None, tuple[Path, ...], list[Problem]]:
    """A record's case and the pictures beside it, with the problems of both."""
    case, problems = _check_record(path, folder, vocabularies)
    if case is None:
        return None, (), problems
    pictures, found = _record_images(path.with_suffix(""))
    return case, pictures, problems + found


IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp")


def _record_images(folder: Path) -> tuple[tuple[Path, ...], list[Problem]]:
    """A record's picture folder: only pictures every browser shows, and nothing that could run
    as a page of the site (an SVG file can hold a script)."""
    if not folder.is_dir():
        return (), []
    files = sorted(path for path in folder.iterdir() if path.is_file())
    problems = [Problem(display_path(path), 1, 1, "图片只能是 PNG、JPG、GIF 或 WebP 格式：请另存为 PNG 或 JPG")
                for path in files if path.suffix.lower() not in IMAGE_SUFFIXES]
    return tuple(path for path in files if path.suffix.lower() in IMAGE_SUFFIXES), problems


def record_paths(folder: Path) -> list[Path]:
    data = {folder / VOCABULARY_FOLDER, folder / PROMOTION_FOLDER}
    return sorted(p for p in folder.rglob("*.y*ml") if not data & set(p.parents))


def _check_record(path: Path, folder: Path, vocabularies: Vocabularies) -> tuple[Case | None, list[Problem]]:
    """The record's case, or its problems; a record that an earlier build checked as it is now,
    against the same vocabularies, is not read and checked again: its public case is only made
    again from the data kept."""
    shown_as = display_path(path)
    if path.suffix != ".yaml":
        return None, [Problem(shown_as, 1, 1, "记录文件的扩展名应为 .yaml")]
    checked_now: list[Case | None] = []

    def check() -> tuple[dict | None, list[tuple]]:
        data, case, problems = _checked(path, folder, vocabularies, shown_as)
        checked_now.append(case)
        return data, [(problem.path, problem.line, problem.col, problem.message) for problem in problems]

    inputs = (shown_as, vocabularies.fingerprint, path.read_bytes())
    data, found = current().get("checked record", inputs, check)
    problems = [Problem(*problem) for problem in found]
    if checked_now or data is None:
        return (checked_now[0] if checked_now else None), problems
    return Case.model_validate(data, context={"vocabularies": vocabularies}), problems


def _checked(path: Path, folder: Path, vocabularies: Vocabularies,
             shown_as: str) -> tuple[dict | None, Case | None, list[Problem]]:
    """The case and its data when the record has no problem, and its problems. The data is the
    public case's: what is kept between builds never holds the record's private block."""
    document, problems = read_yaml(path, shown_as, RECORD_KEYS)
    if document is None:
        return None, None, problems
    if not isinstance(document.data, dict):
        return None, None, [Problem(shown_as, 1, 1, "记录应是一组“键: 值”（第一行通常是 id: SC-年份-序号）")]
    case, problems = _validated(path, folder, vocabularies, document)
    # A draft's gaps (“【待填写】”) are reported as such, in place of what the schema says there.
    gaps = placeholder_problems(document)
    if gaps:
        return None, None, with_placeholders(problems, gaps)
    return (case.model_dump(mode="json", by_alias=True) if case is not None else None), case, problems


def _validated(path: Path, folder: Path, vocabularies: Vocabularies, document: Document) -> tuple[Case | None, list[Problem]]:
    try:
        record = CaseFile.model_validate(document.data, context={"vocabularies": vocabularies})
    except ValidationError as error:
        return None, schema_problems(error, document)
    problems = [document.problem(where, message) for where, message in record.inconsistencies()]
    problems += _placement_problems(record, path, folder, document)
    problems += _industry_year_problems(record, vocabularies, document)
    problems += _publicity_problems(record, document)
    return (None if problems else record.public()), problems


def _placement_problems(record: CaseFile, path: Path, folder: Path, document: Document) -> list[Problem]:
    problems = []
    if path.stem != record.id:
        problems.append(document.problem(("id",), f"编号“{record.id}”与文件名“{path.name}”不一致：文件名应为 {record.id}.yaml"))
    if path.parent.parent != folder or path.parent.name != str(record.year):
        problems.append(document.problem(("year",), f"记录应放在 cases/{record.year}/ 目录下"))
    return problems


def _publicity_problems(record: CaseFile, document: Document) -> list[Problem]:
    """第十条: a publicity period lasts 10 working days; an end recorded is checked when the calendar allows."""
    publicity = record.recognition.publicity
    if publicity is None:
        return []
    try:
        end = publicity_end(publicity.start)
    except CalendarMissing as missing:
        return [] if publicity.end else [document.problem(("recognition", "publicity", "start"), str(missing))]
    if publicity.end and publicity.end != end:
        return [document.problem(("recognition", "publicity", "end"),
                                 f"公示期为 {PUBLICITY_WORKING_DAYS} 个工作日：从 {publicity.start} 开始应到 {end} 结束"
                                 "（已跳过周末和法定节假日，计入调休上班日）")]
    return []


def _industry_year_problems(record: CaseFile, vocabularies: Vocabularies, document: Document) -> list[Problem]:
    problems = []
    for index, label in enumerate(record.industries):
        term = vocabularies["industries"][label]
        if not term.applies_in(record.year):
            problems.append(document.problem(("industries", index), f"行业“{label}”的使用年份为{term.years()}，不适用于 {record.year} 年认定的案例"))
    return problems

