"""``casebook build``: check the records, build the site into a fresh release, then switch to it."""

from __future__ import annotations

import logging
import os
import shutil
import time
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from .records import load_casebook

RELEASES = "releases"
KEPT_RELEASES = 3


class BuildFailed(Exception):
    """The site could not be built; the published site is untouched."""


def build_site(cases: Path, out: Path, config_file: Path = Path("mkdocs.yml")) -> Path:
    """Build into ``OUT/releases/<stamp>`` and point ``OUT/site`` at it; returns ``OUT/site``."""
    casebook = load_casebook(cases)
    release = _new_release(out)
    try:
        config = load_config(str(config_file), site_dir=str(release), strict=True)
        config.plugins["casebook"].casebook = casebook
        _show_mkdocs_warnings()
        mkdocs_build(config)
    except MkDocsException as error:
        shutil.rmtree(release, ignore_errors=True)
        raise BuildFailed(f"网站生成失败，已发布的网站保持不变：{error}") from None
    except BaseException:
        shutil.rmtree(release, ignore_errors=True)
        raise
    live = out / "site"
    _switch(live, release)
    _prune_releases(out / RELEASES, keep=release)
    return live


def _new_release(out: Path) -> Path:
    releases = out / RELEASES
    releases.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    for attempt in range(100):
        release = releases / (stamp if attempt == 0 else f"{stamp}-{attempt}")
        try:
            release.mkdir()
            return release
        except FileExistsError:
            continue
    raise BuildFailed(f"无法在 {releases} 中创建新的发布目录")


def _switch(live: Path, release: Path) -> None:
    """Replace the ``live`` link in one rename, so a reader sees either the old or the new site."""
    if live.exists() and not live.is_symlink():
        raise BuildFailed(f"{live} 是一个普通目录，不是本工具发布的网站链接：请确认后手动移走它")
    staged = live.with_name(live.name + ".next")
    staged.unlink(missing_ok=True)
    staged.symlink_to(release.relative_to(live.parent))
    os.replace(staged, live)


def _prune_releases(releases: Path, keep: Path) -> None:
    older = sorted(p for p in releases.iterdir() if p.is_dir() and p != keep)
    for stale in older[: max(0, len(older) - (KEPT_RELEASES - 1))]:
        shutil.rmtree(stale, ignore_errors=True)


def _show_mkdocs_warnings() -> None:
    logger = logging.getLogger("mkdocs")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s - %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)
