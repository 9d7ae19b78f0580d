"""The search service: the published site, plus ``GET /api/search`` over the release's index.

Every answer is JSON of one shape, also for zero hits; a bad parameter gets 400 with a Chinese
message naming it; a full service answers 503 instead of queueing without bound.
"""

from __future__ import annotations

import asyncio
import os
import re
import threading
from dataclasses import asdict
from pathlib import Path

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .fulltext import FACETS, FulltextIndex, SearchResult
from .static_search import FOLDER as STATIC_FOLDER
from .static_search import SERVICE_FILE

MAX_QUERY_CHARS = 200
MAX_FILTER_CHARS = 50
MAX_PAGE = 1000
PAGE_SIZE = 10
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


class BadParameter(Exception):
    def __init__(self, parameter: str, message: str):
        super().__init__(message)
        self.parameter = parameter


class CurrentIndex:
    """The index of whichever release is published now; reopened after each build's switch."""

    def __init__(self, out: Path):
        self._current = out / "current"
        self._lock = threading.Lock()
        self._opened: tuple[str, FulltextIndex] | None = None

    def get(self) -> FulltextIndex:
        release = os.readlink(self._current)
        with self._lock:
            if self._opened is None or self._opened[0] != release:
                self._opened = (release, FulltextIndex(self._current / "index"))
            return self._opened[1]


def create_app(out: Path, cors_origins: list[str] = (), max_concurrent: int = 4, time_limit: float = 3.0) -> Starlette:
    index = CurrentIndex(out)
    index.get()  # fail at start-up, not at the first search, when there is no built index
    slots = asyncio.Semaphore(max_concurrent)

    async def search(request: Request) -> JSONResponse:
        try:
            text, filters, page = _parameters(request)
        except BadParameter as bad:
            return _error(400, "bad_parameter", str(bad), bad.parameter)
        if slots.locked():
            return _error(503, "busy", "检索服务繁忙，请稍后再试")
        async with slots:
            work = asyncio.get_running_loop().run_in_executor(None, lambda: index.get().search(text, filters, page, PAGE_SIZE))
            try:
                result = await asyncio.wait_for(asyncio.shield(work), time_limit)
            except TimeoutError:
                return _error(503, "timeout", "检索超时，请换用更具体的检索词")
        return JSONResponse(result_json(result))

    middleware = [Middleware(CORSMiddleware, allow_origins=list(cors_origins), allow_methods=["GET"])]
    async def announce(request: Request) -> JSONResponse:
        return JSONResponse({"service": True})

    # The page asks this address, which a static deployment answers with false, so that no
    # request of a reader's browser fails just to find out whether the service is there.
    routes = [Route("/api/search", search), Route(f"/{STATIC_FOLDER}/{SERVICE_FILE}", announce),
              Mount("/", StaticFiles(directory=out / "site", html=True))]
    return Starlette(routes=routes, middleware=middleware)


def _parameters(request: Request) -> tuple[str, dict[str, str], int]:
    params = request.query_params
    text = _CONTROL.sub(" ", params.get("q", "")).strip()
    if not text:
        raise BadParameter("q", "请输入检索词（参数 q）")
    if len(text) > MAX_QUERY_CHARS:
        raise BadParameter("q", f"检索词过长：最多 {MAX_QUERY_CHARS} 个字")
    page_text = params.get("page", "1")
    if not re.fullmatch(r"[0-9]{1,4}", page_text) or not 1 <= int(page_text) <= MAX_PAGE:
        raise BadParameter("page", f"页码 page 应为 1 到 {MAX_PAGE} 之间的整数")
    filters = {}
    for name in FACETS:
        value = _CONTROL.sub("", params.get(name, "")).strip()
        if not value:
            continue
        if len(value) > MAX_FILTER_CHARS:
            raise BadParameter(name, f"筛选条件 {name} 过长")
        if name == "year" and not re.fullmatch(r"[0-9]{4}", value):
            raise BadParameter(name, "年份 year 应为四位数字，例如 2021")
        filters[name] = value
    return text, filters, int(page_text)


def result_json(result: SearchResult) -> dict:
    return {
        "query": result.query,
        "total": result.total,
        "page": result.page,
        "pages": result.pages,
        "page_size": result.page_size,
        "hits": [asdict(hit) for hit in result.hits],
        "facets": {name: [{"value": value, "count": count} for value, count in values]
                   for name, values in result.facets.items()},
    }


def _error(status: int, code: str, message: str, parameter: str | None = None) -> JSONResponse:
    error = {"code": code, "message": message, **({"parameter": parameter} if parameter else {})}
    return JSONResponse({"error": error}, status_code=status)
