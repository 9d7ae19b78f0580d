"""``casebook import-docx``: 典型经验材料 written in Word, in the ways enterprises write them, become records.

Each document is built here with python-docx. The records written and the reports printed are
compared with golden files under tests/golden/import/; after an intended change, regenerate them
with ``UPDATE_GOLDEN=1 pytest tests/test_import_docx.py`` and review the diff.
"""

from __future__ import annotations

import io
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import docx
import pytest
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls
from test_pages_golden import assert_matches_golden

from casebook.problems import ProblemsFound
from casebook.wordmaterial import read_material

from support import run_cli

ROOT = Path(__file__).parent.parent
TEMPLATE = ROOT / "content" / "downloads" / "typical-experience-template.docx"






def png(red: int, green: int, blue: int) -> bytes:
    """A valid 1×1 PNG of one colour."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
    header = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(bytes([0, red, green, blue])))
            + chunk(b"IEND", b""))


def paragraph(document, *runs, style=None):
    """A paragraph of runs; a run is a text, or (text, "b") for bold, (text, "i") for italic."""
    made = document.add_paragraph(style=style)
    for run in runs:
        text, form = (run, "") if isinstance(run, str) else run
        added = made.add_run(text)
        added.bold = "b" in form or None
        added.italic = "i" in form or None
    return made


def hyperlink(made, text: str, url: str) -> None:
    relationship = made.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    made._p.append(parse_xml(f'<w:hyperlink {nsdecls("w", "r")} r:id="{relationship}"><w:r><w:t>{text}</w:t></w:r></w:hyperlink>'))


def save(document, path: Path) -> Path:
    document.save(str(path))
    return path


def styled_headings(folder: Path) -> Path:
    """Numbered headings in Word's heading styles, the name in the Title style, sub-headings one level down."""
    d = docx.Document()
    d.add_paragraph("德阳川重精工机械有限公司实施六西格玛设计的经验", style="Title")
    d.add_heading("一、摘要", level=1)
    paragraph(d, "公司针对大型铸锻件内部缺陷返修率高的问题，自 2018 年起系统导入", ("六西格玛设计（DFSS）", "b"), "方法。")
    paragraph(d, "　　三年间大型铸件一次探伤合格率由 87.6% 提升到 96.3%，质量损失率下降 58%。")
    d.add_heading("二、企业概况", level=1)
    paragraph(d, "德阳川重精工机械有限公司始建于 1958 年，现有职工 3,600 余人，拥有国家级企业技术中心。")
    d.add_heading("三、应用质量管理方法（技术）的背景", level=1)
    paragraph(d, "2017 年公司大型铸件一次探伤合格率仅为 87.6%，因返修造成的交付延期占全部延期订单的 41%。")
    d.add_heading("四、质量管理方法（技术）综述", level=1)
    paragraph(d, "六西格玛设计遵循 DMADV 路线：定义、测量、分析、设计、验证。")
    d.add_heading("五、质量管理方法（技术）的实施与运行", level=1)
    d.add_heading("（一）建立组织与制度保障", level=2)
    paragraph(d, "公司成立由总经理任组长的六西格玛推进委员会，制定三项管理办法：")
    paragraph(d, "《六西格玛项目管理办法》", style="List Bullet")
    paragraph(d, "《黑带绿带认证与激励办法》", style="List Bullet")
    d.add_heading("（二）按 DMADV 路线开展设计项目", level=2)
    paragraph(d, "定义阶段，梳理客户对内部质量的要求；", style="List Number")
    paragraph(d, "验证阶段，通过首件解剖和全面探伤验证设计效果。", style="List Number")
    d.add_heading("（三）实施效果评估", level=2)
    paragraph(d, "每个项目结题时由推进委员会按 *统一标准* 评估。")
    d.add_heading("六、质量管理方法（技术）的实施效果", level=1)
    paragraph(d, "新产品工艺设计周期由 95 天缩短到 62 天，年节约质量成本约 3,200 万元。")
    d.add_heading("七、质量管理方法（技术）的深入推广", level=1)
    paragraph(d, "公司将把六西格玛设计从铸造工艺扩展到锻造和机加工环节。")
    return save(d, folder / "styled.docx")


