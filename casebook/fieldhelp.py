"""Chinese explanations of the record's fields, read from the model so they never drift from it.

What a field means comes from its ``description`` in ``model.py``; whether it is required, how
many items it takes, which values it allows and how it is written come from its type. The record
template, the questions of ``casebook new`` and the placeholder messages all use these texts.
"""

from __future__ import annotations

import types
import typing
from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from . import model
from .model import CaseFile
from .problems import _field_name
from .vocabulary import Vocabularies

Location = tuple[str | int, ...]

# Fields the model leaves without a description (a group's name, or a word obvious in English).
_UNDESCRIBED = {
    "enterprise": "企业信息",
    "recognition": "认定信息（第十条、第十三条、第十四条）",
    "recognition.status": "认定状态",
    "sharing": "交流分享（第六条(四)）",
    "translations": "译文（可只译部分字段，见 cases/README.md）",
    "metrics.baseline.value": "改进前的数值",
    "metrics.baseline.year": "改进前的年份",
    "metrics.result.value": "改进后的数值",
    "metrics.result.year": "改进后的年份",
    "sharing.contact.channel": "交流渠道",
    "sharing.contact.value": "号码或地址",
}


def dotted(location: Location | str) -> str:
    """``("metrics", 0, "unit")`` as ``metrics.unit``: the field, whichever item of a list."""
    if isinstance(location, str):
        return location
    return ".".join(part for part in location if isinstance(part, str))


def field_info(location: Location | str) -> FieldInfo:
    """The model's declaration of a field, found by its dotted path; KeyError for an unknown one."""
    kind: type[BaseModel] = CaseFile
    info = None
    for name in dotted(location).split("."):
        if kind is None:
            raise KeyError(dotted(location))
        info = kind.model_fields[name]
        kind = _model_in(info.annotation)
    if info is None:
        raise KeyError(dotted(location))
    return info


def meaning(location: Location | str) -> str:
    """What the field holds, in Chinese."""
    path = dotted(location)
    return field_info(path).description or _UNDESCRIBED[path]


def short_meaning(location: Location | str) -> str:
    """The field's name in Chinese, without its examples: “文号”, not “文号，如……”."""
    text = meaning(location)
    for stop in ("，", "：", "；"):
        text = text.split(stop, 1)[0]
    return text


def field_label(location: Location) -> str:
    """How a problem names a field: ``字段 enterprise.city（所在市（州））``."""
    name = _field_name(tuple(location))
    try:
        return f"{name}（{short_meaning(location)}）"
    except KeyError:
        return name


def is_required(location: Location | str) -> bool:
    return field_info(location).is_required()


def vocabulary_of(location: Location | str) -> str | None:
    """The vocabulary (``cities``, ``methods`` …) a field or its items must come from."""
    info = field_info(location)
    extra = info.json_schema_extra if isinstance(info.json_schema_extra, dict) else {}
    if "x-vocabulary" in extra:
        return extra["x-vocabulary"]
    for argument in typing.get_args(info.annotation):
        for meta in typing.get_args(argument)[1:] if typing.get_origin(argument) is Annotated else ():
            if isinstance(meta, FieldInfo) and isinstance(meta.json_schema_extra, dict):
                return meta.json_schema_extra.get("x-vocabulary")
    return None


def choices(location: Location | str) -> list[str]:
    """The values a ``Literal`` field allows, in the model's order; empty for any other field."""
    for kind in _core_types(field_info(location).annotation):
        if typing.get_origin(kind) is Literal:
            return list(typing.get_args(kind))
    return []


def item_bounds(location: Location | str) -> tuple[int | None, int | None]:
    """How many items a list field takes (or how many characters a text field), as the model says."""
    info = field_info(location)
    least = most = None
    own = [meta for meta in info.metadata if _bound(meta, "min_length") or _bound(meta, "max_length")]
    for meta in own or ([] if is_list(location) else _all_metadata(info)):
        if _bound(meta, "min_length") is not None:
            least = max(least or 0, meta.min_length)
        if _bound(meta, "max_length") is not None:
            most = meta.max_length if most is None else min(most, meta.max_length)
    return least, most


