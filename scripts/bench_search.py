#!/usr/bin/env python3
"""Measure the casebook's search at 1,000 and 10,000 cases: static in-site engines and the server index.

Run from the project folder after ``make test`` (which sets up .venv with playwright and installs
Debian's chromium):

    .venv/bin/python scripts/bench_search.py                       # sizes 1000 10000, all engines
    .venv/bin/python scripts/bench_search.py --sizes 1000 --engines ours,server

The figures in BENCHMARKS.md came from three runs into one work folder (a later run on the same N and
seed adds its engines to the earlier run's figures; material at 10,000 needs ~2 minutes and 355 MB per
cold page load, hence the query subset):

    .venv/bin/python scripts/bench_search.py --sizes 1000 --work /tmp/bench2
    .venv/bin/python scripts/bench_search.py --sizes 10000 --engines ours,pagefind,server --work /tmp/bench2
    .venv/bin/python scripts/bench_search.py --sizes 10000 --engines material --material-queries 12 \\
        --cold-queries 1 --timeout 900 --work /tmp/bench2

For every size N the corpus is the 24 sample cases (``cases/20*/`` and ``cases/vocabularies``) plus N
synthetic distractors from ``scripts/synth_cases.py --avoid cases``, numbered around the sample
cases' ids. The queries are ``tests/search_queries.yaml`` ({query, expect, kind}).

Engines (``--engines``, comma-separated):

ours      the normal build (``casebook.build.build_site``) and its static index under search-index/,
          queried with ``window.casebookSearch.search(q, 1)`` in headless Chromium
material  mkdocs-material's own search plugin (lunr, jieba with our user dictionary), driven through
          the theme's search box; built with plain ``mkdocs build`` from a temporary mkdocs.yml
pagefind ``npx pagefind --site`` (npm package pagefind@1, installed into the work folder) over our
          built site, queried through ``/pagefind/pagefind.js``
server    the whoosh index of ``casebook.fulltext`` in-process: build, incremental update, cold start,
          latency of frequent and rare terms, quality

Quality is recall@10 (mean share of expected ids in the first ten) and MRR (mean of 1/rank of the
first expected id), also over the "unambiguous" queries: those no synthetic case contains literally
(every space-separated word, a known term with its synonyms), since the synthetic cases share the
sample cases' vocabulary and many queries rightly match hundreds of them. Cold figures come from a fresh browser context per query on five representative
queries (median). Times are wall-clock (time.perf_counter, or performance.now() in the page from
navigation start). Figures go to WORK/results.json and WORK/report.md, and the tables to stdout.
The browser is always /usr/bin/chromium; nothing is downloaded but the pagefind npm package.
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

sys.path.insert(0, str(ROOT / "tests"))  # the tests' local server and Chromium settings

from support import CHROMIUM, CHROMIUM_ARGS, serve_folder  # noqa: E402
ENGINES = ("ours", "material", "pagefind", "server")
BROWSER_ENGINES = ("ours", "material", "pagefind")
CASE_URL = re.compile(r"/cases/(SC-\d{4}-\d{3})/")
COLD_QUERIES = 5
FREQUENT_TERMS = ["质量", "管理", "提升", "六西格玛", "精益", "合格率", "质量管理体系", "标准化", "数字化", "不良率"]
LATENCY_QUERIES = 200
PAGEFIND_VERSION = "pagefind@1"
UNAMBIGUOUS = "\0unambiguous"


def log(message: str) -> None:
    load = "/".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"[{time.strftime('%H:%M:%S')} 负载 {load}] {message}", flush=True)


# ---------------------------------------------------------------------------------------------
# Corpus


def make_corpus(n: int, seed: int, folder: Path) -> dict:
    """The sample cases plus N synthetic ones, numbered around them, in ``folder``."""
    if folder.exists():
        shutil.rmtree(folder)
    subprocess.run([sys.executable, str(ROOT / "scripts" / "synth_cases.py"), str(n), "--seed", str(seed),
                    "--out", str(folder), "--avoid", str(ROOT / "cases")], check=True, stdout=subprocess.DEVNULL)
    shutil.rmtree(folder / "vocabularies")
    shutil.copytree(ROOT / "cases" / "vocabularies", folder / "vocabularies")
    real = sample_files()
    for path in real:
        target = folder / path.parent.name / path.name
        target.parent.mkdir(exist_ok=True)
        assert not target.exists(), f"{target} 已存在：合成案例与样例案例编号冲突"
        shutil.copy2(path, target)
    return {"synthetic": n, "sample": len(real)}


def sample_files() -> list[Path]:
    return sorted(ROOT.glob("cases/20*/*.yaml"))


def sample_ids() -> set[str]:
    return {path.stem for path in sample_files()}


def load_queries(path: Path) -> list[dict]:
    queries = yaml.safe_load(path.read_text(encoding="utf-8"))
    return [{"query": str(q["query"]), "expect": list(q["expect"]), "kind": str(q.get("kind", "?"))} for q in queries]


def cold_queries(queries: list[dict], count: int = COLD_QUERIES) -> list[str]:
    """One query of each kind, in file order, then the next ones, until ``count``."""
    chosen, kinds = [], set()
    for item in queries:
        if item["kind"] not in kinds and len(chosen) < count:
            chosen.append(item["query"])
            kinds.add(item["kind"])
    chosen += [item["query"] for item in queries if item["query"] not in chosen][: count - len(chosen)]
    return chosen


# ---------------------------------------------------------------------------------------------
# Quality


def count_distractors(cases, terms, queries: list[dict]) -> None:
    """Sets each query's ``distractors``: how many synthetic cases contain every word of it (a known
    term counts with its synonyms). Those are relevant too, and may rightly push a sample case out
    of the first ten; queries with none measure ranking without that ambiguity."""
    from casebook.model import is_listed
    from casebook.tokens import normalise

    samples = sample_ids()
    texts = [normalise(case.model_dump_json()) for case in cases if case.id not in samples and is_listed(case)]
    for item in queries:
        text = normalise(item["query"])
        words = [terms.synonyms[text]] if text in terms.synonyms else [terms.synonyms.get(w, (w,)) for w in text.split()]
        item["distractors"] = sum(1 for text in texts if all(any(alt in text for alt in alts) for alts in words))


def case_ids_in_order(urls: list[str]) -> list[str]:
    ids = []
    for url in urls:
        match = CASE_URL.search(urlsplit(url).path if "://" in url else url)
        if match and match.group(1) not in ids:
            ids.append(match.group(1))
    return ids


def quality(queries: list[dict], ranked: dict[str, list[str]]) -> dict:
    """recall@10 and MRR overall, per kind, and over the queries no synthetic case matches literally
    (``unambiguous``); and the queries that missed an expected case."""
    rows = []
    for item in queries:
        top = ranked.get(item["query"], [])[:10]
        expected = item["expect"]
        recall = sum(1 for case_id in expected if case_id in top) / len(expected)
        rr = next((1 / (rank + 1) for rank, case_id in enumerate(top) if case_id in expected), 0.0)
        rows.append((item, recall, rr, top))
    by_kind = defaultdict(list)
    for item, recall, rr, _ in rows:
        by_kind[item["kind"]].append((recall, rr))
        if item.get("distractors") == 0:
            by_kind[UNAMBIGUOUS].append((recall, rr))
    return {
        "recall": statistics.fmean(r for _, r, _, _ in rows),
        "mrr": statistics.fmean(rr for _, _, rr, _ in rows),
        "kinds": {kind: {"n": len(v), "recall": statistics.fmean(r for r, _ in v), "mrr": statistics.fmean(m for _, m in v)}
                  for kind, v in by_kind.items() if kind != UNAMBIGUOUS},
        "unambiguous": {"n": len(by_kind[UNAMBIGUOUS]),
                        "recall": statistics.fmean(r for r, _ in by_kind[UNAMBIGUOUS]) if by_kind[UNAMBIGUOUS] else None,
                        "mrr": statistics.fmean(m for _, m in by_kind[UNAMBIGUOUS]) if by_kind[UNAMBIGUOUS] else None},
        "per_query": {item["query"]: {"top": top, "recall": recall, "rr": rr} for item, recall, rr, top in rows},
        "misses": [{"query": item["query"], "expect": item["expect"], "top": top, "recall": recall,
                    "distractors": item.get("distractors")}
                   for item, recall, _, top in rows if recall < 1],
    }


# ---------------------------------------------------------------------------------------------
# Serving and the browser


@contextlib.contextmanager
def chromium():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise SystemExit(f"没有 {CHROMIUM}：请先运行 make test（它会安装 Debian 的 chromium）")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


def timing_script(hit: str, answer: str, message: str = "", message_text: str = "") -> str:
    """Records, in ms from navigation start, when the first hit appears (window.__first) and when
    any answer does (window.__answered): a hit, the ``answer`` element, or ``message`` showing ``message_text``."""
    return textwrap.dedent(f"""
        (() => {{
          const answered = () => document.querySelector({json.dumps(hit)}) || document.querySelector({json.dumps(answer)})
            || ({json.dumps(message)} && (document.querySelector({json.dumps(message or "x")}) || {{}}).textContent?.includes({json.dumps(message_text)}));
          const check = () => {{
            const now = performance.now();
            if (window.__first === undefined && document.querySelector({json.dumps(hit)})) window.__first = now;
            if (window.__answered === undefined && answered()) window.__answered = now;
          }};
          new MutationObserver(check).observe(document, {{subtree: true, childList: true, characterData: true}});
        }})();
    """)


def wait_for_answer(page, timeout_ms: float) -> dict:
    page.wait_for_function("() => window.__answered !== undefined", timeout=timeout_ms)
    page.wait_for_load_state("networkidle")
    return page.evaluate("({first: window.__first ?? null, answered: window.__answered})")


class Recorder:
    """Every finished request of a browser context, with its response body size."""

    def __init__(self, context):
        self.requests = []
        context.on("requestfinished", lambda request: self.requests.append(request))

    def bytes(self, matches=lambda path: True) -> tuple[int, list[str]]:
        total, paths = 0, []
        for request in self.requests:
            path = unquote(urlsplit(request.url).path)
            if matches(path):
                total += max(0, request.sizes()["responseBodySize"])
                paths.append(path)
        return total, paths


def gzip_bytes(site: Path, paths: list[str]) -> int:
    """What the same files would weigh gzip-compressed (level 6), as nginx would send them."""
    total = 0
    for path in paths:
        file = site / path.lstrip("/")
        if file.is_dir():
            file = file / "index.html"
        if file.is_file():
            total += len(gzip.compress(file.read_bytes(), 6))
    return total


def folder_size(folder: Path) -> tuple[int, int]:
    files = [p for p in folder.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files), len(files)


def cold_summary(runs: list[dict]) -> dict:
    def median(key):
        values = [run[key] for run in runs if run.get(key) is not None]
        return statistics.median(values) if values else None

    return {"queries": len(runs), "with_hits": sum(1 for run in runs if run.get("ms_to_first_hit") is not None),
            **{key: median(key) for key in runs[0] if key != "query"}, "runs": runs}


# ---------------------------------------------------------------------------------------------
# ours: the normal build and its static index


def build_ours(corpus: Path, out: Path) -> dict:
    from casebook.build import build_site

    started = time.perf_counter()
    site = build_site(corpus, out, ROOT / "mkdocs.yml")
    seconds = time.perf_counter() - started
    size, files = folder_size(site / "search-index")
    return {"build_seconds": seconds, "site": str(site.resolve()), "index_bytes": size, "index_files": files}


def time_static_index_alone(cases, terms, folder: Path) -> float:
    from casebook.static_search import write_static_index

    started = time.perf_counter()
    write_static_index(cases, terms, folder)
    return time.perf_counter() - started


OURS_QUERIES_JS = """async (queries) => {
  const out = {};
  for (const q of queries) {
    const t0 = performance.now();
    const r = await window.casebookSearch.search(q, 1);
    out[q] = {ms: performance.now() - t0, ids: r.hits.map(h => h.id), total: r.total};
  }
  return out;
}"""


def ours_quality(browser, base: str, queries: list[dict]) -> tuple[dict, dict]:
    page = browser.new_page()
    page.goto(base + "search/", wait_until="networkidle")
    answers = page.evaluate(OURS_QUERIES_JS, [item["query"] for item in queries])
    page.close()
    return {q: a["ids"] for q, a in answers.items()}, answers


def ours_cold(browser, base: str, site: Path, query: str, timeout_ms: float) -> dict:
    context = browser.new_context(locale="zh-CN")
    recorder = Recorder(context)
    # The page always shows its result list (possibly empty) once it has an answer.
    context.add_init_script(timing_script(".cb-hit", "#cb-results .cb-hits", "#cb-status", "不可用"))
    page = context.new_page()
    page.goto(f"{base}search/?q={quote(query)}", wait_until="domcontentloaded")
    times = wait_for_answer(page, timeout_ms)
    is_search = lambda path: "/search-index/" in path  # noqa: E731
    search_bytes, paths = recorder.bytes(is_search)
    total, _ = recorder.bytes()
    context.close()
    return {"query": query, "ms_to_first_hit": times["first"], "ms_to_answer": times["answered"],
            "search_bytes": search_bytes,
            "search_bytes_gzip": gzip_bytes(site, paths), "search_files": len(paths), "page_bytes": total}


# ---------------------------------------------------------------------------------------------
# material: the theme's own search (lunr + jieba with our dictionary)


def material_config(corpus: Path, work: Path, terms) -> Path:
    """A mkdocs.yml that inherits the project's and turns the theme's search back on."""
    userdict = work / "jieba-userdict.txt"
    userdict.write_text("".join(f"{word} {freq}\n" for word, freq in terms.words.items() if " " not in word),
                        encoding="utf-8")
    theme = work / "theme"
    if theme.exists():
        shutil.rmtree(theme)
    # Without the project's header.html the theme's own header, with its search box, is back.
    shutil.copytree(ROOT / "casebook" / "theme", theme, ignore=lambda d, names: [n for n in names if n == "header.html"])
    config = {
        "INHERIT": str(ROOT / "mkdocs.yml"),
        "docs_dir": str(ROOT / "content"),
        "theme": {"custom_dir": str(theme)},
        "watch": [str(corpus), str(ROOT / "casebook")],
        "extra_css": ["assets/stylesheets/casebook.css"],
        "extra_javascript": ["assets/javascripts/casebook-search.js"],
        "plugins": [
            {"casebook": {"cases": str(corpus), "search_vocabulary": str(ROOT / "search")}},
            {"search": {"lang": "zh", "jieba_dict_user": str(userdict)}},
        ],
    }
    path = work / "mkdocs-material-search.yml"
    path.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def build_material(corpus: Path, work: Path, terms) -> dict:
    """Plain ``mkdocs build`` with the theme's search plugin; its time includes rendering every page."""
    work.mkdir(parents=True, exist_ok=True)
    config = material_config(corpus, work, terms)
    site = work / "site"
    if site.exists():
        shutil.rmtree(site)
    started = time.perf_counter()
    subprocess.run([str(Path(sys.executable).with_name("mkdocs")), "build", "-q", "-f", str(config), "-d", str(site)],
                   check=True, cwd=work, env={**os.environ, "NO_MKDOCS_2_WARNING": "1"})
    seconds = time.perf_counter() - started
    index = site / "search" / "search_index.json"
    docs = json.loads(index.read_text(encoding="utf-8"))["docs"]
    return {"build_seconds": seconds, "site": str(site), "index_bytes": index.stat().st_size,
            "index_files": 1, "index_entries": len(docs)}


