"""The traps of YAML written by people (domain brief §5): each value is kept as written or the
mistake is reported as ``path:line:col: message`` in Chinese.

Columns count characters from 1, so a Chinese character is one column.
"""

from __future__ import annotations

import re

import pytest

from casebook.yamlsource import MAX_DEPTH, MAX_FILE_BYTES, read_yaml

NAME = "t.yaml"
SAVE_AS = "请用编辑器“另存为”UTF-8 编码后再提交"
TAB = "缩进里有制表符（Tab）：YAML 只能用半角空格缩进"
WIDE_SPACE = "缩进里有全角空格：请关闭中文输入法的全角模式，改用半角空格缩进"
WIDE_COLON = "键后面用了全角冒号“：”：请改成半角冒号加空格“: ”"
HASH = "“ #”后面的内容会被当作注释丢掉：如果它是正文（例如“#1车间”），请给整个值加引号"


def load(tmp_path, content: str | bytes):
    """Write ``content`` (text as UTF-8, line ends kept as written) and read it strictly."""
    path = tmp_path / NAME
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    document, problems = read_yaml(path, NAME)
    assert (document is None) == bool(problems), "a document comes back exactly when nothing is wrong"
    return (document.data if document else None), [str(p) for p in problems]


def problems(tmp_path, content: str | bytes) -> list[str]:
    return load(tmp_path, content)[1]


def loads(tmp_path, content: str | bytes):
    data, found = load(tmp_path, content)
    assert found == []
    return data


# --- values are kept as written ---------------------------------------------------------------

def test_scalars_stay_the_strings_that_were_written(tmp_path):
    text = "a: NO\nb: yes\nc: 0012\nd: 12:30\ne: 1e3\nf: 2021-12-10\ng: on\nh: 0x1F\n"
    assert loads(tmp_path, text) == {
        "a": "NO", "b": "yes", "c": "0012", "d": "12:30", "e": "1e3", "f": "2021-12-10", "g": "on", "h": "0x1F",
    }


def test_empty_and_tilde_are_none_but_quoted_ones_are_text(tmp_path):
    assert loads(tmp_path, "a:\nb: ~\nc: ''\nd: \"~\"\n") == {"a": None, "b": None, "c": "", "d": "~"}


def test_a_leading_document_marker_is_allowed(tmp_path):
    assert loads(tmp_path, "---\nid: SC-2021-001\n") == {"id": "SC-2021-001"}


# --- duplicate keys -------------------------------------------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("name: 甲\nsize: 大型\nname: 乙\n", "t.yaml:3:1: 重复的键“name”：第 1 行已经写过，请合并成一处"),
    ("enterprise:\n  name: 甲\n  name: 乙\n", "t.yaml:3:3: 重复的键“name”：第 2 行已经写过，请合并成一处"),
])
def test_duplicate_key_is_reported_at_the_second_naming_the_first(tmp_path, text, expected):
    assert problems(tmp_path, text) == [expected]


# --- “ #” starts a comment --------------------------------------------------------------------

def test_unquoted_hash_that_would_cut_the_value_is_reported(tmp_path):
    # "name: 某公司 #1车间": the "#" is the 11th character.
    assert problems(tmp_path, "name: 某公司 #1车间\n") == [f"t.yaml:1:11: {HASH}"]
    # "  - 某公司 #1车间": the "#" is the 9th character.
    assert problems(tmp_path, "highlights:\n  - 某公司 #1车间\n") == [f"t.yaml:2:9: {HASH}"]


@pytest.mark.parametrize("text, expected", [
    ("name: '某公司 #1车间'\n", "某公司 #1车间"),
    ('name: "某公司 #1车间"\n', "某公司 #1车间"),
    ("name: 某公司#1车间\n", "某公司#1车间"),  # no space before "#": not a comment
    ("name: 某公司  # 这是注释\n", "某公司"),  # a real comment, "# " followed by a space
])
def test_quoted_hash_is_kept_and_real_comments_are_allowed(tmp_path, text, expected):
    assert loads(tmp_path, text) == {"name": expected}


# --- full-width colon, tabs and full-width spaces ----------------------------------------------