def bold_paragraphs(folder: Path) -> Path:
    """No heading styles: reworded headings as bold paragraphs, the name on the heading line, a cover line."""
    d = docx.Document()
    paragraph(d, "附件2")
    paragraph(d, ("成都蓉芯电子科技有限公司典型经验材料", "b"))
    paragraph(d, ("一、质量标杆名称：成都蓉芯电子科技有限公司应用工业互联网提升SMT贴片质量的经验", "b"))
    paragraph(d, ("二、内容摘要", "b"))
    paragraph(d, "　　公司以工业互联网平台连接 46 台贴片机和 AOI 设备，贴片缺陷率由 85 PPM 降到 12 PPM。")
    paragraph(d, ("三、企业基本情况", "b"))
    paragraph(d, "　　成都蓉芯电子科技有限公司成立于 2009 年，是一家专注于工业控制板卡的“专精特新”企业。")
    paragraph(d, ("四、实施背景", "b"))
    paragraph(d, "　　多品种小批量生产使换线频繁，人工记录的工艺参数无法追溯。")
    paragraph(d, ("五、方法概述", "b"))
    paragraph(d, "　　工业互联网把设备、物料和人员连成一体，让质量数据实时可见、可分析。")
    paragraph(d, ("六、主要做法", "b"))
    paragraph(d, ("（一）搭建设备互联平台", "b"))
    paragraph(d, ("一是统一数据接口。", "b"), "对 46 台设备加装采集网关，数据 5 秒上传一次。")
    paragraph(d, ("（二）建立质量数据实时分析模型", "b"))
    paragraph(d, "　　对焊膏厚度等 12 项参数设置控制限，超限自动停线。")
    paragraph(d, ("七、取得成效", "b"))
    paragraph(d, "　　一次直通率由 96.1% 提高到 99.2%，客户投诉下降 86%。")
    paragraph(d, ("八、下一步推广计划", "b"))
    paragraph(d, "　　2026 年起向园区内 8 家配套企业开放平台接口。")
    return save(d, folder / "bold.docx")


def table_and_image(folder: Path) -> Path:
    """Plain numbered headings (neither bold nor styled), a table with a merged row, a picture and a link."""
    d = docx.Document()
    d.add_paragraph("宜宾岷江食品有限公司推行精益生产降低包装损耗的经验", style="Title")
    paragraph(d, "1. 摘要")
    paragraph(d, "公司在包装车间推行精益生产，包装损耗率由 2.4% 降到 0.8%。")
    paragraph(d, "2. 企业基本情况")
    paragraph(d, "宜宾岷江食品有限公司主要生产川味调味品，年产能 12 万吨。")
    paragraph(d, "3. 应用质量管理方法（技术）的背景")
    paragraph(d, "包装环节的损耗占全部质量损失的 63%。")
    paragraph(d, "4. 质量管理方法（技术）综述")
    paragraph(d, "精益生产以消除浪费为核心，价值流图是识别浪费的起点。")
    paragraph(d, "5. 实施与运行")
    paragraph(d, "1. 绘制包装线价值流图，识别出等待、返工和过量包装三类浪费；")
    paragraph(d, "2. 快速换型")
    d.add_paragraph().add_run().add_picture(io.BytesIO(png(200, 30, 30)))
    d.element.body.xpath(".//wp:docPr")[-1].set("descr", "图1 包装线价值流图")
    paragraph(d, "图1 包装线价值流图")
    paragraph(d, "6. 实施效果")
    table = d.add_table(rows=5, cols=3)
    rows = [("指标", "2021 年", "2023 年"), ("包装损耗率", "2.4%", "0.8%"), ("换型时间", "45 分钟", "12 分钟"),
            ("投诉|退货", "14 起", "2 起"), ("数据来自 MES 系统", "", "")]
    for row, values in zip(table.rows, rows):
        for cell, value in zip(row.cells, values):
            cell.text = value
    table.cell(4, 0).merge(table.cell(4, 2))
    paragraph(d, "7. 深入推广")
    link = paragraph(d, "经验材料全文见")
    hyperlink(link, "公司网站", "https://www.example.com/lean")
    link.add_run("。")
    return save(d, folder / "table.docx")


