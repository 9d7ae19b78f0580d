"""The controlled vocabularies (第五条: directions and industries change with policy), kept as data."""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from .problems import Problem, display_path, schema_problems
from .yamlsource import read_yaml


class Term(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", description="网址中的名称，发布后不要修改")
    label: str = Field(min_length=1, description="规范名称，案例记录中填写它")
    en: str | None = Field(None, description="英文名称")
    aliases: tuple[str, ...] = Field((), description="同义写法，检索时视为同一事物")
    from_year: int | None = Field(None, alias="from", description="开始使用的年份（含）")
    until: int | None = Field(None, description="停止使用的年份（含）")

    def applies_in(self, year: int) -> bool:
        return (self.from_year or year) <= year <= (self.until or year)

    def years(self) -> str:
        if self.from_year and self.until:
            return f"{self.from_year}—{self.until} 年"
        if self.from_year:
            return f"{self.from_year} 年起"
        return f"{self.until} 年前" if self.until else ""


@dataclass(frozen=True)
class Dimension:
    """One way of browsing the cases: its record field, URL folder and Chinese name."""

    field: str
    folder: str
    name: str


DIMENSIONS = (
    Dimension("methods", "methods", "方法与技术"),
    Dimension("industries", "industries", "行业"),
    Dimension("directions", "directions", "遴选方向"),
    Dimension("cities", "cities", "市州"),
)


class Vocabulary:
    def __init__(self, dimension: Dimension, terms: list[Term]):
        self.dimension = dimension
        self.terms = terms
        self._by_label = {term.label: term for term in terms}
        self._by_alias = {alias.casefold(): term for term in terms for alias in term.aliases}

    def __getitem__(self, label: str) -> Term:
        return self._by_label[label]

    def __contains__(self, label: str) -> bool:
        return label in self._by_label

    def labels(self) -> list[str]:
        return list(self._by_label)

    def unknown_label_message(self, text: str) -> str:
        meant = self._by_alias.get(text.casefold())
        if meant:
            return f"“{text}”是“{meant.label}”的别称：请写规范名称“{meant.label}”"
        return f"“{text}”不在{self.dimension.name}词表中（词表见 cases/vocabularies/{self.dimension.field}.yaml）"


@dataclass(frozen=True)
class Vocabularies:
    by_field: dict[str, Vocabulary]
    warnings: tuple[Problem, ...] = ()
    """What the site can live with but should not: a term without an English name."""

    def __getitem__(self, field: str) -> Vocabulary:
        return self.by_field[field]

    @cached_property
    def fingerprint(self) -> str:
        """Every term of every vocabulary as text: what a record was checked against."""
        return json.dumps({field: [term.model_dump() for term in vocabulary.terms]
                           for field, vocabulary in sorted(self.by_field.items())}, ensure_ascii=False)


_TERMS = TypeAdapter(list[Term])


def load_vocabularies(folder: Path) -> tuple[Vocabularies | None, list[Problem]]:
    vocabularies, problems, warnings = {}, [], []
    for dimension in DIMENSIONS:
        path = folder / f"{dimension.field}.yaml"
        shown_as = display_path(path)
        if not path.is_file():
            problems.append(Problem(shown_as, 1, 1, f"缺少{dimension.name}词表文件"))
            continue
        document, found = read_yaml(path, shown_as)
        problems += found
        if document is None:
            continue
        try:
            terms = _TERMS.validate_python(document.data)
        except ValidationError as error:
            problems += schema_problems(error, document)
            continue
        problems += _duplicate_names(terms, document)
        warnings += [document.problem((index,), f"警告：词条“{term.label}”没有英文名称（en），英文版网站将显示中文名称")
                     for index, term in enumerate(terms) if not term.en]
        vocabularies[dimension.field] = Vocabulary(dimension, terms)
    return (None if problems else Vocabularies(vocabularies, tuple(warnings))), problems


def _duplicate_names(terms: list[Term], document) -> list[Problem]:
    problems, seen = [], {}
    for index, term in enumerate(terms):
        for name in (term.slug, term.label, *term.aliases):
            key = name.casefold()
            if key in seen and seen[key] != index:
                problems.append(document.problem((index,), f"名称“{name}”与第 {seen[key] + 1} 个词条重复"))
            seen.setdefault(key, index)
    return problems
