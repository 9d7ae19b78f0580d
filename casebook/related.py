"""Related cases: for each listed case, the few most like it, from the records themselves.

It needs no search index, so the site's pages (which show related cases) can be built while the
index is still being written.
"""

from __future__ import annotations

import heapq
import math
from collections import Counter, defaultdict
from dataclasses import dataclass

from .cache import current
from .model import Case, is_listed
from .tokens import Segmenter

KEY_TERMS = 12


@dataclass(frozen=True)
class _Profile:
    id: str
    methods: frozenset[str]
    industries: frozenset[str]
    key_terms: frozenset[str]


def related_cases(cases: list[Case], segmenter: Segmenter, limit: int = 5) -> dict[str, list[str]]:
    """For every listed case, the cases most like it, most related first.

    A shared method counts 3, a shared industry 2, a shared key term by its rarity. Only cases
    sharing a method and an industry are scored (when they are too few, a method, then an
    industry): scoring every case against every other would grow with the square of the library.
    """
    profiles = [_profile(case, segmenter) for case in sorted(cases, key=lambda case: case.id) if is_listed(case)]
    document_frequency = Counter(term for profile in profiles for term in profile.key_terms)
    rarity = {term: math.log(len(profiles) / count) for term, count in document_frequency.items()}
    by_pair, by_method, by_industry = defaultdict(list), defaultdict(list), defaultdict(list)
    for profile in profiles:
        for industry in profile.industries:
            by_industry[industry].append(profile)
        for method in profile.methods:
            by_method[method].append(profile)
            for industry in profile.industries:
                by_pair[method, industry].append(profile)

    def score(one: _Profile, other: _Profile) -> float:
        return (3 * len(one.methods & other.methods) + 2 * len(one.industries & other.industries)
                + sum(rarity[term] for term in one.key_terms & other.key_terms))

    related = {}
    for profile in profiles:
        candidates = {other.id: other for m in profile.methods for i in profile.industries for other in by_pair[m, i]}
        for wider, keys in ((by_method, profile.methods), (by_industry, profile.industries)):
            if len(candidates) <= limit:
                candidates.update((other.id, other) for key in keys for other in wider[key])
        candidates.pop(profile.id, None)
        best = heapq.nsmallest(limit, candidates.values(), key=lambda other: (-score(profile, other), other.id))
        related[profile.id] = [other.id for other in best]
    return related


def _profile(case: Case, segmenter: Segmenter) -> _Profile:
    """What a reader sees first of a case: its title, highlights and summary, as key words."""
    text = "\n".join((case.title, *case.highlights, case.summary))
    key_terms = current().get("key terms", (text, segmenter.vocabulary), lambda: _key_terms(text, segmenter))
    return _Profile(case.id, frozenset(case.methods), frozenset(case.industries), frozenset(key_terms))


def _key_terms(text: str, segmenter: Segmenter) -> list[str]:
    counts = Counter(word for word in segmenter.words(text) if len(word) > 1)
    return [word for word, _ in counts.most_common(KEY_TERMS)]
