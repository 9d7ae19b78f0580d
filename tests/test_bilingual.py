"""The English site: every page in both languages, translations where they exist, Chinese with a
notice where they don't, and a language switch that keeps the reader where they are."""

from __future__ import annotations

import re
import typing
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml
from jinja2.ext import extract_from_ast

from casebook import model
from casebook.language import alternates, case_text, language, translation_state
from casebook.plan import plan_pages
from casebook.records import load_casebook
from casebook.render import page_environment, render_pages
from casebook.vocabulary import DIMENSIONS, load_vocabularies

ROOT = Path(__file__).parent.parent
CATALOG = ROOT / "casebook" / "locale" / "en.yaml"
ENGLISH = language("en")
TRANSLATED = "SC-2021-001"  # fully translated sample case
PARTIAL = "SC-2023-001"  # title, enterprise name and summary only
UNTRANSLATED = "SC-2021-003"


# ---- the catalog ---------------------------------------------------------------------------------

def _template_messages() -> set[str]:
    environment = page_environment()
    found = set()
    for path in (ROOT / "casebook" / "templates").glob("*.j2"):
        for _, _, message in extract_from_ast(environment.parse(path.read_text(encoding="utf-8")), ("_",)):
            message = message[0] if isinstance(message, tuple) else message
            if isinstance(message, str):
                found.add(message)
    return found


def _literal_messages() -> set[str]:
    """``_("…")`` in the theme and in the code that builds chart and change texts."""
    sources = [*(ROOT / "casebook" / "theme").rglob("*.html"), ROOT / "casebook" / "render.py",
               ROOT / "casebook" / "charts.py"]
    return {m for path in sources for m in re.findall(r'_\("([^"]+)"\)', path.read_text(encoding="utf-8"))}


def _record_values() -> set[str]:
    """Values that templates translate as they come: record choices, part headings, dimension names."""
    literals = {model.Enterprise: "size", model.Contact: "channel", model.Revocation: "reason",
                model.National: "outcome", model.Recognition: "status"}
    values = {value for kind, name in literals.items() for value in typing.get_args(kind.model_fields[name].annotation)}
    return values | {heading for _, heading in model.PARTS} | {d.name for d in DIMENSIONS} | {"认定年份"}


def test_every_interface_message_has_an_english_entry_and_none_is_stale():
    catalog = yaml.safe_load(CATALOG.read_text(encoding="utf-8"))
    used = _template_messages() | _literal_messages() | _record_values()
    assert sorted(used - set(catalog)) == []
    assert sorted(set(catalog) - used) == []


def test_english_entries_keep_the_placeholders_of_their_message():
    catalog = yaml.safe_load(CATALOG.read_text(encoding="utf-8"))
    for message, english in catalog.items():
        assert sorted(re.findall(r"%\(\w+\)s", message)) == sorted(re.findall(r"%\(\w+\)s", english)), message
        assert not re.search(r"[\u4e00-\u9fff]", english), f"Chinese left in the English of {message!r}"


# ---- case text -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def casebook():
    return load_casebook(ROOT / "cases")


def _case(casebook, case_id):
    return next(case for case in casebook.cases if case.id == case_id)


def test_translation_states_of_the_samples(casebook):
    assert translation_state(_case(casebook, TRANSLATED), ENGLISH) == "full"
    assert translation_state(_case(casebook, PARTIAL), ENGLISH) == "partial"
    assert translation_state(_case(casebook, UNTRANSLATED), ENGLISH) == "none"
    assert translation_state(_case(casebook, UNTRANSLATED), language("zh")) == "full"


def test_untranslated_text_falls_back_to_chinese_and_says_so(casebook):
    partial = _case(casebook, PARTIAL)
    summary, profile = case_text(partial, "summary", ENGLISH), case_text(partial, "profile", ENGLISH)
    assert (summary.lang, summary.translated) == ("en", True)
    assert (profile.lang, profile.translated, profile.value) == ("zh", False, partial.profile)


