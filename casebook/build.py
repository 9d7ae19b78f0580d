"""``casebook build``: check the records, build a release, verify it, then publish it in one switch."""

from __future__ import annotations

import logging
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import MkDocsException

from .headers import write_nginx_snippet
from .publish import Output
from .records import Casebook, load_casebook
from .verify import verify_release


class BuildFailed(Exception):
    """The site could not be built; the published site is untouched."""


def build_site(cases: Path, out: Path, config_file: Path = Path("mkdocs.yml")) -> Path:
    """Build into a new release under ``out`` and publish it; returns the live ``OUT/site``."""
    casebook = load_casebook(cases)
    output = Output(out)
    with output.locked():
        release = output.new_release()
        try:
            _build_release(casebook, release, config_file)
        except BaseException:
            output.discard(release)
            raise
        output.publish(release)
    return output.site


def rollback(out: Path) -> Path:
    """Publish the previous release again; returns it."""
    output = Output(out)
    with output.locked():
        return output.rollback()


def _build_release(casebook: Casebook, release: Path, config_file: Path) -> None:
    site = release / "site"
    try:
        config = load_config(str(config_file), site_dir=str(site), strict=True)
        config.plugins["casebook"].casebook = casebook
        _show_mkdocs_warnings()
        mkdocs_build(config)
    except MkDocsException as error:
        raise BuildFailed(f"网站生成失败，已发布的网站保持不变：{error}") from None
    write_nginx_snippet(release, config.plugins["casebook"].config.frame_ancestors)
    problems = verify_release(site, casebook)
    if problems:
        raise BuildFailed("网站生成后检查未通过，已发布的网站保持不变：\n" + "\n".join(problems))


def _show_mkdocs_warnings() -> None:
    logger = logging.getLogger("mkdocs")
    if not logger.handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s - %(message)s"))
        logger.addHandler(handler)
        logger.setLevel(logging.WARNING)