MATERIAL_STATE_JS = """() => {
  const items = [...document.querySelectorAll('.md-search-result__item')];
  const meta = document.querySelector('.md-search-result__meta');
  return {n: items.length, meta: meta ? meta.textContent.trim() : '',
          hrefs: items.map(li => (li.querySelector('a') || {}).href || '')};
}"""


def material_settled(page, timeout_s: float, stable_s: float = 0.5) -> dict:
    """The result list once its count stayed the same for ``stable_s``, or the no-result message."""
    deadline = time.perf_counter() + timeout_s
    last, since = None, time.perf_counter()
    while time.perf_counter() < deadline:
        state = page.evaluate(MATERIAL_STATE_JS)
        if "没有找到" in state["meta"]:
            return state
        busy = state["n"] == 0 or "初始化" in state["meta"] or "键入" in state["meta"]
        if busy or state["n"] != last:
            last, since = (None if busy else state["n"]), time.perf_counter()
        elif time.perf_counter() - since >= stable_s:
            return state
        time.sleep(0.1)
    raise TimeoutError(f"material 检索结果在 {timeout_s} 秒内未稳定：{state['meta']!r}")


def material_more(page, state: dict, wanted: int = 10, rounds: int = 5) -> dict:
    """Scrolls the result list so that the theme renders more items, until ``wanted`` case pages."""
    for _ in range(rounds):
        if len(case_ids_in_order(state["hrefs"])) >= wanted or "没有找到" in state["meta"]:
            break
        before = state["n"]
        page.evaluate("() => { const w = document.querySelector('.md-search__scrollwrap'); if (w) w.scrollTop = w.scrollHeight; }")
        time.sleep(0.3)
        state = page.evaluate(MATERIAL_STATE_JS)
        if state["n"] == before:
            break
    return state


