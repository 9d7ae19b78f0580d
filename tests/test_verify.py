"""The check of a built site's own links, before a release is published."""

from pathlib import Path

from casebook.headers import SNIPPET, content_security_policy
from casebook.verify import _link_problems, pages_in_site

ROOT = Path(__file__).parent.parent


def _page(site: Path, name: str, body: str) -> None:
    path = site / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(f"<html><body>{body}</body></html>", encoding="utf-8")


def test_every_kind_of_link_to_a_file_that_exists_passes(tmp_path):
    _page(tmp_path, "index.html", '<a href="cases/SC-1/">x</a><a href="./">home</a><img src="assets/logo.png">')
    _page(tmp_path, "cases/SC-1/index.html",
          '<a href="../../">home</a><a href="../SC-1/#summary">self</a><a href="/cases/">all</a>'
          '<link href="../../assets/site.css"><a href="picture%201.png">p</a><a href="../index.html?x=1">all</a>'
          '<a href="https://example.org/missing">away</a><a href="mailto:a@b.c">mail</a><a href="#top">top</a>'
          '<a href="//cdn.example.org/x.js">cdn</a><a href="../../cases">folder without slash</a>')
    _page(tmp_path, "cases/index.html", "")
    (tmp_path / "assets").mkdir()
    for name in ("assets/logo.png", "assets/site.css", "cases/SC-1/picture 1.png"):
        (tmp_path / name).write_bytes(b"")

    assert _link_problems(tmp_path, pages_in_site(tmp_path).links) == []


def test_each_link_to_a_missing_file_is_named_with_its_page(tmp_path):
    _page(tmp_path, "index.html", '<a href="cases/SC-9/">gone</a>')
    _page(tmp_path, "cases/SC-1/index.html", '<img src="chart.png"><a href="../../about/">about</a>')

    assert _link_problems(tmp_path, pages_in_site(tmp_path).links) == [
        "/cases/SC-1/index.html 中的链接 ../../about/ 指向不存在的文件",
        "/cases/SC-1/index.html 中的链接 chart.png 指向不存在的文件",
        "/index.html 中的链接 cases/SC-9/ 指向不存在的文件",
    ]


def test_what_is_gathered_of_the_pages_while_building_is_what_the_pages_written_hold(tmp_path, monkeypatch):
    from casebook import build

    gathered = {}
    check = build.verify_release

    def spying(release, casebook, languages, links):
        gathered.update(links)
        return check(release, casebook, languages, links)

    monkeypatch.setattr(build, "verify_release", spying)
    site = build.build_site(ROOT / "tests" / "fixtures" / "casebook", tmp_path / "out", ROOT / "mkdocs.yml")
    read_back = pages_in_site(site)
    assert len(gathered) > 50 and gathered.keys() == read_back.links.keys()  # both languages, 404 pages included
    assert all((site / page).is_file() for page, _ in gathered.values())
    # The headers allow exactly the inline code of the pages written: the theme's scripts, by hash.
    assert read_back.inline.scripts
    policy = content_security_policy(read_back.inline, ["'self'"])
    assert f'Content-Security-Policy "{policy}"' in (site.resolve().parent / SNIPPET).read_text(encoding="utf-8")


def test_a_static_search_index_with_a_shard_missing_or_no_entries_is_a_problem(tmp_path):
    from casebook.records import load_casebook
    from casebook.searchterms import load_search_terms
    from casebook.static_search import FOLDER, write_static_index
    from casebook.verify import _static_search_problems

    casebook = load_casebook(ROOT / "tests" / "fixtures" / "casebook")
    write_static_index(casebook.cases, load_search_terms(ROOT / "search", casebook.vocabularies), tmp_path / FOLDER)
    assert _static_search_problems(tmp_path, casebook) == []
    for shard in (tmp_path / FOLDER / "shards").iterdir():
        shard.write_text("{}", encoding="utf-8")
    assert _static_search_problems(tmp_path, casebook) == ["静态检索索引是空的"]
    (tmp_path / FOLDER / "shards" / "3.json").unlink()
    [problem] = _static_search_problems(tmp_path, casebook)
    assert problem.startswith("静态检索索引 search-index 无法读取：") and "/3.json" in problem
