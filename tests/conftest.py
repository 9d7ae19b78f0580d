"""Shared fixtures: the real sample site, built once per test session."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="session")
def sample_site(tmp_path_factory) -> Path:
    """The bundled sample cases built strictly, as ``casebook build`` does, into a temporary folder."""
    from casebook.build import build_site

    out = tmp_path_factory.mktemp("sample-build")
    return build_site(ROOT / "cases", out, ROOT / "mkdocs.yml")


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
