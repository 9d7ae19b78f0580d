"""第十二条, promotion and sharing, kept as data by the department: featured cases and exchange events.

``cases/promotion/featured.yaml`` lists the case ids shown first on the home page;
``cases/promotion/events.yaml`` lists exchange and sharing events. Both files are optional.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import Field, TypeAdapter, ValidationError

from .model import Day, Narrative, PlainText, StrictModel
from .problems import Problem, display_path, schema_problems
from .yamlsource import read_yaml

FOLDER = "promotion"


class Event(StrictModel):
    date: Day = Field(description="日期")
    topic: PlainText = Field(description="主题")
    place: PlainText = Field(description="地点")
    host: PlainText = Field(description="承办企业或单位")
    cases: list[str] = Field([], description="相关案例编号")
    note: Narrative | None = Field(None, description="说明")


@dataclass(frozen=True)
class Promotion:
    featured: list[str] = field(default_factory=list)
    events: list[Event] = field(default_factory=list)


_FEATURED = TypeAdapter(list[str])
_EVENTS = TypeAdapter(list[Event])


def load_promotion(folder: Path, listed_ids: set[str]) -> tuple[Promotion, list[Problem]]:
    """The promotion data, with a problem for every case id that is not a listed case."""
    featured, problems = _read(folder / "featured.yaml", _FEATURED, listed_ids,
                               lambda ids: [((i,), case_id) for i, case_id in enumerate(ids)])
    events, found = _read(folder / "events.yaml", _EVENTS, listed_ids,
                          lambda items: [((i, "cases", j), case_id)
                                         for i, event in enumerate(items) for j, case_id in enumerate(event.cases)])
    return Promotion(featured or [], sorted(events or [], key=lambda e: e.date)), problems + found


def _read(path: Path, adapter: TypeAdapter, listed_ids: set[str], references):
    """A promotion file checked like a record; ``references`` lists (position, case id) pairs."""
    if not path.is_file() or _blank(path):
        return None, []  # an emptied list (all cases unfeatured, no events) is no mistake
    document, problems = read_yaml(path, display_path(path))
    if document is None:
        return None, problems
    try:
        value = adapter.validate_python(document.data or [])
    except ValidationError as error:
        return None, schema_problems(error, document)
    return value, [document.problem(location, f"案例“{case_id}”不存在或已撤销")
                   for location, case_id in references(value) if case_id not in listed_ids]


def _blank(path: Path) -> bool:
    lines = path.read_bytes().decode("utf-8", errors="replace").splitlines()
    return not any(line.strip() and not line.lstrip().startswith("#") for line in lines)