@pytest.mark.parametrize("text, expected", [
    ("title：x\n", f"t.yaml:1:6: {WIDE_COLON}"),
    ("enterprise:\n  short_name ：川重\n", f"t.yaml:2:14: {WIDE_COLON}"),
    ("enterprise:\n\tname: 甲\n", f"t.yaml:2:1: {TAB}"),
    ("enterprise:\n  \tname: 甲\n", f"t.yaml:2:3: {TAB}"),
    ("enterprise:\n\u3000\u3000name: 甲\n", f"t.yaml:2:1: {WIDE_SPACE}"),
    ("enterprise:\n  \u3000name: 甲\n", f"t.yaml:2:3: {WIDE_SPACE}"),
])
def test_wide_colon_and_bad_indentation_are_reported(tmp_path, text, expected):
    assert problems(tmp_path, text) == [expected]


def test_full_width_colon_inside_list_text_is_not_a_key(tmp_path):
    assert loads(tmp_path, "highlights:\n  - QC小组活动：累计 120 项\n") == {"highlights": ["QC小组活动：累计 120 项"]}


def test_a_list_item_is_a_key_only_when_it_names_a_field(tmp_path):
    path = tmp_path / "t.yaml"
    path.write_text("highlights:\n  - SPC：关键参数实时监控\nmetrics:\n  - indicator：合格率\n", encoding="utf-8")
    _, found = read_yaml(path, "t.yaml", keys=frozenset({"highlights", "metrics", "indicator"}))
    assert [str(p) for p in found] == [f"t.yaml:4:14: {WIDE_COLON}"]


@pytest.mark.parametrize("text, expected", [
    ("summary: |\n  第一段\n  \t缩进的代码\n\nyear: 2021\n", {"summary": "第一段\n\t缩进的代码\n", "year": "2021"}),
    ("summary: >-\n  第一段\n  \t缩进\nyear: 2021\n", {"summary": "第一段\n\t缩进", "year": "2021"}),
    ("items:\n  - |\n    第一段\n    \t缩进\n", {"items": ["第一段\n\t缩进\n"]}),
])
def test_tab_inside_a_block_scalar_is_text(tmp_path, text, expected):
    assert loads(tmp_path, text) == expected


@pytest.mark.parametrize("newline", ["\n", "\r\n"], ids=["lf", "crlf"])
def test_every_problem_of_a_file_is_reported(tmp_path, newline):
    text = newline.join(["enterprise:", "\tname: 甲", "\tcity: 德阳市", "title：x", ""])
    assert problems(tmp_path, text) == [f"t.yaml:2:1: {TAB}", f"t.yaml:3:1: {TAB}", f"t.yaml:4:6: {WIDE_COLON}"]


# --- anchors, aliases, tags ------------------------------------------------------------------------

def test_anchors_aliases_and_tags_are_reported_where_they_are(tmp_path):
    text = "a: &a 1\nb: *a\nc: !!str 5\nd: !python/object x\nbase: &b\n  x: 1\nother:\n  <<: *b\n"
    found = problems(tmp_path, text)
    assert found[:2] == ["t.yaml:1:4: 不支持锚点“&a”：请删除它", "t.yaml:2:4: 不支持别名引用“*a”：请把内容直接写出来"]
    assert found[2].startswith("t.yaml:3:4: 不支持类型标签“")  # wording: see the test below
    assert found[3:] == [
        "t.yaml:4:4: 不支持类型标签“!python/object”：请删除它，需要时给值加引号",
        "t.yaml:5:7: 不支持锚点“&b”：请删除它",
        "t.yaml:8:7: 不支持别名引用“*b”：请把内容直接写出来",
    ]


def test_a_tag_is_named_as_written(tmp_path):
    assert problems(tmp_path, "c: !!str 5\n") == ["t.yaml:1:4: 不支持类型标签“!!str”：请删除它，需要时给值加引号"]


# --- nesting and size ------------------------------------------------------------------------------

def nested(depth: int) -> str:
    """Keys k1..k<depth>, each one level deeper, the last holding "v": "v" is ``depth`` levels deep."""
    lines = [f"{'  ' * i}k{i + 1}:" for i in range(depth)]
    return "\n".join(lines) + " v\n"


