"""Checking a cases folder: every problem of every record, as ``path:line:col: message``.

The records are written from RECORD below (numbered so that positions can be read off) into a
temporary ``cases`` folder holding a copy of the real vocabularies; the tests run in the temporary
folder, so paths print relative to it, as they do for a user running ``casebook check``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from casebook.model import Case, CaseFile
from casebook.records import check_casebook

ROOT = Path(__file__).parent.parent
FILE = "cases/2021/SC-2021-001.yaml"

RECORD = """\
id: SC-2021-001
title: 德阳川重精工机械有限公司实施六西格玛设计提升铸件质量的经验
enterprise:
  name: 德阳川重精工机械有限公司
  short_name: 川重精工
  city: 德阳市
  size: 大型
year: 2021
directions: [全面质量管理]
industries: [装备制造]
methods: [六西格玛, FMEA]
summary: 摘要。
profile: 企业概况。
background: 应用背景。
overview: 方法综述。
implementation: 实施与运行。
effects: 实施效果。
promotion: 深入推广。
highlights: [设计阶段消除缺陷]
metrics:
  - indicator: 一次探伤合格率
    unit: "%"
    baseline: {value: "87.6", year: "2017"}
    result: {value: "96.3", year: "2020"}
    higher_is_better: true
recognition:
  status: 已认定
  notice: {number: 川经信质量〔2021〕示例001号}
sharing:
  consent: true
  contact:
    channel: 电子邮箱
    value: quality@example.com
updated: 2024-03-18
private:
  notes: 内部备注。
"""
# Line numbers used below:  1 id · 2 title · 3 enterprise (4 name, 5 short_name, 6 city, 7 size) · 8 year ·
# 9 directions · 10 industries · 11 methods · 12–18 the seven parts · 19 highlights · 20 metrics (21 indicator,
# 22 unit, 23 baseline, 24 result, 25 higher_is_better) · 26 recognition (27 status, 28 notice) · 29 sharing
# (30 consent, 31 contact, 32 channel, 33 value) · 34 updated · 35 private (36 notes)

REVOCATION = """\
  revocation:
    date: 2023-01-01
    reason: 重大质量事故
    notice: {number: 川经信质量〔2023〕示例002号}