def enter_query(box, text: str) -> None:
    """The whole query at once, as an input method commits it; the theme searches on keyup."""
    box.fill(text)
    box.press("End")


def material_query(page, query: str, timeout_s: float) -> dict:
    box = page.locator("input.md-search__input")
    box.click()
    enter_query(box, "")
    page.wait_for_function("() => document.querySelectorAll('.md-search-result__item').length === 0")
    started = time.perf_counter()
    enter_query(box, query)
    state = material_settled(page, timeout_s)
    seconds = time.perf_counter() - started
    top10 = case_ids_in_order(state["hrefs"][:10])
    more = material_more(page, state)
    return {"ids": top10, "case_ids": case_ids_in_order(more["hrefs"])[:10], "items": state["n"],
            "non_case_in_top10": sum(1 for h in state["hrefs"][:10] if not CASE_URL.search(h)),
            "settle_seconds": seconds, "meta": state["meta"]}


def material_quality(browser, base: str, queries: list[dict], timeout_s: float) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.goto(base, wait_until="networkidle", timeout=timeout_s * 1000)
    answers = {}
    for number, item in enumerate(queries, 1):
        answers[item["query"]] = material_query(page, item["query"], timeout_s)
        if number % 10 == 0:
            log(f"  material：已检索 {number}/{len(queries)} 个查询")
    context.close()
    return answers


