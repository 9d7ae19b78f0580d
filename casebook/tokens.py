"""Text as search tokens: normalised words from jieba, and overlapping character bigrams.

Both the index and the queries go through these functions, with the same search vocabulary.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .searchterms import SearchTerms

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_RUN = re.compile(f"[{_CJK}]+|[0-9a-z\u00b5\u00c0-\u024f\u0370-\u03ff]+")
_HAS_CJK = re.compile(f"[{_CJK}]")
_WORDLIKE = re.compile(f"[{_CJK}0-9a-z\u00b5\u00c0-\u024f\u0370-\u03ff]")
STOP_WORDS = frozenset("的 了 和 与 及 或 在 是 对 为 等 中 将 把 被 从 以 并 也 其 该 由 于 而 之 这 那 个 有".split())


def normalise(text: str) -> str:
    """Full-width forms to half-width, compatibility characters unfolded, lower case."""
    return unicodedata.normalize("NFKC", text).lower()


def bigrams(text: str) -> list[str]:
    """Overlapping pairs within each run of Chinese characters; other words whole.

    A run of one Chinese character is kept as it is. Pairs never span two runs, so a phrase
    query over pairs cannot match across punctuation.
    """
    tokens = []
    for run in _RUN.findall(normalise(text)):
        if len(run) > 1 and "\u3400" <= run[0]:
            tokens += [run[i : i + 2] for i in range(len(run) - 1)]
        else:
            tokens.append(run)
    return tokens


def joined_runs(text: str) -> str:
    """The normalised text without what separates its runs: a phrase whose pairs follow each
    other in the text is a substring of it."""
    return "".join(_RUN.findall(normalise(text)))


class Segmenter:
    """jieba with the search vocabulary; one per process is enough (loading takes about a second,
    so it loads when first asked for words: a build that finds them all in its cache never does)."""

    def __init__(self, terms: SearchTerms):
        self._terms = terms
        self.vocabulary = terms.to_json()
        """What it segments by, besides jieba's own dictionary: words cut by it are kept by this."""

    @cached_property
    def _jieba(self):
        import jieba

        logging.getLogger("jieba").setLevel(logging.WARNING)
        tokenizer = jieba.Tokenizer()
        for word, frequency in self._terms.words.items():
            # jieba cuts Latin runs by its dictionary too: "ai" would cut "detail" into pieces.
            if _HAS_CJK.search(word):
                tokenizer.add_word(word, frequency)
        return tokenizer

    def words(self, text: str) -> list[str]:
        """Words of a text, normalised, without punctuation, spaces or stop words."""
        return [w for w in (w.strip() for w in self._jieba.cut(normalise(text)))
                if w and w not in STOP_WORDS and _WORDLIKE.search(w)]
