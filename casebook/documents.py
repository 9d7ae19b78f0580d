"""The searchable text of a case, by field: what both search indexes are built from."""

from __future__ import annotations

from .language import Language, case_text
from .model import PARTS, Case
from .render import narrative_html, plain_text
from .vocabulary import Vocabularies

HEADLINE_FIELDS = ("title", "enterprise")


def case_texts(case: Case, target: Language | None = None, vocabularies: Vocabularies | None = None) -> dict[str, str]:
    """Plain text by field; the vocabulary labels are searchable even where the text omits them.

    In another language than Chinese, a field holds its translation *and* the Chinese original:
    readers of the English site find untranslated cases by Chinese words, translated ones by both.
    """
    texts = _source_texts(case)
    if target is None or target.is_source:
        return texts
    translated = {name: _translated(case, name, target) for name in texts}
    if vocabularies is not None:
        translated["labels"] = "\n".join(vocabularies[field][label].en or ""
                                         for field, label in _labels(case))
    return {name: "\n".join(filter(None, (translated.get(name), texts[name]))) for name in texts}


def _source_texts(case: Case) -> dict[str, str]:
    texts = {
        "title": case.title,
        "enterprise": " ".join(filter(None, (case.enterprise.name, case.enterprise.short_name))),
        "labels": "\n".join(label for _, label in _labels(case)),
        "highlights": "\n".join(case.highlights),
        "metrics": "\n".join(f"{m.indicator} {m.unit}" for m in case.metrics),
    }
    texts.update({part: plain_text(narrative_html(getattr(case, part))) for part, _ in PARTS})
    return texts


def _labels(case: Case) -> list[tuple[str, str]]:
    return [*(("methods", m) for m in case.methods), *(("industries", i) for i in case.industries),
            *(("directions", d) for d in case.directions), ("cities", case.enterprise.city)]


_TRANSLATED_FIELDS = {"title": "title", "enterprise": "enterprise_name", "highlights": "highlights",
                      **{part: part for part, _ in PARTS}}


def _translated(case: Case, name: str, target: Language) -> str:
    field = _TRANSLATED_FIELDS.get(name)
    if field is None:
        return ""
    found = case_text(case, field, target)
    if not found.translated:
        return ""
    if field == "highlights":
        return "\n".join(found.value)
    return found.value if field in ("title", "enterprise_name") else plain_text(narrative_html(found.value))


