"""Publishing safety: a failed, killed or concurrent build never disturbs the site readers see."""

from __future__ import annotations

import filecmp
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest
from support import NEW_TITLE, OLD_TITLE, serve_folder

import casebook.render
from casebook.build import build_site, rollback
from casebook.publish import COMPLETE, KEPT_RELEASES, Output, PublishError

ROOT = Path(__file__).parent.parent
FIXTURE = ROOT / "tests" / "fixtures" / "casebook"


def build(cases: Path, out: Path) -> Path:
    return build_site(cases, out, ROOT / "mkdocs.yml")


@pytest.fixture
def changed_cases(tmp_path) -> Path:
    """The fixture casebook with one title changed, so the new site is told apart from the old."""
    cases = tmp_path / "changed"
    shutil.copytree(FIXTURE, cases)
    record = cases / "2022" / "SC-2022-001.yaml"
    record.write_text(record.read_text(encoding="utf-8").replace(OLD_TITLE, NEW_TITLE), encoding="utf-8")
    return cases


class Reader:
    """Fetches pages from the live folder over HTTP, again and again, recording what it saw."""

    PAGES = ["", "cases/SC-2022-001/", "cases/", "methods/spc/"]

    def __init__(self, site: Path):
        self._serving = serve_folder(site)
        self.seen: list[tuple[str, int, bool]] = []
        self._stop = threading.Event()

    def __enter__(self) -> Reader:
        self.base = self._serving.__enter__()
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._serving.__exit__(*exc)

    def _read(self) -> None:
        while not self._stop.is_set():
            for address in self.PAGES:
                try:
                    with urllib.request.urlopen(self.base + address, timeout=5) as response:
                        body = response.read().decode("utf-8")
                        self.seen.append((address, response.status, OLD_TITLE in body or address != "cases/SC-2022-001/"))
                except Exception as error:  # noqa: BLE001 - any failure is what the test counts
                    self.seen.append((address, getattr(error, "code", 0), False))

    def errors(self) -> list[tuple[str, int, bool]]:
        return [seen for seen in self.seen if seen[1] != 200 or not seen[2]]


def test_an_exception_while_rendering_keeps_the_old_site_serving(tmp_path, changed_cases, monkeypatch):
    out = tmp_path / "out"
    live = build(FIXTURE, out)
    original, calls = casebook.render.render_page, []

    def fail_on_page_five(page, environment):
        calls.append(page.uri)
        if len(calls) == 5:
            raise RuntimeError("injected failure while rendering page 5")
        return original(page, environment)

    monkeypatch.setattr(casebook.render, "render_page", fail_on_page_five)
    with Reader(live) as reader:
        time.sleep(0.3)
        with pytest.raises(RuntimeError, match="page 5"):
            build(changed_cases, out)
        time.sleep(0.3)
    assert len(calls) == 5
    assert len(reader.seen) > 20 and reader.errors() == []
    assert [r.name for r in (out / "releases").iterdir()] == [Output(out).active_release().name]


def test_a_killed_build_keeps_the_old_site_and_the_next_build_cleans_up(tmp_path, changed_cases):
    out = tmp_path / "out"
    live = build(FIXTURE, out)
    first = Output(out).active_release()
    slow_build = (
        "import time, mkdocs.commands.build as b\n"
        "write = b._build_page\n"
        "b._build_page = lambda *a, **k: (time.sleep(0.2), write(*a, **k))[1]\n"
        "from casebook.cli import main\n"
        f"main(['build', '--cases', {str(changed_cases)!r}, '--out', {str(out)!r}])\n"
    )
    with Reader(live) as reader:
        process = subprocess.Popen([sys.executable, "-c", slow_build], cwd=ROOT)
        partial = _wait_for_partial_release(out, first)
        process.send_signal(signal.SIGKILL)
        process.wait()
        time.sleep(0.3)
    assert len(reader.seen) > 20 and reader.errors() == []
    assert partial.is_dir() and not (partial / COMPLETE).exists()

    build(changed_cases, out)
    assert not partial.exists()
    assert NEW_TITLE in (live / "cases" / "SC-2022-001" / "index.html").read_text(encoding="utf-8")


