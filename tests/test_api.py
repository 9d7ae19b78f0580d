"""The search service over HTTP: one JSON shape, Chinese 400s, never a 500, bounded work."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import httpx
import pytest
from starlette.testclient import TestClient
from support import serve_app

from casebook.api import create_app
from casebook.build import build_site
from casebook.fulltext import FulltextIndex

ROOT = Path(__file__).parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "casebook"
TIME_BOUND = 3.0


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("api-build")
    build_site(FIXTURE, out, ROOT / "mkdocs.yml")
    return out


@pytest.fixture(scope="module")
def client(out):
    return TestClient(create_app(out, cors_origins=["https://portal.example.gov.cn"]))


def test_a_search_returns_hits_facets_and_paging(client):
    response = client.get("/api/search", params={"q": "六西格玛"})
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"query", "total", "page", "pages", "page_size", "hits", "facets"}
    assert [hit["id"] for hit in body["hits"]] == ["SC-2021-001"]
    hit = body["hits"][0]
    assert hit["url"] == "cases/SC-2021-001/" and hit["score"] > 0 and hit["snippets"][0]["highlights"]
    assert {"value": "六西格玛", "count": 1} in body["facets"]["method"]
    assert (body["total"], body["page"], body["pages"]) == (1, 1, 1)


def test_filters_narrow_the_hits(client):
    body = client.get("/api/search", params={"q": "SPC", "year": "2022", "city": "成都市"}).json()
    assert [hit["id"] for hit in body["hits"]] == ["SC-2022-001"]
    assert client.get("/api/search", params={"q": "SPC", "method": "精益生产"}).json()["total"] == 0


def test_zero_hits_have_the_same_shape(client):
    body = client.get("/api/search", params={"q": "完全不存在的词语组合"}).json()
    assert (body["total"], body["hits"], body["pages"]) == (0, [], 0)
    assert set(body["facets"]) == {"method", "industry", "direction", "city", "year", "status"}


def test_the_site_is_served_beside_the_api(client):
    response = client.get("/cases/SC-2021-001/")
    assert response.status_code == 200 and "甲" in response.text


MALFORMED_QUERIES = [
    'q="六西格玛', "q=(精益", "q=[质量", "q={", "q=AND%20OR", "q=OR", "q=*", "q=SC*", "q=*合格率", "q=field:value",
    "q=year:[2020%20TO%202022]", "q=%5B2020%20TO%202022%5D", "q=%ff", "q=%ff%fe%fd", "q=%00", "q=%E5%85%AD%00%E8%A5%BF",
    "q=%F0%9F%98%80", "q=%F0%9F%98%80%E7%B2%BE%E7%9B%8A", "q=~~~", "q=%5C", "q=title:%3Cscript%3E", "q=NOT%20质量",
    "q=" + "质" * 3_400, "q=" + "a" * 10_000,  # 10 kB each "q=", "q=%20%20", "",
    "q=质量&page=0", "q=质量&page=-1", "q=质量&page=%C2%B2", "q=质量&page=%EF%BC%91", "q=质量&page=99999999999999999999",
    "q=质量&page=1001", "q=质量&page=abc", "q=质量&page=1.5", "q=质量&page=", "q=质量&page=1000",
    "q=质量&year=20x1", "q=质量&year=" + "9" * 100, "q=质量&method=" + "法" * 100, "q=质量&city=%00",
]


@pytest.mark.parametrize("query_string", MALFORMED_QUERIES)
def test_malformed_input_gets_200_or_a_chinese_400_quickly(client, query_string):
    started = time.monotonic()
    response = client.get("/api/search?" + query_string)
    elapsed = time.monotonic() - started
    assert response.status_code in (200, 400), response.text
    assert response.headers["content-type"] == "application/json"
    body = response.json()
    if response.status_code == 400:
        assert body["error"]["code"] == "bad_parameter"
        assert any("\u4e00" <= ch <= "\u9fff" for ch in body["error"]["message"])
    else:
        assert set(body) >= {"hits", "facets", "total"}
    assert elapsed < TIME_BOUND


def test_cors_is_granted_only_to_configured_origins(client):
    allowed = client.get("/api/search?q=质量", headers={"Origin": "https://portal.example.gov.cn"})
    assert allowed.headers["access-control-allow-origin"] == "https://portal.example.gov.cn"
    other = client.get("/api/search?q=质量", headers={"Origin": "https://elsewhere.example.com"})
    assert "access-control-allow-origin" not in other.headers


@pytest.fixture
def slow_service(out, monkeypatch):
    """A real server whose searches take a second each, with one search at a time and a 0.5 s limit."""
    original = FulltextIndex.search
    monkeypatch.setattr(FulltextIndex, "search", lambda self, *a, **k: (time.sleep(1), original(self, *a, **k))[1])
    with serve_app(create_app(out, max_concurrent=1, time_limit=0.5)) as url:
        yield url


def test_searches_beyond_the_bound_are_refused_not_queued(slow_service):
    answers = []

    def ask():
        answers.append(httpx.get(f"{slow_service}api/search", params={"q": "质量"}, timeout=10))

    threads = [threading.Thread(target=ask) for _ in range(4)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
        time.sleep(0.05)
    for thread in threads:
        thread.join()
    assert time.monotonic() - started < TIME_BOUND
    codes = sorted(answer.json()["error"]["code"] for answer in answers)
    assert codes == ["busy", "busy", "busy", "timeout"]
    assert {answer.status_code for answer in answers} == {503}


def run_cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "casebook", *args], capture_output=True, text=True, timeout=120)


def test_the_search_command_for_maintainers(out):
    text = run_cli("search", "统计过程控制", "--build", str(out))
    assert text.returncode == 0 and "SC-2022-001" in text.stdout and "SC-2021-001" in text.stdout
    data = json.loads(run_cli("search", "SPC", "--json", "--filter", "year=2022", "--build", str(out)).stdout)
    assert [hit["id"] for hit in data["hits"]] == ["SC-2022-001"] and data["total"] == 1
    limited = json.loads(run_cli("search", "SPC", "--json", "--limit", "1", "--build", str(out)).stdout)
    assert len(limited["hits"]) == 1 and limited["total"] == 2
    wrong = run_cli("search", "SPC", "--filter", "colour=红", "--build", str(out))
    assert wrong.returncode == 2 and "无法识别的筛选条件：colour" in wrong.stderr and "Traceback" not in wrong.stderr
    missing = run_cli("search", "SPC", "--build", str(out.parent / "nowhere"))
    assert missing.returncode == 1 and "没有检索索引" in missing.stderr and "Traceback" not in missing.stderr
