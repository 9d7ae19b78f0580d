"""The built sample site as a reader's browser sees it: headless Debian Chromium via playwright."""

from __future__ import annotations

import functools
import re
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, sync_playwright

from casebook.headers import SNIPPET

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
SCREENSHOTS = Path(__file__).parent.parent / "build" / "screenshots"
# Without these, Chromium phones home at start-up; the site itself must not.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def security_headers(site: Path) -> list[tuple[str, str]]:
    """The headers of the nginx snippet built with the site, as nginx would send them."""
    snippet = (site.resolve().parent / SNIPPET).read_text(encoding="utf-8")
    return re.findall(r'^add_header (\S+) "([^"]*)" always;$', snippet, re.M)


class _HeaderHandler(SimpleHTTPRequestHandler):
    headers_to_send: list[tuple[str, str]] = []

    def end_headers(self):
        for name, value in self.headers_to_send:
            self.send_header(name, value)
        super().end_headers()

    def log_message(self, format, *args):  # noqa: A002 - the base class names it so
        pass


@pytest.fixture(scope="module")
def base_url(sample_site):
    """The sample site served with its security headers: a policy violation is a console error."""
    headers = security_headers(sample_site)
    assert [name for name, _ in headers] == ["Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"]
    handler = functools.partial(type("Handler", (_HeaderHandler,), {"headers_to_send": headers}),
                                directory=str(sample_site))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    assert Path(CHROMIUM).exists(), "Debian's chromium is missing: run `make test`, which installs it"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


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
