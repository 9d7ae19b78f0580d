"""The server-side full-text index: the only module that knows whoosh.

Documents are built from the public case models (never from HTML) and tokenised here by
``tokens`` before whoosh sees them, so the index holds plain space-separated tokens: jieba words
per field for precision, and character pairs for recall where segmentation cuts a phrase
differently in the text than in the query. User text never reaches whoosh's query parser: the
query objects are built from a ``QueryPlan``.
"""

from __future__ import annotations

import hashlib
import math
import shutil
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema
from whoosh.query import And, AndMaybe, Or, Phrase, Prefix, Query, Term

from .documents import HEADLINE_FIELDS, case_texts
from .model import PARTS, Case
from .plan import case_url, is_listed
from .query import QueryPlan, Unit, plan_query
from .searchterms import SearchTerms
from .snippets import Snippet, snippets
from .tokens import Segmenter, bigrams

INDEX_VERSION = "2"
TERMS_FILE = "terms.json"
KEY_TERMS = 12

# Word fields and how much a match in each counts.
WORD_FIELDS = {"title": 4.0, "enterprise": 3.0, "labels": 3.0, "highlights": 2.0, "summary": 2.0, "metrics": 1.5,
               **{part: 1.0 for part, _ in PARTS if part != "summary"}}
PAIR_FIELDS = {"title": 4.0, "enterprise": 3.0, "body": 1.0}
FACETS = {"method": "methods", "industry": "industries", "direction": "directions",
          "city": "city", "year": "year", "status": "status"}
"""Filter and facet names of the search API, and the index fields behind them."""


def _schema() -> Schema:
    tokens = SpaceSeparatedTokenizer()
    fields = {
        "id": ID(stored=True, unique=True),
        "digest": STORED,
        "title": STORED,
        "url": STORED,
        "plain": STORED,
        "key_terms": STORED,
        **{name: KEYWORD(stored=True, commas=True, scorable=True) for name in ("methods", "industries", "directions")},
        **{name: ID(stored=True) for name in ("city", "year", "status")},
        **{f"w_{name}": TEXT(analyzer=tokens, phrase=False) for name in WORD_FIELDS},
        **{f"p_{name}": TEXT(analyzer=tokens, phrase=True) for name in PAIR_FIELDS},
    }
    return Schema(**fields)


# ---------------------------------------------------------------------------------------------
# Building


@dataclass
class IndexChanges:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    unchanged: int = 0

    def __str__(self) -> str:
        return (f"检索索引：新增 {len(self.added)}，更新 {len(self.updated)}，"
                f"删除 {len(self.deleted)}，未变 {self.unchanged}")


def build_index(cases: list[Case], folder: Path, terms: SearchTerms, previous: Path | None = None) -> IndexChanges:
    """Index the listed cases into ``folder``, starting from ``previous`` when it used the same terms."""
    if previous is not None and _same_terms(previous, terms):
        shutil.copytree(previous, folder)
        ix = whoosh_index.open_dir(str(folder))
    else:
        folder.mkdir(parents=True)
        ix = whoosh_index.create_in(str(folder), _schema())
    (folder / TERMS_FILE).write_text(terms.to_json(), encoding="utf-8")
    version = hashlib.sha256(f"{INDEX_VERSION}\n{terms.to_json()}".encode("utf-8")).hexdigest()
    wanted = {case.id: (case, _digest(case, version)) for case in cases if is_listed(case)}
    with ix.searcher() as searcher:
        existing = {stored["id"]: stored["digest"] for stored in searcher.all_stored_fields()}
    changes = IndexChanges(deleted=sorted(set(existing) - set(wanted)))
    changes.added = sorted(set(wanted) - set(existing))
    changes.updated = sorted(i for i in set(wanted) & set(existing) if existing[i] != wanted[i][1])
    changes.unchanged = len(wanted) - len(changes.added) - len(changes.updated)
    if changes.added or changes.updated or changes.deleted:
        _write(ix, changes, wanted, terms)
    return changes


def _same_terms(previous: Path, terms: SearchTerms) -> bool:
    path = previous / TERMS_FILE
    return path.is_file() and path.read_text(encoding="utf-8") == terms.to_json() and whoosh_index.exists_in(str(previous))


PARALLEL_FROM = 200
"""From this many documents to (re)index, whoosh writes with two processes: one per core here."""


def _write(ix, changes: IndexChanges, wanted: dict[str, tuple[Case, str]], terms: SearchTerms) -> None:
    segmenter = Segmenter(terms)
    many = len(changes.added) + len(changes.updated) >= PARALLEL_FROM
    writer = ix.writer(procs=2, multisegment=True) if many else ix.writer()
    try:
        for case_id in changes.deleted + changes.updated:
            writer.delete_by_term("id", case_id)
        for case_id in changes.added + changes.updated:
            case, digest = wanted[case_id]
            writer.add_document(**_document(case, digest, segmenter))
    except BaseException:
        writer.cancel()
        raise
    writer.commit()


def _digest(case: Case, version: str) -> str:
    """Changes when the case, the search vocabulary or the way documents are made changes."""
    return hashlib.sha256(f"{version}\n{case.model_dump_json()}".encode("utf-8")).hexdigest()