def test_nesting_up_to_max_depth_is_allowed(tmp_path):
    data = loads(tmp_path, nested(MAX_DEPTH))
    for i in range(1, MAX_DEPTH):
        data = data[f"k{i}"]
    assert data == {f"k{MAX_DEPTH}": "v"}


def test_nesting_deeper_than_max_depth_is_reported_at_the_first_too_deep_value(tmp_path):
    # The value "v" of the last key is on line MAX_DEPTH+1, after 2*MAX_DEPTH spaces and "kN: ".
    line, col = MAX_DEPTH + 1, 2 * MAX_DEPTH + len(f"k{MAX_DEPTH + 1}: ") + 1
    assert problems(tmp_path, nested(MAX_DEPTH + 1)) == [f"t.yaml:{line}:{col}: 嵌套层次过深（超过 {MAX_DEPTH} 层）"]
    # Flow style: in "a: [[[…", the bracket at column 3+k is k levels deep.
    flow = "a: " + "[" * (MAX_DEPTH + 3) + "]" * (MAX_DEPTH + 3) + "\n"
    assert problems(tmp_path, flow) == [f"t.yaml:1:{MAX_DEPTH + 4}: 嵌套层次过深（超过 {MAX_DEPTH} 层）"]


def test_very_deep_nesting_is_a_problem_not_a_crash(tmp_path):
    text = "a: " + "[" * 2000 + "]" * 2000 + "\n"
    assert problems(tmp_path, text) == [f"t.yaml:1:{MAX_DEPTH + 4}: 嵌套层次过深（超过 {MAX_DEPTH} 层）"]


def test_file_size_limit(tmp_path):
    exactly = "a: " + "x" * (MAX_FILE_BYTES - 4) + "\n"
    assert len(exactly.encode()) == MAX_FILE_BYTES
    assert loads(tmp_path, exactly) == {"a": "x" * (MAX_FILE_BYTES - 4)}
    too_big = "a: " + "x" * (300 * 1024 - 4) + "\n"
    assert problems(tmp_path, too_big) == [
        f"t.yaml:1:1: 文件过大（300 KB，上限 {MAX_FILE_BYTES // 1024} KB）：请精简内容或把图片等附件放到资源目录"
    ]


def test_size_shown_for_a_file_just_over_the_limit_exceeds_the_limit(tmp_path):
    [found] = problems(tmp_path, "a: " + "x" * (MAX_FILE_BYTES - 3) + "\n")
    assert int(re.search(r"文件过大（(\d+) KB", found).group(1)) > MAX_FILE_BYTES // 1024


# --- empty files, several documents, syntax errors ------------------------------------------------

@pytest.mark.parametrize("text", ["", "\n\n", "# 只有注释\n"], ids=["nothing", "blank-lines", "comment-only"])
def test_empty_file(tmp_path, text):
    assert problems(tmp_path, text) == ["t.yaml:1:1: 文件是空的"]


def test_two_documents_are_reported_at_the_separator(tmp_path):
    assert problems(tmp_path, "id: SC-2021-001\n---\nid: SC-2021-002\n") == [
        "t.yaml:2:1: 一个文件只能有一条记录（发现了多个用 --- 分隔的部分）"
    ]


@pytest.mark.parametrize("text, expected", [
    # "  b" is indented under the scalar "1": its ":" (column 4) cannot start a mapping there.
    ("a: 1\n  b: 2\n", "t.yaml:2:4: 此处不能出现“键: 值”：值里有未加引号的“: ”，或缩进没有对齐"),
    # " city" (column 2) lines up with neither "enterprise" (1) nor "name" (3).
    ("enterprise:\n  name: 甲\n city: 德阳市\n", "t.yaml:3:2: 缩进没有对齐：同一层的键必须从同一列开始"),
    # the second ": " is the 10th character.
    ("title: 关于: 某事\n", "t.yaml:1:10: 此处不能出现“键: 值”：值里有未加引号的“: ”，或缩进没有对齐"),
    ("highlights:\n  - @某人\n", "t.yaml:2:5: 这里有 YAML 不允许的字符（常见为制表符 Tab 或 @、` 开头的值）：请改用空格，或给值加引号"),
])
def test_syntax_errors_are_explained_in_chinese_at_their_position(tmp_path, text, expected):
    assert problems(tmp_path, text) == [expected]


