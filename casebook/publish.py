"""Releases under an output folder, and the one atomic switch that publishes one of them.

Layout of ``OUT`` (default ``build/``)::

    OUT/.casebook-output      marks the releases and links below as ours; without it, we refuse
                              to touch a folder that already has any of them
    OUT/.lock                 held while a build or a rollback runs
    OUT/releases/<name>/      one complete build: the site (and, later, its search index)
    OUT/releases/<name>/.complete   written last, once the release passed verification; taken
                              away from a release too old to keep, which the next build removes
    OUT/current -> releases/<name>  switched with one rename
    OUT/site -> current/site  what a web server serves

A reader following ``OUT/site`` sees either the old release or the new one, never a mixture, and a
build that fails or is killed leaves ``current`` untouched; its partial release is removed by the
next build. Removing a release of ten thousand cases takes seconds, so the next build does it in
the background while it builds.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

MARKER = ".casebook-output"
COMPLETE = ".complete"
KEPT_RELEASES = 5


class PublishError(Exception):
    """The output folder cannot be used as asked; nothing was changed."""


class Output:
    def __init__(self, folder: Path):
        self.folder = folder
        self.releases = folder / "releases"
        self.current = folder / "current"
        self.site = folder / "site"
        self._removing: threading.Thread | None = None

    @contextmanager
    def locked(self) -> Iterator[None]:
        """Claim the folder (refusing one that is not ours) and hold its lock."""
        self._claim()
        with open(self.folder / ".lock", "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                print(f"另一个生成或回滚正在使用 {self.folder}，等待它结束……", flush=True)
                fcntl.flock(lock, fcntl.LOCK_EX)
            yield

    def _claim(self) -> None:
        """Refuse an output folder whose releases or links someone else made; we only touch those."""
        if not (self.folder / MARKER).is_file():
            foreign = [p.name for p in (self.releases, self.current, self.site) if p.exists() or p.is_symlink()]
            if foreign:
                raise PublishError(f"{self.folder} 中已有不是本工具生成的 {'、'.join(foreign)}：请换一个输出目录，或确认后移走它们")
            self.folder.mkdir(parents=True, exist_ok=True)
            (self.folder / MARKER).write_text("casebook output folder\n", encoding="utf-8")
        if self.site.exists() and not self.site.is_symlink():
            raise PublishError(f"{self.site} 是一个普通目录，不是本工具发布的网站链接：请确认后手动移走它")

    def new_release(self) -> Path:
        """A fresh, empty release folder; meanwhile, the leftovers of interrupted builds and the
        releases too old to keep are removed in the background, until ``publish`` or ``discard``."""
        leftovers = self._leftovers()
        self._removing = threading.Thread(target=_remove, args=(leftovers,))
        self._removing.start()
        self.releases.mkdir(exist_ok=True)
        stamp = time.strftime("%Y%m%d-%H%M%S")
        for attempt in range(1000):
            release = self.releases / (stamp if attempt == 0 else f"{stamp}-{attempt}")
            try:
                release.mkdir()
                return release
            except FileExistsError:
                continue
        raise PublishError(f"无法在 {self.releases} 中创建新的发布目录")

    def discard(self, release: Path) -> None:
        shutil.rmtree(release, ignore_errors=True)
        self._leftovers_removed()

    def publish(self, release: Path) -> None:
        (release / COMPLETE).write_text("", encoding="utf-8")
        self._point_current_at(release)
        self._retire_stale()
        self._leftovers_removed()

    def rollback(self) -> Path:
        """Publish the newest complete release older than the current one."""
        active = self.active_release()
        older = [r for r in self.complete_releases() if active is None or r.name < active.name]
        if not older:
            raise PublishError("没有可以回滚到的更早版本")
        self._point_current_at(older[-1])
        return older[-1]

    def active_release(self) -> Path | None:
        return self.releases / os.readlink(self.current).split("/")[-1] if self.current.is_symlink() else None

    def complete_releases(self) -> list[Path]:
        if not self.releases.is_dir():
            return []
        return sorted(r for r in self.releases.iterdir() if (r / COMPLETE).is_file())

    def _point_current_at(self, release: Path) -> None:
        staged = self.folder / "current.next"
        staged.unlink(missing_ok=True)
        staged.symlink_to(release.relative_to(self.folder))
        os.replace(staged, self.current)
        if not self.site.is_symlink():
            self.site.symlink_to("current/site")

    def _leftovers(self) -> list[Path]:
        active = self.active_release()
        return [release for release in (self.releases.iterdir() if self.releases.is_dir() else ())
                if release != active and not (release / COMPLETE).is_file()]

    def _leftovers_removed(self) -> None:
        if self._removing is not None:
            self._removing.join()
            self._removing = None

    def _retire_stale(self) -> None:
        """Releases beyond the newest few are no longer offered for rollback; the next build
        removes them."""
        active = self.active_release()
        older = [r for r in self.complete_releases() if r != active]
        for stale in older[: max(0, len(older) - (KEPT_RELEASES - 1))]:
            (stale / COMPLETE).unlink()


def _remove(folders: list[Path]) -> None:
    for folder in folders:
        shutil.rmtree(folder, ignore_errors=True)
