"""The searchable text of a case, by field: what both search indexes are built from."""

from __future__ import annotations

from .model import PARTS, Case
from .render import narrative_html, plain_text

HEADLINE_FIELDS = ("title", "enterprise")


def case_texts(case: Case) -> dict[str, str]:
    """Plain text by field; the vocabulary labels are searchable even where the text omits them."""
    texts = {
        "title": case.title,
        "enterprise": " ".join(filter(None, (case.enterprise.name, case.enterprise.short_name))),
        "labels": "\n".join([*case.methods, *case.industries, *case.directions, case.enterprise.city]),
        "highlights": "\n".join(case.highlights),
        "metrics": "\n".join(f"{m.indicator} {m.unit}" for m in case.metrics),
    }
    texts.update({part: plain_text(narrative_html(getattr(case, part))) for part, _ in PARTS})
    return texts
