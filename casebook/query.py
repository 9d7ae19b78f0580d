"""What a user typed, as a plan of units that must all be found. No search engine is involved here.

A unit is one thing the user asked for (a word, a known term, a run of text) with the alternative
spellings that satisfy it: a term from the vocabularies brings all its synonyms (6σ = 六西格玛).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .searchterms import SearchTerms
from .tokens import Segmenter, normalise

MAX_QUERY_CHARS = 100
MAX_UNITS = 12
_SEPARATORS = re.compile(r"[\s\"'`()\[\]{}<>:;,.!?|/\\+*=~^&%$#@，。、；：！？（）【】《》“”‘’]+")


@dataclass(frozen=True)
class Unit:
    alternatives: tuple[str, ...]


@dataclass(frozen=True)
class QueryPlan:
    text: str
    """The normalised query, as it was understood."""
    units: tuple[Unit, ...]
    phrases: tuple[str, ...]
    """The chunks the user typed between spaces: found whole, they rank higher."""

    @property
    def is_empty(self) -> bool:
        return not self.units


def plan_query(raw: str, terms: SearchTerms, segmenter: Segmenter) -> QueryPlan:
    text = normalise(raw)[:MAX_QUERY_CHARS]
    units: list[Unit] = []
    rest_start = 0
    # Known terms first, over the whole text: an alias may hold a space or a slash ("gb/t 19580").
    for match in terms.known_terms.finditer(text) if terms.known_terms else ():
        units += _word_units(text[rest_start : match.start()], terms, segmenter)
        units.append(Unit(terms.synonyms[match.group()]))
        rest_start = match.end()
    units += _word_units(text[rest_start:], terms, segmenter)
    chunks = tuple(chunk for chunk in _SEPARATORS.split(text) if chunk)
    return QueryPlan(" ".join(chunks), tuple(dict.fromkeys(units))[:MAX_UNITS], chunks)


def _word_units(text: str, terms: SearchTerms, segmenter: Segmenter) -> list[Unit]:
    return [Unit(terms.synonyms.get(word, (word,))) for word in segmenter.words(text)]