def is_list(location: Location | str) -> bool:
    return typing.get_origin(_without_none(field_info(location).annotation)) is list


def is_narrative(location: Location | str) -> bool:
    """Free Markdown text of several paragraphs, as opposed to one line."""
    info = field_info(location)
    single_line = any(getattr(meta, "func", None) is model._single_line for meta in _all_metadata(info))
    return str in _core_types(info.annotation) and not single_line and not vocabulary_of(location) \
        and not choices(location) and (item_bounds(location)[1] or 0) > 200


def describe(location: Location | str, vocabularies: Vocabularies | None = None, year: int | None = None) -> str:
    """One comment line explaining a field: meaning, whether required, how to write it, allowed values."""
    path = dotted(location)
    parts = [meaning(path).rstrip("。")]
    parts.append("必填" if is_required(path) else "可选")
    parts += _how_to_write(path, vocabularies, year)
    return "。".join([parts[0], "，".join(parts[1:])]) + "。"


def _how_to_write(path: str, vocabularies: Vocabularies | None, year: int | None) -> list[str]:
    least, most = item_bounds(path)
    notes = []
    if is_list(path):
        if least and most:
            notes.append(f"{least}～{most} 项")
        elif most:
            notes.append(f"最多 {most} 项")
        notes.append("每项以“- ”开头" + ("，下面几行缩进写它的各项" if _model_in(field_info(path).annotation) else "，写一行"))
    elif is_narrative(path):
        notes.append("可分段的 Markdown 正文")
        if most and most < 20000:
            notes.append(f"不超过 {most} 字")
    field = vocabulary_of(path)
    if field:
        notes.append(f"填写 cases/vocabularies/{field}.yaml 中的规范名称")
        if vocabularies is not None:
            terms = [t.label for t in vocabularies[field].terms if year is None or t.applies_in(year)]
            notes[-1] += "：" + "、".join(terms)
    if choices(path):
        notes.append("只能是：" + "、".join(choices(path)))
    cores = _core_types(field_info(path).annotation)
    if date in cores:
        notes.append("写成 YYYY-MM-DD")
    if bool in cores:
        notes.append("true 或 false（也可写“是”“否”）")
    if Decimal in cores:
        notes.append("只写数字，不带单位和千分位逗号")
    return notes


def _bound(meta: Any, name: str) -> int | None:
    """A length bound (pydantic's MinLen and MaxLen constraints) of one piece of metadata."""
    return None if isinstance(meta, FieldInfo) else getattr(meta, name, None)


def _model_in(annotation: Any) -> type[BaseModel] | None:
    for kind in _core_types(annotation):
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            return kind
    return None


def _without_none(annotation: Any) -> Any:
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        rest = [a for a in typing.get_args(annotation) if a is not type(None)]
        return rest[0] if len(rest) == 1 else annotation
    return annotation


def _core_types(annotation: Any) -> list[Any]:
    """The types inside Optional, list and Annotated: ``list[Term] | None`` gives ``[str]``."""
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        return _core_types(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType, list):
        return [core for argument in typing.get_args(annotation) if argument is not type(None)
                for core in _core_types(argument)]
    return [annotation]


def _all_metadata(info: FieldInfo) -> list[Any]:
    metadata = list(info.metadata)
    for argument in typing.get_args(info.annotation):
        if typing.get_origin(argument) is Annotated:
            for meta in typing.get_args(argument)[1:]:
                metadata += meta.metadata if isinstance(meta, FieldInfo) else [meta]
    return metadata


def child_fields(location: Location | str) -> list[str]:
    """The fields of a group (``recognition.publicity`` → ``start``, ``end``), in the model's order."""
    kind = _model_in(field_info(location).annotation)
    return list(kind.model_fields) if kind else []
