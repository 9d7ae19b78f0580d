"""Golden files for the two transformations: casebook → planned pages → rendered Markdown.

After an intended change, regenerate with ``UPDATE_GOLDEN=1 pytest tests/test_pages_golden.py``
and review the diff of ``tests/golden`` like any other change.
"""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

import pytest
from pydantic import BaseModel

from casebook.model import Case
from casebook.plan import Facet, FacetValue, plan_pages
from casebook.records import load_casebook
from casebook.render import render_pages

FIXTURE = Path(__file__).parent / "fixtures" / "casebook"
GOLDEN = Path(__file__).parent / "golden"


def assert_matches_golden(relative: str, actual: str) -> None:
    path = GOLDEN / relative
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    assert path.is_file(), f"no golden file {path}; run with UPDATE_GOLDEN=1 to create it"
    assert actual == path.read_text(encoding="utf-8"), f"{relative} differs from its golden file"


def summary(value):
    """The planned context with cases, facets and values named by their ids and addresses."""
    if isinstance(value, Case):
        return value.id
    if isinstance(value, FacetValue):
        return {"label": value.label, "uri": value.uri, "cases": summary(value.cases)}
    if isinstance(value, Facet):
        return {"field": value.field, "uri": value.uri, "values": summary(value.values)}
    if isinstance(value, dict):
        return {key: summary(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [summary(item) for item in value]
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    return value


# As the search index would relate them; a revoked case (SC-2021-002) is never shown as related.
RELATED = {"SC-2021-001": ["SC-2022-001", "SC-2021-002"], "SC-2022-001": ["SC-2021-001"]}


@pytest.fixture(scope="module")
def pages():
    return plan_pages(load_casebook(FIXTURE), RELATED, today=date(2026, 11, 25))


def test_plan_matches_golden(pages):
    planned = [{"uri": p.uri, "template": p.template, "title": p.title, "context": summary(p.context)}
               for p in pages]
    assert_matches_golden("plan.json", json.dumps(planned, ensure_ascii=False, indent=1) + "\n")


def test_plan_leaves_out_empty_values_and_revoked_cases(pages):
    uris = {page.uri for page in pages}
    assert "directions/unused.md" not in uris  # a vocabulary value with no case gets no page
    assert "industries/food-beverage.md" not in uris  # its only case is revoked
    assert "cases/SC-2021-002.md" in uris  # the revoked case keeps its address
    revoked = next(p for p in pages if p.uri == "cases/SC-2021-002.md")
    assert revoked.template == "revoked.md.j2"


@pytest.mark.parametrize("uri", [
    "index.md", "cases/index.md", "publicity.md", "revocations.md", "national.md", "years/2021.md", "cases/SC-2021-001.md", "cases/SC-2021-002.md", "cases/SC-2022-001.md",
    "methods/index.md", "methods/six-sigma.md", "industries/equipment.md", "years/index.md", "years/2022.md",
])
def test_rendered_page_matches_golden(pages, uri):
    rendered = {page.uri: page.markdown for page in render_pages(pages)}
    assert_matches_golden(f"pages/{uri}", rendered[uri])