"""

def record(*changes: tuple[str, str]) -> str:
    """RECORD with each ``old`` text (which must occur exactly once) replaced by ``new``."""
    text = RECORD
    for old, new in changes:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


@pytest.fixture
def cases(tmp_path, monkeypatch) -> Path:
    """An empty ``cases`` folder with the real vocabularies; the working folder is its parent."""
    folder = tmp_path / "cases"
    shutil.copytree(ROOT / "cases" / "vocabularies", folder / "vocabularies")
    monkeypatch.chdir(tmp_path)
    return folder


def write(folder: Path, relative: str, text: str) -> None:
    path = folder / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def check(folder: Path) -> list[str]:
    casebook, problems = check_casebook(folder)
    assert (casebook is None) == bool(problems)
    return [str(p) for p in problems]


def problems_of(folder: Path, text: str, relative: str = "2021/SC-2021-001.yaml") -> list[str]:
    write(folder, relative, text)
    return check(folder)


def only_case(folder: Path, text: str) -> Case:
    write(folder, "2021/SC-2021-001.yaml", text)
    casebook, problems = check_casebook(folder)
    assert [str(p) for p in problems] == []
    [case] = casebook.cases
    return case


# --- schema ------------------------------------------------------------------------------------------

def test_missing_required_field_is_reported_at_the_start_of_the_record(cases):
    assert problems_of(cases, record(("effects: 实施效果。\n", ""))) == [f"{FILE}:1:1: 字段 effects：缺少必填内容"]


@pytest.mark.parametrize("changes, expected", [
    # "summry: 摘要。": the misspelt key is at 12:1 (it also leaves summary missing: 1:1).
    ((("summary:", "summry:"),),
     [f"{FILE}:1:1: 字段 summary：缺少必填内容",
      f"{FILE}:12:1: 字段 summry：没有这个字段：请检查拼写（可用字段见 cases/README.md）"]),
    # "  shortname: 川重精工": the key is at 5:3.
    ((("short_name:", "shortname:"),),
     [f"{FILE}:5:3: 字段 enterprise.shortname：没有这个字段：请检查拼写（可用字段见 cases/README.md）"]),
    # "enterprse:" is line 3; its value starts on line 4, which reads "  name: …" and is fine.
    ((("enterprise:", "enterprse:"),),
     [f"{FILE}:1:1: 字段 enterprise：缺少必填内容",
      f"{FILE}:3:1: 字段 enterprse：没有这个字段：请检查拼写（可用字段见 cases/README.md）"]),
])
def test_unknown_field_is_reported_at_its_key(cases, changes, expected):
    assert problems_of(cases, record(*changes)) == expected


@pytest.mark.parametrize("change, expected", [
    # "  city: " is 8 characters
    (("city: 德阳市", "city: 德阳"), "6:9: 字段 enterprise.city：“德阳”是“德阳市”的别称：请写规范名称“德阳市”"),
    (("city: 德阳市", "city: 德州市"), "6:9: 字段 enterprise.city：“德州市”不在市州词表中（词表见 cases/vocabularies/cities.yaml）"),
    # "methods: [" is 10 characters; "六西格玛, " 6 more
    (("methods: [六西格玛, FMEA]", "methods: [精益]"), "11:11: 字段 methods[1]：“精益”是“精益生产”的别称：请写规范名称“精益生产”"),
    (("methods: [六西格玛, FMEA]", "methods: [六西格玛, 八西格玛]"),
     "11:17: 字段 methods[2]：“八西格玛”不在方法与技术词表中（词表见 cases/vocabularies/methods.yaml）"),
    # "updated: " is 9 characters
    (("updated: 2024-03-18", "updated: 2024/3/18"), "34:10: 字段 updated：日期格式应为 YYYY-MM-DD，例如 2021-12-10"),
    # "year: " is 6 characters; a quoted value starts at its quote
    (("year: 2021", 'year: "NO"'), "8:7: 字段 year：应为整数"),
    (("year: 2021", "year: NO"), "8:7: 字段 year：应为整数"),
])
def test_schema_problem_at_the_value(cases, change, expected):
    assert problems_of(cases, record(change)) == [f"{FILE}:{expected}"]


def test_full_width_digits_are_accepted(cases):
    assert only_case(cases, record(("year: 2021", "year: ２０２１"))).year == 2021


@pytest.mark.parametrize("written, meant", [("否", False), ("是", True), ("false", False)])
def test_yes_no_in_chinese_is_accepted(cases, written, meant):
    case = only_case(cases, record(("higher_is_better: true", f"higher_is_better: {written}")))
    assert case.metrics[0].higher_is_better is meant


# --- placement and rules across fields ----------------------------------------------------------

def test_id_must_match_the_file_name(cases):
    assert problems_of(cases, record(("id: SC-2021-001", "id: SC-2021-002"))) == [
        f"{FILE}:1:5: 编号“SC-2021-002”与文件名“SC-2021-001.yaml”不一致：文件名应为 SC-2021-002.yaml"
    ]


def test_record_must_be_in_the_folder_of_its_year(cases):
    assert problems_of(cases, RECORD, "2022/SC-2021-001.yaml") == [
        "cases/2022/SC-2021-001.yaml:8:7: 记录应放在 cases/2021/ 目录下"
    ]


def test_industry_used_outside_its_years(cases):
    # "industries: [" is 13 characters
    assert problems_of(cases, record(("industries: [装备制造]", "industries: [食品轻纺]"))) == [
        f"{FILE}:10:14: 行业“食品轻纺”的使用年份为2023 年起，不适用于 2021 年认定的案例"
    ]


@pytest.mark.parametrize("change, expected", [
    (("status: 已认定", "status: 已撤销"), "27:11: 状态为“已撤销”时必须填写 revocation（撤销日期、原因、公告）"),
    (("title: 德阳川重精工机械有限公司实施六西格玛设计提升铸件质量的经验", "title: 德阳川重精工机械有限公司实施六西格玛设计提升铸件质量"),
     "2:8: 质量标杆名称应以“经验”结尾（命名规则：企业+方法+经验）"),
    (("title: 德阳川重精工机械有限公司", "title: 某公司"), "2:8: 质量标杆名称应包含企业名称或简称（命名规则：企业+方法+经验）"),
    # '    result: {value: "96.3", year: ' is 34 characters
    (('result: {value: "96.3", year: "2020"}', 'result: {value: "96.3", year: "2016"}'), "24:35: 改进后的年份不能早于改进前的年份"),
])
def test_rules_across_fields(cases, change, expected):
    assert problems_of(cases, record(change)) == [f"{FILE}:{expected}"]


def test_short_name_in_the_title_is_enough(cases):
    title = "title: 川重精工实施六西格玛设计提升铸件质量的经验"
    assert only_case(cases, record(("title: 德阳川重精工机械有限公司实施六西格玛设计提升铸件质量的经验", title))).title.startswith("川重精工")


@pytest.mark.parametrize("change, message", [
    (("sharing:\n", REVOCATION + "sharing:\n"), "只有状态为“已撤销”的案例才能填写 revocation"),
    (("consent: true", "consent: false"), "企业未同意公开（consent 为 false）时不能填写公开联系方式"),
])
def test_field_that_must_not_be_there_is_reported(cases, change, message):
    [found] = problems_of(cases, record(change))
    assert found.startswith(f"{FILE}:") and found.endswith(f": {message}")


@pytest.mark.parametrize("change, expected", [
    # "  revocation:" becomes line 29 (after notice); its value starts on line 30 ("    date: …").
    (("sharing:\n", REVOCATION + "sharing:\n"), "29:3: 只有状态为“已撤销”的案例才能填写 revocation"),
    # "  contact:" is line 31; its value starts on line 32 ("    channel: 电子邮箱").
    (("consent: true", "consent: false"), "31:3: 企业未同意公开（consent 为 false）时不能填写公开联系方式"),
])
def test_field_that_must_not_be_there_is_reported_at_its_key(cases, change, expected):
    assert problems_of(cases, record(change)) == [f"{FILE}:{expected}"]


# --- the whole folder ----------------------------------------------------------------------------

def several_bad_files(folder: Path) -> list[str]:
    """Three records with four problems between them; the expected report, sorted."""
    write(folder, "2021/SC-2021-001.yaml", record(("city: 德阳市", "city: 德阳"), ("updated: 2024-03-18", "updated: 2024/3/18")))
    write(folder, "2021/SC-2021-002.yaml", record(("id: SC-2021-001", "id: SC-2021-002"), ("  name:", "\tname:")))
    write(folder, "2022/SC-2022-001.yaml", record(("id: SC-2021-001", "id: SC-2022-001"), ("year: 2021", "year: 2022"),
                                                  ("industries: [装备制造]", "industries: [数字经济, 食品轻纺]")))
    return [
        f"{FILE}:6:9: 字段 enterprise.city：“德阳”是“德阳市”的别称：请写规范名称“德阳市”",
        f"{FILE}:34:10: 字段 updated：日期格式应为 YYYY-MM-DD，例如 2021-12-10",  # line 34 after line 6: sorted as numbers
        "cases/2021/SC-2021-002.yaml:4:1: 缩进里有制表符（Tab）：YAML 只能用半角空格缩进",
        "cases/2022/SC-2022-001.yaml:10:20: 行业“食品轻纺”的使用年份为2023 年起，不适用于 2022 年认定的案例",
    ]


def test_problems_of_several_files_are_all_reported_sorted(cases):
    expected = several_bad_files(cases)
    assert check(cases) == expected


def test_valid_folder_gives_public_cases_only(cases):
    write(cases, "2021/SC-2021-002.yaml", record(("id: SC-2021-001", "id: SC-2021-002")))
    write(cases, "2021/SC-2021-001.yaml", RECORD)
    casebook, problems = check_casebook(cases)
    assert problems == []
    assert [case.id for case in casebook.cases] == ["SC-2021-001", "SC-2021-002"]
    for case in casebook.cases:
        assert type(case) is Case and not isinstance(case, CaseFile)
        assert not hasattr(case, "private")
    assert "private" not in Case.model_fields  # the public model cannot even hold private data
    assert "private" in CaseFile.model_fields


# --- the command line ------------------------------------------------------------------------------

def casebook_cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "casebook.cli", *args], cwd=cwd, capture_output=True, text=True,
                          encoding="utf-8", env={**os.environ, "PYTHONIOENCODING": "utf-8"}, timeout=120)


def test_cli_check_lists_every_problem_and_a_summary(cases, tmp_path):
    expected = several_bad_files(cases)
    result = casebook_cli("check", "--cases", str(cases), cwd=tmp_path)
    assert result.returncode == 1
    assert result.stderr.splitlines() == expected + [f"共发现 {len(expected)} 个问题，请逐条修改后再试。"]
    assert "Traceback" not in result.stdout + result.stderr


def test_cli_check_passes_a_valid_folder(cases, tmp_path):
    write(cases, "2021/SC-2021-001.yaml", RECORD)
    result = casebook_cli("check", "--cases", str(cases), cwd=tmp_path)
    assert (result.returncode, result.stdout, result.stderr) == (0, "全部 1 条案例记录检查通过。\n", "")


def test_cli_check_reports_a_control_character_without_a_traceback(cases, tmp_path):
    write(cases, "2021/SC-2021-001.yaml", record(("summary: 摘要。", "summary: 摘要\x0b第二行。")))
    result = casebook_cli("check", "--cases", str(cases), cwd=tmp_path)
    assert "Traceback" not in result.stderr
    # "summary: 摘要" is 11 characters
    assert result.returncode == 1 and result.stderr.startswith(f"{FILE}:12:12: ")


def test_cli_schema_lists_the_vocabulary(cases, tmp_path):
    result = casebook_cli("schema", "--cases", str(cases), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    assert "六西格玛" in schema["properties"]["methods"]["items"]["enum"]
    assert "精益" not in schema["properties"]["methods"]["items"]["enum"]  # aliases are not canonical labels


def test_cli_schema_accepts_what_the_checker_accepts(cases, tmp_path):
    schema = json.loads(casebook_cli("schema", "--cases", str(cases), cwd=tmp_path).stdout)
    year = schema["properties"]["year"]["anyOf"]
    assert {"type": "integer", "minimum": 2000, "maximum": 2100} in year
    assert any(option.get("type") == "string" and "pattern" in option for option in year)  # year: "2021"
    sample = schema["properties"]["sample"]["anyOf"]
    assert {"type": "boolean"} in sample and {"enum": ["true", "false", "是", "否"]} in sample
    assert '"ge"' not in json.dumps(schema) and '"le"' not in json.dumps(schema)
