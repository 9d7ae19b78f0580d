"""New record files for people to finish: the commented record template filled with what is known.

The template (``templates/record.yaml.j2``) fixes the layout and the examples of optional fields;
every explanation in it comes from the model (``fieldhelp``) or from 第八条 (``material``), so it
says what the checker checks. Whatever is not known is written as the placeholder “【待填写】”,
which ``casebook check`` reports until someone replaces it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined

from .fieldhelp import child_fields, describe
from .material import BY_FIELD
from .placeholders import PLACEHOLDER
from .problems import Problem, ProblemsFound, display_path
from .vocabulary import Vocabularies

TEMPLATE = "record.yaml.j2"
MAX_NUMBER = 999


@dataclass
class Draft:
    values: dict[str, Any]
    """Known values by dotted field path (``enterprise.city``): text, or a list of texts."""
    leftovers: list[tuple[str, str]] = field(default_factory=list)
    """Imported Markdown that fits no field, with where it came from: comments at the end."""
    images: dict[str, bytes] = field(default_factory=dict)
    """Files for the record's own folder ``cases/<year>/<id>/``."""


def record_text(draft: Draft, vocabularies: Vocabularies | None = None) -> str:
    values = draft.values
    year = _year(values.get("year"))

    def has(path: str) -> bool:
        return values.get(path) not in (None, "", [])

    def one(path: str) -> str:
        return yaml_scalar(values[path]) if has(path) else PLACEHOLDER

    def many(path: str, indent: int) -> str:
        items = values[path] if has(path) else [PLACEHOLDER]
        return "".join(f"\n{' ' * indent}- {yaml_scalar(item)}" for item in items)

    def text(path: str, indent: int) -> str:
        return yaml_block(values[path] if has(path) else PLACEHOLDER, indent)

    def optional(path: str, example: str) -> str:
        key = path.rsplit(".", 1)[-1]
        return f"{key}: {one(path)}" if has(path) else f"# {key}: {example}"

    def about(path: str) -> str:
        return describe(path, vocabularies, year)

    def explain(path: str, indent: int, note: str = "") -> str:
        """A group's comment: what it is, then one line for each of its fields."""
        first = about(path)[:-1] + (f"，{note}" if note else "") + "。"
        lines = [f"# {first}"] + [f"#   {child}：{about(f'{path}.{child}')}" for child in child_fields(path)]
        return "\n".join(" " * indent + line for line in lines)

    template = _environment().get_template(TEMPLATE)
    return template.render(
        about=about, explain=explain, guide=lambda path: BY_FIELD[path].guidance, has=has, one=one, many=many,
        text=text, optional=optional, placeholder=PLACEHOLDER,
        leftovers=[(where, _commented(markdown)) for where, markdown in draft.leftovers],
    )


def _environment() -> Environment:
    return Environment(loader=PackageLoader("casebook", "templates"), autoescape=False, undefined=StrictUndefined,
                       trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True)


def _year(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


# A one-line value may stay unquoted when the strict reader reads it back unchanged: nothing YAML
# treats as syntax at its start, no “: ” or “ #” inside, no null word, no key-like “word：” start.
_PLAIN_START = re.compile(r"^[^\s\-?:,\[\]{}#&*!|>'\"%@`]")
_KEY_LIKE = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]*[ ]*：")
_NULL_WORDS = {"~", "null", "Null", "NULL"}


def yaml_scalar(value: Any, flow: bool = False) -> str:
    """A one-line YAML value that reads back as exactly this text."""
    text = str(value)
    plain = (_PLAIN_START.match(text) and text == text.strip() and "\n" not in text and "\t" not in text
             and ": " not in text and " #" not in text and not text.endswith(":") and text not in _NULL_WORDS
             and not _KEY_LIKE.match(text) and not (flow and any(mark in text for mark in ",[]{}")))
    return text if plain else json.dumps(text, ensure_ascii=False)


def yaml_block(text: str, indent: int) -> str:
    """Text of several lines as a literal block (``|``) whose lines are indented by ``indent``."""
    lines = [line.rstrip() for line in text.strip().split("\n")]
    return "|\n" + "\n".join(" " * indent + line if line else "" for line in lines)


def _commented(markdown: str) -> list[str]:
    return [line.rstrip() for line in markdown.split("\n")]


def next_id(folder: Path, year: int) -> str:
    """The next free number of that year: one more than the highest in use, so no number is reused."""
    pattern = re.compile(rf"^SC-{year}-(\d{{3}})(?:\.yaml)?$")
    used = [int(m.group(1)) for path in (folder / str(year)).glob(f"SC-{year}-*") if (m := pattern.match(path.name))]
    number = max(used, default=0) + 1
    if number > MAX_NUMBER:
        raise ProblemsFound([Problem(display_path(folder / str(year)), 1, 1, f"{year} 年的案例编号已用到 {MAX_NUMBER}，无法再编号")])
    return f"SC-{year}-{number:03d}"


def record_path(folder: Path, case_id: str) -> Path:
    return folder / case_id[3:7] / f"{case_id}.yaml"


def write_record(folder: Path, draft: Draft, vocabularies: Vocabularies | None) -> Path:
    """Write a new record (never over an existing one) and its images; returns the record's path."""
    path = record_path(folder, draft.values["id"])
    path.parent.mkdir(parents=True, exist_ok=True)
    assets = path.with_suffix("")
    if draft.images and assets.exists():
        raise ProblemsFound([Problem(display_path(assets), 1, 1, "图片目录已经存在：请先移走它，或用 --id 指定另一个编号")])
    try:
        with path.open("x", encoding="utf-8", newline="\n") as file:
            file.write(record_text(draft, vocabularies))
    except FileExistsError:
        raise ProblemsFound([Problem(display_path(path), 1, 1, "记录已经存在，没有覆盖：请用 --id 指定另一个编号")]) from None
    if draft.images:
        assets.mkdir()
        for name, content in draft.images.items():
            (assets / name).write_bytes(content)
    return path


def remaining_problems(path: Path, folder: Path, vocabularies: Vocabularies) -> list[Problem]:
    """What ``casebook check`` says about this one record: the gaps left to fill, and any mistake."""
    from .records import _check_record  # the checker's own rules for one file, placement included

    return _check_record(path, folder, vocabularies)[1]


def today() -> str:
    return date.today().isoformat()
