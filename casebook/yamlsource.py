"""Strict reading of YAML written by people.

Every scalar comes back as a string (the schema converts it), so ``NO`` stays ``NO`` and ``0012``
stays ``0012``. Encoding mistakes, tabs, full-width indentation and colons, duplicate keys, anchors,
aliases, tags, deep nesting and oversized files are all reported as problems with their position,
in Chinese, as many as can be found in one pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .problems import Problem

MAX_FILE_BYTES = 256 * 1024
MAX_DEPTH = 8
SAVE_AS_UTF8 = "请用编辑器“另存为”UTF-8 编码后再提交"

Location = tuple[str | int, ...]


@dataclass
class Document:
    """The data of one YAML file with the position of every value in it."""

    path: str
    data: Any
    positions: dict[Location, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Location, tuple[int, int]] = field(default_factory=dict)
    collections: set[Location] = field(default_factory=set)
    """Values that are mappings or lists: a problem with one of them is shown at its key."""

    def position(self, location: Location, at_key: bool = False) -> tuple[int, int]:
        """Line and column of a value (or its key), or of the nearest enclosing one that exists."""
        for end in range(len(location), -1, -1):
            here = location[:end]
            if (at_key or here in self.collections) and here in self.key_positions:
                return self.key_positions[here]
            if here in self.positions:
                return self.positions[here]
        return (1, 1)

    def problem(self, location: Location, message: str, at_key: bool = False) -> Problem:
        line, col = self.position(location, at_key)
        return Problem(self.path, line, col, message)


def read_yaml(path: Path, shown_as: str, keys: frozenset[str] | None = None) -> tuple[Document | None, list[Problem]]:
    """Read one file; a document is returned only when no problem was found.

    ``keys``, the field names the file may use, tell a list item such as ``- SPC：实时监控`` (text)
    from a mistyped ``- indicator：合格率`` (a key with a full-width colon).
    """
    raw = path.read_bytes()
    if len(raw) > MAX_FILE_BYTES:
        size = f"{-(-len(raw) // 1024)} KB"  # rounded up: a file just over the limit never reads as equal
        return None, [Problem(shown_as, 1, 1, f"文件过大（{size}，上限 {MAX_FILE_BYTES // 1024} KB）：请精简内容或把图片等附件放到资源目录")]
    text, problem = _decode(raw, shown_as)
    if problem:
        return None, [problem]
    problems = _scan_lines(text, shown_as, keys)
    if problems:
        return None, problems
    return _compose(text, shown_as)


def _decode(raw: bytes, shown_as: str) -> tuple[str, Problem | None]:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        return "", Problem(shown_as, 1, 1, f"文件是 UTF-16（“Unicode”）编码，{SAVE_AS_UTF8}")
    raw = raw.removeprefix(b"\xef\xbb\xbf")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line, col = _byte_position(raw, error.start)
        guess = "，看起来是 GBK/GB18030（Windows 记事本的“ANSI”）" if _decodes_as_gbk(raw) else ""
        return "", Problem(shown_as, line, col, f"文件不是 UTF-8 编码{guess}：{SAVE_AS_UTF8}")
    mojibake = _find_mojibake(text)
    if mojibake:
        offset, garbled, meant = mojibake
        line, col = _text_position(text, offset)
        return "", Problem(shown_as, line, col, f"文件疑似按 GBK 保存后被当作 UTF-8 读取：“{garbled}”按 GBK 解读是“{meant}”。{SAVE_AS_UTF8}")
    if "\x00" in text:
        line, col = _text_position(text, text.index("\x00"))
        return "", Problem(shown_as, line, col, "文件中有空字符（NUL），不是文本文件")
    control = _NOT_PRINTABLE.search(text)
    if control:
        line, col = _text_position(text, control.start())
        code = f"U+{ord(control.group()):04X}"
        return "", Problem(shown_as, line, col, f"这里有看不见的控制字符（{code}，常见于从 Word 粘贴的换行或分页）：请删除它")
    return text, None


# What YAML refuses to read: control characters other than tab and line breaks, and non-characters.
_NOT_PRINTABLE = re.compile("[^\x09\x0a\x0d\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _decodes_as_gbk(raw: bytes) -> bool:
    try:
        raw.decode("gb18030")
    except UnicodeDecodeError:
        return False
    return True


# Two-byte UTF-8 sequences (U+0080..U+07FF) are what GBK bytes for Chinese turn into when read as
# UTF-8. One such character alone (¥, ®, Ø, η) is ordinary text; a run of two or more that reads
# as Chinese in GBK is not, unless it is made of symbols common in quality texts.
_ORDINARY = "·×÷°±²³µ¼½¾ÀÉàáèéêìíòóùúüāēěīōūǎǐǒǔΑΒΓΔΩαβγδεθλμπρσφω"
_TWO_BYTE_RUN = re.compile(f"(?:(?![{_ORDINARY}])[\u0080-\u07ff]){{2,}}")


def _find_mojibake(text: str) -> tuple[int, str, str] | None:
    for match in _TWO_BYTE_RUN.finditer(text):
        garbled = match.group()
        try:
            meant = garbled.encode("utf-8").decode("gbk")
        except UnicodeError:
            continue
        if all("\u4e00" <= ch <= "\u9fff" or "\u3000" <= ch <= "\u303f" or "\uff00" <= ch <= "\uffef" for ch in meant):
            return match.start(), garbled, meant
    return None


def _byte_position(raw: bytes, offset: int) -> tuple[int, int]:
    line_start = raw.rfind(b"\n", 0, offset) + 1
    column = len(raw[line_start:offset].decode("utf-8", errors="replace")) + 1
    return raw.count(b"\n", 0, offset) + 1, column


def _text_position(text: str, offset: int) -> tuple[int, int]:
    return text.count("\n", 0, offset) + 1, offset - (text.rfind("\n", 0, offset) + 1) + 1


_KEY_WITH_WIDE_COLON = re.compile(r"^[ ]*(-[ ]+)?([A-Za-z_][A-Za-z0-9_-]*)[ ]*(：)")  # keys are English
_BLOCK_SCALAR_START = re.compile(r"(?::|^[ ]*-)[ ]*[|>][-+0-9]*[ ]*(?:#.*)?$")


def _scan_lines(text: str, shown_as: str, keys: frozenset[str] | None) -> list[Problem]:
    """Find what PyYAML would reject with an obscure message, or silently misread."""
    problems = []
    block_indent: int | None = None
    for number, line in enumerate(text.splitlines(), start=1):
        indent = len(line) - len(line.lstrip(" "))
        if block_indent is not None:
            if not line.strip() or indent > block_indent:
                continue  # text inside a literal block (| or >) is content, not structure
            block_indent = None
        leading = line[: len(line) - len(line.lstrip(" \t\u3000"))]
        if "\t" in leading:
            problems.append(Problem(shown_as, number, leading.index("\t") + 1, "缩进里有制表符（Tab）：YAML 只能用半角空格缩进"))
        elif "\u3000" in leading:
            problems.append(Problem(shown_as, number, leading.index("\u3000") + 1, "缩进里有全角空格：请关闭中文输入法的全角模式，改用半角空格缩进"))
        wide = _KEY_WITH_WIDE_COLON.match(line)
        if wide and not (wide.group(1) and keys is not None and wide.group(2) not in keys):
            problems.append(Problem(shown_as, number, wide.start(3) + 1, "键后面用了全角冒号“：”：请改成半角冒号加空格“: ”"))
        if _BLOCK_SCALAR_START.search(line):
            block_indent = indent
    return problems


class _TooDeep(Exception):
    def __init__(self, mark: yaml.Mark):
        self.mark = mark


class _Composer:
    """Builds nodes from libyaml's parse events, reporting anchors, aliases and tags as problems.

    PyYAML's own composer would honour them, and composes recursively in pure Python; here the
    events come from the C parser and nesting stops at the first value deeper than MAX_DEPTH.
    """

    def __init__(self, text: str):
        self._events = yaml.parse(text, Loader=yaml.CSafeLoader)
        self._pending: list = []
        self._lines = text.splitlines()
        self.problems: list[tuple[yaml.Mark, str]] = []
        self.last_opened: tuple[yaml.Mark, int] | None = None
        """The start and depth of the last mapping or list begun: where a runaway nesting starts."""

    def single_document(self) -> Node | None:
        self._next()  # stream start
        if isinstance(self._next(), yaml.StreamEndEvent):
            return None
        root = self._node(0, is_key=False)
        self._next()  # document end
        event = self._next()
        if isinstance(event, yaml.DocumentStartEvent):
            raise yaml.MarkedYAMLError(problem="expected a single document", problem_mark=event.start_mark)
        return root

    def _next(self):
        return self._pending.pop() if self._pending else next(self._events)

    def _peek(self):
        if not self._pending:
            self._pending.append(next(self._events))
        return self._pending[-1]

    def _node(self, depth: int, is_key: bool) -> Node:
        event = self._next()
        if depth > MAX_DEPTH and not is_key:
            raise _TooDeep(event.start_mark)
        if isinstance(event, yaml.AliasEvent):
            self.problems.append((event.start_mark, f"不支持别名引用“*{event.anchor}”：请把内容直接写出来"))
            return ScalarNode("tag:yaml.org,2002:null", "", event.start_mark, event.end_mark)
        if event.anchor is not None:
            self.problems.append((event.start_mark, f"不支持锚点“&{event.anchor}”：请删除它"))
        if getattr(event, "tag", None) is not None:
            self.problems.append((event.start_mark, f"不支持类型标签“{self._as_written(event)}”：请删除它，需要时给值加引号"))
        if isinstance(event, yaml.ScalarEvent):
            return ScalarNode("tag:yaml.org,2002:str", event.value, event.start_mark, event.end_mark, event.style or None)
        self.last_opened = (event.start_mark, depth)
        if isinstance(event, yaml.SequenceStartEvent):
            items = []
            while not isinstance(self._peek(), yaml.SequenceEndEvent):
                items.append(self._node(depth + 1, is_key=False))
            return SequenceNode("tag:yaml.org,2002:seq", items, event.start_mark, self._next().end_mark)
        pairs = []
        while not isinstance(self._peek(), yaml.MappingEndEvent):
            key = self._node(depth + 1, is_key=True)
            pairs.append((key, self._node(depth + 1, is_key=False)))
        return MappingNode("tag:yaml.org,2002:map", pairs, event.start_mark, self._next().end_mark)

    def too_deep_bracket(self) -> tuple[int, int]:
        """Line and column of the first bracket nested deeper than MAX_DEPTH, counting from the
        last collection begun (libyaml reads thousands of brackets ahead before it gives up)."""
        mark, depth = self.last_opened
        line = self._lines[mark.line]
        for column in range(mark.column, len(line)):
            if line[column] in "[{":
                if depth > MAX_DEPTH:
                    return mark.line + 1, column + 1
                depth += 1
            elif line[column] in "]}":
                depth -= 1
        return mark.line + 1, mark.column + 1

    def _as_written(self, event) -> str:
        """A tag as the user typed it (``!!str``), not as the parser resolved it."""
        mark = event.start_mark
        written = re.match(r"!\S*", self._lines[mark.line][mark.column :]) if mark.line < len(self._lines) else None
        return written.group() if written else event.tag


def _compose(text: str, shown_as: str) -> tuple[Document | None, list[Problem]]:
    composer = _Composer(text)
    try:
        root = composer.single_document()
    except yaml.MarkedYAMLError as error:
        if "maximum nesting depth" in str(error.problem) and composer.last_opened:
            return None, [Problem(shown_as, *composer.too_deep_bracket(), f"嵌套层次过深（超过 {MAX_DEPTH} 层）")]
        return None, [_syntax_problem(error, shown_as)]
    except _TooDeep as too_deep:
        return None, [Problem(shown_as, too_deep.mark.line + 1, too_deep.mark.column + 1, f"嵌套层次过深（超过 {MAX_DEPTH} 层）")]
    problems = [Problem(shown_as, mark.line + 1, mark.column + 1, message) for mark, message in composer.problems]
    if root is None:
        return None, problems + [Problem(shown_as, 1, 1, "文件是空的")]
    document = Document(shown_as, None)
    document.data = _Converter(document, text.splitlines(), problems).convert(root, ())
    return (None if problems else document), problems


_NULLS = {"", "~", "null", "Null", "NULL"}
_COMMENT_GLUED_TO_TEXT = re.compile(r"[ ]+#\S")


class _Converter:
    """Turns composed nodes into plain data, recording positions and structural problems."""

    def __init__(self, document: Document, lines: list[str], problems: list[Problem]):
        self.document, self.lines, self.problems = document, lines, problems

    def convert(self, node: Node, location: Location) -> Any:
        self.document.positions[location] = (node.start_mark.line + 1, node.start_mark.column + 1)
        if isinstance(node, ScalarNode):
            return self._scalar(node)
        self.document.collections.add(location)
        if isinstance(node, SequenceNode):
            return [self.convert(item, location + (i,)) for i, item in enumerate(node.value)]
        assert isinstance(node, MappingNode)
        return self._mapping(node, location)

    def _scalar(self, node: ScalarNode) -> str | None:
        if node.style is None:
            end = node.end_mark
            if _COMMENT_GLUED_TO_TEXT.match(self.lines[end.line][end.column:] if end.line < len(self.lines) else ""):
                self.problems.append(Problem(self.document.path, end.line + 1, end.column + 2,
                                             "“ #”后面的内容会被当作注释丢掉：如果它是正文（例如“#1车间”），请给整个值加引号"))
            if node.value in _NULLS:
                return None
        return node.value

    def _mapping(self, node: MappingNode, location: Location) -> dict[str, Any]:
        mapping: dict[str, Any] = {}
        first_seen: dict[str, int] = {}
        for key_node, value_node in node.value:
            here = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if not isinstance(key_node, ScalarNode):
                self.problems.append(Problem(self.document.path, *here, "键必须是一个简单的名称"))
                continue
            key = key_node.value
            if key in first_seen:
                self.problems.append(Problem(self.document.path, *here, f"重复的键“{key}”：第 {first_seen[key]} 行已经写过，请合并成一处"))
                continue
            first_seen[key] = here[0]
            self.document.key_positions[location + (key,)] = here
            mapping[key] = self.convert(value_node, location + (key,))
        return mapping


_ALIAS_TEXT = "以“*”开头的值会被当作别名引用：如果这是文字（例如以 ** 加粗或 * 强调开头），请给整个值加引号"

# (what PyYAML says, in Chinese, and whether to point where the construct opens rather than where
# PyYAML noticed the problem, which is often the next line or the end of the file)
_SYNTAX_MESSAGES = [
    ("while parsing a flow sequence", "方括号“[”没有闭合：写在一行里的列表要以“]”结束，各项之间用逗号分开", True),
    ("while parsing a flow mapping", "花括号“{”没有闭合：写在一行里的“键: 值”要以“}”结束，各项之间用逗号分开", True),
    ("while scanning a quoted scalar", "引号没有闭合：从这里开始的引号要在这个值的末尾关上", True),
    ("while scanning an alias", _ALIAS_TEXT, True),
    ("while scanning an anchor", "以“&”开头的值会被当作锚点：如果这是文字，请给整个值加引号", True),
    ("while scanning a block scalar", "“|”或“>”后面只能换行，正文从下一行开始缩进书写", False),
    ("mapping values are not allowed", "此处不能出现“键: 值”：值里有未加引号的“: ”，或缩进没有对齐", False),
    ("could not find expected ':'", "找不到键后面的冒号：键和值之间要用半角冒号加空格“: ”", False),
    ("cannot start any token", "这里有 YAML 不允许的字符（常见为制表符 Tab 或 @、` 开头的值）：请改用空格，或给值加引号", False),
    ("expected <block end>", "缩进没有对齐：同一层的键必须从同一列开始", False),
    ("while parsing a block mapping did not find expected key", "缩进没有对齐：同一层的键必须从同一列开始", False),
    ("expected a single document", "一个文件只能有一条记录（发现了多个用 --- 分隔的部分）", False),
    ("found unexpected end of stream", "引号或括号没有闭合", False),
    ("did not find expected key", "缩进没有对齐，或列表项“- ”与键混在同一层", False),
    ("did not find expected node content", "缺少内容：检查方括号、花括号里的逗号和引号", False),
    ("did not find expected '-' indicator", "缩进没有对齐：列表的每一项都要以同一列的“- ”开头", False),
]


def _syntax_problem(error: yaml.MarkedYAMLError, shown_as: str) -> Problem:
    said = f"{error.context or ''} {error.problem or ''}"
    message, at_opening = next(((zh, opening) for en, zh, opening in _SYNTAX_MESSAGES if en in said),
                               ("YAML 语法错误：请对照 cases/README.md 检查这一行的写法", False))
    mark = (error.context_mark if at_opening else None) or error.problem_mark or error.context_mark
    line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
    return Problem(shown_as, line, col, message)
