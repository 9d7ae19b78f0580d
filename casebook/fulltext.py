"""The server-side full-text index: the only module that knows whoosh.

Documents are built from the public case models (never from HTML) and tokenised here by
``tokens`` before whoosh sees them, so the index holds plain space-separated tokens: jieba words
per field for precision, and character pairs for recall where segmentation cuts a phrase
differently in the text than in the query. User text never reaches whoosh's query parser: the
query objects are built from a ``QueryPlan``.

Character pairs keep their positions only in the short title and enterprise fields. In the body,
positions made up half of the index; there a phrase is matched as all of its pairs in one case,
as the static search matches it, and the best matches are then checked for what the user typed,
in order, in their stored text.
"""

from __future__ import annotations

import hashlib
import math
import shutil
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property
from itertools import chain
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.analysis import SpaceSeparatedTokenizer
from whoosh.columns import CompressedBytesColumn
from whoosh.fields import COLUMN, ID, KEYWORD, STORED, TEXT, Schema
from whoosh.query import And, AndMaybe, DefaultOr, Or, Phrase, Prefix, Query, Term

from .documents import HEADLINE_FIELDS, case_texts
from .model import PARTS, Case, is_listed
from .plan import case_url
from .query import QueryPlan, Unit, plan_query
from .searchterms import SearchTerms
from .snippets import Snippet, snippets
from .tokens import Segmenter, bigrams, joined_runs

INDEX_VERSION = "4"
TERMS_FILE = "terms.json"
VERSION_FILE = "version"

# Word fields and how much a match in each counts. The rest of the story is searched by its
# character pairs alone, which match every word in it: segmenting and indexing its words as well
# added more than 40 % to the time to build the index.
WORD_FIELDS = {"title": 4.0, "enterprise": 3.0, "labels": 3.0, "highlights": 2.0, "summary": 2.0, "metrics": 1.5}
PAIR_FIELDS = {"title": 4.0, "enterprise": 3.0, "body": 1.0}
PHRASE_FIELDS = frozenset(HEADLINE_FIELDS)
"""Pair fields with positions, where a phrase must be found in order."""
RECHECKED = 50
"""How many of the best matches are checked for the typed phrases in their text."""
PHRASE_BONUS = 0.5
"""A match holding all typed phrases as they were typed scores this much more; some, that share of it."""
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
        # The searchable text as one run, for finding typed phrases: apart from the stored fields,
        # which would all be read and unpickled for every match checked.
        "joined": COLUMN(CompressedBytesColumn()),
        **{name: KEYWORD(stored=True, commas=True, scorable=True) for name in ("methods", "industries", "directions")},
        **{name: ID(stored=True) for name in ("city", "year", "status")},
        **{f"w_{name}": TEXT(analyzer=tokens, phrase=False) for name in WORD_FIELDS},
        **{f"p_{name}": TEXT(analyzer=tokens, phrase=name in PHRASE_FIELDS) for name in PAIR_FIELDS},
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
    if previous is not None and _reusable(previous, terms):
        shutil.copytree(previous, folder)
        ix = whoosh_index.open_dir(str(folder))
    else:
        folder.mkdir(parents=True)
        ix = whoosh_index.create_in(str(folder), _schema())
    (folder / TERMS_FILE).write_text(terms.to_json(), encoding="utf-8")
    (folder / VERSION_FILE).write_text(INDEX_VERSION, encoding="utf-8")
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


def _reusable(previous: Path, terms: SearchTerms) -> bool:
    """An earlier index can be updated when it used the same vocabulary and has the same fields."""
    return (_read(previous / TERMS_FILE) == terms.to_json() and _read(previous / VERSION_FILE) == INDEX_VERSION
            and whoosh_index.exists_in(str(previous)))


def _read(path: Path) -> str | None:
    return path.read_text(encoding="utf-8") if path.is_file() else None


PARALLEL_FROM = 200
"""From this many documents to (re)index, whoosh writes with two processes: one per core here."""
WRITER_MEMORY_MB = 256
"""Postings each writing process holds before it sorts them out to disk; spilling and merging
them back made up a third of the time to index a thousand cases with whoosh's 128 MB."""


