"""What several tests and the browser-driving scripts need: local servers on a free port, and
Debian's Chromium."""

from __future__ import annotations

import functools
import re
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import uvicorn

from casebook.headers import SNIPPET

# The title of SC-2022-001 in tests/fixtures/casebook, and the one tests edit it to.
OLD_TITLE = "成都丁科技有限公司应用统计过程控制的经验"
NEW_TITLE = "成都丁科技有限公司应用统计过程控制改进焊接质量的经验"

CHROMIUM = "/usr/bin/chromium"
# Without these, Chromium phones home at start-up; the site itself must not.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]


def folder_files(folder: Path, pattern: str = "*") -> dict[str, bytes]:
    """Every file below ``folder`` matching ``pattern``, by its path there: to compare two builds."""
    return {path.relative_to(folder).as_posix(): path.read_bytes()
            for path in sorted(folder.rglob(pattern)) if path.is_file()}


def security_headers(site: Path) -> list[tuple[str, str]]:
    """The headers of the nginx snippet built with the site, as nginx would send them."""
    snippet = (site.resolve().parent / SNIPPET).read_text(encoding="utf-8")
    return re.findall(r'^add_header (\S+) "([^"]*)" always;$', snippet, re.M)


def launch_chromium(playwright):
    assert Path(CHROMIUM).exists(), "Debian's chromium is missing: run `make test`, which installs it"
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


@contextmanager
def serve_folder(folder: Path, headers: list[tuple[str, str]] = ()) -> Iterator[str]:
    """A static file server for ``folder``, sending ``headers`` with every answer; yields its URL."""

    class Handler(SimpleHTTPRequestHandler):
        def end_headers(self):
            for name, value in headers:
                self.send_header(name, value)
            super().end_headers()

        def log_message(self, format, *args):  # noqa: A002 - the base class names it so
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(folder)))
    server.daemon_threads = True  # a browser's open connection never holds up the shutdown
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


@contextmanager
def serve_app(app) -> Iterator[str]:
    """An ASGI application served by uvicorn in a thread; yields its URL."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}/"
    finally:
        server.should_exit = True
        thread.join()


def run_cli(capsys, *arguments: str) -> tuple[int, str, str]:
    """The ``casebook`` command in this process: its exit code, standard output and error."""
    from casebook import cli

    try:
        code = cli.main(list(arguments))
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err
