"""Which pages the site has, what each shows, and where it lives: a pure function of the casebook.

Pages are addressed by their source path under MkDocs' ``docs_dir`` (``cases/SC-2021-001.md``
is served at ``/cases/SC-2021-001/``), so links between them are checked by MkDocs itself.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import date
from functools import cached_property
from typing import Any

from .model import Case, is_listed
from .records import Casebook
from .vocabulary import DIMENSIONS
from .workdays import publicity_period


@dataclass(frozen=True)
class Page:
    uri: str
    template: str
    title: str
    context: dict[str, Any] = field(default_factory=dict)
    listed: bool = True
    """False for a page that must leave every list, the sitemap included (a revoked case)."""
    updated: date | None = None
    """When the page's content last changed, where the record says so."""


@dataclass(frozen=True)
class FacetValue:
    """One value of a browse dimension (a method, an industry, a year …) and its cases."""

    label: str
    uri: str
    cases: tuple[Case, ...]
    aliases: tuple[str, ...] = ()
    years: tuple[int | None, int | None] = (None, None)
    """The years industrial policy used this name, from and until, where it says so."""
    slug: str = ""
    en: str | None = None
    """The value's name on the English site."""


@dataclass(frozen=True)
class Facet:
    """A browse dimension with the values that have at least one listed case."""

    field: str
    name: str
    uri: str
    values: tuple[FacetValue, ...]

    def value_of(self, label: str) -> FacetValue | None:
        return self._by_label.get(label)

    @cached_property
    def _by_label(self) -> dict[str, FacetValue]:
        return {value.label: value for value in self.values}


ALL_CASES = "cases/index.md"
PUBLICITY = "publicity.md"
REVOCATIONS = "revocations.md"
NATIONAL = "national.md"
STATISTICS = "statistics.md"
EVENTS = "events.md"
CASES_JSON = "api/cases.json"
CASES_SCHEMA = "api/cases.schema.json"


def year_list_files(year: int) -> tuple[str, str]:
    """The year's official list as CSV and JSON."""
    return f"years/{year}.csv", f"years/{year}.json"


def shows_any(page: Page, case_ids: set[str]) -> bool:
    """Whether the page shows any of these cases: the pages an edit to them may change.

    A page shows the cases its context holds, alone or in lists, and those of a browse value
    the page is about; not the cases of every value it only names (a method among a case's facts).
    """
    return any(_holds_any(_opened(value), case_ids) for value in page.context.values())


def _opened(value: Any) -> Any:
    return tuple(getattr(value, held.name) for held in fields(value)) if is_dataclass(value) else value


def _holds_any(value: Any, case_ids: set[str]) -> bool:
    if isinstance(value, Case):
        return value.id in case_ids
    if isinstance(value, dict):
        return any(_holds_any(item, case_ids) for item in value.values())
    if isinstance(value, (list, tuple)):
        return any(_holds_any(item, case_ids) for item in value)
    return False


def case_uri(case: Case) -> str:
    return f"cases/{case.id}.md"


def case_url(case: Case) -> str:
    """The case page's address relative to the site root."""
    return f"cases/{case.id}/"


def recognised_in(cases: list[Case] | tuple[Case, ...], year: int) -> list[Case]:
    """A year's official list (第十条: not those in publicity), in the order of notices, then ids."""
    chosen = [c for c in cases if c.year == year and c.recognition.status == "已认定"]
    return sorted(chosen, key=lambda c: (c.recognition.notice.number, c.id))


def plan_pages(casebook: Casebook, related: dict[str, list[str]] | None = None,
               guides: dict[str, str] | None = None, today: date | None = None) -> list[Page]:
    """Every page. ``related`` maps case ids to related ones; ``guides`` maps a method's slug to
    its hand-written explanation (trusted Markdown), shown above the method's cases; ``today``
    divides events into upcoming and past."""
    listed = sorted((c for c in casebook.cases if is_listed(c)), key=lambda c: (-c.year, c.id))
    facets = browse_facets(casebook, listed)
    by_id = {case.id: case for case in listed}
    featured = [by_id[case_id] for case_id in casebook.promotion.featured]
    pages = [
        _home_page(listed, facets, featured),
        _events_page(casebook.promotion.events, by_id, today or date.today()),
        Page(ALL_CASES, "all_cases.md.j2", "全部案例", {"cases": listed}),
        Page(PUBLICITY, "publicity.md.j2", "公示", {"batches": publicity_batches(listed)}),
        Page(REVOCATIONS, "revocations.md.j2", "撤销公告", {"cases": revocations(casebook.cases)}),
        Page(NATIONAL, "national.md.j2", "推荐全国质量标杆", {"outcomes": national_outcomes(listed)}),
        Page(STATISTICS, "statistics.md.j2", "统计", {"facets": facets, "total": len(listed)}),
    ]
    related = related or {}
    pages += [_case_page(case, facets, [by_id[i] for i in related.get(case.id, ()) if i in by_id])
              for case in casebook.cases]
    for facet in facets:
        pages.append(Page(facet.uri, "facet_index.md.j2", f"按{facet.name}浏览", {"facet": facet}))
        pages += [_value_page(facet, value, guides or {}) for value in facet.values]
    return pages