def test_unclosed_quote_is_reported_where_it_opens(tmp_path):
    [found] = problems(tmp_path, 'title: "德阳 #1\nyear: 2021\n')
    assert found.startswith("t.yaml:1:8: ") and "引号" in found


@pytest.mark.parametrize("text, line", [
    ("methods: [六西格玛, FMEA\nyear: 2021\n", 1),  # "[" never closed
    ("notice: {number: 示例001号\nyear: 2021\n", 1),  # "{" never closed
    ("highlights:\n  - **一是**建立制度\n", 2),  # Markdown bold at the start of a value
    ("highlights:\n  - *重点*突破\n", 2),  # Markdown emphasis at the start of a value
])
def test_common_syntax_errors_are_explained_in_chinese(tmp_path, text, line):
    [found] = problems(tmp_path, text)
    position, message = found.split(" ", 1)
    assert position.startswith(f"t.yaml:{line}:")
    assert not re.search("[A-Za-z]{3,}", message), message


# --- encodings --------------------------------------------------------------------------------------

def test_gbk_file_gets_a_save_as_utf8_hint(tmp_path):
    raw = "id: SC-2021-001\nsummary: 公司在质量管理方面取得显著成效\n".encode("gbk")
    # the first non-UTF-8 byte is the first Chinese character, after "summary: " on line 2.
    assert problems(tmp_path, raw) == [
        f"t.yaml:2:10: 文件不是 UTF-8 编码，看起来是 GBK/GB18030（Windows 记事本的“ANSI”）：{SAVE_AS}"
    ]


def test_gbk_text_that_decodes_as_utf8_is_recognised_as_mojibake(tmp_path):
    raw = "summary: 摘要\n".encode("gbk")
    assert raw.decode("utf-8") == "summary: ժҪ\n"
    assert problems(tmp_path, raw) == [
        f"t.yaml:1:10: 文件疑似按 GBK 保存后被当作 UTF-8 读取：“ժҪ”按 GBK 解读是“摘要”。{SAVE_AS}"
    ]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_file_gets_a_save_as_utf8_hint(tmp_path, encoding):
    raw = "\ufeffid: SC-2021-001\nsummary: 摘要\n".encode(encoding)
    if encoding == "utf-16":
        raw = raw[2:]  # "utf-16" writes its own BOM
    assert problems(tmp_path, raw) == [f"t.yaml:1:1: 文件是 UTF-16（“Unicode”）编码，{SAVE_AS}"]


def test_utf8_bom_is_accepted_and_does_not_shift_columns(tmp_path):
    assert loads(tmp_path, "\ufeffid: SC-2021-001\nsummary: 摘要\n".encode()) == {"id": "SC-2021-001", "summary": "摘要"}
    assert problems(tmp_path, "\ufefftitle：x\n".encode()) == [f"t.yaml:1:6: {WIDE_COLON}"]


@pytest.mark.parametrize("text", [
    "6σ", "±0.5", "25°C", "3×4", "Ra0.8μm", "Cpk≥1.33", "0.5‰", "25℃", "Nestlé", "Bühler",
    "¥3200万",
    "川重®",
    "Ø20mm",
    "η=92%",
    "ΣX",
])
def test_ordinary_symbols_are_not_mojibake(tmp_path, text):
    assert loads(tmp_path, f"summary: {text}\n") == {"summary": text}


def test_nul_byte_is_reported(tmp_path):
    # "summary: 摘" is 10 characters: the NUL is the 11th.
    assert problems(tmp_path, "id: SC-2021-001\nsummary: 摘\x00要\n") == ["t.yaml:2:11: 文件中有空字符（NUL），不是文本文件"]


@pytest.mark.parametrize("char", ["\x0b", "\x0c", "\x1b", "\x7f"], ids=["vertical-tab", "form-feed", "escape", "delete"])
def test_control_character_is_reported(tmp_path, char):
    # "summary: 第一行" is 12 characters: the control character is the 13th.
    [found] = problems(tmp_path, f"summary: 第一行{char}第二行\n")
    assert found.startswith("t.yaml:1:13: ")
