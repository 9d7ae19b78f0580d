"""Passages of a case's text around what a query found, with the found words marked."""

from __future__ import annotations

from dataclasses import dataclass

from .tokens import normalise

CONTEXT = 30
MAX_SNIPPETS = 2


@dataclass(frozen=True)
class Snippet:
    text: str
    highlights: list[tuple[int, int]]
    """Start and end of each marked passage in ``text``."""


def snippets(plain: str, units: list[tuple[str, ...]]) -> list[Snippet]:
    """Up to two passages around the first places where each unit (any of its spellings) is found."""
    normalised, origin = _normalised_with_origin(plain)
    found = []
    for alternatives in units:
        spans = [(normalised.find(text), len(text)) for text in alternatives if text in normalised]
        if spans:
            start, length = min(spans)
            found.append((origin[start], origin[start + length - 1] + 1))
    passages: list[Snippet] = []
    for start, end in sorted(found):
        if passages and start < passages[-1].highlights[-1][1] + CONTEXT:
            continue
        passages.append(_snippet(plain, start, end, found))
        if len(passages) == MAX_SNIPPETS:
            break
    return passages


def _snippet(plain: str, start: int, end: int, found: list[tuple[int, int]]) -> Snippet:
    left, right = max(0, start - CONTEXT), min(len(plain), end + CONTEXT)
    prefix = "…" if left else ""
    marks: list[tuple[int, int]] = []
    for s, e in sorted(found):
        if s >= left and e <= right:
            if marks and s - left + len(prefix) <= marks[-1][1]:  # touching passages read as one
                marks[-1] = (marks[-1][0], max(marks[-1][1], e - left + len(prefix)))
            else:
                marks.append((s - left + len(prefix), e - left + len(prefix)))
    text = prefix + plain[left:right].replace("\n", " ") + ("…" if right < len(plain) else "")
    return Snippet(text, marks)


def _normalised_with_origin(text: str) -> tuple[str, list[int]]:
    """The text normalised as queries are, with the offset in the original of every character."""
    pieces, origin = [], []
    for offset, character in enumerate(text):
        folded = normalise(character)
        pieces.append(folded)
        origin += [offset] * len(folded)
    return "".join(pieces), origin