def test_at_least_four_samples_are_fully_translated(casebook):
    full = [case.id for case in casebook.cases if translation_state(case, ENGLISH) == "full"]
    assert len(full) >= 4, full


@pytest.fixture(scope="module")
def english_pages(casebook):
    pages = plan_pages(casebook)
    return {page.uri: page.markdown for page in render_pages(pages, page_environment(ENGLISH, casebook.vocabularies))}


def test_an_untranslated_case_shows_one_notice_and_the_chinese_text(english_pages, casebook):
    page = english_pages[f"cases/{UNTRANSLATED}.md"]
    assert page.count("Not translated yet") == 1
    assert "This case has not been translated into English yet" in page
    assert '<div class="cb-text" lang="zh">' in page
    assert _case(casebook, UNTRANSLATED).title in page
    assert "## Summary {: #summary }" in page


def test_a_partly_translated_case_marks_each_untranslated_part(english_pages):
    page = english_pages[f"cases/{PARTIAL}.md"]
    # Profile, background, overview, implementation, effects, promotion and highlights.
    assert page.count("This part has not been translated into English yet") == 7
    assert "This case has not been translated" not in page


def test_a_translated_case_has_no_notice_and_no_chinese_headings(english_pages, casebook):
    page = english_pages[f"cases/{TRANSLATED}.md"]
    assert "Not translated yet" not in page
    assert _case(casebook, TRANSLATED).translations.en.title in page
    assert 'lang="zh"' not in page.split("## Exchange and sharing")[0]


def test_browse_pages_use_the_english_names_of_terms(english_pages):
    page = english_pages["methods/six-sigma.md"]
    assert page.startswith("# Six Sigma\n")
    assert "In Chinese: 六西格玛." in page


def test_english_dates_are_written_out(english_pages):
    assert re.search(r"Last updated <time datetime=\"\d{4}-\d\d-\d\d\">\d{1,2} [A-Z][a-z]+ \d{4}</time>",
                     english_pages[f"cases/{TRANSLATED}.md"])


def test_a_vocabulary_term_without_english_name_is_a_warning_with_its_line(tmp_path):
    folder = tmp_path / "vocabularies"
    folder.mkdir()
    for dimension in DIMENSIONS:
        source = (ROOT / "cases" / "vocabularies" / f"{dimension.field}.yaml").read_text(encoding="utf-8")
        (folder / f"{dimension.field}.yaml").write_text(source, encoding="utf-8")
    methods = folder / "methods.yaml"
    methods.write_text(methods.read_text(encoding="utf-8") + "- slug: new-method\n  label: 新方法\n", encoding="utf-8")
    vocabularies, problems = load_vocabularies(folder)
    assert problems == [] and vocabularies is not None
    lines = methods.read_text(encoding="utf-8").splitlines()
    assert [(w.path.endswith("methods.yaml"), w.line, w.message) for w in vocabularies.warnings] == [
        (True, len(lines) - 1, "警告：词条“新方法”没有英文名称（en），英文版网站将显示中文名称")]


def test_alternates_point_at_the_same_page_in_each_language():
    chinese = alternates(language("zh"), "cases/SC-2021-001/", "https://example.org/", ["zh", "en"])
    english = alternates(ENGLISH, "cases/SC-2021-001/", "https://example.org/", ["zh", "en"])
    assert [(a.language.hreflang, a.path, a.url, a.current) for a in chinese] == [
        ("zh-CN", "cases/SC-2021-001/", "https://example.org/cases/SC-2021-001/", True),
        ("en", "en/cases/SC-2021-001/", "https://example.org/en/cases/SC-2021-001/", False)]
    assert [(a.path, a.current) for a in english] == [("../cases/SC-2021-001/", False), ("../en/cases/SC-2021-001/", True)]


# ---- the built site --------------------------------------------------------------------------------

