"""The site's languages: Chinese at the root, English under ``/en/``.

Interface text is written in Chinese in the templates and looked up, as a whole message, in the
language's catalog (``casebook/locale/<code>.yaml``); the Chinese text is its own translation. A
record's own text comes from its ``translations`` block, part by part, and falls back to the
Chinese original, which the page then marks as untranslated.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from .model import PARTS, Case
from .vocabulary import Vocabularies

MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
          "October", "November", "December")


@dataclass(frozen=True)
class Language:
    code: str
    """The code of the record's ``translations`` block, the plugin option and the catalog file."""
    hreflang: str
    name: str
    """The language's name in itself, as the language switcher shows it."""
    prefix: str
    """Where its pages live, relative to the site root."""
    locale: str
    messages: dict[str, str] = field(default_factory=dict, repr=False, compare=False)

    @property
    def gap(self) -> str:
        """What separates two sentences: nothing in Chinese, a space in English."""
        return "" if self.code == SOURCE else " "

    @property
    def is_source(self) -> bool:
        """The language the records are written in."""
        return self.code == SOURCE

    def gettext(self, message: str) -> str:
        return self.messages.get(message, message)

    def day(self, value: date) -> str:
        return f"{value.day} {MONTHS[value.month - 1]} {value.year}" if self.code == "en" else value.isoformat()

    def shown(self, value: Any) -> Any:
        """A value as a page shows it: dates in the language's format, everything else as it is."""
        return self.day(value) if isinstance(value, date) else value


@dataclass(frozen=True)
class CaseText:
    """One text of a case in the page's language, or the Chinese original when untranslated."""

    value: str
    lang: str
    translated: bool


SOURCE = "zh"
TRANSLATABLE = ("title", "enterprise_name", *(name for name, _ in PARTS), "highlights")


_LANGUAGES = {
    "zh": Language("zh", "zh-CN", "中文", "", "zh_CN"),
    "en": Language("en", "en", "English", "en/", "en_GB"),
}
LANGUAGE_CODES = tuple(_LANGUAGES)


@cache
def language(code: str) -> Language:
    found = _LANGUAGES[code]
    return found if found.is_source else replace(found, messages=_catalog(code))


def _catalog(code: str) -> dict[str, str]:
    text = (Path(__file__).parent / "locale" / f"{code}.yaml").read_text(encoding="utf-8")
    return yaml.safe_load(text) or {}


def case_text(case: Case, name: str, target: Language) -> CaseText:
    """``name`` is a translatable field: title, enterprise_name, a part or highlights."""
    original = case.enterprise.name if name == "enterprise_name" else getattr(case, name)
    if target.is_source:
        return CaseText(original, SOURCE, True)
    translation = getattr(case.translations, target.code, None) if case.translations else None
    translated = getattr(translation, name, None) if translation else None
    if translated:
        return CaseText(translated, target.code, True)
    return CaseText(original, SOURCE, False)


def term_name(vocabularies: Vocabularies | None, field: str, label: str, target: Language) -> str:
    """A vocabulary term as pages in ``target`` name it: its English name where it has one."""
    if target.is_source or vocabularies is None:
        return label
    return vocabularies[field][label].en or label


def translation_state(case: Case, target: Language) -> str:
    """``"full"``, ``"partial"`` or ``"none"``: whether a notice covers the page or single parts."""
    found = [case_text(case, name, target).translated for name in TRANSLATABLE]
    return "full" if all(found) else ("partial" if any(found) else "none")


@dataclass(frozen=True)
class Alternate:
    """The same page in one of the site's languages."""

    language: Language
    path: str
    """Relative to the root of the current language's pages."""
    url: str
    """Absolute, for ``hreflang`` (empty when the site has no ``site_url``)."""
    current: bool


def alternates(current: Language, page_url: str, site_root: str, codes: list[str]) -> list[Alternate]:
    """The version of the page at ``page_url`` (relative to its language's root) in each of the
    site's languages ``codes``.

    Every page exists in every language, untranslated text falling back to Chinese, so the
    counterpart's address is known without looking.
    """
    up = "../" * current.prefix.count("/")
    found = []
    for code in codes:
        other = language(code)
        url = f"{site_root}{other.prefix}{page_url}" if site_root else ""
        found.append(Alternate(other, up + other.prefix + page_url, url, other == current))
    return found


def theme_globals(target: Language, site_url: str, codes: list[str]) -> dict[str, Any]:
    """What the theme's templates use of the site's languages: their own words in ``target``,
    and the same page in each of the languages ``codes``."""
    site_root = (site_url or "").removesuffix(target.prefix)
    return {"_": target.gettext, "casebook_language": target,
            "alternates": lambda page_url: alternates(target, page_url, site_root, codes)}