def _wait_for_partial_release(out: Path, published: Path) -> Path:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        for release in (out / "releases").iterdir():
            if release != published and len(list(release.glob("site/**/index.html"))) >= 3:
                return release
        time.sleep(0.05)
    raise AssertionError("the slowed build never started writing pages")


def test_the_newest_releases_are_kept_and_older_ones_removed_by_the_next_build(tmp_path):
    output, published = Output(tmp_path / "out"), []
    with output.locked():
        for number in range(KEPT_RELEASES + 2):
            release = output.new_release()
            (release / "site").mkdir()
            (release / "site" / "index.html").write_text(str(number), encoding="utf-8")
            output.publish(release)
            published.append(release)
        assert output.complete_releases() == published[-KEPT_RELEASES:]
        assert not published[0].exists()
        retired = published[-KEPT_RELEASES - 1]  # by the last publish: no longer offered for rollback
        assert retired.is_dir() and not (retired / COMPLETE).exists()

        output.discard(output.new_release())  # even a build that fails removes it
        assert not retired.exists()
        assert output.complete_releases() == published[-KEPT_RELEASES:]
    assert (output.site / "index.html").read_text(encoding="utf-8") == str(KEPT_RELEASES + 1)


def test_rollback_publishes_the_previous_release(tmp_path, changed_cases):
    out = tmp_path / "out"
    live = build(FIXTURE, out)
    build(changed_cases, out)
    case_page = live / "cases" / "SC-2022-001" / "index.html"
    assert NEW_TITLE in case_page.read_text(encoding="utf-8")
    rollback(out)
    assert OLD_TITLE in case_page.read_text(encoding="utf-8")
    with pytest.raises(PublishError, match="没有可以回滚到的更早版本"):
        rollback(out)


def test_two_builds_at_once_are_serialised(tmp_path):
    out = tmp_path / "out"
    build(FIXTURE, out)
    second = threading.Thread(target=build, args=(FIXTURE, out))
    with Output(out).locked():
        second.start()
        time.sleep(1)
        assert second.is_alive()
        assert len(list((out / "releases").iterdir())) == 1  # the waiting build has not started
    second.join(timeout=60)
    assert not second.is_alive()
    assert len(Output(out).complete_releases()) == 2


@pytest.mark.parametrize("foreign", ["site", "releases", "current"])
def test_the_build_refuses_a_folder_it_does_not_own(tmp_path, foreign):
    out = tmp_path / "someone-elses"
    (out / foreign).mkdir(parents=True)
    (out / foreign / "keep.txt").write_text("不要删除", encoding="utf-8")
    with pytest.raises(PublishError, match="不是本工具生成的"):
        build(FIXTURE, out)
    assert (out / foreign / "keep.txt").read_text(encoding="utf-8") == "不要删除"
    assert sorted(p.name for p in out.iterdir()) == [foreign]


def test_other_output_beside_the_releases_is_left_alone(tmp_path):
    out = tmp_path / "out"
    (out / "screenshots").mkdir(parents=True)
    build(FIXTURE, out)
    assert (out / "screenshots").is_dir() and (out / "site" / "index.html").is_file()


def test_two_builds_of_the_same_records_are_identical(tmp_path):
    first = build(FIXTURE, tmp_path / "one").resolve()
    second = build(FIXTURE, tmp_path / "two").resolve()
    assert _differences(filecmp.dircmp(first, second)) == []


def _differences(comparison: filecmp.dircmp) -> list[str]:
    found = comparison.left_only + comparison.right_only + comparison.diff_files + comparison.funny_files
    for sub in comparison.subdirs.values():
        found += _differences(sub)
    return found
