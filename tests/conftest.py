"""Shared fixtures: the real sample site, built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


DRAFT_DAY = "2026-05-20"
"""The day new records are dated in the intake tests (casebook new, import-docx, import-list)."""


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    """A folder with a cases/ holding the real vocabularies, as the working folder; a fixed today."""
    import shutil

    from casebook import drafts

    shutil.copytree(ROOT / "cases" / "vocabularies", tmp_path / "cases" / "vocabularies")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(drafts, "today", lambda: DRAFT_DAY)
    return tmp_path


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """The bundled sample cases built strictly, as ``casebook build`` does, into a temporary folder."""
    from casebook.build import build_site

    out = tmp_path_factory.mktemp("sample-build")
    return build_site(ROOT / "cases", out, ROOT / "mkdocs.yml")


@pytest.fixture(scope="module")
def base_url(sample_site):
    """The sample site served with the headers nginx would send: a policy violation is a console error."""
    from support import security_headers, serve_folder

    headers = security_headers(sample_site)
    assert [name for name, _ in headers] == ["Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"]
    with serve_folder(sample_site, headers) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright
    from support import launch_chromium

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


REPORT: list[str] = []


@pytest.fixture(scope="session")
def report():
    """Lines a test wants shown at the end of the run, such as measured search quality."""
    return REPORT


def pytest_terminal_summary(terminalreporter):
    if REPORT:
        terminalreporter.section("测量结果")
        for line in REPORT:
            terminalreporter.write_line(line)
