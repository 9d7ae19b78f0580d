"""The built sample site as a reader's browser sees it: headless Debian Chromium via playwright."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page
from support import serve_app

from casebook.api import create_app
pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).parent.parent / "build" / "screenshots"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
    page = context.new_page()
    page.requests, page.errors = [], []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    yield page
    context.close()


def screenshot(page: Page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


@pytest.mark.parametrize("address", ["", "cases/SC-2021-001/"])
def test_page_requests_only_the_local_server_and_raises_no_error(page, base_url, address):
    page.goto(base_url + address, wait_until="networkidle")
    local = urlsplit(base_url).netloc
    assert page.requests, "the page made no request at all"
    assert [url for url in page.requests if urlsplit(url).netloc != local] == []
    assert page.errors == []
    screenshot(page, f"page-{address.strip('/').replace('/', '-') or 'home'}")


def test_a_reader_browses_from_home_by_method_to_a_case(page, base_url):
    page.goto(base_url, wait_until="networkidle")
    page.locator("article").get_by_role("link", name="按方法与技术浏览").click()
    assert page.url == base_url + "methods/"
    page.locator("article").get_by_role("link", name="六西格玛", exact=True).click()
    assert page.url == base_url + "methods/six-sigma/"
    title = page.locator("article table a").first.inner_text()
    page.locator("article table a").first.click()
    assert page.locator("h1").inner_text().startswith(title)
    assert page.locator("#effects").is_visible() and page.locator("#metrics").is_visible()
    screenshot(page, "browse-method-to-case")
    assert page.errors == []


def test_a_long_title_ends_where_its_words_end(page, base_url):
    """The title's permalink once wrapped onto a line of its own, leaving a gap under long titles."""
    page.goto(base_url + "en/cases/SC-2021-001/")
    gap = page.evaluate("""() => {
        const title = document.querySelector('article h1'), words = document.createRange();
        words.selectNodeContents(title.firstChild);
        return title.getBoundingClientRect().bottom - words.getBoundingClientRect().bottom;
    }""")
    assert page.locator("article h1").inner_text().count(" ") > 12 and gap < 4


def test_the_security_policy_is_sent_and_search_works_under_it(page, base_url):
    response = page.goto(base_url, wait_until="networkidle")
    assert "script-src 'self' 'sha256-" in response.headers["content-security-policy"]
    page.fill("#cb-header-q", "六西格玛")
    page.press("#cb-header-q", "Enter")
    page.locator(".cb-hit").first.wait_for()
    assert page.url.startswith(base_url + "search/?q=")
    assert page.locator(".cb-hit").count() == 3
    screenshot(page, "search-six-sigma")
    assert page.errors == []


@pytest.mark.parametrize("query, expected", [
    ("铸锻件内部缺陷", "SC-2021-001"),  # an unspaced phrase from the text
    ("6σ", "SC-2021-001"),  # a synonym of 六西格玛
])
def test_static_search_from_the_header_box(page, base_url, query, expected):
    page.goto(base_url + "cases/", wait_until="networkidle")
    page.fill("#cb-header-q", query)
    page.press("#cb-header-q", "Enter")
    page.locator(".cb-hit").first.wait_for()
    assert page.get_attribute("html", "data-cb-search") == "static"
    hrefs = page.locator(".cb-hit__title a").evaluate_all("links => links.map(a => a.href)")
    assert any(href.endswith(f"/cases/{expected}/") for href in hrefs)
    assert page.errors == []


@pytest.fixture(scope="module")
def service_url(sample_site):
    """The search service over the same build: the site plus /api/search."""
    with serve_app(create_app(sample_site.parent)) as url:
        yield url


def test_with_the_service_the_same_box_shows_facets_and_highlights(page, service_url):
    page.goto(service_url, wait_until="networkidle")
    page.fill("#cb-header-q", "精益 库存")
    page.press("#cb-header-q", "Enter")
    page.locator(".cb-hit").first.wait_for()
    assert page.get_attribute("html", "data-cb-search") == "service"
    assert page.locator(".cb-hit").count() == 2
    assert page.locator(".cb-hit__snippet mark").count() > 0
    page.locator("#cb-facets a", has_text="攀枝花市").click()  # narrow to one city
    page.locator(".cb-hit").first.wait_for()
    assert "city=" in page.url and page.locator(".cb-hit").count() == 1
    screenshot(page, "search-service-facets")
    assert page.errors == []


def test_a_portal_can_deep_link_a_search(page, service_url):
    page.goto(service_url + "search/?q=QC%E5%B0%8F%E7%BB%84", wait_until="networkidle")
    page.locator(".cb-hit").first.wait_for()
    assert page.input_value("#cb-q") == "QC小组" and page.locator(".cb-hit").count() >= 3


def test_screenshots_and_a_case_printed_on_a4(page, base_url):
    for name, address in [("home", ""), ("year-2021", "years/2021/"), ("statistics", "statistics/")]:
        page.goto(base_url + address, wait_until="networkidle")
        screenshot(page, name)
    page.goto(base_url + "cases/SC-2021-001/", wait_until="networkidle")
    page.emulate_media(media="print")
    assert page.locator(".md-header").is_hidden() and page.locator(".md-sidebar--primary").is_hidden()
    assert page.inner_text(".cb-print-url") == "本页网址：https://casebook.example.gov.cn/cases/SC-2021-001/"
    pdf = SCREENSHOTS / "case-print.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    assert pdf.read_bytes().startswith(b"%PDF") and pdf.stat().st_size > 20_000
    assert page.errors == []


def test_a_failed_index_request_is_tried_again_by_the_next_search(page, base_url):
    page.goto(base_url + "search/", wait_until="networkidle")
    failed = []

    def fail_once(route):
        if not failed:
            failed.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    page.route("**/search-index/shards/*.json", fail_once)
    first = page.evaluate("() => window.casebookSearch.search('六西格玛', 1).then(() => 'ok', () => 'failed')")
    second = page.evaluate("() => window.casebookSearch.search('六西格玛', 1).then(r => r.hits.map(h => h.id))")
    assert first == "failed" and len(failed) == 1
    assert "SC-2021-001" in second
