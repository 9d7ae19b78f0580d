"""A problem found in a user's file, reported as ``path:line:col: message``."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pydantic import ValidationError

    from .yamlsource import Document


@dataclass(frozen=True, order=True)
class Problem:
    path: str
    line: int
    col: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.message}"


def display_path(path: Path) -> str:
    """The path as a user would type it: relative to the working folder when possible."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


class ProblemsFound(Exception):
    """Raised when user files hold problems; carries all of them."""

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(problems)
        super().__init__(self.report())

    def report(self) -> str:
        lines = [str(p) for p in self.problems]
        lines.append(f"共发现 {len(self.problems)} 个问题，请逐条修改后再试。")
        return "\n".join(lines)


def schema_problems(error: ValidationError, document: Document) -> list[Problem]:
    """Every schema error of one document, in Chinese, at the position of the field."""
    problems = []
    for item in error.errors(include_url=False):
        location = tuple(item["loc"])
        field_name = _field_name(location)
        message = _schema_message(item)
        text = f"{field_name}：{message}" if field_name else message
        # An unknown field is a misspelt key: point at the key, not at its value.
        problems.append(document.problem(location, text, at_key=item["type"] == "extra_forbidden"))
    return problems


def _field_name(location: tuple) -> str:
    name = ""
    for part in location:
        name += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if name else str(part))
    return f"字段 {name}" if name else ""


_SCHEMA_MESSAGES = {
    "missing": "缺少必填内容",
    "extra_forbidden": "没有这个字段：请检查拼写（可用字段见 cases/README.md）",
    "string_type": "应为文字",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数",
    "decimal_parsing": "应为数字，例如 98.5（不要带单位或千分位逗号）",
    "decimal_type": "应为数字，例如 98.5",
    "date_parsing": "日期格式应为 YYYY-MM-DD，例如 2021-12-10",
    "date_from_datetime_parsing": "日期格式应为 YYYY-MM-DD，例如 2021-12-10",
    "date_from_datetime_inexact": "日期格式应为 YYYY-MM-DD，例如 2021-12-10",
    "date_type": "日期格式应为 YYYY-MM-DD，例如 2021-12-10",
    "bool_parsing": "应为 true 或 false（也可写“是”或“否”）",
    "bool_type": "应为 true 或 false（也可写“是”或“否”）",
    "list_type": "应为列表：每一项单独一行，以“- ”开头",
    "dict_type": "应为一组“键: 值”",
    "model_type": "应为一组“键: 值”",
    "model_attributes_type": "应为一组“键: 值”",
}


def _schema_message(item: dict) -> str:
    kind, context = item["type"], item.get("ctx", {})
    if kind in _SCHEMA_MESSAGES:
        return _SCHEMA_MESSAGES[kind]
    if kind in ("value_error", "assertion_error"):
        return str(context.get("error", item["msg"]))
    if kind in ("literal_error", "enum"):
        return f"只能是以下之一：{context.get('expected', '')}".replace("'", "")
    if kind == "string_too_short":
        return "不能为空" if context.get("min_length", 1) <= 1 else f"至少 {context['min_length']} 个字"
    if kind == "string_too_long":
        return f"不能超过 {context['max_length']} 个字"
    if kind == "too_short":
        return f"至少需要 {context['min_length']} 项"
    if kind == "too_long":
        return f"最多 {context['max_length']} 项"
    if kind in ("greater_than_equal", "less_than_equal"):
        bound = context.get("ge", context.get("le"))
        return f"不能{'小于' if kind == 'greater_than_equal' else '大于'} {bound}"
    if kind == "string_pattern_mismatch":
        return "格式不对"
    return f"取值无效（{item['msg']}）"