def broken(folder: Path) -> Path:
    """Sections missing, one out of order, a heading 第八条 does not have, a text box and an equation."""
    d = docx.Document()
    d.add_paragraph("泸州酒城包装有限公司应用QC小组的经验", style="Title")
    d.add_heading("一、摘要", level=1)
    paragraph(d, "公司三年注册 QC 小组 42 个。")
    d.add_heading("二、企业概况", level=1)
    paragraph(d, "泸州酒城包装有限公司为白酒企业配套生产包装盒。")
    d.add_heading("三、应用背景", level=1)
    paragraph(d, "印刷色差投诉多。")
    d.add_heading("四、实施效果", level=1)
    paragraph(d, "色差投诉下降 70%。")
    d.add_heading("五、实施与运行", level=1)
    made = paragraph(d, "按 PDCA 开展课题，合格率计算如下：")
    made._p.append(parse_xml(f'<m:oMath {nsdecls("m")}><m:r><m:t>p=1-d/n</m:t></m:r></m:oMath>'))
    box = paragraph(d)
    box._p.append(parse_xml(
        f'<w:r {nsdecls("w")} xmlns:v="urn:schemas-microsoft-com:vml"><w:pict><v:shape><v:textbox><w:txbxContent>'
        '<w:p><w:r><w:t>课题选择流程</w:t></w:r></w:p></w:txbxContent></v:textbox></v:shape></w:pict></w:r>'))
    d.add_heading("六、附件：证实性材料", level=1)
    paragraph(d, "营业执照复印件")
    paragraph(d, "全国优秀 QC 小组证书")
    return save(d, folder / "broken.docx")


DOCUMENTS = {
    "styled": (styled_headings, ["--year", "2026", "--city", "德阳", "--size", "大型", "--directions", "全面质量管理",
                                 "--industries", "装备制造", "--methods", "六西格玛"]),
    "bold": (bold_paragraphs, ["--id", "SC-2026-007", "--enterprise", "成都蓉芯电子科技有限公司", "--short-name", "蓉芯电子",
                               "--city", "成都市", "--size", "小型", "--directions", "新一代信息技术应用、专精特新",
                               "--industries", "电子信息", "--methods", "工业互联网"]),
    "table": (table_and_image, ["--year", "2026"]),
}


@pytest.mark.parametrize("name", DOCUMENTS)
def test_a_word_material_becomes_the_golden_record_and_report(name, workdir, capsys):
    build, options = DOCUMENTS[name]
    source = build(workdir)
    code, out, err = run_cli(capsys, "import-docx", source.name, *options)
    assert (code, err) == (0, "")
    record = next((workdir / "cases" / "2026").glob("*.yaml"))
    assert_matches_golden(f"import/{name}.yaml", record.read_text(encoding="utf-8"))
    assert_matches_golden(f"import/{name}.txt", out)


def test_the_picture_is_saved_in_the_record_folder_and_referenced(workdir, capsys):
    run_cli(capsys, "import-docx", table_and_image(workdir).name, "--year", "2026")
    record = workdir / "cases" / "2026" / "SC-2026-001.yaml"
    assert (workdir / "cases" / "2026" / "SC-2026-001" / "image-01.png").read_bytes() == png(200, 30, 30)
    assert "  ![图1 包装线价值流图](image-01.png)\n" in record.read_text(encoding="utf-8")