def _document(case: Case, digest: str, segmenter: Segmenter) -> dict:
    texts = case_texts(case)
    words = {name: segmenter.words(text) for name, text in texts.items()}
    body = "\n".join(text for name, text in texts.items() if name not in HEADLINE_FIELDS)
    return {
        "id": case.id, "digest": digest, "title": case.title, "url": case_url(case),
        "plain": "\n".join(texts[part] for part, _ in PARTS),
        "key_terms": _key_terms(words),
        "methods": ",".join(case.methods), "industries": ",".join(case.industries),
        "directions": ",".join(case.directions), "city": case.enterprise.city,
        "year": str(case.year), "status": case.recognition.status,
        **{f"w_{name}": " ".join(tokens) for name, tokens in words.items()},
        "p_title": " ".join(bigrams(texts["title"])),
        "p_enterprise": " ".join(bigrams(texts["enterprise"])),
        "p_body": " ".join(bigrams(body)),
    }


def _key_terms(words: dict[str, list[str]]) -> list[str]:
    counts = Counter(w for tokens in words.values() for w in tokens if len(w) > 1)
    return [word for word, _ in counts.most_common(KEY_TERMS)]


# ---------------------------------------------------------------------------------------------
# Searching


class IndexMissing(Exception):
    """No built index where one was expected."""


@dataclass(frozen=True)
class Hit:
    id: str
    title: str
    url: str
    score: float
    snippets: list[Snippet]


@dataclass(frozen=True)
class SearchResult:
    query: str
    total: int
    page: int
    page_size: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]]

    @property
    def pages(self) -> int:
        return math.ceil(self.total / self.page_size)


class FulltextIndex:
    """An index opened for searching; safe to share between threads."""

    def __init__(self, folder: Path):
        if not whoosh_index.exists_in(str(folder)):
            raise IndexMissing(f"{folder} 中没有检索索引：请先运行 casebook build")
        self._ix = whoosh_index.open_dir(str(folder))
        self.terms = SearchTerms.from_json((folder / TERMS_FILE).read_text(encoding="utf-8"))
        with self._ix.searcher() as searcher:
            self._facet_values = {docnum: _facet_values(stored) for docnum, stored in searcher.iter_docs()}

    @cached_property
    def _segmenter(self) -> Segmenter:
        return Segmenter(self.terms)

    @property
    def document_count(self) -> int:
        return len(self._facet_values)

    def search(self, text: str, filters: dict[str, str] | None = None, page: int = 1, page_size: int = 10) -> SearchResult:
        plan = plan_query(text, self.terms, self._segmenter)
        filters = filters or {}
        if plan.is_empty:
            return SearchResult(plan.text, 0, page, page_size, [], {})
        query = self._query(plan)
        restriction = And([Term(FACETS[name], value) for name, value in sorted(filters.items())]) if filters else None
        with self._ix.searcher() as searcher:
            # All matches are scored: the facet counts need them, and a library of ten thousand
            # cases sorts its matches in milliseconds.
            results = searcher.search(query, filter=restriction, limit=None)
            start = (page - 1) * page_size
            hits = [self._hit(hit, plan) for hit in results[start : start + page_size]]
            return SearchResult(plan.text, len(results), page, page_size, hits, self._facets(results.docs()))

    def _query(self, plan: QueryPlan) -> Query:
        required = And([self._unit_query(unit) for unit in plan.units])
        phrases = [_pairs_phrase(phrase) for phrase in plan.phrases if len(bigrams(phrase)) > 1]
        return AndMaybe(required, Or(phrases)) if phrases else required

    def _unit_query(self, unit: Unit) -> Query:
        return Or([self._alternative_query(text) for text in unit.alternatives])

    def _alternative_query(self, text: str) -> Query:
        options: list[Query] = []
        words = self._segmenter.words(text)
        if words:
            options.append(And([Or([Term(f"w_{name}", word, boost=boost) for name, boost in WORD_FIELDS.items()])
                                for word in words]))
        pairs = bigrams(text)
        if len(pairs) == 1 and len(pairs[0]) == 1:
            # A single Chinese character is no pair: it begins one (钢 in 钢材).
            options += [Prefix(f"p_{name}", pairs[0]) for name in PAIR_FIELDS]
        elif pairs:
            options.append(_pairs_phrase(text))
        return Or(options)

    def _facets(self, docnums) -> dict[str, list[tuple[str, int]]]:
        counts = {name: Counter() for name in FACETS}
        for docnum in docnums:
            for name, values in self._facet_values[docnum].items():
                counts[name].update(values)
        return {name: sorted(counter.items(), key=lambda item: (-item[1], item[0])) for name, counter in counts.items()}

    def _hit(self, hit, plan: QueryPlan) -> Hit:
        stored = hit.fields()
        passages = snippets(stored["plain"], [unit.alternatives for unit in plan.units])
        return Hit(stored["id"], stored["title"], stored["url"], round(hit.score, 3), passages)

    def contents(self) -> Iterator[str]:
        """Every stored value and every indexed term: all that the index would reveal to its holder."""
        with self._ix.searcher() as searcher:
            for stored in searcher.all_stored_fields():
                yield from (str(value) for value in stored.values())
            for _, term in searcher.reader().all_terms():
                yield term.decode("utf-8") if isinstance(term, bytes) else str(term)


def _pairs_phrase(text: str) -> Query:
    pairs = bigrams(text)
    return Or([Phrase(f"p_{name}", pairs, boost=boost) if len(pairs) > 1 else Term(f"p_{name}", pairs[0], boost=boost)
               for name, boost in PAIR_FIELDS.items()])


def _facet_values(stored: dict) -> dict[str, list[str]]:
    return {name: stored[field_name].split(",") if field_name in ("methods", "industries", "directions")
            else [stored[field_name]] for name, field_name in FACETS.items()}
