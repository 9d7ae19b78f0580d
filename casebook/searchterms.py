"""The search vocabulary: words the segmenter must keep whole, and groups of synonyms.

It comes from two places: the hand-kept files in ``search/`` and every label and alias of the
vocabularies in ``cases/vocabularies``. A built index keeps a copy (``terms.json``) so that the
queries against it are always segmented and expanded exactly as its documents were.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from pydantic import TypeAdapter, ValidationError

from .problems import Problem, ProblemsFound, display_path, schema_problems
from .tokens import normalise
from .vocabulary import DIMENSIONS, Vocabularies
from .yamlsource import read_yaml

USER_DICTIONARY = "userdict.txt"
SYNONYMS = "synonyms.yaml"
VOCABULARY_WORD_FREQUENCY = 5000


@dataclass(frozen=True)
class SearchTerms:
    words: dict[str, int] = field(default_factory=dict)
    """Normalised word → frequency, for the segmenter."""
    groups: list[list[str]] = field(default_factory=list)
    """Normalised synonym groups; no word is in two groups."""

    @cached_property
    def synonyms(self) -> dict[str, tuple[str, ...]]:
        return {word: tuple(group) for group in self.groups for word in group}

    @cached_property
    def known_terms(self) -> re.Pattern[str] | None:
        """Finds any term with synonyms inside a longer text, longest first."""
        terms = sorted(self.synonyms, key=len, reverse=True)
        return re.compile("|".join(map(_whole_latin, terms))) if terms else None

    def to_json(self) -> str:
        return json.dumps({"words": self.words, "groups": self.groups}, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> SearchTerms:
        data = json.loads(text)
        return cls(data["words"], data["groups"])


def _whole_latin(term: str) -> str:
    """A term's pattern that never matches inside a longer Latin word ("ai" in "detail")."""
    latin = re.compile("[0-9a-z]")
    return ("(?<![0-9a-z])" if latin.match(term[0]) else "") + re.escape(term) + ("(?![0-9a-z])" if latin.match(term[-1]) else "")


def load_search_terms(folder: Path, vocabularies: Vocabularies) -> SearchTerms:
    words = _user_words(folder / USER_DICTIONARY)
    groups = [[term.label, *term.aliases] for d in DIMENSIONS for term in vocabularies[d.field].terms]
    groups += _synonym_groups(folder / SYNONYMS)
    merged = _merge_groups([[normalise(word) for word in group] for group in groups])
    for group in merged:
        for word in group:
            words.setdefault(word, VOCABULARY_WORD_FREQUENCY)
    return SearchTerms(dict(sorted(words.items())), merged)


def _user_words(path: Path) -> dict[str, int]:
    words = {}
    if not path.is_file():
        return words
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        parts = line.split("#", 1)[0].split()
        if not parts:
            continue
        if len(parts) > 2 or (len(parts) == 2 and not parts[1].isdigit()):
            raise ProblemsFound([Problem(display_path(path), number, 1, "每行应为“词 [词频]”，词频是整数")])
        words[normalise(parts[0])] = int(parts[1]) if len(parts) == 2 else 1000
    return words


_GROUPS = TypeAdapter(list[list[str]])


def _synonym_groups(path: Path) -> list[list[str]]:
    if not path.is_file():
        return []
    document, problems = read_yaml(path, display_path(path))
    if document is None:
        raise ProblemsFound(problems)
    try:
        return _GROUPS.validate_python(document.data or [])
    except ValidationError as error:
        raise ProblemsFound(schema_problems(error, document)) from None


def _merge_groups(groups: list[list[str]]) -> list[list[str]]:
    """Groups that share a word become one group, keeping the first-seen order of words."""
    merged: list[list[str]] = []
    for group in groups:
        overlapping = [g for g in merged if set(g) & set(group)]
        combined = [w for g in overlapping for w in g]
        combined += [w for w in group if w not in combined]
        merged = [g for g in merged if g not in overlapping] + [list(dict.fromkeys(combined))]
    return [g for g in merged if len(g) > 1]
