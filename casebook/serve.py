"""``casebook serve``: serve the published site on this machine."""

from __future__ import annotations

import functools
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path


def serve_site(site: Path, port: int, host: str = "127.0.0.1") -> None:
    if not (site / "index.html").is_file():
        raise SystemExit(f"{site} 中没有网站：请先运行 casebook build")
    # The live folder is a link that each build switches, so requests always see the newest release.
    handler = functools.partial(SimpleHTTPRequestHandler, directory=str(site))
    with ThreadingHTTPServer((host, port), handler) as server:
        print(f"正在预览：http://{host}:{port}/  （按 Ctrl+C 停止）")
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
