"""Values typed by people (at a prompt, in an option, in a spreadsheet cell) checked as the record will be.

Each answer is validated with the model's own type for that field, so the rules and the messages are
the checker's. Vocabulary terms may be typed by their alias (“成都”, “精益”): they become the label.
"""

from __future__ import annotations

import re
import unicodedata
from functools import cache
from typing import Annotated, Any

from pydantic import TypeAdapter, ValidationError

from .fieldhelp import choices, field_info, is_list, short_meaning, vocabulary_of
from .model import Case, Enterprise, Recognition, Sharing
from .problems import _schema_message
from .vocabulary import Term, Vocabularies, Vocabulary

_SEPARATORS = re.compile(r"[、，,；;\n]+")


class Invalid(ValueError):
    """An answer that cannot be used; its message is the reason, in Chinese."""


def parse(path: str, text: str, vocabularies: Vocabularies | None = None, year: int | None = None) -> Any:
    """The value a field gets from what was typed; ``Invalid`` with the reason otherwise."""
    text = (text or "").strip()
    field = vocabulary_of(path)
    many = is_list(path)
    if not text:
        raise Invalid(f"{short_meaning(path)}：不能为空")
    value: Any = [item.strip() for item in _SEPARATORS.split(text) if item.strip()] if many else text
    if field and vocabularies is not None:
        vocabulary = vocabularies[field]
        value = _dedupe([_label(vocabulary, item) for item in value]) if many else _label(vocabulary, value)
    try:
        value = _adapter(path).validate_python(value, context={"vocabularies": vocabularies} if vocabularies else None)
    except ValidationError as error:
        raise Invalid(_message(path, error)) from None
    if field == "industries" and vocabularies is not None and year is not None:
        _check_industry_years(value, vocabularies, year)
    return value


@cache
def _adapter(path: str) -> TypeAdapter:
    info = field_info(path)
    return TypeAdapter(Annotated[info.annotation, info])


def _message(path: str, error: ValidationError) -> str:
    item = error.errors(include_url=False)[0]
    if item["type"] in ("value_error", "assertion_error"):
        return str(item["ctx"]["error"])
    if item["type"] == "literal_error":
        return f"{short_meaning(path)}：只能是{'、'.join(choices(path))}"
    return f"{short_meaning(path)}：{_schema_message(item)}"


def resolve(vocabulary: Vocabulary, text: str) -> Term | None:
    """The term written by its label or one of its aliases (any width, any case), if there is one."""
    wanted = unicodedata.normalize("NFKC", text).strip().casefold()
    for term in vocabulary.terms:
        names = (term.label, *term.aliases)
        if any(unicodedata.normalize("NFKC", name).casefold() == wanted for name in names):
            return term
    return None


def _label(vocabulary: Vocabulary, text: str) -> str:
    term = resolve(vocabulary, text)
    if term is None:
        raise Invalid(vocabulary.unknown_label_message(text))
    return term.label


def _dedupe(labels: list[str]) -> list[str]:
    return list(dict.fromkeys(labels))


def _check_industry_years(labels: list[str], vocabularies: Vocabularies, year: int) -> None:
    for label in labels:
        term = vocabularies["industries"][label]
        if not term.applies_in(year):
            raise Invalid(f"行业“{label}”的使用年份为{term.years()}，不适用于 {year} 年认定的案例")


def title_problems(title: str, name: str | None, short_name: str | None) -> list[str]:
    """The model's naming rules (企业+方法+经验) for a title, before the whole record exists."""
    probe = Case.model_construct(
        id="SC-2000-001", year=2000, title=title, metrics=[],
        enterprise=Enterprise.model_construct(name=name or "", short_name=short_name),
        recognition=Recognition.model_construct(status="已认定", notice=True),
        sharing=Sharing.model_construct(consent=True, contact=None))
    return [message for where, message in probe.inconsistencies() if where == ("title",)]


def suggested_title(name: str, short_name: str | None, methods: list[str]) -> str:
    """A title in the form 第八条 asks for, to accept or change: “××公司实施六西格玛的经验”."""
    return f"{short_name or name}实施{'、'.join(methods[:2])}的经验"
