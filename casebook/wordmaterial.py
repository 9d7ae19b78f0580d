"""A 典型经验材料 in Word, sorted into the record's fields by its 第八条 headings.

A heading is a paragraph in a heading style, a short bold paragraph, or a short numbered line whose
words name a section (see ``material``). The first heading found sets the level: a later one that is
styled deeper or numbered at an inner level (“（三）实施效果评估” under “七、实施效果”) is a
sub-heading inside a section, not a new section. A heading at the sections' level that names no
section, and any text before the first heading, are not imported: they are reported and kept as
comments at the end of the record, so nothing is lost and nothing unchecked is published.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .material import (BY_FIELD, NUMBERING_DEPTH, SECTIONS, Section, inline_title, is_exact_heading, is_guidance,
                       normalised, section_of, split_numbering)
from .placeholders import PLACEHOLDER
from .problems import Problem, ProblemsFound
from .wordblocks import Block, read_word

BEFORE_FIRST_HEADING = "第一个标题之前"
_SENTENCE_PUNCTUATION = re.compile(r"[,，;；!！?？]|。.")


@dataclass(frozen=True)
class Leftover:
    """Content that was not imported, kept for a person to move or delete."""

    where: str
    markdown: str


@dataclass
class Material:
    fields: dict[str, str]
    """``title`` and the seven parts that were found with content."""
    images: dict[str, bytes]
    notices: list[Problem]
    """Everything a person should check: not imported, missing, out of order, unsupported."""
    leftovers: list[Leftover] = field(default_factory=list)


def read_material(path: Path, shown_as: str) -> Material:
    word = read_word(path, shown_as)
    arranger = _Arranger(word.blocks, shown_as)
    material = arranger.arrange()
    material.images = word.images
    material.notices += [Problem(shown_as, notice.number, 1, f"{notice.message}（{arranger.context(notice.number)}）")
                         for notice in word.notices]
    material.notices.sort(key=lambda p: (p.line, p.col))
    return material


@dataclass
class _Group:
    heading: Block | None
    blocks: list[Block]
    heading_imported: bool = False
    """The heading itself was used (the name's heading, with extra paragraphs after the name)."""

    @property
    def first(self) -> Block:
        return self.blocks[0] if self.heading_imported or self.heading is None else self.heading


@dataclass(frozen=True)
class _Form:
    """How a heading is set: its style level and the kind of numbering in front of it."""

    style_level: int | None
    numbering: str | None

    def is_deeper_than(self, reference: _Form) -> bool:
        if self.style_level is not None and reference.style_level is not None:
            return self.style_level > reference.style_level
        if self.style_level is not None:
            return False
        if reference.style_level is not None:  # unstyled under styled headings: only if numbered like them
            return self.numbering is None or self.numbering != reference.numbering
        if self.numbering is not None and reference.numbering is not None:
            return NUMBERING_DEPTH[self.numbering] > NUMBERING_DEPTH[reference.numbering]
        return self.numbering is not None and reference.numbering is None


class _Arranger:
    def __init__(self, blocks: list[Block], shown_as: str):
        self.blocks, self.shown_as = blocks, shown_as
        self.content: dict[str, list[Block]] = {}
        self.headings: list[tuple[Section, Block]] = []
        self.reference: _Form | None = None
        self.current: Section | None = None
        self.unknown: Block | None = None
        self.document_title: Block | None = None
        self.inline_title: str | None = None
        self.groups: list[_Group] = []
        """Blocks not imported: before the first heading, under an unknown heading, after the name."""
        self.notices: list[Problem] = []
        self._context: dict[int, str] = {}

    def context(self, number: int) -> str:
        return self._context.get(number, BEFORE_FIRST_HEADING)

    def arrange(self) -> Material:
        for block in self.blocks:
            self._place(block)
            self._context[block.number] = self._where()
        if not self.headings:
            names = "、".join(f"“{s.heading}”" for s in SECTIONS[1:3])
            raise ProblemsFound([Problem(self.shown_as, 1, 1, f"没有找到第八条规定的任何部分标题（如{names}）："
                                         "请按《典型经验材料》模板的标题整理后再导入")])
        fields = self._fields()
        self._report_missing(fields)
        self._report_groups()
        return Material(fields, {}, self.notices, self._leftovers())

    def _where(self) -> str:
        if self.current is not None:
            return f"在“{self.headings[-1][1].text}”下"
        if self.unknown is not None:
            return f"在“{self.unknown.text}”下"
        return BEFORE_FIRST_HEADING

    def _place(self, block: Block) -> None:
        if not block.markdown.strip() or is_guidance(block.text):
            return
        if block.style_level == 0 and not self.headings and self.document_title is None:
            self.document_title = block
            return
        role, section = self._role(block)
        if role == "section":
            self._accept(section, block)
        elif role == "unknown":
            self.current, self.unknown = None, block
            self.groups.append(_Group(block, []))
        elif self.current is not None:
            self.content.setdefault(self.current.field, []).append(block)
        elif self.unknown is not None:
            self.groups[-1].blocks.append(block)
        else:
            if not self.groups:
                self.groups.append(_Group(None, []))
            self.groups[0].blocks.append(block)

    def _role(self, block: Block) -> tuple[str, Section | None]:
        if block.is_table or block.list_item or not block.text:
            return "content", None
        numbering, words = split_numbering(block.text)
        form = _Form(block.style_level, numbering)
        styled = block.style_level is not None
        unstyled_heading = not _SENTENCE_PUNCTUATION.search(normalised(block.text))
        if inline_title(block.text) and (styled or block.bold or numbering):
            section = BY_FIELD["title"]
        else:
            section = section_of(words)
        at_level = self.reference is None or not form.is_deeper_than(self.reference)
        if section and at_level and (styled or (unstyled_heading and (block.bold or numbering or is_exact_heading(words)))):
            return "section", section
        if self.reference and at_level and not section and (
                styled or (block.bold and unstyled_heading and numbering and numbering == self.reference.numbering)):
            return "unknown", None
        return "content", None

    def _accept(self, section: Section, block: Block) -> None:
        order = [s.field for s in SECTIONS]
        if self.headings:
            latest = max(self.headings, key=lambda h: order.index(h[0].field))
            if order.index(section.field) < order.index(latest[0].field):
                self.notices.append(self._at(block, f"“{block.text}”排在“{latest[1].text}”之后，与第八条的顺序不同："
                                                    f"内容仍按标题归入“{section.heading}”，请核对"))
        if any(s.field == section.field for s, _ in self.headings):
            self.notices.append(self._at(block, f"“{block.text}”是第二个“{section.heading}”标题：它下面的内容接在前面同一部分之后，请核对"))
        if section.field == "title" and inline_title(block.text):
            self.inline_title = inline_title(block.text)
        self.reference = self.reference or _Form(block.style_level, split_numbering(block.text)[0])
        self.headings.append((section, block))
        self.current, self.unknown = section, None

    def _fields(self) -> dict[str, str]:
        fields = {name: _joined(blocks) for name, blocks in self.content.items() if name != "title"}
        title_blocks = self.content.get("title", [])
        title = self.inline_title or (title_blocks[0].text if title_blocks and not self.inline_title else None)
        extra = title_blocks if self.inline_title else title_blocks[1:]
        if extra:
            heading = next(b for s, b in self.headings if s.field == "title")
            self.notices.append(self._at(extra[0], f"“{heading.text}”下只应有一行名称，其后的 {len(extra)} 段没有导入，已作为注释留在记录末尾"))
            self.groups.append(_Group(heading, extra, heading_imported=True))
        if self.document_title is not None:
            if title is None:
                title = self.document_title.text
            elif normalised(title) != normalised(self.document_title.text):
                self.notices.append(self._at(self.document_title, f"文档标题“{self.document_title.text}”与"
                                             f"“{BY_FIELD['title'].heading}”中写的“{title}”不同：采用后者"))
        if title:
            fields["title"] = " ".join(title.split())
        return fields

    def _report_missing(self, fields: dict[str, str]) -> None:
        for section in SECTIONS:
            if section.field in fields:
                continue
            heading = next((b for s, b in self.headings if s.field == section.field), None)
            if heading is None:
                self.notices.append(Problem(self.shown_as, 1, 1, f"没有找到“{section.heading}”部分：记录中这一部分写的是“{PLACEHOLDER}”"))
            else:
                self.notices.append(self._at(heading, f"“{heading.text}”下面没有内容：记录中这一部分写的是“{PLACEHOLDER}”"))

    def _report_groups(self) -> None:
        for group in self.groups:
            if group.heading is None:
                self.notices.append(self._at(group.blocks[0], f"{BEFORE_FIRST_HEADING}的 {len(group.blocks)} 段没有导入，"
                                                              f"已作为注释留在记录末尾：“{_excerpt(group.blocks[0])}”"))
            elif not group.heading_imported:
                self.notices.append(self._at(group.heading, f"“{group.heading.text}”不是第八条规定的部分：这个标题和它下面的 "
                                                            f"{len(group.blocks)} 段没有导入，已作为注释留在记录末尾"))

    def _leftovers(self) -> list[Leftover]:
        leftovers = []
        for group in sorted(self.groups, key=lambda g: g.first.number):
            where = f"第 {group.first.number} 段起，" + (f"“{group.heading.text}”下" if group.heading else BEFORE_FIRST_HEADING)
            shown = ([group.heading] if group.heading and not group.heading_imported else []) + group.blocks
            leftovers.append(Leftover(where, _joined(shown)))
        return leftovers

    def _at(self, block: Block, message: str) -> Problem:
        return Problem(self.shown_as, block.number, 1, message)


def _joined(blocks: list[Block]) -> str:
    text = ""
    for previous, block in zip([None, *blocks], blocks):
        if previous is not None:
            text += "\n" if previous.list_item and block.list_item else "\n\n"
        text += block.markdown
    return text


def _excerpt(block: Block, limit: int = 20) -> str:
    text = " ".join((block.text or block.markdown).split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
