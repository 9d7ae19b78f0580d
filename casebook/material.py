"""The 典型经验材料 of 第八条: its sections, what each asks for, and how to recognise their headings.

Enterprises write the material in Word with headings numbered and worded in many ways (“一、摘要”,
“（二）企业概况”, “2. 企业基本情况”); here a heading's numbering is taken off and its words are
matched to a section. The sections' names are the model's field descriptions, so a heading in the
Word template always names the field it fills.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from .fieldhelp import meaning, short_meaning
from .model import PARTS


@dataclass(frozen=True)
class Section:
    field: str
    """The record field it fills: ``title`` or one of the seven parts."""
    keywords: tuple[str, ...]
    """Words by which a reworded heading is recognised; the first section whose word occurs wins."""
    guidance: str
    """What 第八条 asks for in this section, in its own words."""

    @property
    def heading(self) -> str:
        """The heading as 第八条 words it (“应用质量管理方法（技术）的背景”)."""
        return short_meaning(self.field) if self.field == "title" else meaning(self.field)


_GUIDANCE = {
    "title": "质量标杆名称应体现典型经验的特征。命名规则为：企业+典型质量管理方法（技术）+经验。"
             "如：××集团公司实施六西格玛设计的经验。",
    "summary": "简要介绍质量管理方法（技术）推进过程以及主要成果和社会效果（不超过 1000 字）。",
    "profile": "说明企业起源，历史沿革；主要业务范围，主要产品和服务；企业文化特色、使命愿景；"
               "企业资源状况，包括人力、技术、基础设施、供应商和客户；企业的发展状况等。",
    "background": "说明为解决企业存在的具体问题，确定并实施了质量管理方法（技术）。",
    "overview": "包括对质量管理方法（技术）的解读。",
    "implementation": "推进质量管理方法（技术）的做法、步骤、过程、制度、内容等。",
    "effects": "定量与定性相结合、经济效益与社会效益相结合说明应用效果。",
    "promotion": "深化和拓展应用质量管理方法（技术）的长远计划，对外交流和分享经验的思考和设想等。",
}

# Checked in this order: “实施效果” must be found as 效果 before it could be taken for 实施.
_KEYWORDS = {
    "title": ("质量标杆名称", "标杆名称", "典型经验名称", "经验名称", "名称", "标题"),
    "summary": ("摘要", "提要", "概要"),
    "background": ("背景",),
    "overview": ("综述", "概述", "解读", "简述"),
    "effects": ("效果", "成效", "成果", "效益"),
    "promotion": ("推广", "展望", "下一步"),
    "profile": ("概况", "基本情况", "简介", "企业介绍", "公司介绍", "单位介绍"),
    "implementation": ("实施与运行", "实施和运行", "做法", "实施", "运行", "推进"),
}

SECTIONS = tuple(Section(field, _KEYWORDS[field], _GUIDANCE[field]) for field in ("title", *(f for f, _ in PARTS)))
BY_FIELD = {section.field: section for section in SECTIONS}
_MATCH_ORDER = [BY_FIELD[field] for field in _KEYWORDS]

GUIDANCE_MARK = "填写说明"
"""Paragraphs of the Word template that explain, not tell: they start with this and are never imported."""

MAX_HEADING_LENGTH = 30

# Numbering in front of a heading, after NFKC (so “（二）” reads “(二)” and “２．” reads “2.”), from
# the outermost level to the innermost: a heading numbered at a deeper level is a sub-heading.
_NUMBERING = (
    ("chapter", r"第[一二三四五六七八九十百\d]+(?:部分|章|节)?"),
    ("chinese", r"[一二三四五六七八九十]+[、.]"),
    ("chinese-paren", r"\([一二三四五六七八九十]+\)"),
    ("arabic", r"\d+(?:\.\d+)*(?:[、.)]|\s)"),
    ("arabic-paren", r"\(\d+\)"),
)
NUMBERING_DEPTH = {kind: depth for depth, (kind, _) in enumerate(_NUMBERING)}
_NUMBERING_PATTERN = re.compile("|".join(f"(?P<{kind.replace('-', '_')}>{pattern})" for kind, pattern in _NUMBERING))
_TRAILING = re.compile(r"[\s:：。.]+$")


def normalised(text: str) -> str:
    return unicodedata.normalize("NFKC", text).strip()


def split_numbering(text: str) -> tuple[str | None, str]:
    """The kind of numbering in front of a heading (or None) and the words after it."""
    text = normalised(text)
    match = _NUMBERING_PATTERN.match(text)
    if not match:
        return None, _TRAILING.sub("", text)
    kind = match.lastgroup.replace("_", "-")
    return kind, _TRAILING.sub("", text[match.end():].lstrip(" 、.:"))


def section_of(words: str) -> Section | None:
    """The section a heading's words (numbering already taken off) name, if any."""
    compact = re.sub(r"\s+", "", words)
    if not compact or len(compact) > MAX_HEADING_LENGTH:
        return None
    if compact in _KEYWORDS["title"]:
        return BY_FIELD["title"]
    for section in _MATCH_ORDER[1:]:
        if any(keyword in compact for keyword in section.keywords):
            return section
    return None


def is_exact_heading(words: str) -> bool:
    """Words that are nothing but a section's name: a heading even without numbering or bold."""
    compact = re.sub(r"\s+", "", words)
    return any(compact == normalised(section.heading) or compact in section.keywords for section in SECTIONS)


def inline_title(text: str) -> str | None:
    """The name written on the heading line itself: “一、质量标杆名称：××公司……的经验”."""
    match = re.match(r"^[^:：]{0,20}?(?:质量标杆名称|标杆名称|典型经验名称|名称)\s*[:：]\s*(\S.*)$", text.strip())
    return match.group(1).strip() if match else None


def is_guidance(text: str) -> bool:
    return normalised(text).startswith(GUIDANCE_MARK)


_ENTERPRISE_IN_TITLE = re.compile(
    r"^(.+?(?:有限责任公司|股份有限公司|有限公司|集团公司|公司|集团|厂|研究院|研究所))"
    r"(?=实施|应用|推行|推进|开展|运用|基于|以|构建|打造|建设|创新|深化|通过|的)")


def enterprise_in_title(title: str) -> str | None:
    """The enterprise a title names (企业+方法+经验), when it ends in a company form before the method."""
    match = _ENTERPRISE_IN_TITLE.match(title)
    return match.group(1) if match else None
