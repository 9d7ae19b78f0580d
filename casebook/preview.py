"""The preview: the site served while its records are edited, rebuilt whenever one changes.

A build that fails leaves the last good site published (``casebook build`` never half-publishes);
its problems are printed in the terminal and shown at the top of every page until a build
succeeds again, so an awardee sees at once what to fix, where.

An edit to records alone shows at once on the pages that show them (their case pages, the lists
they are in, the cases they are related to), written again in place in both languages; the whole
site then builds again behind them, search included.
"""

from __future__ import annotations

import html
import threading
from collections.abc import Callable
from pathlib import Path

from starlette.responses import HTMLResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from .build import BuildFailed, build_site
from .mkdocs_plugin import CasebookPlugin
from .problems import ProblemsFound
from .records import Casebook, recheck_records, record_paths

PROBLEMS_TITLE = "案例记录有问题，网站仍显示上一次成功生成的版本"


class LiveSite:
    """The preview's latest build, kept in this process: the pages that show an edited record
    are written again in place at once, while the whole site builds again behind them."""

    def __init__(self, cases: Path) -> None:
        self.cases = cases
        self._built: tuple[Casebook, list[CasebookPlugin]] | None = None

    def built(self, casebook: Casebook, plugins: list[CasebookPlugin]) -> None:
        self._built = (casebook, plugins)

    def update(self, records: list[Path]) -> list[str]:
        """The ids of the cases whose pages now show their edited records; none when only the
        whole build can show the edit: a new, moved or removed record, one revoked or no longer
        revoked, a record with a problem, or no build yet."""
        edited = recheck_records(self._built[0], self.cases, records) if self._built else None
        if edited is None:
            return []
        casebook, changed = edited
        for plugin in self._built[1]:
            plugin.rebuild_pages(casebook, {case.id for case in changed})
        self._built = (casebook, self._built[1])
        return [case.id for case in changed]


class Rebuilder:
    """Builds the site and remembers what went wrong with the latest attempt."""

    def __init__(self, cases: Path, out: Path, config_file: Path, report: Callable[[str], None] = print):
        self.cases, self.out, self.config_file, self._report = cases, out, config_file, report
        self.problems: list[str] = []
        self._lock = threading.Lock()
        self._live = LiveSite(cases)

    def show_edits(self, paths: list[Path]) -> list[str]:
        """Write the pages that show edited records again at once; the ids of the cases updated.

        None are when the edit is more than changed records, or the site has problems to fix
        first: then only the whole build shows it.
        """
        records = {path.resolve() for path in record_paths(self.cases)}
        if self.problems or not paths or not {path.resolve() for path in paths} <= records:
            return []
        with self._lock:
            updated = self._live.update(paths)
        if updated:
            self._report(f"已更新显示这些案例的页面：{'、'.join(updated)}（检索稍后更新）。")
        return updated

    def rebuild(self) -> bool:
        with self._lock:
            try:
                build_site(self.cases, self.out, self.config_file, built=self._live.built)
            except ProblemsFound as found:
                self.problems = [str(problem) for problem in found.problems]
                self._report(found.report())
                return False
            except BuildFailed as failed:
                self.problems = str(failed).splitlines()
                self._report(str(failed))
                return False
            self.problems = []
            self._report("网站已重新生成。")
            return True

    def watched(self) -> list[Path]:
        """What a preview rebuilds on: the records, the hand-written pages, the search vocabulary
        and the configuration files."""
        root = self.config_file.parent
        folders = [self.cases, root / "content", root / "search"]
        return [path for path in (*folders, *root.glob("mkdocs*.yml")) if path.exists()]

    def watch(self, stop: threading.Event) -> None:
        from watchfiles import Change, watch

        for changes in watch(*self.watched(), stop_event=stop, debounce=300):
            if all(change == Change.modified for change, _ in changes):
                self.show_edits([Path(path) for _, path in changes])
            self._report("检测到修改，正在重新生成……")
            self.rebuild()


class PreviewApp:
    """The site application (made once a site exists) with the latest problems on every page."""

    def __init__(self, rebuilder: Rebuilder, make_site_app: Callable[[], ASGIApp]):
        self._rebuilder = rebuilder
        self._make_site_app = make_site_app
        self._site_app: ASGIApp | None = None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and self._site_app is None and (self._rebuilder.out / "site").exists():
            self._site_app = self._make_site_app()
        if self._site_app is None:
            if scope["type"] == "http":
                await _problems_page(self._rebuilder.problems)(scope, receive, send)
            return
        if scope["type"] != "http" or not self._rebuilder.problems:
            await self._site_app(scope, receive, send)
            return
        await self._with_banner(scope, receive, send)

    async def _with_banner(self, scope: Scope, receive: Receive, send: Send) -> None:
        started: dict = {}
        body = bytearray()

        async def capture(message) -> None:
            if message["type"] == "http.response.start":
                started.update(message)
            else:
                body.extend(message.get("body", b""))

        await self._site_app(scope, receive, capture)
        headers = [(k, v) for k, v in started.get("headers", []) if k.lower() != b"content-length"]
        content = bytes(body)
        if any(k.lower() == b"content-type" and v.startswith(b"text/html") for k, v in headers):
            content = with_problems_banner(content.decode("utf-8"), self._rebuilder.problems).encode("utf-8")
        response = Response(content, status_code=started.get("status", 200))
        response.raw_headers = [*headers, (b"content-length", str(len(content)).encode())]
        await response(scope, receive, send)


def problems_html(problems: list[str]) -> str:
    items = "".join(f"<li><code>{html.escape(problem)}</code></li>" for problem in problems)
    return (f'<div class="cb-preview-problems" role="alert"><p><strong>{PROBLEMS_TITLE}</strong>'
            f"（改正后保存，网站会自动重新生成，刷新本页即可看到）：</p><ul>{items}</ul></div>")


def with_problems_banner(page: str, problems: list[str]) -> str:
    """The page with the problems as the first thing in its body."""
    start = page.find("<body")
    end = page.find(">", start) + 1 if start >= 0 else 0
    return page[:end] + problems_html(problems) + page[end:]


def _problems_page(problems: list[str]) -> HTMLResponse:
    body = problems_html(problems) if problems else "<p>网站正在生成，请稍后刷新本页。</p>"
    return HTMLResponse(f'<!doctype html><html lang="zh"><meta charset="utf-8"><title>{PROBLEMS_TITLE}</title>'
                        f"<body>{body}</body></html>", status_code=503 if not problems else 200)

