"""Work kept from one build to the next, found by a hash of what it was made from.

Converting a narrative to HTML, or a page's Markdown, gives the same result for the same input, so
a build keeps what it made in a file under ``build/cache/`` and the next build reuses whatever
it needs again: an unchanged record is not converted twice. Each file holds only what its build
used, so it never grows beyond one site's worth. The hash covers the package's own source and
the versions of the libraries that convert, so a cache never outlives the code that filled it.

A cache is only ever an accelerator: one that is missing, unreadable or stale is rebuilt.
"""

from __future__ import annotations

import hashlib
import marshal
import os
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cache
from importlib import metadata
from pathlib import Path
from typing import Any, TypeVar

FORMAT = 1
_LIBRARIES = ("markdown", "mkdocs", "mkdocs-material", "nh3", "jieba", "Jinja2")
_MISSING = object()
T = TypeVar("T")


class ContentCache:
    """Values by the hash of their inputs: those of the previous build, and those of this one."""

    def __init__(self, path: Path | None = None):
        self.path = path
        self._kept: dict[bytes, Any] = _read(path) if path else {}
        self._used: dict[bytes, Any] = {}

    def get(self, kind: str, inputs: tuple[str | bytes, ...], make: Callable[[], T]) -> T:
        """The value made from ``inputs`` by ``make``, made only when no build has made it before."""
        key = _key(kind, inputs)
        value = self._used.get(key, _MISSING)
        if value is _MISSING:
            value = self._kept.get(key, _MISSING)
            if value is _MISSING:
                value = make()
            self._used[key] = value
        return value

    def save(self) -> None:
        """Keep this build's values for the next one; older values are dropped."""
        if self.path is not None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_name(f".{self.path.name}.{os.getpid()}")
            partial.write_bytes(marshal.dumps(self._used))
            os.replace(partial, self.path)
        self._kept, self._used = self._used, {}

    def forget(self) -> None:
        """Drop what this build made; the previous build's values stay."""
        self._used = {}


_current = ContentCache()
_open: OrderedDict[Path, ContentCache] = OrderedDict()
_OPEN_AT_MOST = 4  # each language of a preview, with room to spare


def language_file(folder: Path, code: str) -> Path:
    """Where the builds of one language keep their cache, in ``folder``."""
    return folder / f"{code}.marshal"


def current() -> ContentCache:
    """The cache of the build running in this process; in memory only unless it keeps one."""
    return _current


@contextmanager
def kept_in(path: Path, save: bool = True) -> Iterator[ContentCache]:
    """Use the cache kept in ``path`` for the work inside; keep what it used there afterwards.

    A process that builds again and again (the preview) reads each file only once: whatever a
    key finds is right, whoever put it there.
    """
    global _current
    outer, _current = _current, _opened(path)
    try:
        yield _current
    except BaseException:
        _current.forget()  # a failed build's pages may hold what it failed on, e.g. a broken link
        raise
    else:
        if save:
            _current.save()
    finally:
        _current = outer


def _opened(path: Path) -> ContentCache:
    found = _open.pop(path, None) or ContentCache(path)
    _open[path] = found
    while len(_open) > _OPEN_AT_MOST:
        _open.popitem(last=False)
    return found


def _read(path: Path) -> dict[bytes, Any]:
    try:
        kept = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    return kept if isinstance(kept, dict) else {}


def _key(kind: str, inputs: tuple[str | bytes, ...]) -> bytes:
    digest = hashlib.blake2b(_code_fingerprint(), digest_size=16)
    digest.update(kind.encode())
    for part in inputs:
        digest.update(b"\0" + (part if isinstance(part, bytes) else part.encode()))
    return digest.digest()


@cache
def _code_fingerprint() -> bytes:
    digest = hashlib.blake2b(str(FORMAT).encode(), digest_size=16)
    for library in _LIBRARIES:
        digest.update(f"{library}={metadata.version(library)}".encode())
    package = Path(__file__).parent
    for source in sorted([*package.rglob("*.py"), *package.rglob("*.j2"), *package.rglob("*.yaml")]):
        digest.update(source.relative_to(package).as_posix().encode() + b"\0" + source.read_bytes())
    return digest.digest()
