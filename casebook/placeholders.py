"""Placeholders: the marked gaps a generated record leaves for a person to fill.

``casebook new`` and the importers write “【待填写】” wherever they do not know a required value.
The marker is valid YAML and valid text for most fields, so the schema alone would publish it;
the checker therefore reports every value still holding it, at its line and column, instead of
whatever the schema would say about it (“不在市州词表中”, “应为 true 或 false”), so that an
awardee sees one clear message per gap, and a draft is never built or published.
"""

from __future__ import annotations

from typing import Any, Iterator

from .fieldhelp import field_label
from .problems import Problem
from .yamlsource import Document, Location

PLACEHOLDER = "【待填写】"


def placeholder_problems(document: Document) -> list[Problem]:
    """One problem for every value of the document that still holds the placeholder."""
    return [document.problem(location, f"{field_label(location)}：还没有填写，请把“{PLACEHOLDER}”换成实际内容")
            for location in _placeholder_locations(document.data, ())]


def _placeholder_locations(value: Any, location: Location) -> Iterator[Location]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _placeholder_locations(item, location + (key,))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _placeholder_locations(item, location + (index,))
    elif isinstance(value, str) and PLACEHOLDER in value:
        yield location


def with_placeholders(problems: list[Problem], placeholders: list[Problem]) -> list[Problem]:
    """The checker's problems with each placeholder's own message in place of what the schema said there."""
    gaps = {(p.path, p.line, p.col) for p in placeholders}
    return sorted([p for p in problems if (p.path, p.line, p.col) not in gaps] + placeholders)
