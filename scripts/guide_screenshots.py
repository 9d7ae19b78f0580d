"""Take the screenshots of the guides in content/howto/ (Chinese site) and content/en/howto/ (English site).

Builds the sample site into a temporary folder with ``casebook build``, serves it, and photographs the
parts of the pages the guides talk about with Debian's Chromium. The preview's problem banner comes
from ``casebook serve --watch`` on a temporary copy of cases/ in which one record is then broken on
purpose. Run from the project folder after ``make test`` (which installs playwright and chromium):

    .venv/bin/python scripts/guide_screenshots.py

The images are documentation and are committed; run this again after changing how the pages look.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from playwright.sync_api import Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))  # the tests' local server and Chromium settings

from support import CHROMIUM, CHROMIUM_ARGS, serve_folder  # noqa: E402

IMAGES = {"zh": ROOT / "content" / "howto" / "images", "en": ROOT / "content" / "en" / "howto" / "images"}
SITE_PREFIX = {"zh": "", "en": "en/"}
VIEWPORT = {"width": 1100, "height": 700}
PADDING = 12

# The record broken for the preview banner, and how: a city written by its short name and a date
# without leading zeros, the mistakes the awardee guide shows `casebook check` reporting.
BROKEN_RECORD = Path("2021") / "SC-2021-003.yaml"
BREAKAGE = [("  city: 宜宾市\n", "  city: 宜宾\n"), ("updated: 2024-11-06\n", "updated: 2025-3-20\n")]

MARK = "outline: 3px solid #d32f2f !important; outline-offset: 4px; border-radius: 4px;"
SHADE = "background: #fff3c4 !important;"


@dataclass
class Shot:
    """One picture: a page of both sites, cropped to the elements named, with some of them marked."""

    name: str
    path: str | dict[str, str]
    crop: list[str]
    marks: dict[str, str] = field(default_factory=dict)
    """CSS selector → declarations drawn on it just for the picture."""
    wait_for: str | None = None

    def path_in(self, language: str) -> str:
        path = self.path[language] if isinstance(self.path, dict) else self.path
        return SITE_PREFIX[language] + path


SITE_SHOTS = [
    # 如何更新我的案例
    Shot("find-case", {"zh": "search/?q=川重精工", "en": "search/?q=Chuanzhong"},
         crop=[".md-header", "#cb-results"], marks={"#cb-results li a": MARK},
         wait_for="#cb-results a"),
    Shot("edit-link", "cases/SC-2021-001/", crop=[".md-header", "article h1", ".md-content__button[rel=edit]"],
         marks={".md-content__button[rel=edit]": MARK}),
    Shot("dates", "cases/SC-2021-001/", crop=[".cb-card"],
         marks={".cb-card dl > dt:last-of-type, .cb-card dl > dd:last-of-type": SHADE}),
    # 年度认定工作流程
    Shot("publicity-list", "publicity/", crop=["article h2", "article table"]),
    Shot("year-list", "years/2025/", crop=["article h1", "article table"]),
    Shot("revoked-case", "cases/SC-2022-004/", crop=["article h1", "article > dl + p"]),
    Shot("featured", "", crop=["article h2", "article table"]),
]
PREVIEW_SHOTS = [
    Shot("preview-problems", "cases/SC-2021-003/", crop=[".cb-preview-problems", "article h1"],
         marks={".cb-preview-problems": MARK}),
]


def main() -> int:
    if not Path(CHROMIUM).exists():
        raise SystemExit(f"没有 {CHROMIUM}：请先运行 make test（它会安装 Debian 的 chromium）")
    pictures: dict[Path, bytes] = {}
    with tempfile.TemporaryDirectory(prefix="guide-shots-") as work, sync_playwright() as playwright:
        work = Path(work)
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport=VIEWPORT)
        casebook("build", "--out", str(work / "site-build"))
        with serve_folder(work / "site-build" / "site") as url:
            pictures |= photograph(page, url, SITE_SHOTS)
        with preview_with_problems(work) as url:
            pictures |= photograph(page, url, PREVIEW_SHOTS)
        browser.close()
    # Written only now: the preview watches content/ and would rebuild on every new image.
    for path, picture in pictures.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(picture)
        print(f"{path.relative_to(ROOT)}  {len(picture) // 1024} KB")
    return 0


def photograph(page: Page, base_url: str, shots: list[Shot]) -> dict[Path, bytes]:
    pictures = {}
    for shot in shots:
        for language, folder in IMAGES.items():
            page.goto(base_url + shot.path_in(language))
            if shot.wait_for:
                page.wait_for_selector(shot.wait_for)
            for selector, declarations in shot.marks.items():
                page.add_style_tag(content=f"{selector} {{ {declarations} }}")
            pictures[folder / f"{shot.name}.png"] = page.screenshot(full_page=True, clip=crop_box(page, shot.crop))
    return pictures


def crop_box(page: Page, selectors: list[str]) -> dict[str, float]:
    """The smallest rectangle of the page around the first element of each selector, with a margin."""
    return page.evaluate(
        """([selectors, padding]) => {
            const boxes = selectors.map(selector => {
                const element = document.querySelector(selector);
                const box = element && element.getBoundingClientRect();
                if (!box || !box.width || !box.height) throw new Error("nothing to see at " + selector);
                return box;
            });
            const left = Math.max(0, Math.min(...boxes.map(b => b.left)) - padding);
            const top = Math.max(0, Math.min(...boxes.map(b => b.top)) - padding);
            const right = Math.min(document.documentElement.scrollWidth, Math.max(...boxes.map(b => b.right)) + padding);
            const bottom = Math.max(...boxes.map(b => b.bottom)) + padding;
            return {x: left + window.scrollX, y: top + window.scrollY, width: right - left, height: bottom - top};
        }""",
        [selectors, PADDING],
    )


def casebook(*arguments: str) -> None:
    subprocess.run([sys.executable, "-m", "casebook", *arguments], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)


@contextmanager
def preview_with_problems(work: Path) -> Iterator[str]:
    """``make serve``'s ``casebook serve --watch``, once it shows the problems of a broken record.

    It runs in a scratch project (a copy of cases/, the rest linked) so that the messages name
    ``cases/…`` as they would for an awardee, and the real records stay untouched.
    """
    project = work / "project"
    shutil.copytree(ROOT / "cases", project / "cases")
    for config in ROOT.glob("mkdocs*.yml"):
        shutil.copy(config, project)
    for folder in ("casebook", "content", "search"):
        (project / folder).symlink_to(ROOT / folder, target_is_directory=True)
    port = _free_port()
    url = f"http://127.0.0.1:{port}/"
    server = subprocess.Popen([sys.executable, "-m", "casebook", "serve", "--watch", "--port", str(port)],
                              cwd=project, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        _wait_for(url + PREVIEW_SHOTS[0].path, lambda text: "<article" in text)
        _break(project / "cases" / BROKEN_RECORD)
        _wait_for(url + PREVIEW_SHOTS[0].path, lambda text: "cb-preview-problems" in text)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=30)


def _break(record: Path) -> None:
    text = record.read_text(encoding="utf-8")
    for good, bad in BREAKAGE:
        if good not in text:
            raise SystemExit(f"{record.name} 中已没有 {good!r}：请修改 BREAKAGE")
        text = text.replace(good, bad)
    record.write_text(text, encoding="utf-8")


def _wait_for(url: str, ready, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=5) as answer:
                if ready(answer.read().decode("utf-8")):
                    return
        except OSError:
            pass
        time.sleep(0.5)
    raise SystemExit(f"预览没有在 {timeout:.0f} 秒内准备好：{url}")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


if __name__ == "__main__":
    sys.exit(main())