def browse_facets(casebook: Casebook, listed: list[Case]) -> list[Facet]:
    facets = []
    for dimension in DIMENSIONS:
        by_label: dict[str, list[Case]] = defaultdict(list)
        for case in listed:
            for label in dict.fromkeys(_labels(case, dimension.field)):
                by_label[label].append(case)
        values = tuple(FacetValue(term.label, f"{dimension.folder}/{term.slug}.md", tuple(by_label[term.label]),
                                  term.aliases, (term.from_year, term.until), term.slug, term.en)
                       for term in casebook.vocabularies[dimension.field].terms if by_label[term.label])
        facets.append(Facet(dimension.field, dimension.name, f"{dimension.folder}/index.md", values))
    years = sorted({c.year for c in listed}, reverse=True)
    year_values = tuple(FacetValue(f"{year} 年", f"years/{year}.md", tuple(c for c in listed if c.year == year),
                                   en=str(year))
                        for year in years)
    facets.append(Facet("year", "认定年份", "years/index.md", year_values))
    return facets


def _labels(case: Case, field_name: str) -> list[str]:
    return [case.enterprise.city] if field_name == "cities" else list(getattr(case, field_name))


def publicity_batches(listed: list[Case]) -> list[tuple[tuple[date, date], list[Case]]]:
    """Cases in publicity (第十条), grouped by their period, the latest first."""
    batches: dict[tuple[date, date], list[Case]] = {}
    for case in listed:
        publicity = case.recognition.publicity
        if case.recognition.status == "公示中":
            batches.setdefault(publicity_period(publicity.start, publicity.end), []).append(case)
    return sorted(batches.items(), key=lambda batch: batch[0], reverse=True)


def revocations(cases: list[Case]) -> list[Case]:
    """第十四条: every revoked case, the latest revocation first."""
    revoked = [case for case in cases if not is_listed(case)]
    return sorted(revoked, key=lambda c: (c.recognition.revocation.date, c.id), reverse=True)


NATIONAL_OUTCOMES = ("已入选", "推荐中", "未入选")


def national_outcomes(listed: list[Case]) -> list[tuple[str, list[Case]]]:
    """第十三条: cases recommended to the national level, by outcome, the latest recommendation first."""
    recommended = [case for case in listed if case.recognition.national]
    by_outcome = [(outcome, sorted((c for c in recommended if c.recognition.national.outcome == outcome),
                                   key=lambda c: (-c.recognition.national.year, c.id)))
                  for outcome in NATIONAL_OUTCOMES]
    return [(outcome, cases) for outcome, cases in by_outcome if cases]


def _value_page(facet: Facet, value: FacetValue, guides: dict[str, str]) -> Page:
    if facet.field != "year":
        guide = guides.get(value.slug) if facet.field == "methods" else None
        return Page(value.uri, "facet_value.md.j2", value.label, {"facet": facet, "value": value, "guide": guide})
    year = value.cases[0].year
    official = recognised_in(value.cases, year)
    notices = {}
    for case in official:
        notices.setdefault(case.recognition.notice, []).append(case)
    return Page(value.uri, "year.md.j2", value.label, {
        "facet": facet, "value": value, "year": year, "notices": list(notices.items()),
        "in_publicity": [c for c in value.cases if c.recognition.status == "公示中"],
        "downloads": year_list_files(year) if official else None,
    })


def _events_page(events: list, by_id: dict[str, Case], today: date) -> Page:
    """第十二条: exchange and sharing events, the next ones first, then the past, latest first."""
    def with_cases(event):
        return event, [by_id[case_id] for case_id in event.cases]

    upcoming = [with_cases(e) for e in events if e.date >= today]
    past = [with_cases(e) for e in reversed(events) if e.date < today]
    return Page(EVENTS, "events.md.j2", "交流活动", {"upcoming": upcoming, "past": past})


def _home_page(listed: list[Case], facets: list[Facet], featured: list[Case]) -> Page:
    recognised = [c for c in listed if c.recognition.status == "已认定"]
    latest_year = max((c.year for c in recognised), default=None)
    return Page("index.md", "home.md.j2", "首页", {
        "cases": listed,
        "featured": featured,
        "facets": facets,
        "facet": {f.field: f for f in facets},
        "latest_year": latest_year,
        "latest": [c for c in recognised if c.year == latest_year],
        "publicity": publicity_batches(listed),
    })


def _case_page(case: Case, facets: list[Facet], related: list[Case]) -> Page:
    if not is_listed(case):
        return Page(case_uri(case), "revoked.md.j2", case.title, {"case": case}, listed=False)
    facts = []
    for facet in facets:
        labels = [f"{case.year} 年"] if facet.field == "year" else _labels(case, facet.field)
        facts.append((facet.name, [facet.value_of(label) for label in labels]))
    publicity = case.recognition.publicity
    period = publicity_period(publicity.start, publicity.end) if case.recognition.status == "公示中" else None
    return Page(case_uri(case), "case.md.j2", case.title,
                {"case": case, "facts": facts, "related": related, "publicity_period": period}, updated=case.updated)
