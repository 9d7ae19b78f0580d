"""Open data for the portal: yearly lists as CSV and JSON, every public case as JSON, feeds, sitemap."""

from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import feedparser
import jsonschema
import pytest

from casebook.records import load_casebook

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def casebook():
    return load_casebook(ROOT / "cases")


def test_a_year_list_opens_as_csv_with_a_bom_for_excel(sample_site, casebook):
    raw = (sample_site / "years" / "2022.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf") and b"\r\n" in raw
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    expected = sorted(c.id for c in casebook.cases if c.year == 2022 and c.recognition.status == "已认定")
    assert sorted(row["案例编号"] for row in rows) == expected
    assert "SC-2022-004" not in expected  # revoked
    assert [row["序号"] for row in rows] == [str(n) for n in range(1, len(rows) + 1)]
    assert all(row["文号"] and row["网址"] == f"cases/{row['案例编号']}/" for row in rows)


def test_no_list_holds_a_case_in_publicity(sample_site):
    assert not (sample_site / "years" / "2026.csv").exists()  # both 2026 cases are in publicity
    year = json.loads((sample_site / "years" / "2025.json").read_text(encoding="utf-8"))
    assert {case["status"] for case in year["cases"]} == {"已认定"}


def test_the_cases_json_validates_against_its_published_schema(sample_site, casebook):
    data = json.loads((sample_site / "api" / "cases.json").read_text(encoding="utf-8"))
    schema = json.loads((sample_site / "api" / "cases.schema.json").read_text(encoding="utf-8"))
    jsonschema.validate(data, schema)
    listed = sorted(c.id for c in casebook.cases if c.recognition.status != "已撤销")
    assert [case["id"] for case in data["cases"]] == listed
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"cases": [{"id": "SC-2021-001"}]}, schema)  # the schema really constrains


def test_the_year_page_prints_the_list_as_the_notice_does(sample_site):
    html = (sample_site / "years" / "2021" / "index.html").read_text(encoding="utf-8")
    assert "四川省经济和信息化厅 川经信质量〔2021〕示例001号" in html
    assert 'href="../2021.csv"' in html and 'href="../2021.json"' in html


@pytest.mark.parametrize("feed", ["feeds/atom.xml", "feeds/rss.xml"])
def test_the_feeds_parse_cleanly_and_report_recognitions_publicity_revocations_and_events(sample_site, feed):
    parsed = feedparser.parse((sample_site / feed).read_bytes())
    assert not parsed.bozo, parsed.get("bozo_exception")
    titles = [entry.title for entry in parsed.entries]
    assert any(title.startswith("认定：") for title in titles)
    assert any(title.startswith("公示：2 项拟认定省质量标杆") for title in titles)
    assert any(title.startswith("撤销：") for title in titles)
    assert sum(title.startswith("交流活动：") for title in titles) == 3
    assert all(entry.link.startswith("https://") for entry in parsed.entries)
    assert len({entry.id for entry in parsed.entries}) == len(parsed.entries)


def test_the_home_page_links_the_feeds_and_the_data(sample_site):
    html = (sample_site / "index.html").read_text(encoding="utf-8")
    assert all(f'href="{target}"' in html for target in ("feeds/atom.xml", "feeds/rss.xml", "api/cases.json", "integration/"))


def test_the_sitemap_lists_listed_pages_with_their_own_dates(sample_site, casebook):
    sitemap = gzip.decompress((sample_site / "sitemap.xml.gz").read_bytes()).decode("utf-8")
    for case in casebook.cases:
        assert (f"/cases/{case.id}/</loc>" in sitemap) == (case.recognition.status != "已撤销")
    assert "<lastmod>2024-03-18</lastmod>" in sitemap  # SC-2021-001's last update
