"""Search quality on the sample cases: recall@10 and MRR of both search modes, at least 0.95.

The queries (tests/search_queries.yaml) were written against the sample cases by reading them:
unspaced phrases, enterprise names, synonyms, method + indicator pairs, mixed Chinese and Latin.
"""

from __future__ import annotations

from pathlib import Path

import yaml
from playwright.sync_api import sync_playwright
from support import launch_chromium, serve_folder

from casebook.fulltext import FulltextIndex

QUERIES = yaml.safe_load((Path(__file__).parent / "search_queries.yaml").read_text(encoding="utf-8"))
THRESHOLD = 0.95


def quality(ranked: dict[str, list[str]]) -> tuple[float, float, list[str]]:
    """recall@10, MRR, and the queries that missed an expected case."""
    recalls, reciprocal_ranks, misses = [], [], []
    for item in QUERIES:
        top = ranked[item["query"]][:10]
        expected = item["expect"]
        found = [case_id for case_id in expected if case_id in top]
        recalls.append(len(found) / len(expected))
        reciprocal_ranks.append(next((1 / (rank + 1) for rank, case_id in enumerate(top) if case_id in expected), 0))
        if len(found) < len(expected):
            misses.append(f"{item['query']} → {top} (应含 {expected})")
    return sum(recalls) / len(recalls), sum(reciprocal_ranks) / len(reciprocal_ranks), misses


def test_the_query_set_is_large_and_varied():
    assert len(QUERIES) >= 40
    assert {item["kind"] for item in QUERIES} >= {"phrase", "enterprise", "synonym", "method_indicator", "mixed"}
    assert all(item["expect"] and len(item["expect"]) <= 10 for item in QUERIES)
    assert not any("SC-2022-004" in item["expect"] for item in QUERIES)  # revoked: never to be found


def test_server_search_quality(sample_site, report):
    index = FulltextIndex(sample_site.resolve().parent / "index")
    ranked = {item["query"]: [hit.id for hit in index.search(item["query"]).hits] for item in QUERIES}
    recall, mrr, misses = quality(ranked)
    report.append(f"检索质量（检索服务，{len(QUERIES)} 个查询）：recall@10 = {recall:.3f}，MRR = {mrr:.3f}")
    assert recall >= THRESHOLD, "\n".join(misses)
    assert mrr >= THRESHOLD - 0.1


def test_static_search_quality(sample_site, report):
    with serve_folder(sample_site) as url, sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        page = browser.new_page()
        page.goto(url + "search/", wait_until="networkidle")
        ranked = page.evaluate("""async (queries) => {
            const ranked = {};
            for (const q of queries) ranked[q] = (await window.casebookSearch.search(q, 1)).hits.map(h => h.id);
            return ranked;
        }""", [item["query"] for item in QUERIES])
        browser.close()
    recall, mrr, misses = quality(ranked)
    report.append(f"检索质量（静态检索，{len(QUERIES)} 个查询）：recall@10 = {recall:.3f}，MRR = {mrr:.3f}")
    assert recall >= THRESHOLD, "\n".join(misses)
    assert mrr >= THRESHOLD - 0.1