def test_a_broken_material_is_imported_with_every_gap_and_leftover_reported(workdir, capsys):
    code, out, err = run_cli(capsys, "import-docx", broken(workdir).name, "--year", "2026")
    assert (code, err) == (0, "")
    report = out.split("还有 ")[0]
    assert report.splitlines() == [
        "已生成 cases/2026/SC-2026-001.yaml",
        "企业名称按质量标杆名称推断为“泸州酒城包装有限公司”：请核对，或用 --enterprise 指定。",
        "导入时需要核对的地方（6 处，行号为 Word 文档中的段落序号）：",
        "broken.docx:1:1: 没有找到“质量管理方法（技术）综述”部分：记录中这一部分写的是“【待填写】”",
        "broken.docx:1:1: 没有找到“质量管理方法（技术）的深入推广”部分：记录中这一部分写的是“【待填写】”",
        "broken.docx:10:1: “五、实施与运行”排在“四、实施效果”之后，与第八条的顺序不同："
        "内容仍按标题归入“质量管理方法（技术）的实施与运行”，请核对",
        "broken.docx:11:1: 无法导入的公式（在“五、实施与运行”下）",
        "broken.docx:12:1: 无法导入的文本框中的文字：“课题选择流程”（在“五、实施与运行”下）",
        "broken.docx:13:1: “六、附件：证实性材料”不是第八条规定的部分：这个标题和它下面的 2 段没有导入，已作为注释留在记录末尾",
    ]
    text = (workdir / "cases" / "2026" / "SC-2026-001.yaml").read_text(encoding="utf-8")
    assert "\neffects: |\n  色差投诉下降 70%。\n" in text
    assert "\nimplementation: |\n  按 PDCA 开展课题，合格率计算如下：\n" in text
    assert "\noverview: |\n  【待填写】\n" in text and "\npromotion: |\n  【待填写】\n" in text
    assert text.endswith("# 【第 13 段起，“六、附件：证实性材料”下】\n#   **六、附件：证实性材料**\n#\n#   营业执照复印件\n#\n"
                         "#   全国优秀 QC 小组证书\n")


def test_a_document_without_any_section_heading_is_refused(workdir, capsys):
    d = docx.Document()
    paragraph(d, "本公司高度重视质量工作。")
    save(d, workdir / "letter.docx")
    code, out, err = run_cli(capsys, "import-docx", "letter.docx", "--year", "2026")
    assert code == 1 and out == ""
    assert err == ("letter.docx:1:1: 没有找到第八条规定的任何部分标题（如“摘要”、“企业概况”）：请按《典型经验材料》模板的标题整理后再导入\n"
                   "共发现 1 个问题，请逐条修改后再试。\n")
    assert not (workdir / "cases" / "2026").exists()


@pytest.mark.parametrize("content, message", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "这是旧版 Word（.doc）文件：请在 Word 或 WPS 中“另存为”.docx 格式后再导入"),
    (b"PK\x03\x04 not really a zip", "无法作为 Word 文档（.docx）打开：请确认文件完整，并在 Word 或 WPS 中“另存为”.docx 格式"),
])
def test_a_file_that_is_not_a_docx_is_refused(content, message, workdir, capsys):
    (workdir / "material.docx").write_bytes(content)
    code, out, err = run_cli(capsys, "import-docx", "material.docx", "--year", "2026")
    assert (code, out) == (1, "")
    assert err.splitlines()[0] == f"material.docx:1:1: {message}"


def test_the_blank_template_reports_every_section_as_empty(workdir):
    material = read_material(TEMPLATE, "template.docx")
    assert material.fields == {} and material.leftovers == []
    assert [str(p) for p in material.notices] == [
        f"template.docx:{line}:1: “{heading}”下面没有内容：记录中这一部分写的是“【待填写】”"
        for line, heading in zip(range(2, 17, 2), ["一、质量标杆名称", "二、摘要", "三、企业概况", "四、应用质量管理方法（技术）的背景",
                                                   "五、质量管理方法（技术）综述", "六、质量管理方法（技术）的实施与运行",
                                                   "七、质量管理方法（技术）的实施效果", "八、质量管理方法（技术）的深入推广"])]


