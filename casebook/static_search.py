"""The static search index: in-site search with no server, fetched a few small files per query.

Every listed case is cut into the same character pairs the server index uses. Postings are
spread over shard files by a hash of the token, so a query downloads only the shards of its own
tokens, plus one small file of document titles per hit group. ``casebook-search.js`` reads it.

Layout under ``site/search-index/``::

    meta.json          format, counts, shard count, synonym groups
    service.json       {"service": false}; the search service answers true at the same address
    shards/<n>.json    {token: [doc, weight, doc gap, weight, …]} for tokens hashing to n
    docs/<n>.json      [[id, title, url, enterprise, city, year, status], …] for docs n*DOCS_PER_FILE…
"""

from __future__ import annotations

import json
import math
from collections import Counter, defaultdict
from dataclasses import dataclass
from itertools import chain, repeat
from operator import sub
from pathlib import Path

from .cache import current
from .documents import case_texts
from .language import Language, case_text, language, term_name
from .model import Case, is_listed
from .plan import case_url
from .searchterms import SearchTerms
from .tokens import bigrams
from .vocabulary import Vocabularies

FOLDER = "search-index"
FORMAT = 1
SERVICE_FILE = "service.json"
DOCS_PER_FILE = 128
SHARD_TARGET_BYTES = 48_000
MAX_WEIGHT = 255
# A match in these fields counts as this many matches in the narrative.
FIELD_WEIGHTS = {"title": 8, "enterprise": 6, "labels": 6, "highlights": 3, "summary": 3, "metrics": 2}


def token_hash(token: str) -> int:
    """32-bit FNV-1a over code points; casebook-search.js computes the same."""
    value = 2166136261
    for character in token:
        value = ((value ^ ord(character)) * 16777619) & 0xFFFFFFFF
    return value


@dataclass(frozen=True)
class StaticIndexSize:
    documents: int
    tokens: int
    shards: int
    bytes: int

    def __str__(self) -> str:
        return f"静态检索索引：{self.documents} 条案例，{self.tokens} 个检索单元，{self.shards} 个分片，{self.bytes / 1e6:.1f} MB"


def write_static_index(cases: list[Case], terms: SearchTerms, folder: Path, target: Language | None = None,
                       vocabularies: Vocabularies | None = None) -> StaticIndexSize:
    """The index of one language's pages: their texts, and titles and links as those pages show them."""
    target = target or language("zh")
    listed = sorted((case for case in cases if is_listed(case)), key=lambda case: case.id)
    postings = _postings(listed, target, vocabularies)
    total = sum(len(token) + 4 * len(values) for token, values in postings.items())
    shard_count = 2 ** max(4, math.ceil(math.log2(max(1, total / SHARD_TARGET_BYTES))))
    shards: dict[int, dict[str, list[int]]] = defaultdict(dict)
    for token in sorted(postings):
        shards[token_hash(token) % shard_count][token] = postings[token]
    written = _write_json(folder / "meta.json", {
        "format": FORMAT, "documents": len(listed), "shards": shard_count,
        "docs_per_file": DOCS_PER_FILE, "synonyms": terms.groups,
    })
    written += _write_json(folder / SERVICE_FILE, {"service": False})
    for number in range(shard_count):
        written += _write_json(folder / "shards" / f"{number}.json", shards.get(number, {}))
    for start in range(0, len(listed), DOCS_PER_FILE):
        rows = [_doc_row(case, target, vocabularies) for case in listed[start : start + DOCS_PER_FILE]]
        written += _write_json(folder / "docs" / f"{start // DOCS_PER_FILE}.json", rows)
    return StaticIndexSize(len(listed), len(postings), shard_count, written)


def _postings(listed: list[Case], target: Language, vocabularies: Vocabularies | None) -> dict[str, list[int]]:
    """Each token's documents, as gaps from the previous one, each followed by its weight."""
    postings: defaultdict[str, list[int]] = defaultdict(list)
    for number, case in enumerate(listed):
        tokens, weights = _weighed_tokens(case, target, vocabularies)
        # Appends (number, weight) to the list of each token in one pass in C: ten thousand cases
        # hold some fifteen million of them.
        any(map(list.extend, map(postings.__getitem__, tokens), zip(repeat(number), weights)))
    for entries in postings.values():
        numbers = entries[0::2]
        entries[2::2] = map(sub, numbers[1:], numbers)
    return postings


def _weighed_tokens(case: Case, target: Language, vocabularies: Vocabularies | None) -> tuple[list[str], bytes]:
    texts = case_texts(case, target, vocabularies)
    tokens, weights = current().get("weighed tokens", (target.code, *chain.from_iterable(texts.items())),
                                    lambda: _weighed(texts))
    return tokens.split(_TOKEN_END)[:-1], weights


# Tokens never hold a line break. Kept as one string, ten thousand cases' tokens load from the
# cache four times faster than as a tuple of strings.
_TOKEN_END = "\n"


def _weighed(texts: dict[str, str]) -> tuple[str, bytes]:
    """A case's distinct tokens, each ended by ``_TOKEN_END``, and the weight of each: its
    matches, by the weight of their field."""
    counts: Counter[str] = Counter()
    for name, text in texts.items():
        weight = FIELD_WEIGHTS.get(name, 1)
        # Counter counts a list in C; weighing the distinct tokens after is cheap.
        counts.update({token: n * weight for token, n in Counter(bigrams(text)).items()} if weight > 1
                      else bigrams(text))
    return "".join(token + _TOKEN_END for token in counts), bytes(min(weight, MAX_WEIGHT) for weight in counts.values())


def _doc_row(case: Case, target: Language, vocabularies: Vocabularies | None) -> list:
    return [case.id, case_text(case, "title", target).value, case_url(case),
            case_text(case, "enterprise_name", target).value,
            term_name(vocabularies, "cities", case.enterprise.city, target), case.year, case.recognition.status]


def _write_json(path: Path, data) -> int:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    path.write_text(text, encoding="utf-8")
    return len(text.encode("utf-8"))
