"""Changing some values of a record file in place, leaving every other byte as the person wrote it.

Each changed value is replaced at the position the YAML parser (libyaml, the strict reader's own)
reports for it; a missing key is added after the last key of its group, indented like it. Comments,
quoting, blank lines, flow or block style and line endings elsewhere stay untouched. The result is
read back with the strict reader and must hold exactly the old data with the new values; otherwise
the file is left as it was and the change is refused. (A round-trip library such as ruamel.yaml
rewrites the whole file and may reflow or requote what it did not change.)
"""

from __future__ import annotations

import copy
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .drafts import yaml_scalar
from .problems import display_path
from .records import RECORD_KEYS
from .yamlsource import Location, read_yaml

Value = str | list[str]
_BOM = "\ufeff"


class EditFailed(Exception):
    """The file was left unchanged; the message says why, in Chinese."""


def edit_record(path: Path, changes: dict[Location, Value]) -> None:
    document, problems = read_yaml(path, display_path(path), RECORD_KEYS)
    if document is None or not isinstance(document.data, dict):
        raise EditFailed("记录本身有格式问题，无法自动修改：请先运行 casebook check 并改正")
    raw = path.read_bytes().decode("utf-8")
    bom, text = (_BOM, raw[1:]) if raw.startswith(_BOM) else ("", raw)
    newline = "\r\n" if "\r\n" in text else "\n"
    editor = _Editor(text, newline)
    root = yaml.compose(text, Loader=yaml.CSafeLoader)
    for location, value in changes.items():
        editor.change(root, location, value)
    expected = copy.deepcopy(document.data)
    for location, value in changes.items():
        _set(expected, location, value)
    _replace_if_reads_as(path, bom + editor.result(), expected)


def _replace_if_reads_as(path: Path, text: str, expected: Any) -> None:
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.stem}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as file:
            file.write(text)
        document, _ = read_yaml(Path(temporary), display_path(path), RECORD_KEYS)
        if document is None or document.data != expected:
            raise EditFailed("无法在不改动其他内容的情况下修改这条记录：请手工修改")
        os.replace(temporary, path)
    finally:
        if os.path.exists(temporary):
            os.unlink(temporary)


def _set(data: dict, location: Location, value: Value) -> None:
    for key in location[:-1]:
        data = data[key]
    data[location[-1]] = list(value) if isinstance(value, list) else value


class _Editor:
    def __init__(self, text: str, newline: str):
        self.text, self.newline = text, newline
        self.line_starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\n"]
        self.edits: list[tuple[int, int, str]] = []

    def result(self) -> str:
        text = self.text
        for start, end, replacement in sorted(self.edits, reverse=True):
            text = text[:start] + replacement + text[end:]
        return text

    def change(self, root: Node, location: Location, value: Value) -> None:
        parent, node = None, root
        for key in location:
            parent, node = node, _child(node, key)
            if node is None and key != location[-1]:
                raise EditFailed(f"记录中没有“{'.'.join(map(str, location[:-1]))}”这一组，无法自动添加")
        if node is None:
            self._insert(parent, str(location[-1]), value)
        else:
            self._replace(node, value, in_flow=bool(getattr(parent, "flow_style", False)))

    def _replace(self, node: Node, value: Value, in_flow: bool) -> None:
        start = self._offset(node.start_mark)
        if isinstance(value, list) and isinstance(node, SequenceNode) and not node.flow_style:
            indent = node.start_mark.column
            replacement = (self.newline + " " * indent).join(f"- {yaml_scalar(item)}" for item in value)
        elif isinstance(value, list):
            replacement = _flow_list(value)
        else:
            replacement = yaml_scalar(value, flow=in_flow)
        self.edits.append((start, self._content_end(node), replacement))

    def _insert(self, mapping: Node, key: str, value: Value) -> None:
        if not isinstance(mapping, MappingNode) or not mapping.value:
            raise EditFailed(f"无法在记录中添加“{key}”：请手工添加")
        rendered = _flow_list(value) if isinstance(value, list) else yaml_scalar(value, flow=bool(mapping.flow_style))
        if mapping.flow_style:
            closing = self._offset(mapping.end_mark) - 1
            self.edits.append((closing, closing, f", {key}: {rendered}"))
            return
        indent = mapping.value[0][0].start_mark.column
        end = self._content_end(mapping.value[-1][1])
        line_end = self.text.find("\n", end)
        at = len(self.text) if line_end == -1 else line_end - (self.text[line_end - 1:line_end] == "\r")
        self.edits.append((at, at, f"{self.newline}{' ' * indent}{key}: {rendered}"))

    def _content_end(self, node: Node) -> int:
        """Where the value's own text ends: before the line breaks a block scalar or list runs on to."""
        if isinstance(node, ScalarNode):
            start, end = self._offset(node.start_mark), self._offset(node.end_mark)
            return start + len(self.text[start:end].rstrip()) if node.style in ("|", ">") else end
        if node.flow_style or not node.value:
            return self._offset(node.end_mark)
        last = node.value[-1]
        return self._content_end(last[1] if isinstance(node, MappingNode) else last)

    def _offset(self, mark) -> int:
        return self.line_starts[mark.line] + mark.column if mark.line < len(self.line_starts) else len(self.text)


def _child(node: Node | None, key: str | int) -> Node | None:
    if isinstance(node, MappingNode) and isinstance(key, str):
        return next((value for k, value in node.value if isinstance(k, ScalarNode) and k.value == key), None)
    if isinstance(node, SequenceNode) and isinstance(key, int) and key < len(node.value):
        return node.value[key]
    return None


def _flow_list(items: list[str]) -> str:
    return "[" + ", ".join(yaml_scalar(item, flow=True) for item in items) + "]"
