"""The real records in cases/ are valid and cover what the sample corpus promises."""

from __future__ import annotations

from pathlib import Path

import pytest

from casebook.records import check_casebook

ROOT = Path(__file__).parent.parent
TRADITIONAL = {"轻工", "钢铁", "纺织", "水泥"}


@pytest.fixture(scope="module")
def cases():
    casebook, problems = check_casebook(ROOT / "cases")
    assert problems == [], "\n".join(map(str, problems))
    return casebook.cases


def test_every_sample_record_is_labelled_as_sample(cases):
    assert all(case.sample for case in cases)


def test_the_sample_corpus_covers_every_dimension(cases):
    assert len(cases) >= 24
    directions = {d for case in cases for d in case.directions}
    industries = {i for case in cases for i in case.industries}
    assert len(directions) == 4
    assert {"电子信息", "装备制造", "先进材料", "能源化工"} <= industries
    assert industries & {"食品饮料", "食品轻纺"}
    assert len(industries & TRADITIONAL) >= 2
    assert len({m for case in cases for m in case.methods}) >= 10
    assert len({case.enterprise.city for case in cases}) >= 10
    assert len({case.year for case in cases}) >= 3


def test_the_sample_corpus_has_the_lifecycle_cases(cases):
    statuses = [case.recognition.status for case in cases]
    assert statuses.count("已撤销") >= 1
    assert sum(case.recognition.national is not None for case in cases) >= 2


def test_narratives_have_realistic_length(cases):
    for case in cases:
        for part in ("profile", "background", "overview", "implementation", "effects", "promotion"):
            text = getattr(case, part)
            assert len(text) >= 150 and "\n\n" in text.strip(), (case.id, part)
        assert case.metrics, case.id
