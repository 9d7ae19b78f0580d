"""Work kept between builds: made once, reused while its inputs are the same, never stale."""

from __future__ import annotations

import shutil
from pathlib import Path

from casebook import mkdocs_plugin, records, render, static_search
from casebook.build import _Work, build_site
from casebook.cache import ContentCache, current, kept_in
from support import folder_files

ROOT = Path(__file__).parent.parent


def test_a_value_is_made_once_and_kept_for_the_next_build_only_while_used(tmp_path):
    made = []

    def make(value):
        return lambda: made.append(value) or value.upper()

    first = ContentCache(tmp_path / "zh.marshal")
    assert first.get("text", ("a",), make("a")) == "A"
    assert first.get("text", ("a",), make("a")) == "A"
    first.get("text", ("b",), make("b"))
    first.save()
    assert made == ["a", "b"]

    second = ContentCache(tmp_path / "zh.marshal")
    assert second.get("text", ("a",), make("a")) == "A"
    assert second.get("page", ("a",), make("a page")) == "A PAGE"  # another kind of work, another key
    second.save()
    assert made == ["a", "b", "a page"]

    third = ContentCache(tmp_path / "zh.marshal")
    third.get("text", ("b",), make("b"))  # not used by the second build: made again
    assert made == ["a", "b", "a page", "b"]


def test_an_unreadable_cache_is_made_again_without_complaint(tmp_path):
    (tmp_path / "zh.marshal").write_bytes(b"\x00 not a cache")
    assert ContentCache(tmp_path / "zh.marshal").get("text", ("a",), lambda: "made") == "made"
    assert ContentCache(tmp_path / "missing" / "zh.marshal").get("text", ("a",), lambda: "made") == "made"


def test_a_process_that_builds_again_reads_its_cache_once_and_a_failed_build_keeps_nothing(tmp_path):
    outside = current()
    with kept_in(tmp_path / "zh.marshal") as cache:
        assert current() is cache and cache.get("text", ("a",), lambda: "A") == "A"
    assert current() is outside
    (tmp_path / "zh.marshal").unlink()  # still in memory: the preview's next build finds it there
    with kept_in(tmp_path / "zh.marshal"):
        assert current().get("text", ("a",), lambda: "made again") == "A"
    try:
        with kept_in(tmp_path / "zh.marshal"):
            current().get("text", ("b",), lambda: "B")
            raise RuntimeError("the build failed")
    except RuntimeError:
        pass
    assert ContentCache(tmp_path / "zh.marshal").get("text", ("b",), lambda: "not kept") == "not kept"


def test_a_build_converts_again_only_what_changed_and_makes_the_same_site(tmp_path, monkeypatch):
    monkeypatch.setattr(_Work, "_PARALLEL", False)  # every language in this process, to count its work
    pages, narratives = _count_conversions(monkeypatch)
    checked = _count(monkeypatch, records, "_checked", lambda path, *_: path.name)
    weighed = _count(monkeypatch, static_search, "_weighed", lambda texts: "新的一句" in texts["summary"])
    cleaned = _count(monkeypatch, render, "_cleaned_page", lambda html: "新的一句" in html)
    cases, out = tmp_path / "cases", tmp_path / "out"
    shutil.copytree(ROOT / "cases", cases)

    first = folder_files(build_site(cases, out, ROOT / "mkdocs.yml"))
    assert len(pages) > 100 and len(narratives) > 100 and len(checked) > 20 and len(weighed) > 40
    assert len(cleaned) > 100
    for calls in (pages, narratives, checked, weighed, cleaned):
        calls.clear()

    assert folder_files(build_site(cases, out, ROOT / "mkdocs.yml")) == first
    assert pages == [] and narratives == [] and checked == [] and weighed == [] and cleaned == []

    record = cases / "2021" / "SC-2021-003.yaml"  # not translated: the English page shows the Chinese
    record.write_text(record.read_text(encoding="utf-8").replace("summary: |\n", "summary: |\n  新的一句。\n", 1),
                      encoding="utf-8")
    site = folder_files(build_site(cases, out, ROOT / "mkdocs.yml"))
    # Once per language; the pages' Markdown holds a placeholder for the text, so it is unchanged.
    assert len(narratives) == 2 and all(text.startswith("新的一句。") for text in narratives)
    assert pages == [] and checked == ["SC-2021-003.yaml"]
    assert weighed == [True, True]  # its search tokens, once per language
    assert cleaned == [True, True]  # its page, the only one that shows the summary
    for name in ("cases/SC-2021-003/index.html", "en/cases/SC-2021-003/index.html"):
        assert "<p>新的一句。" in site[name].decode() and "<p>新的一句。" not in first[name].decode()

    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("删减重复文件 137 份", "删减重复文件 138 份"), encoding="utf-8")
    site = folder_files(build_site(cases, out, ROOT / "mkdocs.yml"))
    assert "cases/SC-2021-003.md" in pages  # a highlight is in the page's own Markdown
    assert "删减重复文件 138 份" in site["cases/SC-2021-003/index.html"].decode()


def _count_conversions(monkeypatch) -> tuple[list[str], list[str]]:
    pages = _count(monkeypatch, mkdocs_plugin._KeptPage, "_converted", lambda page, *_: page.file.src_uri)
    return pages, _count(monkeypatch, render, "_converted_narrative", lambda text: text)


def _count(monkeypatch, owner, name: str, what) -> list:
    """Each call of ``owner.name`` from now on, noted as ``what`` makes of its arguments."""
    calls, work = [], getattr(owner, name)

    def counted(*arguments):
        calls.append(what(*arguments))
        return work(*arguments)

    monkeypatch.setattr(owner, name, counted)
    return calls