def _write(ix, changes: IndexChanges, wanted: dict[str, tuple[Case, str]], terms: SearchTerms) -> None:
    segmenter = Segmenter(terms)
    many = len(changes.added) + len(changes.updated) >= PARALLEL_FROM
    # Segments stay separate files: whoosh copies each file of a compound segment into memory
    # whenever a search opens it, 30 ms a search at ten thousand cases.
    options = {"limitmb": WRITER_MEMORY_MB, "compound": False}
    writer = ix.writer(procs=2, multisegment=True, **options) if many else ix.writer(**options)
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
    words = {name: segmenter.words(texts[name]) for name in WORD_FIELDS}
    body = "\n".join(text for name, text in texts.items() if name not in HEADLINE_FIELDS)
    return {
        "id": case.id, "digest": digest, "title": case.title, "url": case_url(case),
        "plain": "\n".join(texts[part] for part, _ in PARTS),
        "joined": joined_runs("\n".join(texts.values())).encode("utf-8"),
        "methods": ",".join(case.methods), "industries": ",".join(case.industries),
        "directions": ",".join(case.directions), "city": case.enterprise.city,
        "year": str(case.year), "status": case.recognition.status,
        **{f"w_{name}": " ".join(tokens) for name, tokens in words.items()},
        "p_title": " ".join(bigrams(texts["title"])),
        "p_enterprise": " ".join(bigrams(texts["enterprise"])),
        "p_body": " ".join(bigrams(body)),
    }


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
            self._facet_keys = {docnum: _facet_keys(stored) for docnum, stored in searcher.iter_docs()}

    @cached_property
    def _segmenter(self) -> Segmenter:
        return Segmenter(self.terms)

    @property
    def document_count(self) -> int:
        return len(self._facet_keys)

    def search(self, text: str, filters: dict[str, str] | None = None, page: int = 1, page_size: int = 10) -> SearchResult:
        plan = plan_query(text, self.terms, self._segmenter)
        filters = filters or {}
        if plan.is_empty:
            return SearchResult(plan.text, 0, page, page_size, [], {})
        query = self._query(plan)
        restriction = And([Term(FACETS[name], value) for name, value in sorted(filters.items())]) if filters else None
        start = (page - 1) * page_size
        with self._ix.searcher() as searcher:
            # Every match is scored: whoosh's top-N search saved less than a second pass to list
            # all matches for the facets cost. The facets are counted from the matches' numbers.
            results = searcher.search(query, filter=restriction, limit=None)
            ranked = _rechecked(results[:RECHECKED], plan, searcher.reader().column_reader("joined"))
            ranked += [(hit, hit.score) for hit in results[RECHECKED : start + page_size]]
            hits = [self._hit(hit, score, plan) for hit, score in ranked[start : start + page_size]]
            matched = results.docs()
            return SearchResult(plan.text, len(matched), page, page_size, hits, self._facets(matched))

    def _query(self, plan: QueryPlan) -> Query:
        required = And([self._unit_query(unit) for unit in plan.units])
        if len(plan.units) > 1:
            required = required.accept(_skippable)
        # A phrase that is one of the units' own spellings is already matched by its pairs.
        spellings = {text for unit in plan.units for text in unit.alternatives}
        phrases = [_pairs_query(phrase) for phrase in plan.phrases if len(bigrams(phrase)) > 1 and phrase not in spellings]
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
            options.append(_pairs_query(text))
        return Or(options)

    def _facets(self, docnums: Iterable[int]) -> dict[str, list[tuple[str, int]]]:
        counts = Counter(chain.from_iterable(map(self._facet_keys.__getitem__, docnums)))
        facets: dict[str, list[tuple[str, int]]] = {name: [] for name in FACETS}
        for (name, value), count in counts.items():
            facets[name].append((value, count))
        return {name: sorted(values, key=lambda item: (-item[1], item[0])) for name, values in facets.items()}

    def _hit(self, hit, score: float, plan: QueryPlan) -> Hit:
        stored = hit.fields()
        passages = snippets(stored["plain"], [unit.alternatives for unit in plan.units])
        return Hit(stored["id"], stored["title"], stored["url"], round(score, 3), passages)

    def contents(self) -> Iterator[str]:
        """Every stored value, column value and indexed term: all that the index would reveal to its holder."""
        with self._ix.searcher() as searcher:
            reader = searcher.reader()
            joined = reader.column_reader("joined")
            for docnum, stored in searcher.iter_docs():
                yield from (str(value) for value in stored.values())
                yield joined[docnum].decode("utf-8")
            for _, term in reader.all_terms():
                yield term.decode("utf-8") if isinstance(term, bytes) else str(term)


def _rechecked(best: list, plan: QueryPlan, joined) -> list[tuple]:
    """(hit, score) of the best hits, scored again for the typed phrases found as typed in their
    text. Pairs without positions match a phrase's pairs anywhere in the body; the pairs of
    "FMEA失效" are "fmea" and "失效", which most cases with FMEA hold apart."""
    phrases = [joined_runs(phrase) for phrase in plan.phrases if len(bigrams(phrase)) > 1]
    if not phrases:
        return [(hit, hit.score) for hit in best]

    def score(hit) -> float:
        text = joined[hit.docnum].decode("utf-8")
        return hit.score * (1 + PHRASE_BONUS * sum(phrase in text for phrase in phrases) / len(phrases))

    return sorted(((hit, score(hit)) for hit in best), key=lambda item: -item[1])


def _skippable(query: Query) -> Query:
    """An Or that reads its postings as it goes, so that an And can skip to its rarest part. For a
    segment of up to 5,000 cases whoosh reads and scores an Or's postings all at once: in an And of
    a rare name with "有限公司", every company."""
    return DefaultOr(query.subqueries, boost=query.boost) if type(query) is Or else query


def _pairs_query(text: str) -> Query:
    """All character pairs of ``text``: in order where the field keeps positions, anywhere in the body."""
    pairs = bigrams(text)
    if len(pairs) == 1:
        return Or([Term(f"p_{name}", pairs[0], boost=boost) for name, boost in PAIR_FIELDS.items()])
    return Or([Phrase(f"p_{name}", pairs, boost=boost) if name in PHRASE_FIELDS
               else And([Term(f"p_{name}", pair) for pair in dict.fromkeys(pairs)], boost=boost)
               for name, boost in PAIR_FIELDS.items()])


def _facet_keys(stored: dict) -> tuple[tuple[str, str], ...]:
    """(facet, value) for every facet value of a stored document."""
    return tuple((name, value) for name, field_name in FACETS.items()
                 for value in (stored[field_name].split(",") if field_name in ("methods", "industries", "directions")
                               else [stored[field_name]]))
