"""``casebook import-list``: the department's yearly list (CSV or Excel) creates and updates records.

The lists are written as departments write them: a title row above the header, columns in another
order and under other names, full-width characters, empty rows, GBK from Windows Excel.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import pytest
from openpyxl import Workbook

from casebook import recordedit
from casebook.yamlsource import read_yaml

from conftest import DRAFT_DAY
from support import run_cli

ROOT = Path(__file__).parent.parent

HEADER = ["序号", "单位名称", "市（州）", "质量标杆 名称", "行　业", "方法（技术）", "遴选方向", "推荐单位", "备注"]
ROWS = [
    ["1", "绵阳九洲精密电子有限公司", "绵阳", "绵阳九洲精密电子有限公司应用SPC提升贴片质量的经验", "电子信息", "SPC、六西格玛",
     "全面质量管理", "绵阳市经济和信息化局", "新申报"],
    ["", "", "", "", "", "", "", "", ""],
    ["2", "", "", "", "", "", "", "", ""],
    ["3", "成都府味食品有限公司", "成都府", "成都府味食品有限公司推行精益生产的经验", "食品轻纺", "精益", "全面质量管理",
     "成都市经济和信息化局", ""],
    ["4", "攀枝花钒钛新材料有限公司", "攀枝花", "", "先进材料", "TPM", "全面质量管理", "", ""],
    ["5", "宜宾岷江食品有限公司", "宜宾市", "宜宾岷江食品有限公司推行精益生产降低包装损耗的经验", "食品饮料", "精益生产",
     "全面质量管理", "宜宾市经济和信息化局", ""],
    ["6", "达州巴山机械有限公司", "达州市", "达州巴山机械有限公司实施TPM的经验", "装备制造", "TPM、FMEA", "专精特新",
     "达州市经济和信息化局", ""],
]






def csv_text(rows: list[list[str]]) -> str:
    return "\r\n".join(",".join(row) for row in [["2026年四川省工业质量标杆名单"], HEADER, *rows]) + "\r\n"


EXPECTED_OUT = [
    "名单.csv:2:9: I 列“备注”不是可导入的列，已忽略",
    "第 3 行：已新建 cases/2026/SC-2026-001.yaml（还有 12 处需要填写）",
    "第 9 行：已新建 cases/2026/SC-2026-006.yaml（还有 12 处需要填写）",
]
EXPECTED_ERR = [
    "名单.csv:6:3: “市（州）”：“成都府”不在市州词表中（词表见 cases/vocabularies/cities.yaml）；这一行没有导入",
    "名单.csv:7:4: “质量标杆 名称”是空的：这一行没有导入",
    "名单.csv:8:5: “行　业”：行业“食品饮料”的使用年份为2022 年前，不适用于 2026 年认定的案例；这一行没有导入",
    "共发现 3 个问题，请逐条修改后再试。",
]


@pytest.mark.parametrize("encoding", ["gbk", "utf-8", "utf-8-sig", "utf-16"])
def test_a_csv_list_creates_records_and_reports_each_unusable_row(encoding, workdir, capsys):
    (workdir / "名单.csv").write_bytes(csv_text(ROWS).encode(encoding))
    code, out, err = run_cli(capsys, "import-list", "名单.csv", "--year", "2026")
    assert (code, out.splitlines(), err.splitlines()) == (1, EXPECTED_OUT, EXPECTED_ERR)
    assert sorted(p.name for p in (workdir / "cases" / "2026").iterdir()) == ["SC-2026-001.yaml", "SC-2026-006.yaml"]
    data = record_data(workdir / "cases" / "2026" / "SC-2026-001.yaml")
    assert (data["id"], data["year"], data["title"]) == ("SC-2026-001", "2026", "绵阳九洲精密电子有限公司应用SPC提升贴片质量的经验")
    assert data["enterprise"] == {"name": "绵阳九洲精密电子有限公司", "city": "绵阳市", "size": "【待填写】"}
    assert (data["industries"], data["methods"], data["directions"]) == (["电子信息"], ["SPC", "六西格玛"], ["全面质量管理"])
    assert data["recognition"] == {"status": "【待填写】", "notice": {"number": "【待填写】"}, "recommended_by": "绵阳市经济和信息化局"}
    assert data["summary"] == "【待填写】\n" and data["updated"] == DRAFT_DAY
    assert record_data(workdir / "cases" / "2026" / "SC-2026-006.yaml")["directions"] == ["中小企业“新、专、特、精”"]


def test_records_created_with_a_notice_number_are_recognised(workdir, capsys):
    text = "序号,企业名称,质量标杆名称\r\n1,甲公司,甲公司实施精益生产的经验\r\n"
    (workdir / "短.csv").write_bytes(text.encode("gbk"))
    code, out, err = run_cli(capsys, "import-list", "短.csv", "--year", "2026", "--notice", "川经信质〔2026〕12号")
    assert (code, out, err) == (0, "第 2 行：已新建 cases/2026/SC-2026-001.yaml（还有 14 处需要填写）\n", "")
    data = record_data(workdir / "cases" / "2026" / "SC-2026-001.yaml")
    assert data["enterprise"]["name"] == "甲公司"
    assert data["recognition"] == {"status": "已认定", "notice": {"number": "川经信质〔2026〕12号"}}


def test_an_excel_list_with_a_title_row_and_numbers_as_numbers(workdir, capsys):
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "名单"
    sheet.append(["2026年四川省工业质量标杆拟认定名单"])
    sheet.merge_cells("A1:F1")
    sheet.append(["推荐单位", "企业全称", "质量标杆名称", "所在市（州）", "方法", "序号"])
    sheet.append(["德阳市经济和信息化局", "德阳川重精工机械有限公司", "德阳川重精工机械有限公司实施六西格玛设计的经验", "德阳", "六西格玛", 3])
    sheet.append([None, None, None, None, None, None])
    sheet.append(["南充市经济和信息化局", "南充嘉陵丝绸有限公司", "南充嘉陵丝绸有限公司推行QC小组活动的经验", "南充市", "QC 小组", 7.0])
    workbook.save(workdir / "名单.xlsx")
    code, out, err = run_cli(capsys, "import-list", "名单.xlsx", "--year", "2026", "--publicity-start", "2026-11-02")
    assert (code, err) == (0, "")
    assert out.splitlines() == ["第 3 行：已新建 cases/2026/SC-2026-003.yaml（还有 12 处需要填写）",
                                "第 5 行：已新建 cases/2026/SC-2026-007.yaml（还有 12 处需要填写）"]
    data = record_data(workdir / "cases" / "2026" / "SC-2026-007.yaml")
    assert data["methods"] == ["QC小组"] and data["enterprise"]["city"] == "南充市"
    assert data["recognition"] == {"status": "公示中", "publicity": {"start": "2026-11-02"},
                                   "recommended_by": "南充市经济和信息化局"}


# Updating what exists

UPDATE_HEADER = "序号,企业名称,质量标杆名称,市州,行业,方法,推荐单位,企业简称\r\n"


def sample_record(workdir: Path, newline: str = "\n") -> Path:
    folder = workdir / "cases" / "2021"
    folder.mkdir(parents=True)
    record = folder / "SC-2021-004.yaml"
    text = (ROOT / "cases" / "2021" / "SC-2021-004.yaml").read_text(encoding="utf-8")
    record.write_bytes(text.replace("\n", newline).encode("utf-8"))
    return record


def test_an_update_changes_only_the_lists_fields_and_keeps_everything_else(workdir, capsys):
    record = sample_record(workdir)
    before = record.read_text(encoding="utf-8")
    row = ("4,攀枝花瑞钒特殊钢有限公司,攀枝花瑞钒特殊钢有限公司推行精益生产与 TPM 提升棒线材质量的经验,攀枝花,"
           "钢铁,精益生产、TPM、QC小组、SPC,攀枝花市经济和信息化局（代章） #2,瑞钒特钢\r\n")
    (workdir / "名单.csv").write_text(UPDATE_HEADER + row, encoding="utf-8")
    code, out, err = run_cli(capsys, "import-list", "名单.csv", "--year", "2021")
    assert (code, err) == (0, "")
    assert out == ("第 2 行：已更新 cases/2021/SC-2021-004.yaml：行业 钢铁、先进材料 → 钢铁；"
                   "方法 精益生产、TPM、QC小组 → 精益生产、TPM、QC小组、SPC；"
                   "推荐单位 攀枝花市经济和信息化局 → 攀枝花市经济和信息化局（代章） #2\n")
    diff = [line for line in difflib.unified_diff(before.splitlines(), record.read_text(encoding="utf-8").splitlines(),
                                                  lineterm="", n=0) if line[:1] in "+-" and line[:3] not in ("+++", "---")]
    assert diff == ["-  - 先进材料", "+  - SPC", "-  recommended_by: 攀枝花市经济和信息化局",
                    "+  recommended_by: \"攀枝花市经济和信息化局（代章） #2\""]


def test_a_second_run_of_the_same_list_changes_nothing(workdir, capsys):
    record = sample_record(workdir)
    row = "4,攀枝花瑞钒特殊钢有限公司,攀枝花瑞钒特殊钢有限公司推行精益生产与 TPM 提升棒线材质量的经验,攀枝花市,钢铁、先进材料,,,\r\n"
    (workdir / "名单.csv").write_text(UPDATE_HEADER + row, encoding="utf-8")
    before = record.read_bytes()
    assert run_cli(capsys, "import-list", "名单.csv", "--year", "2021") == (0, "第 2 行：cases/2021/SC-2021-004.yaml 没有变化\n", "")
    assert record.read_bytes() == before


def test_an_update_by_sequence_number_renames_and_adds_a_missing_key_keeping_crlf(workdir, capsys):
    record = sample_record(workdir, newline="\r\n")
    text = record.read_bytes().decode("utf-8").replace("  short_name: 瑞钒特钢\r\n", "")
    record.write_bytes(text.encode("utf-8"))
    row = "4,攀枝花瑞钒特殊钢股份有限公司,攀枝花瑞钒特殊钢有限公司推行精益生产与 TPM 提升棒线材质量的经验,,,,,瑞钒特钢\r\n"
    (workdir / "名单.csv").write_text(UPDATE_HEADER + row, encoding="utf-8")
    code, out, err = run_cli(capsys, "import-list", "名单.csv", "--year", "2021")
    assert (code, err) == (0, "")
    assert out == ("第 2 行：已更新 cases/2021/SC-2021-004.yaml：企业名称 攀枝花瑞钒特殊钢有限公司 → 攀枝花瑞钒特殊钢股份有限公司；"
                   "企业简称 （空） → 瑞钒特钢\n")
    after = record.read_bytes().decode("utf-8")
    assert "\r\n  name: 攀枝花瑞钒特殊钢股份有限公司\r\n" in after
    assert "\r\n  size: 大型\r\n  short_name: 瑞钒特钢\r\n\r\nyear: 2021\r\n" in after
    assert after.count("\r\n") == after.count("\n")


def test_a_sequence_number_that_belongs_to_another_case_is_refused(workdir, capsys):
    record = sample_record(workdir)
    before = record.read_bytes()
    (workdir / "名单.csv").write_text(UPDATE_HEADER + "4,另一家公司,另一家公司实施精益生产的经验,,,,,\r\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "import-list", "名单.csv", "--year", "2021")
    assert (code, out) == (1, "")
    assert err.splitlines()[0] == (
        "名单.csv:2:1: 序号 4 对应的 SC-2021-004 是另一条经验（攀枝花瑞钒特殊钢有限公司推行精益生产与 TPM 提升棒线材质量的经验）："
        "请在“编号”列写明要更新的记录，或改正序号；这一行没有导入")
    assert record.read_bytes() == before


def test_an_edit_that_would_not_read_back_exactly_leaves_the_file_alone(workdir, capsys, monkeypatch):
    record = sample_record(workdir)
    before = record.read_bytes()
    monkeypatch.setattr(recordedit, "yaml_scalar", lambda value, flow=False: f"{value} #注释")
    (workdir / "名单.csv").write_text(UPDATE_HEADER + "4,攀枝花瑞钒特殊钢有限公司,攀枝花瑞钒特殊钢有限公司推行精益生产与 TPM "
                                      "提升棒线材质量的经验,德阳,,,,\r\n", encoding="utf-8")
    code, out, err = run_cli(capsys, "import-list", "名单.csv", "--year", "2021")
    assert (code, out) == (1, "")
    assert err.splitlines()[0] == ("名单.csv:2:1: cases/2021/SC-2021-004.yaml：无法在不改动其他内容的情况下修改这条记录：请手工修改；"
                                   "这一行没有导入")
    assert record.read_bytes() == before
    assert sorted(p.name for p in record.parent.iterdir()) == ["SC-2021-004.yaml"]  # no temporary file left


def test_a_dry_run_writes_nothing(workdir, capsys):
    (workdir / "名单.csv").write_bytes(csv_text(ROWS[:1]).encode("gbk"))
    code, out, err = run_cli(capsys, "import-list", "名单.csv", "--year", "2026", "--dry-run")
    assert (code, err) == (0, "")
    assert out.splitlines()[1] == "第 3 行：将新建 cases/2026/SC-2026-001.yaml"
    assert not (workdir / "cases" / "2026").exists()


# Lists that cannot be read at all

@pytest.mark.parametrize("name, content, message", [
    ("名单.csv", "企业,地区\r\n甲,成都\r\n".encode(), "名单.csv:1:1: 没有找到表头：前 10 行中没有同时包含“企业名称”和“质量标杆名称”两列的一行"),
    ("名单.csv", "企业名称,质量标杆名称,单位名称\r\n".encode(),
     "名单.csv:1:3: C 列“单位名称”与 A 列“企业名称”是同一项内容：请删去其中一列"),
    ("名单.xls", b"\xd0\xcf\x11\xe0", "名单.xls:1:1: 这是旧版 Excel（.xls）文件：请在 Excel 或 WPS 中“另存为”.xlsx 或 CSV 后再导入"),
    ("名单.xlsx", b"not a zip", "名单.xlsx:1:1: 无法作为 Excel 文件（.xlsx）打开：请确认文件完整，或另存为 CSV 后再导入"),
])
def test_an_unreadable_list_is_refused_with_its_reason(name, content, message, workdir, capsys):
    (workdir / name).write_bytes(content)
    code, out, err = run_cli(capsys, "import-list", name, "--year", "2026")
    assert (code, out) == (1, "")
    assert err.splitlines()[0] == message


def record_data(path: Path) -> dict:
    document, problems = read_yaml(path, path.name)
    assert problems == []
    return document.data