def test_a_filled_in_template_imports_without_notices(tmp_path):
    d = docx.Document(str(TEMPLATE))
    headings = [p for p in d.paragraphs if p.style.name == "Heading 1"]
    for number, heading in enumerate(headings):
        after = headings[number + 1] if number + 1 < len(headings) else None
        text = "达州巴山机械有限公司实施精益生产的经验" if number == 0 else f"第 {number} 部分的正文。"
        if after is None:
            d.add_paragraph(text)
        else:
            after.insert_paragraph_before(text)
    material = read_material(save(d, tmp_path / "filled.docx"), "filled.docx")
    assert material.notices == [] and material.leftovers == []
    assert material.fields["title"] == "达州巴山机械有限公司实施精益生产的经验"
    assert material.fields["effects"] == "第 6 部分的正文。"


def test_the_committed_word_template_is_what_the_script_makes(tmp_path):
    subprocess.run([sys.executable, str(ROOT / "scripts" / "make_word_template.py"), str(tmp_path / "t.docx")],
                   check=True, capture_output=True)
    assert (tmp_path / "t.docx").read_bytes() == TEMPLATE.read_bytes(), "run scripts/make_word_template.py"


def test_the_site_offers_the_word_template_for_download(sample_site):
    assert (sample_site / "downloads" / "typical-experience-template.docx").read_bytes() == TEMPLATE.read_bytes()


def test_an_existing_record_is_never_overwritten(workdir, capsys):
    source = bold_paragraphs(workdir)
    assert run_cli(capsys, "import-docx", source.name, "--id", "SC-2026-007")[0] == 0
    before = (workdir / "cases" / "2026" / "SC-2026-007.yaml").read_bytes()
    code, out, err = run_cli(capsys, "import-docx", source.name, "--id", "SC-2026-007")
    assert code == 1
    assert err.splitlines()[0] == "cases/2026/SC-2026-007.yaml:1:1: 记录已经存在，没有覆盖：请用 --id 指定另一个编号"
    assert (workdir / "cases" / "2026" / "SC-2026-007.yaml").read_bytes() == before


def test_read_material_raises_for_a_missing_file(tmp_path):
    with pytest.raises(ProblemsFound) as raised:
        read_material(tmp_path / "none.docx", "none.docx")
    assert [str(p) for p in raised.value.problems] == ["none.docx:1:1: 文件不存在"]


def test_an_imported_record_passes_the_checker_once_its_placeholders_are_filled(workdir, capsys):
    from casebook.records import check_casebook

    build, options = DOCUMENTS["styled"]
    assert run_cli(capsys, "import-docx", build(workdir).name, *options)[0] == 0
    record = workdir / "cases" / "2026" / "SC-2026-001.yaml"
    text = record.read_text(encoding="utf-8")
    record.write_text(text.replace("status: 【待填写】", "status: 已认定").replace("consent: 【待填写】", "consent: 否")
                      .replace("【待填写】", "由企业填写"), encoding="utf-8")
    casebook, problems = check_casebook(workdir / "cases")
    assert problems == [] and [case.id for case in casebook.cases] == ["SC-2026-001"]
    assert casebook.cases[0].implementation.startswith("**（一）建立组织与制度保障**\n\n公司成立")


@pytest.mark.parametrize("options, message", [
    ([], "请用 --year 给出认定年份，或用 --id 给出记录编号"),
    (["--id", "SC-26-1"], "选项 --id：“SC-26-1”的格式应为 SC-年份-三位序号，例如 SC-2026-003"),
    (["--id", "SC-2025-001", "--year", "2026"], "选项 --id：编号中的年份 2025 与 --year 2026 不一致"),
])
def test_the_record_number_or_year_must_be_given_and_agree(options, message, workdir, capsys):
    code, out, err = run_cli(capsys, "import-docx", styled_headings(workdir).name, *options)
    assert (code, out, err) == (1, "", message + "\n")
    assert not (workdir / "cases" / "2026").exists()
