"""Write the blank Word template of the 典型经验材料 that enterprises fill in and ``casebook import-docx`` reads.

Its headings are the sections of 第八条 as the importer knows them (casebook/material.py), each
followed by a “填写说明” paragraph that the importer skips. The file is committed under
content/downloads/ so that the site offers it; run this again after changing the sections:

    .venv/bin/python scripts/make_word_template.py

The output is the same bytes on every run (fixed dates inside and in the zip), so a test can tell
whether the committed file is up to date.
"""

from __future__ import annotations

import io
import sys
import zipfile
from datetime import datetime
from pathlib import Path

import docx
from docx.shared import RGBColor

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from casebook.material import GUIDANCE_MARK, SECTIONS  # noqa: E402

TEMPLATE = ROOT / "content" / "downloads" / "typical-experience-template.docx"
NUMERALS = "一二三四五六七八九十"
FIXED = datetime(2026, 1, 1)
GREY = RGBColor(0x59, 0x59, 0x59)

INTRODUCTION = (
    f"{GUIDANCE_MARK}：本模板按《四川省工业质量标杆认定办法》第八条编排。请保留下面八个标题（标题文字和编号可以略作调整），"
    "在每个标题下填写内容，填好后删除所有以“填写说明”开头的段落。正文可以使用加粗、项目符号和编号列表、表格和图片；"
    "请不要使用文本框、图表对象和公式，需要时改为图片或表格。"
)
TITLE_NOTE = "只写一行名称。"


def build() -> bytes:
    document = docx.Document()
    properties = document.core_properties
    properties.title = "四川省工业质量标杆典型经验材料（模板）"
    properties.author = properties.last_modified_by = ""
    properties.created = properties.modified = FIXED
    properties.revision = 1
    _note(document, INTRODUCTION)
    for number, section in enumerate(SECTIONS):
        document.add_heading(f"{NUMERALS[number]}、{section.heading}", level=1)
        _note(document, f"{GUIDANCE_MARK}：{section.guidance}" + (TITLE_NOTE if section.field == "title" else ""))
    written = io.BytesIO()
    document.save(written)
    return _with_fixed_dates(written.getvalue())


def _note(document, text: str) -> None:
    run = document.add_paragraph().add_run(text)
    run.italic = True
    run.font.color.rgb = GREY


def _with_fixed_dates(package: bytes) -> bytes:
    """The same zip with every entry dated FIXED, so that the bytes do not depend on when it was made."""
    source = zipfile.ZipFile(io.BytesIO(package))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=FIXED.timetuple()[:6])
            info.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(info, source.read(entry.filename))
    return out.getvalue()


def main(path: Path = TEMPLATE) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(build())
    print(f"已写出 {path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else TEMPLATE)