def material_cold(browser, base: str, site: Path, query: str, timeout_ms: float) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    recorder = Recorder(context)
    context.add_init_script(timing_script(".md-search-result__item", ".md-search-result__item",
                                          ".md-search-result__meta", "没有找到"))
    page = context.new_page()
    page.goto(base, wait_until="domcontentloaded")
    box = page.locator("input.md-search__input")
    box.click()
    typed = page.evaluate("performance.now()")
    enter_query(box, query)
    times = wait_for_answer(page, timeout_ms)
    is_search = lambda path: path.endswith("search/search_index.json") or "/workers/search" in path or "/lunr/" in path  # noqa: E731
    search_bytes, paths = recorder.bytes(is_search)
    total, _ = recorder.bytes()
    context.close()
    return {"query": query, "ms_to_first_hit": times["first"], "ms_to_answer": times["answered"],
            "ms_after_typing": times["answered"] - typed,
            "search_bytes": search_bytes, "search_bytes_gzip": gzip_bytes(site, paths), "search_files": len(paths),
            "page_bytes": total}


# ---------------------------------------------------------------------------------------------
# pagefind, over our built site


def install_pagefind(work: Path) -> Path:
    folder = work / "pagefind-npm"
    if not (folder / "node_modules" / ".bin" / "pagefind").exists():
        folder.mkdir(parents=True, exist_ok=True)
        if not (folder / "package.json").exists():
            (folder / "package.json").write_text('{"name": "bench-pagefind", "private": true}\n', encoding="utf-8")
        log(f"npm install {PAGEFIND_VERSION}")
        subprocess.run(["npm", "install", "--no-audit", "--no-fund", "--silent", PAGEFIND_VERSION], cwd=folder, check=True)
    return folder


