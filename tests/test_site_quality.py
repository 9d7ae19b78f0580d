"""Quality gates for readers: accessibility (GB/T 37668, about WCAG 2.x AA) and the 适老化 rules.

The built sample site in headless Debian Chromium: axe-core finds nothing serious, pages reflow at
200 % zoom, the keyboard reaches everything with a visible focus, body text is well spaced, status is
said in words, and every page loads without script errors or requests to other hosts.
``make check-site`` runs this module and tests/test_links.py.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from axe_playwright_python.base import AXE_SCRIPT  # axe-core's own axe.min.js, bundled in the wheel
from playwright.sync_api import Page


pytestmark = pytest.mark.browser

SCREENSHOTS = Path(__file__).parent.parent / "build" / "screenshots"

SEARCH = "search/?q=" + quote("六西格玛")
PAGES = {  # one of each kind of page
    "home": "",
    "case": "cases/SC-2021-001/",
    "browse-index": "methods/",
    "browse-value": "methods/six-sigma/",
    "search": SEARCH,
    "all-cases": "cases/",
    "about": "about/",
    "statistics": "statistics/",
}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
# A 1280 px wide window at 200 % zoom: half as many CSS pixels, each drawn twice as large.
ZOOM_200 = {"viewport": {"width": 640, "height": 450}, "device_scale_factor": 2}

# What the keyboard tests read off the focused element.
FOCUSED = """() => {
  const e = document.activeElement;
  const style = getComputedStyle(e);
  return {
    tag: e.tagName, id: e.id, href: e.href || "", className: String(e.className),
    text: (e.textContent || "").trim().slice(0, 30),
    inContent: !!e.closest("article"), isResult: !!e.closest(".cb-hit__title"),
    outline: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0
             && style.outlineColor !== "rgba(0, 0, 0, 0)",
    shadow: style.boxShadow !== "none",
    onScreen: e.checkVisibility({visibilityProperty: true})  // opacity fades in: not checked
              && [e.getBoundingClientRect()].every(r => r.right > 0 && r.left < innerWidth
                                                        && r.bottom > 0 && r.top < innerHeight),
  };
}"""


def open_page(browser, layout: dict) -> Page:
    """A page in a fresh context that records every request and every script or console error."""
    page = browser.new_context(locale="zh-CN", **layout).new_page()
    page.requests, page.errors = [], []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda message: message.type == "error" and page.errors.append(message.text))
    return page


@pytest.fixture
def desktop(browser):
    page = open_page(browser, DESKTOP)
    yield page
    page.context.close()


@pytest.fixture
def zoomed(browser):
    page = open_page(browser, ZOOM_200)
    yield page
    page.context.close()


def visit(page: Page, base_url: str, address: str) -> None:
    page.goto(base_url + address, wait_until="load")
    if address.startswith("search/?"):
        page.locator(".cb-hit").first.wait_for()


def serious_violations(page: Page) -> list[str]:
    """axe-core's serious and critical findings on the page as it stands, one line per element."""
    page.evaluate(AXE_SCRIPT)
    results = page.evaluate("() => axe.run(document, {resultTypes: ['violations']})")
    return [f"{violation['id']} ({violation['impact']}) {' '.join(node['target'])}: {node['failureSummary']}"
            for violation in results["violations"] if violation["impact"] in ("serious", "critical")
            for node in violation["nodes"]]


@pytest.mark.parametrize("address", PAGES.values(), ids=PAGES.keys())
def test_axe_finds_nothing_serious(desktop, base_url, address):
    visit(desktop, base_url, address)
    assert serious_violations(desktop) == []


