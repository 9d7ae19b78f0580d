"""The essentials of a new record (year, enterprise, city, size, vocabularies, title): from command
options, or asked one by one at a terminal, each answer checked at once and asked again until usable."""

from __future__ import annotations

import argparse
import re
from collections.abc import Callable
from typing import Any

from .answers import Invalid, parse, suggested_title, title_problems
from .fieldhelp import choices, is_list, short_meaning, vocabulary_of
from .vocabulary import Vocabularies

# (option, field) in the order they are asked: the title last, so that it can be suggested.
OPTIONS = (
    ("year", "year"),
    ("enterprise", "enterprise.name"),
    ("short-name", "enterprise.short_name"),
    ("city", "enterprise.city"),
    ("size", "enterprise.size"),
    ("directions", "directions"),
    ("industries", "industries"),
    ("methods", "methods"),
    ("title", "title"),
)
OPTIONAL = {"enterprise.short_name"}


class Cancelled(Exception):
    """The person stopped answering (Ctrl+C, Ctrl+D)."""


def add_options(parser: argparse.ArgumentParser, leave_out: tuple[str, ...] = ()) -> None:
    for option, path in OPTIONS:
        if option not in leave_out:
            several = "，可填多项，用“、”或逗号分隔" if is_list(path) else ""
            parser.add_argument(f"--{option}", metavar="值", help=f"{short_meaning(path)}{several}")


def from_options(args: argparse.Namespace, vocabularies: Vocabularies) -> tuple[dict[str, Any], list[str]]:
    """The values given as options, and a message for each one that cannot be used."""
    known, problems = {}, []
    year = _given_year(args)
    for option, path in OPTIONS:
        text = getattr(args, option.replace("-", "_"), None)
        if text is None:
            continue
        try:
            known[path] = parse(path, text, vocabularies, year)
        except Invalid as invalid:
            problems.append(f"选项 --{option}：{invalid}")
    case_id = getattr(args, "id", None)
    if case_id is not None:
        if not re.fullmatch(r"SC-\d{4}-\d{3}", case_id):
            problems.append(f"选项 --id：“{case_id}”的格式应为 SC-年份-三位序号，例如 SC-2026-003")
        elif year is not None and str(year) != case_id[3:7]:
            problems.append(f"选项 --id：编号中的年份 {case_id[3:7]} 与 --year {year} 不一致")
        else:
            known["id"] = case_id
    return known, problems


def _given_year(args: argparse.Namespace) -> int | None:
    try:
        return int(parse("year", args.year)) if getattr(args, "year", None) else None
    except Invalid:
        return None


def ask_missing(known: dict[str, Any], vocabularies: Vocabularies,
                ask: Callable[[str], str] = input, say: Callable[[str], None] = print) -> dict[str, Any]:
    """Ask for every essential not known yet; returns all of them."""
    known = dict(known)
    say("新建典型经验记录：逐项回答，输错了会说明原因并重新询问（按 Ctrl+C 取消）。")
    for _, path in OPTIONS:
        if path not in known:
            answer = _ask_one(path, known, vocabularies, ask, say)
            if answer is not None:
                known[path] = answer
    return known


def _ask_one(path: str, known: dict[str, Any], vocabularies: Vocabularies,
             ask: Callable[[str], str], say: Callable[[str], None]) -> Any:
    options = _offered(path, vocabularies, known.get("year"))
    if options:
        say("  可选：" + "  ".join(f"{number}. {label}" for number, label in enumerate(options, start=1)))
    default = suggested_title(known["enterprise.name"], known.get("enterprise.short_name"), known["methods"]) \
        if path == "title" else None
    prompt = _prompt(path, bool(options), default)
    while True:
        try:
            text = ask(prompt).strip()
        except (EOFError, KeyboardInterrupt):
            raise Cancelled from None
        if not text and (path in OPTIONAL or default):
            if path in OPTIONAL:
                return None
            text = default
        try:
            value = parse(path, _numbers_to_labels(text, options), vocabularies, known.get("year"))
            if path == "title":
                _check_title(value, known)
            return value
        except Invalid as invalid:
            say(f"  {invalid}。请重新输入。")


def _offered(path: str, vocabularies: Vocabularies, year: int | None) -> list[str]:
    field = vocabulary_of(path)
    if field:
        return [term.label for term in vocabularies[field].terms if year is None or term.applies_in(year)]
    return choices(path)


def _prompt(path: str, numbered: bool, default: str | None) -> str:
    notes = []
    if numbered:
        notes.append("填名称或编号" + ("，可填多项，用“、”分隔" if is_list(path) else ""))
    if path in OPTIONAL:
        notes.append("可不填，直接回车")
    if default:
        notes.append(f"直接回车即用“{default}”")
    return f"{short_meaning(path)}" + (f"（{'；'.join(notes)}）" if notes else "") + "："


def _numbers_to_labels(text: str, options: list[str]) -> str:
    """Items typed as the numbers shown (“1、3”) become the labels they stand for."""
    if not options:
        return text
    items = [item.strip() for item in text.replace("，", "、").replace(",", "、").split("、")]
    return "、".join(options[int(item) - 1] if item.isdigit() and 1 <= int(item) <= len(options) else item
                    for item in items)


def _check_title(title: str, known: dict[str, Any]) -> None:
    problems = title_problems(title, known.get("enterprise.name"), known.get("enterprise.short_name"))
    if problems:
        raise Invalid(problems[0])