def build_pagefind(npm_folder: Path, site: Path) -> dict:
    """``npx pagefind --site SITE`` (the npm package runs pagefind_extended: Chinese segmentation)."""
    if (site / "pagefind").exists():
        shutil.rmtree(site / "pagefind")
    started = time.perf_counter()
    done = subprocess.run(["npx", "--no-install", "pagefind", "--site", str(site)], cwd=npm_folder,
                          check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - started
    version = subprocess.run(["npx", "--no-install", "pagefind", "--version"], cwd=npm_folder,
                             capture_output=True, text=True).stdout.strip()
    size, files = folder_size(site / "pagefind")
    pages = re.search(r"Indexed (\d+) pages?", done.stdout)
    return {"build_seconds": seconds, "index_bytes": size, "index_files": files, "version": version,
            "pages": int(pages.group(1)) if pages else None}


PAGEFIND_QUERIES_JS = """async (queries) => {
  const pf = await import('/pagefind/pagefind.js');
  await pf.init();
  const out = {};
  for (const q of queries) {
    const t0 = performance.now();
    const r = await pf.search(q);
    const data = await Promise.all(r.results.slice(0, 10).map(x => x.data()));
    const ms = performance.now() - t0;
    const extra = await Promise.all(r.results.slice(10, 40).map(x => x.data()));
    out[q] = {ms, urls: data.map(d => d.url), more: extra.map(d => d.url), total: r.results.length};
  }
  return out;
}"""

PAGEFIND_COLD_JS = """async (q) => {
  const t0 = performance.now();
  const pf = await import('/pagefind/pagefind.js');
  await pf.init();
  const r = await pf.search(q);
  const data = await Promise.all(r.results.slice(0, 10).map(x => x.data()));
  return {t0, t1: performance.now(), n: data.length};
}"""


def pagefind_quality(browser, base: str, queries: list[dict]) -> dict:
    page = browser.new_page()
    page.goto(base + "search/", wait_until="networkidle")
    answers = page.evaluate(PAGEFIND_QUERIES_JS, [item["query"] for item in queries])
    page.close()
    for answer in answers.values():
        answer["ids"] = case_ids_in_order(answer["urls"])
        answer["case_ids"] = case_ids_in_order(answer["urls"] + answer["more"])[:10]
        answer["non_case_in_top10"] = sum(1 for url in answer["urls"] if not CASE_URL.search(url))
    return answers


def pagefind_cold(browser, base: str, site: Path, query: str, timeout_ms: float) -> dict:
    context = browser.new_context(locale="zh-CN")
    recorder = Recorder(context)
    page = context.new_page()
    page.set_default_timeout(timeout_ms)
    page.goto(base + "search/", wait_until="domcontentloaded")
    timing = page.evaluate(PAGEFIND_COLD_JS, query)
    page.wait_for_load_state("networkidle")
    search_bytes, paths = recorder.bytes(lambda path: "/pagefind/" in path)
    total, _ = recorder.bytes()
    context.close()
    return {"query": query, "ms_to_first_hit": timing["t1"] if timing["n"] else None, "ms_to_answer": timing["t1"],
            "ms_after_typing": timing["t1"] - timing["t0"], "search_bytes": search_bytes,
            "search_bytes_gzip": gzip_bytes(site, paths), "search_files": len(paths), "page_bytes": total}


# ---------------------------------------------------------------------------------------------
# server: the whoosh index, in-process


def time_server_index_build(cases, terms, folder: Path) -> tuple[float, str]:
    from casebook.fulltext import build_index

    started = time.perf_counter()
    changes = build_index(cases, folder, terms)
    return time.perf_counter() - started, str(changes)


def time_incremental_updates(cases, terms, previous: Path, work: Path) -> dict:
    """build_index from the previous index after changing one synthetic record, and after none."""
    from casebook.fulltext import build_index

    samples = sample_ids()
    target = next(i for i, case in enumerate(cases) if case.id not in samples)
    changed = list(cases)
    changed[target] = cases[target].model_copy(update={"summary": cases[target].summary + "\n\n本段为基准测试所加的一句修改。"})
    figures = {"changed_id": cases[target].id}
    for name, records in (("one_changed", changed), ("none_changed", cases)):
        folder = work / f"server-index-{name}"
        if folder.exists():
            shutil.rmtree(folder)
        started = time.perf_counter()
        changes = build_index(records, folder, terms, previous=previous)
        figures[f"{name}_seconds"] = time.perf_counter() - started
        figures[f"{name}_changes"] = str(changes)
    return figures


SERVER_COLD_START = """
import json, sys, time
t0 = time.perf_counter()
from pathlib import Path
from casebook.fulltext import FulltextIndex
t1 = time.perf_counter()
index = FulltextIndex(Path(sys.argv[1]))
t2 = time.perf_counter()
result = index.search(sys.argv[2])
t3 = time.perf_counter()
index.search(sys.argv[2])
t4 = time.perf_counter()
print(json.dumps({"import_seconds": t1 - t0, "open_seconds": t2 - t1, "first_query_seconds": t3 - t2,
                  "second_query_seconds": t4 - t3, "open_and_first_query_seconds": t3 - t1, "hits": result.total}))
"""


def time_server_cold_start(folder: Path, query: str) -> dict:
    """A fresh Python process: import, open the index, run the first query (the OS file cache is warm)."""
    done = subprocess.run([sys.executable, "-c", SERVER_COLD_START, str(folder), query], check=True,
                          capture_output=True, text=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def time_queries(index, terms: list[str], count: int = LATENCY_QUERIES) -> dict:
    """p50/p95 of ``count`` searches cycling through ``terms`` (after one untimed pass)."""
    totals = {term: index.search(term).total for term in terms}
    seconds = []
    for number in range(max(count, len(terms))):
        term = terms[number % len(terms)]
        started = time.perf_counter()
        index.search(term)
        seconds.append(time.perf_counter() - started)
    cuts = statistics.quantiles(seconds, n=100, method="inclusive")
    return {"queries": len(seconds), "terms": len(terms), "p50_ms": 1000 * statistics.median(seconds),
            "p95_ms": 1000 * cuts[94], "max_ms": 1000 * max(seconds),
            "median_hits": statistics.median(totals.values()), "min_hits": min(totals.values()),
            "max_hits": max(totals.values())}


def rare_terms(cases, queries: list[dict]) -> list[str]:
    """Enterprise names of the sample cases and the query set's enterprise queries: a few hits each."""
    samples = sample_ids()
    names = [case.enterprise.short_name or case.enterprise.name for case in cases if case.id in samples]
    names += [q["query"] for q in queries if q["kind"] == "enterprise"]
    return list(dict.fromkeys(n for n in names if n))


def server_quality(index, queries: list[dict]) -> dict[str, list[str]]:
    return {item["query"]: [hit.id for hit in index.search(item["query"]).hits] for item in queries}


# ---------------------------------------------------------------------------------------------
# One size


def measure_size(n: int, args, queries: list[dict]) -> dict:
    from casebook.records import load_casebook
    from casebook.searchterms import load_search_terms

    work = args.work / str(n)
    work.mkdir(parents=True, exist_ok=True)
    figures: dict = {"n": n, "queries": len(queries), "engines": {}}
    timeout_ms = args.timeout * 1000

    log(f"N={n}：生成语料（{n} 条合成 + 样例案例）")
    figures["corpus"] = make_corpus(n, args.seed, work / "cases")
    started = time.perf_counter()
    casebook = load_casebook(work / "cases")
    figures["corpus"]["load_seconds"] = time.perf_counter() - started
    figures["corpus"]["cases"] = len(casebook.cases)
    terms = load_search_terms(ROOT / "search", casebook.vocabularies)
    log(f"N={n}：{len(casebook.cases)} 条案例，读取用时 {figures['corpus']['load_seconds']:.1f} 秒")
    queries = [dict(item) for item in queries]
    count_distractors(casebook.cases, terms, queries)
    figures["distractors"] = {item["query"]: item["distractors"] for item in queries}
    log(f"N={n}：{sum(1 for q in queries if q['distractors'] == 0)} 个查询没有字面上也匹配的合成案例")
    cold = cold_queries(queries, args.cold_queries)
    figures["cold_queries"] = cold

    site = None
    if {"ours", "pagefind"} & set(args.engines):
        out = work / "out"
        if out.exists():
            shutil.rmtree(out)
        log(f"N={n}：ours：build_site …")
        ours = build_ours(work / "cases", out)
        site = Path(ours["site"])
        ours["static_index_alone_seconds"] = time_static_index_alone(casebook.cases, terms, work / "static-index-alone")
        shutil.rmtree(work / "static-index-alone")
        log(f"N={n}：ours：生成 {ours['build_seconds']:.1f} 秒，静态索引 {ours['index_bytes'] / 1e6:.1f} MB")
        figures["engines"]["ours"] = ours

    if "pagefind" in args.engines:
        npm_folder = install_pagefind(args.work)
        log(f"N={n}：pagefind：建索引 …")
        figures["engines"]["pagefind"] = build_pagefind(npm_folder, site)
        log(f"N={n}：pagefind：{figures['engines']['pagefind']['build_seconds']:.1f} 秒")

    if "material" in args.engines:
        log(f"N={n}：material：mkdocs build（search 插件，jieba 用户词典）…")
        figures["engines"]["material"] = build_material(work / "cases", work / "material", terms)
        log(f"N={n}：material：{figures['engines']['material']['build_seconds']:.1f} 秒")

    browser_engines = [e for e in BROWSER_ENGINES if e in args.engines]
    if browser_engines:
        with chromium() as browser:
            if "ours" in browser_engines:
                recording_errors(measure_ours_in_browser, browser, site, queries, cold, timeout_ms, figures["engines"]["ours"], n)
            if "pagefind" in browser_engines:
                recording_errors(measure_pagefind_in_browser, browser, site, queries, cold, timeout_ms,
                                 figures["engines"]["pagefind"], n)
            if "material" in browser_engines:
                recording_errors(measure_material_in_browser, browser, queries, cold, args, figures["engines"]["material"], n)

    if "server" in args.engines:
        figures["engines"]["server"] = measure_server(casebook, terms, queries, work, n)
    return figures


def recording_errors(measure, *args) -> None:
    """Runs one engine's browser measurement; a failure (timeout, crashed tab) is recorded, not fatal."""
    figures = args[-2]
    try:
        measure(*args)
    except Exception as error:  # noqa: BLE001 - any failure of the browser is a result to report
        figures["error"] = f"{type(error).__name__}: {str(error).splitlines()[0] if str(error) else ''}"
        log(f"  失败：{figures['error']}")


def measure_ours_in_browser(browser, site: Path, queries, cold, timeout_ms, figures: dict, n: int) -> None:
    with serve_folder(site) as base:
        log(f"N={n}：ours：{len(queries)} 个查询的质量")
        ranked, answers = ours_quality(browser, base, queries)
        figures["quality"] = quality(queries, ranked)
        figures["warm_query_ms"] = statistics.median(a["ms"] for a in answers.values())
        log(f"N={n}：ours：冷启动 {len(cold)} 次")
        figures["cold"] = cold_summary([ours_cold(browser, base, site, q, timeout_ms) for q in cold])


def measure_pagefind_in_browser(browser, site: Path, queries, cold, timeout_ms, figures: dict, n: int) -> None:
    with serve_folder(site) as base:
        log(f"N={n}：pagefind：{len(queries)} 个查询的质量")
        answers = pagefind_quality(browser, base, queries)
        figures["quality"] = quality(queries, {q: a["ids"] for q, a in answers.items()})
        figures["quality_case_pages_only"] = quality(queries, {q: a["case_ids"] for q, a in answers.items()})
        figures["non_case_in_top10"] = statistics.fmean(a["non_case_in_top10"] for a in answers.values())
        figures["warm_query_ms"] = statistics.median(a["ms"] for a in answers.values())
        log(f"N={n}：pagefind：冷启动 {len(cold)} 次")
        figures["cold"] = cold_summary([pagefind_cold(browser, base, site, q, timeout_ms) for q in cold])


def measure_material_in_browser(browser, queries, cold, args, figures: dict, n: int) -> None:
    site = Path(figures["site"])
    subset = queries if not args.material_queries else subset_by_kind(queries, args.material_queries)
    figures["queries_measured"] = len(subset)
    with serve_folder(site) as base:
        log(f"N={n}：material：{len(subset)} 个查询的质量（通过主题的检索框）")
        answers = material_quality(browser, base, subset, args.timeout)
        figures["quality"] = quality(subset, {q: a["ids"] for q, a in answers.items()})
        figures["quality_case_pages_only"] = quality(subset, {q: a["case_ids"] for q, a in answers.items()})
        figures["non_case_in_top10"] = statistics.fmean(a["non_case_in_top10"] for a in answers.values())
        log(f"N={n}：material：冷启动 {len(cold)} 次")
        figures["cold"] = cold_summary([material_cold(browser, base, site, q, args.timeout * 1000) for q in cold])


def subset_by_kind(queries: list[dict], count: int) -> list[dict]:
    """``count`` queries spread over the kinds: the first of each kind, then the second, …"""
    by_kind = defaultdict(list)
    for item in queries:
        by_kind[item["kind"]].append(item)
    chosen = []
    for rank in range(max(len(v) for v in by_kind.values())):
        chosen += [v[rank] for v in by_kind.values() if rank < len(v)]
    return chosen[:count]


def measure_server(casebook, terms, queries: list[dict], work: Path, n: int) -> dict:
    from casebook.fulltext import FulltextIndex

    folder = work / "server-index"
    if folder.exists():
        shutil.rmtree(folder)
    log(f"N={n}：server：build_index …")
    seconds, changes = time_server_index_build(casebook.cases, terms, folder)
    size, files = folder_size(folder)
    figures = {"build_seconds": seconds, "changes": changes, "index_bytes": size, "index_files": files}
    log(f"N={n}：server：建索引 {seconds:.1f} 秒；增量更新 …")
    figures["incremental"] = time_incremental_updates(casebook.cases, terms, folder, work)
    figures["cold_start"] = time_server_cold_start(folder, queries[0]["query"])
    index = FulltextIndex(folder)
    figures["quality"] = quality(queries, server_quality(index, queries))
    log(f"N={n}：server：查询延迟 …")
    figures["frequent"] = time_queries(index, FREQUENT_TERMS)
    figures["rare"] = time_queries(index, rare_terms(casebook.cases, queries))
    figures["quality_query_latency"] = time_queries(index, [q["query"] for q in queries])
    return figures


# ---------------------------------------------------------------------------------------------
# Tables


def fmt_bytes(value) -> str:
    if value is None:
        return "—"
    return f"{value / 1e6:.2f} MB" if value >= 1e6 else f"{value / 1e3:.0f} kB"


def fmt_ms(value) -> str:
    if value is None:
        return "—"
    if value < 10:
        return f"{value:.1f} ms"
    return f"{value / 1000:.2f} s" if value >= 1000 else f"{value:.0f} ms"


def fmt_s(value) -> str:
    return "—" if value is None else f"{value:.1f} s"


def tables(figures: dict) -> str:
    n, engines = figures["n"], figures["engines"]
    corpus = figures["corpus"]
    lines = [f"### N = {n} 条合成案例 + {corpus['sample']} 条样例案例（共 {corpus['cases']} 条），{figures['queries']} 个查询", ""]
    lines += static_table(engines, figures["queries"])
    lines += kind_table(engines)
    if "server" in engines:
        lines += server_table(engines["server"])
    lines += misses_table(engines)
    return "\n".join(lines)


ENGINE_NAMES = {"ours": "ours（本站静态索引）", "material": "material（lunr + jieba）", "pagefind": "pagefind（extended）",
                "server": "server（whoosh 检索服务）"}


def static_table(engines: dict, total_queries: int) -> list[str]:
    lines = ["| 引擎 | recall@10 | MRR | 无字面干扰的查询上 recall / MRR | 只数案例页时 recall / MRR（前 10 条中非案例页平均数） | 页内单次查询中位（页面已打开） | 建索引 / 生成用时 | 索引大小（文件数） |",
             "|---|---|---|---|---|---|---|---|"]
    for name in ("ours", "material", "pagefind", "server"):
        e = engines.get(name)
        if e and "error" in e:
            lines.append(f"| {ENGINE_NAMES[name]} | 测量失败：{e['error']} | | | | | {fmt_s(e.get('build_seconds'))} | {fmt_bytes(e.get('index_bytes'))} |")
        if not e or "quality" not in e:
            continue
        q, only = e["quality"], e.get("quality_case_pages_only")
        measured = e.get("queries_measured")
        note = f"（只测 {measured} 个查询）" if measured and measured < total_queries else ""
        warm = e.get("warm_query_ms")
        if name == "server":
            warm = e["quality_query_latency"]["p50_ms"]
        lines.append("| " + " | ".join([
            ENGINE_NAMES[name] + note, f"{q['recall']:.3f}", f"{q['mrr']:.3f}",
            f"{u['recall']:.3f} / {u['mrr']:.3f}（{u['n']} 个）" if (u := q.get("unambiguous")) and u["n"] else "—",
            f"{only['recall']:.3f} / {only['mrr']:.3f}（{e['non_case_in_top10']:.1f}）" if only else "—",
            fmt_ms(warm) if warm is not None else "—", build_cell(name, e),
            f"{fmt_bytes(e.get('index_bytes'))}（{e.get('index_files')}）",
        ]) + " |")
    lines.append("")
    lines += ["| 引擎：冷启动首次查询（新浏览器上下文，中位数） | 检索文件下载 | 同上 gzip 后 | 整页下载 | 自导航起到出结果 | 其中自开始检索起 | 有结果的冷查询 |",
              "|---|---|---|---|---|---|---|"]
    for name in ("ours", "material", "pagefind"):
        cold = (engines.get(name) or {}).get("cold")
        if not cold:
            continue
        lines.append("| " + " | ".join([
            ENGINE_NAMES[name], fmt_bytes(cold.get("search_bytes")), fmt_bytes(cold.get("search_bytes_gzip")),
            fmt_bytes(cold.get("page_bytes")), fmt_ms(cold.get("ms_to_answer")), fmt_ms(cold.get("ms_after_typing")),
            f"{cold['with_hits']}/{cold['queries']}",
        ]) + " |")
    lines.append("")
    return lines


def build_cell(name: str, e: dict) -> str:
    cell = fmt_s(e.get("build_seconds"))
    if name == "ours" and e.get("static_index_alone_seconds") is not None:
        cell += f"（整站生成；其中静态索引单独 {e['static_index_alone_seconds']:.1f} s）"
    elif name == "material":
        cell += "（整站生成）"
    elif name == "pagefind":
        cell += f"（只建索引，{e.get('pages')} 页）"
    elif name == "server":
        cell += "（只建索引）"
    return cell


def kind_table(engines: dict) -> list[str]:
    names = [name for name in ("ours", "material", "pagefind", "server") if name in engines and "quality" in engines[name]]
    kinds = []
    for name in names:
        kinds += [k for k in engines[name]["quality"]["kinds"] if k not in kinds]
    lines = ["| 查询类型 | " + " | ".join(f"{name} recall / MRR" for name in names) + " |",
             "|---|" + "---|" * len(names)]
    for kind in kinds:
        cells = []
        counts = set()
        for name in names:
            k = engines[name]["quality"]["kinds"].get(kind)
            cells.append(f"{k['recall']:.2f} / {k['mrr']:.2f}" if k else "—")
            if k:
                counts.add(k["n"])
        lines.append(f"| {kind}（{'/'.join(map(str, sorted(counts)))}） | " + " | ".join(cells) + " |")
    lines.append("")
    return lines


def server_table(server: dict) -> list[str]:
    inc, cold = server["incremental"], server["cold_start"]
    rows = [
        ("建索引（build_index，全新目录）", fmt_s(server["build_seconds"])),
        ("增量更新：改动 1 条记录", fmt_s(inc["one_changed_seconds"]) + f"（{inc['one_changed_changes']}）"),
        ("增量更新：无改动", fmt_s(inc["none_changed_seconds"]) + f"（{inc['none_changed_changes']}）"),
        ("冷启动：打开索引 + 首个查询（新进程，不含 import）", fmt_s(cold["open_and_first_query_seconds"])
         + f"（打开 {cold['open_seconds']:.2f} s，首查 {cold['first_query_seconds']:.2f} s，import {cold['import_seconds']:.2f} s）"),
    ]
    for key, label in (("frequent", "常见词"), ("rare", "少见词（企业名等）"), ("quality_query_latency", "质量查询集")):
        t = server[key]
        rows.append((f"查询延迟 p50 / p95：{label}，{t['queries']} 次", f"{t['p50_ms']:.1f} ms / {t['p95_ms']:.1f} ms"
                     f"（命中数中位 {t['median_hits']:.0f}，{t['min_hits']}–{t['max_hits']}）"))
    rows.append(("索引大小", f"{fmt_bytes(server['index_bytes'])}（{server['index_files']} 个文件）"))
    return ["| 检索服务（whoosh） | 结果 |", "|---|---|", *[f"| {a} | {b} |" for a, b in rows], ""]


def misses_table(engines: dict) -> list[str]:
    names = [name for name in ("ours", "material", "pagefind", "server") if name in engines and "quality" in engines[name]]
    missed = defaultdict(dict)
    for name in names:
        for miss in engines[name]["quality"]["misses"]:
            missed[miss["query"]][name] = miss
    if not missed:
        return ["所有引擎都找到了全部预期案例。", ""]
    lines = ["漏检（recall < 1）的查询；“干扰”是字面上也含全部查询词（已知词含同义词）的合成案例数：", "",
             "| 查询 | 预期 | 干扰 | " + " | ".join(names) + " |", "|---|---|---|" + "---|" * len(names)]
    for query, by_engine in missed.items():
        expect = next(iter(by_engine.values()))["expect"]
        cells = [f"{by_engine[name]['recall']:.2f}" if name in by_engine else "1" for name in names]
        distractors = next(iter(by_engine.values())).get("distractors")
        lines.append(f"| {query} | {'、'.join(expect)} | {distractors} | " + " | ".join(cells) + " |")
    lines.append("")
    return lines


# ---------------------------------------------------------------------------------------------


def merged(previous: dict | None, figures: dict, seed: int) -> dict:
    """Engines measured in an earlier run on the same corpus (same N and seed) are kept."""
    figures["seed"] = seed
    if previous and previous.get("seed") == seed and previous.get("queries") == figures["queries"]:
        figures["engines"] = {**previous["engines"], **figures["engines"]}
        figures["engines_run"] = sorted(set(previous.get("engines_run", [])) | set(figures["engines_run"]))
    return figures


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description="检索基准：静态站内检索三种引擎对比，以及检索服务的索引和延迟")
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000], help="合成案例条数（默认 1000 10000）")
    parser.add_argument("--engines", default=",".join(ENGINES),
                        help=f"逗号分隔，取自 {','.join(ENGINES)}（默认全部）")
    parser.add_argument("--seed", type=int, default=7, help="合成案例的随机种子（默认 7）")
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "casebook-bench-search",
                        help="工作目录：语料、生成的网站、索引和结果（默认系统临时目录下 casebook-bench-search）")
    parser.add_argument("--queries", type=Path, default=ROOT / "tests" / "search_queries.yaml", help="查询集")
    parser.add_argument("--cold-queries", type=int, default=COLD_QUERIES, help="冷启动测量所用的查询数（取中位数）")
    parser.add_argument("--material-queries", type=int, default=0,
                        help="material 只测这么多个查询（按类型均匀选取；0 = 全部）")
    parser.add_argument("--timeout", type=float, default=300, help="浏览器中等待一次检索结果的上限（秒）")
    args = parser.parse_args(argv)
    args.engines = [e.strip() for e in args.engines.split(",") if e.strip()]
    unknown = set(args.engines) - set(ENGINES)
    if unknown:
        parser.error(f"未知引擎：{', '.join(sorted(unknown))}")
    args.work = args.work.resolve()
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    queries = load_queries(args.queries)
    args.work.mkdir(parents=True, exist_ok=True)
    results_file = args.work / "results.json"
    results = json.loads(results_file.read_text(encoding="utf-8")) if results_file.exists() else {}
    for n in args.sizes:
        started = time.perf_counter()
        figures = measure_size(n, args, queries)
        figures["seconds"] = time.perf_counter() - started
        figures["engines_run"] = args.engines
        figures["date"] = time.strftime("%Y-%m-%d %H:%M")
        results[str(n)] = figures = merged(results.get(str(n)), figures, args.seed)
        results_file.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        print("\n" + tables(figures) + f"\n（N={n} 用时 {figures['seconds'] / 60:.1f} 分钟）\n", flush=True)
    report = [tables(results[key]) for key in sorted(results, key=int)]
    (args.work / "report.md").write_text("\n\n".join(report) + "\n", encoding="utf-8")
    log(f"结果：{results_file}，表格：{args.work / 'report.md'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
