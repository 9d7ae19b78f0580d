"""Security headers for serving a release: an nginx snippet whose policy fits the built pages.

The Content-Security-Policy allows scripts from the site itself plus, by hash, exactly the inline
scripts the pages contain, and inline style attributes only by hash too; no other host at all.
"""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

SNIPPET = "nginx-security.conf"

_INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", re.S | re.I)
_DATA_BLOCK = re.compile(r"""\btype=["']?application/(?:ld\+)?json""", re.I)
_STYLE_ATTRIBUTE = re.compile(r"<[a-zA-Z][^>]*\sstyle=\"([^\"]*)\"")


@dataclass
class InlineCode:
    """The inline scripts and style attributes of some pages: what the policy allows by hash."""

    scripts: set[str] = field(default_factory=set)
    styles: set[str] = field(default_factory=set)

    def add_page(self, html: str) -> None:
        self.scripts |= {body for attributes, body in _INLINE_SCRIPT.findall(html) if not _DATA_BLOCK.search(attributes)}
        self.styles |= set(_STYLE_ATTRIBUTE.findall(html))

    def __or__(self, other: InlineCode) -> InlineCode:
        return InlineCode(self.scripts | other.scripts, self.styles | other.styles)


def write_nginx_snippet(release: Path, frame_ancestors: list[str], inline: InlineCode) -> Path:
    """The snippet for a release whose pages hold ``inline`` code."""
    path = release / SNIPPET
    path.write_text(nginx_snippet(content_security_policy(inline, frame_ancestors)), encoding="utf-8")
    return path


def content_security_policy(inline: InlineCode, frame_ancestors: list[str]) -> str:
    script_hashes = " ".join(sorted(_hash(script) for script in inline.scripts))
    style_hashes = " ".join(sorted(_hash(style) for style in inline.styles))
    return "; ".join([
        "default-src 'self'",
        f"script-src 'self' {script_hashes}".strip(),
        f"style-src 'self' 'unsafe-hashes' {style_hashes}".strip() if inline.styles else "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "worker-src 'self'",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        f"frame-ancestors {' '.join(frame_ancestors)}",
    ])


def nginx_snippet(policy: str) -> str:
    return (
        "# 由 casebook build 根据本次生成的页面计算：请在 nginx 的 server 或 location 块中 include 本文件。\n"
        f'add_header Content-Security-Policy "{policy}" always;\n'
        'add_header X-Content-Type-Options "nosniff" always;\n'
        'add_header Referrer-Policy "strict-origin-when-cross-origin" always;\n'
    )


def _hash(source: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(source.encode("utf-8")).digest()).decode() + "'"