@pytest.mark.parametrize("address", PAGES.values(), ids=PAGES.keys())
def test_at_200_percent_zoom_the_page_needs_no_sideways_scrolling(zoomed, base_url, address):
    visit(zoomed, base_url, address)
    scroll_width, width = zoomed.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    wide = zoomed.evaluate("""() => [...document.querySelectorAll("body *")]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && !e.closest(".md-typeset__scrollwrap"))
        .slice(0, 5).map(e => e.tagName + "." + e.className)""")
    assert scroll_width <= width + 1, f"the page is {scroll_width} px wide in a {width} px window: {wide}"
    # The zoomed layout is the theme's narrow one, with its own colours: axe checks it too.
    assert serious_violations(zoomed) == []
    if address == PAGES["case"]:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        zoomed.screenshot(path=str(SCREENSHOTS / "case-zoom-200.png"), full_page=True)


def tab_until(page: Page, done, limit: int = 60) -> list[dict]:
    """Press Tab until ``done(focused)``; returns every element focused on the way."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        seen.append(page.evaluate(FOCUSED))
        if done(seen[-1]):
            return seen
    pytest.fail(f"not reached after {limit} presses of Tab: {[item['text'] or item['tag'] for item in seen]}")


def without_visible_focus(seen: list[dict]) -> list[str]:
    """Focused elements with no focus indicator, or out of sight (such as links in a closed drawer)."""
    return [f"{item['tag']}#{item['id']} {item['text']}" for item in seen
            if not (item["outline"] or item["shadow"]) or not item["onScreen"]]


@pytest.mark.parametrize("address", [PAGES["home"], PAGES["case"]], ids=["home", "case"])
def test_the_keyboard_reaches_search_and_content_with_a_visible_focus(desktop, base_url, address):
    visit(desktop, base_url, address)
    seen = tab_until(desktop, lambda focused: focused["inContent"] and focused["tag"] == "A"
                     and focused["text"] != "¶")  # the first real content link, past the heading anchors
    assert "cb-header-q" in [item["id"] for item in seen], "Tab never reached the header's search box"
    assert "导航菜单" not in [item["text"] for item in seen], "the wide layout shows the navigation, not a menu button"
    assert without_visible_focus(seen) == []

    for _ in range(len(seen)):  # back to the search box the same way, then search by keyboard alone
        if desktop.evaluate("() => document.activeElement.id") == "cb-header-q":
            break
        desktop.keyboard.press("Shift+Tab")
    assert desktop.evaluate("() => document.activeElement.id") == "cb-header-q"
    desktop.keyboard.type("六西格玛")
    desktop.keyboard.press("Enter")
    desktop.locator(".cb-hit").first.wait_for()
    assert desktop.url.startswith(base_url + "search/?q=")
    assert desktop.locator(".cb-hit").count() > 0


def test_at_200_percent_zoom_the_keyboard_opens_the_navigation_drawer(zoomed, base_url):
    """The narrow layout hides the navigation in a drawer: the menu button opens it by keyboard, and
    while closed its links take no focus out of sight."""
    visit(zoomed, base_url, PAGES["home"])
    seen = tab_until(zoomed, lambda focused: focused["inContent"] and focused["tag"] == "A"
                     and focused["text"] != "¶")
    assert "导航菜单" in [item["text"] for item in seen], "Tab never reached the menu button"
    assert without_visible_focus(seen) == []

    visit(zoomed, base_url, PAGES["home"])
    tab_until(zoomed, lambda focused: focused["text"] == "导航菜单")
    zoomed.keyboard.press("Enter")
    assert zoomed.evaluate("() => document.getElementById('__drawer').checked"), "Enter did not open the drawer"
    zoomed.wait_for_timeout(300)  # while the drawer slides in
    seen = tab_until(zoomed, lambda focused: "md-nav__link" in focused["className"])
    assert without_visible_focus(seen) == []
    assert serious_violations(zoomed) == []  # the open drawer's colours too


PHONE = {"viewport": {"width": 375, "height": 667}, "device_scale_factor": 2}
DRAWER_STATE = """() => {
  const button = [...document.querySelectorAll(".md-header button")].find(b => b.textContent.trim() === "导航菜单");
  return {open: document.getElementById("__drawer").checked, expanded: button.getAttribute("aria-expanded"),
          onMenuButton: document.activeElement === button};
}"""


@pytest.mark.parametrize("key", ["Enter", "Space"])
def test_on_a_phone_the_navigation_drawer_works_by_keyboard_alone(browser, base_url, key):
    """The menu button opens the drawer with Enter or Space and says so; Escape closes it from inside
    and gives the focus back to the menu button."""
    page = open_page(browser, PHONE)
    visit(page, base_url, PAGES["case"])
    tab_until(page, lambda focused: focused["text"] == "导航菜单")
    assert page.evaluate(DRAWER_STATE) == {"open": False, "expanded": "false", "onMenuButton": True}

    page.keyboard.press(key)
    assert page.evaluate(DRAWER_STATE)["open"], f"{key} did not open the drawer"
    assert page.evaluate(DRAWER_STATE)["expanded"] == "true"
    page.wait_for_timeout(300)  # while the drawer slides in
    seen = tab_until(page, lambda focused: "md-nav__link" in focused["className"])
    assert without_visible_focus(seen) == []

    page.keyboard.press("Escape")
    assert page.evaluate(DRAWER_STATE) == {"open": False, "expanded": "false", "onMenuButton": True}
    page.keyboard.press(key)
    page.keyboard.press(key)
    assert page.evaluate(DRAWER_STATE)["open"] is False, f"a second {key} did not close the drawer"
    assert page.errors == []
    page.context.close()


def test_the_keyboard_reaches_every_search_result(desktop, base_url):
    # Facet links appear only with the search service (tests/test_browser.py); the static search has none.
    visit(desktop, base_url, PAGES["search"])
    results = set(desktop.locator(".cb-hit__title a").evaluate_all("links => links.map(a => a.href)"))
    assert results
    reached = set()

    def all_reached(focused):
        if focused["isResult"]:
            reached.add(focused["href"])
        return reached == results

    seen = tab_until(desktop, all_reached)
    assert without_visible_focus(seen) == []


def test_a_case_page_is_spaced_for_reading_and_says_its_status_in_words(desktop, base_url):
    visit(desktop, base_url, PAGES["case"])
    spacing = desktop.locator(".md-typeset p").evaluate_all("""ps => ps.map(p => {
        const style = getComputedStyle(p);
        return parseFloat(style.lineHeight) / parseFloat(style.fontSize);  // NaN for 'normal': fails
    })""")
    assert spacing and min(spacing) >= 1.3, f"line spacing {min(spacing):.2f}"
    badges = desktop.locator(".cb-badge").evaluate_all("bs => bs.map(b => [b.className, b.textContent.trim()])")
    assert [text for _, text in badges] == ["已认定", "推荐全国质量标杆：已入选（2022 年）"]


def test_every_page_loads_without_errors_or_requests_elsewhere(browser, base_url, sample_site, report):
    """Every page, and the search page with results: the other tests here leave errors to this one."""
    pages = sorted(path.relative_to(sample_site).as_posix().removesuffix("index.html")
                   for path in sample_site.rglob("*.html") if path.name != "404.html")
    assert len(pages) > 20
    page = open_page(browser, DESKTOP)
    local = urlsplit(base_url).netloc
    problems = {}
    for address in pages + [SEARCH]:
        page.requests.clear()
        page.errors.clear()
        visit(page, base_url, address)
        foreign = [url for url in page.requests if urlsplit(url).netloc != local]
        if page.errors or foreign:
            problems[address] = page.errors + foreign
        for kind, text in page.locator(".cb-badge").evaluate_all(
                "bs => bs.map(b => [b.className, b.textContent.trim()])"):
            if not text:
                problems.setdefault(address, []).append(f"a badge without words: {kind}")
    page.context.close()
    report.append(f"网页质量：{len(pages)} 个页面（另加有结果的检索页）无脚本错误、无外部请求")
    some = "\n".join(f"{address or '/'}: {found[:3]}" for address, found in list(problems.items())[:5])
    assert not problems, f"{len(problems)} of {len(pages) + 1} pages, such as\n{some}"