def _pages(root: Path, skip: str | None = None) -> set[str]:
    pages = {p.relative_to(root).as_posix() for p in root.rglob("*.html")}
    return {p for p in pages if not (skip and p.startswith(skip))}


def test_every_chinese_page_has_an_english_counterpart_and_the_reverse(sample_site):
    chinese, english = _pages(sample_site, skip="en/"), _pages(sample_site / "en")
    assert len(chinese) > 50
    assert sorted(chinese ^ english) == []


class _Alternates(HTMLParser):
    def __init__(self):
        super().__init__()
        self.links: dict[str, str] = {}
        self.switch: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "link" and "alternate" in (attributes.get("rel") or "").split() and "hreflang" in attributes:
            self.links[attributes["hreflang"]] = attributes["href"]
        if tag == "a" and "cb-language" in (attributes.get("class") or ""):
            self.switch = attributes["href"]


def _alternates_of(path: Path) -> _Alternates:
    parser = _Alternates()
    parser.feed(path.read_text(encoding="utf-8"))
    return parser


def test_hreflang_pairs_are_consistent_on_every_page(sample_site):
    site_url = "https://casebook.example.gov.cn/"
    for page in sorted(_pages(sample_site, skip="en/")):
        if page == "404.html":
            continue
        address = page.removesuffix("index.html")
        expected = {"zh-CN": site_url + address, "en": site_url + "en/" + address}
        assert _alternates_of(sample_site / page).links == expected, page
        assert _alternates_of(sample_site / "en" / page).links == expected, page


def test_the_switch_links_each_page_to_its_counterpart(sample_site):
    case_page = f"cases/{TRANSLATED}/index.html"
    assert _alternates_of(sample_site / case_page).switch == f"../../en/cases/{TRANSLATED}/"
    assert _alternates_of(sample_site / "en" / case_page).switch == f"../../../cases/{TRANSLATED}/"


def test_the_english_site_has_its_own_search_index_with_english_titles(sample_site, casebook):
    import json

    rows = json.loads((sample_site / "en" / "search-index" / "docs" / "0.json").read_text(encoding="utf-8"))
    titles = {row[0]: row[1] for row in rows}
    assert titles[TRANSLATED] == _case(casebook, TRANSLATED).translations.en.title
    assert titles[UNTRANSLATED] == _case(casebook, UNTRANSLATED).title


# ---- in the browser --------------------------------------------------------------------------------

@pytest.fixture
def page(browser):
    context = browser.new_context(locale="en-GB")
    yield context.new_page()
    context.close()


def test_switching_language_on_a_case_page_lands_on_the_same_case(page, base_url, casebook):
    page.goto(base_url + f"cases/{UNTRANSLATED}/")
    page.get_by_role("link", name="English").click()
    page.wait_for_url(f"**/en/cases/{UNTRANSLATED}/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_text("This case has not been translated into English yet").is_visible()
    page.get_by_role("link", name="中文").click()
    page.wait_for_url(f"**/cases/{UNTRANSLATED}/")
    assert "/en/" not in page.url
    assert page.locator("h1").inner_text().removesuffix("¶") == _case(casebook, UNTRANSLATED).title


@pytest.mark.parametrize(("query", "expected"), [
    ("Design for Six Sigma", TRANSLATED),  # a translated case, by an English phrase
    ("三江醇酒业", UNTRANSLATED),  # an untranslated case, by a Chinese phrase of its text
])
def test_search_on_the_english_site(page, base_url, query, expected):
    page.goto(base_url + "en/")
    page.get_by_role("searchbox", name="Search the cases").fill(query)
    page.keyboard.press("Enter")
    page.wait_for_url("**/en/search/?q=*")
    first = page.locator(".cb-hit__title a").first
    first.wait_for()
    assert f"/en/cases/{expected}/" in first.get_attribute("href")
    assert re.search(r"cases$", page.locator("#cb-status").inner_text())
