"""A Word document (.docx) as numbered blocks of Markdown, with its images, and what could not be read.

Every paragraph and table of the body, in order, becomes one block: paragraphs keep bold, italic,
links and list structure; tables become Markdown tables; pictures are extracted and referenced by
file name. Whatever has no Markdown form (text boxes, charts, equations, embedded objects, linked
pictures) is reported with the number of the block it sits in, never dropped silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from zipfile import BadZipFile

import docx
from docx.document import Document as WordDocument
from docx.opc.exceptions import PackageNotFoundError
from docx.oxml.ns import qn
from docx.table import Table
from docx.text.hyperlink import Hyperlink
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from .problems import Problem, ProblemsFound


@dataclass
class Block:
    number: int
    """Position in the body, counting paragraphs (empty ones too) and tables from 1."""
    markdown: str
    text: str = ""
    """A paragraph's plain text; empty for a table."""
    style_level: int | None = None
    """0 for the Title style, n for “Heading n” (or an outline level), None for body text."""
    bold: bool = False
    """Every character of the paragraph is bold."""
    list_item: bool = False
    is_table: bool = False


@dataclass
class Notice:
    number: int
    message: str


@dataclass
class WordBlocks:
    blocks: list[Block]
    images: dict[str, bytes] = field(default_factory=dict)
    """Extracted pictures by the file name the Markdown refers to."""
    notices: list[Notice] = field(default_factory=list)


def read_word(path: Path, shown_as: str) -> WordBlocks:
    return _Reader(_open(path, shown_as)).read()


def _open(path: Path, shown_as: str) -> WordDocument:
    if not path.is_file():
        raise ProblemsFound([Problem(shown_as, 1, 1, "文件不存在")])
    if path.read_bytes()[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        raise ProblemsFound([Problem(shown_as, 1, 1, "这是旧版 Word（.doc）文件：请在 Word 或 WPS 中“另存为”.docx 格式后再导入")])
    try:
        return docx.Document(str(path))
    except (BadZipFile, PackageNotFoundError, KeyError, ValueError):
        raise ProblemsFound([Problem(shown_as, 1, 1, "无法作为 Word 文档（.docx）打开：请确认文件完整，并在 Word 或 WPS 中“另存为”.docx 格式")]) from None


_IMAGE_TYPES = {"image/png": "png", "image/jpeg": "jpg", "image/gif": "gif", "image/bmp": "bmp",
                "image/svg+xml": "svg", "image/webp": "webp", "image/tiff": "tif", "image/x-emf": "emf",
                "image/x-wmf": "wmf"}
_SHOWN_BY_BROWSERS = {"png", "jpg", "gif", "webp"}  # as records.IMAGE_SUFFIXES; SVG can hold a script

# Markup inside a paragraph or the body that carries no content of its own.
_IGNORED = {qn(tag) for tag in ("w:pPr", "w:bookmarkStart", "w:bookmarkEnd", "w:proofErr", "w:commentRangeStart",
                                "w:commentRangeEnd", "w:permStart", "w:permEnd", "w:sectPr", "w:del", "w:moveFrom",
                                "w:moveFromRangeStart", "w:moveFromRangeEnd", "w:moveToRangeStart", "w:moveToRangeEnd",
                                "w:lastRenderedPageBreak", "w:tblPr", "w:tblGrid", "w:trPr", "w:tcPr", "w:rPr")}
# Containers whose children are ordinary content (tracked insertions, content controls, fields).
_TRANSPARENT = {qn(tag) for tag in ("w:ins", "w:moveTo", "w:smartTag", "w:fldSimple", "w:customXml", "w:sdtContent")}
_UNSUPPORTED = {
    "txbxContent": "文本框中的文字",
    "chart": "图表（请把图表另存为图片后插入，或把数据写成表格）",
    "oMath": "公式",
    "oMathPara": "公式",
    "object": "嵌入的对象",
    "relIds": "SmartArt 图形",
    "footnoteReference": "脚注",
    "endnoteReference": "尾注",
}

_INLINE_SYNTAX = re.compile(r"([\\`*_\[\]])")
_LINE_START_SYNTAX = re.compile(r"^(#|>|[-+=](?=\s|$))")
_HEADING_STYLE = re.compile(r"^(?:heading|标题)\s*(\d)$", re.I)
_LIST_STYLE = re.compile(r"^list (?:bullet|number)(?: (\d))?$", re.I)


@dataclass
class _Piece:
    text: str
    bold: bool = False
    italic: bool = False
    link: str | None = None
    raw: bool = False
    """Already Markdown (a picture): not escaped, never bold."""


class _Reader:
    def __init__(self, document: WordDocument):
        self.document = document
        self.blocks: list[Block] = []
        self.images: dict[str, bytes] = {}
        self._image_names: dict[str, str] = {}
        self.notices: list[Notice] = []
        self.number = 0
        self._counters: list[int] = []
        """The numbers of the ordered list being read, one per level."""

    def read(self) -> WordBlocks:
        for element in self._body_elements(self.document.element.body):
            self.number += 1
            if element.tag == qn("w:p"):
                self.blocks.append(self._paragraph_block(Paragraph(element, self.document)))
            elif element.tag == qn("w:tbl"):
                self._counters = []
                self.blocks.append(self._table_block(Table(element, self.document)))
            else:
                self.blocks.append(Block(self.number, ""))
                self._notice(f"无法导入的内容（{_local_name(element)}）")
        return WordBlocks(self.blocks, self.images, self.notices)

    def _body_elements(self, container):
        for child in container.iterchildren():
            if child.tag in (qn("w:p"), qn("w:tbl")):
                yield child
            elif child.tag == qn("w:sdt"):
                content = child.find(qn("w:sdtContent"))
                if content is not None:
                    yield from self._body_elements(content)
            elif child.tag in _TRANSPARENT:
                yield from self._body_elements(child)
            elif child.tag not in _IGNORED and isinstance(child.tag, str):
                yield child

    def _notice(self, message: str) -> None:
        self.notices.append(Notice(self.number, message))

    # Paragraphs

    def _paragraph_block(self, paragraph: Paragraph) -> Block:
        pieces = self._pieces(paragraph, paragraph._p)
        text = "".join(piece.text for piece in pieces if not piece.raw).strip()
        level, list_level, ordered = self._structure(paragraph)
        written = [piece for piece in pieces if piece.text.strip() and not piece.raw]
        bold = bool(written) and all(piece.bold for piece in written)
        lines = _markdown_lines(pieces)
        if list_level is not None and lines and level is None:
            marker = f"{self._count(list_level)}. " if ordered else "- "
            lines[0] = " " * 4 * list_level + marker + lines[0]
            return Block(self.number, "\n\n".join(lines), text, None, bold, list_item=True)
        self._counters = []
        lines = [_LINE_START_SYNTAX.sub(r"\\\1", line) for line in lines]
        return Block(self.number, "\n\n".join(lines), text, level, bold)

    def _count(self, level: int) -> int:
        self._counters = (self._counters + [0] * (level + 1))[: level + 1]
        self._counters[level] += 1
        return self._counters[level]

    def _pieces(self, paragraph: Paragraph, container) -> list[_Piece]:
        pieces: list[_Piece] = []
        for child in container.iterchildren():
            if child.tag == qn("w:r"):
                pieces += self._run_pieces(Run(child, paragraph), paragraph)
            elif child.tag == qn("w:hyperlink"):
                pieces += self._link_pieces(Hyperlink(child, paragraph), paragraph)
            elif child.tag in _TRANSPARENT or child.tag == qn("w:sdt"):
                pieces += self._pieces(paragraph, child)
            elif child.tag not in _IGNORED and isinstance(child.tag, str) and child.tag != qn("w:sdtPr"):
                name = _local_name(child)
                self._notice(f"无法导入的{_UNSUPPORTED.get(name, f'内容（{name}）')}")
        return pieces

    def _run_pieces(self, run: Run, paragraph: Paragraph) -> list[_Piece]:
        self._unsupported_in(run._r)
        bold, italic = _is_bold(run, paragraph), bool(run.italic)
        pieces = [_Piece(run.text.replace("\t", " "), bold, italic)]
        pieces += [_Piece(image, raw=True) for image in self._pictures(run._r)]
        return pieces

    def _link_pieces(self, link: Hyperlink, paragraph: Paragraph) -> list[_Piece]:
        address = link.address if re.match(r"^(https?:|mailto:)", link.address or "", re.I) else None
        pieces = []
        for run in link.runs:
            pieces += [_Piece(p.text, p.bold, p.italic, address, p.raw) for p in self._run_pieces(run, paragraph)]
        return pieces

    def _unsupported_in(self, element) -> None:
        reported = set()
        for node in _content_nodes(element):
            name = _local_name(node)
            if name not in _UNSUPPORTED or name in reported:
                continue
            reported.add(name)
            excerpt = f"：“{_excerpt(_text_of(node))}”" if name == "txbxContent" and _text_of(node) else ""
            self._notice(f"无法导入的{_UNSUPPORTED[name]}{excerpt}")

    def _pictures(self, element) -> list[str]:
        references = []
        for node in _content_nodes(element):
            if node.tag not in (qn("a:blip"), _VML_IMAGE):
                continue
            embedded = node.get(qn("r:embed")) or node.get(qn("r:id"))
            if node.get(qn("r:link")) and not embedded:
                self._notice("链接到外部文件的图片没有导入：请在 Word 中把图片嵌入文档")
                continue
            if embedded:
                name = self._picture(embedded)
                if name:
                    alt = _picture_description(element) or f"图 {len(self._image_names)}"
                    references.append(f"![{_escape(alt)}]({name})")
        return references

    def _picture(self, relationship: str) -> str | None:
        part = self.document.part.related_parts.get(relationship)
        if part is None:
            return None
        key = str(part.partname)
        if key not in self._image_names:
            extension = _IMAGE_TYPES.get(part.content_type, "bin")
            name = f"image-{len(self._image_names) + 1:02d}.{extension}"
            self._image_names[key] = name
            self.images[name] = part.blob
            if extension not in _SHOWN_BY_BROWSERS:
                self._notice(f"图片 {name} 是 {extension.upper()} 格式，网页无法显示：请另存为 PNG 或 JPG 后替换这个文件")
        return self._image_names[key]

    def _structure(self, paragraph: Paragraph) -> tuple[int | None, int | None, bool]:
        """Heading level, list level and whether the list is numbered."""
        style = paragraph.style
        name = style.name if style is not None else ""
        heading = _HEADING_STYLE.match(name or "")
        if name in ("Title", "标题"):
            level = 0
        elif heading:
            level = int(heading.group(1))
        else:
            outline = _inherited(paragraph, "w:outlineLvl")
            level = int(outline) + 1 if outline is not None and int(outline) < 9 else None
        num_id = _inherited(paragraph, "w:numPr/w:numId")
        if num_id is None or num_id == "0":
            return level, None, False
        list_level = int(_inherited(paragraph, "w:numPr/w:ilvl") or 0)
        styled = _LIST_STYLE.match(name or "")
        if styled and styled.group(1) and list_level == 0:
            list_level = int(styled.group(1)) - 1
        return level, list_level, self._numbered(num_id, list_level, name)

    def _numbered(self, num_id: str, level: int, style_name: str) -> bool:
        try:
            numbering = self.document.part.numbering_part.element
        except (KeyError, NotImplementedError):
            return "number" in style_name.lower()
        abstract = numbering.xpath(f'./w:num[@w:numId="{num_id}"]/w:abstractNumId/@w:val')
        formats = numbering.xpath(f'./w:abstractNum[@w:abstractNumId="{abstract[0]}"]/w:lvl[@w:ilvl="{level}"]'
                                  '/w:numFmt/@w:val') if abstract else []
        return bool(formats) and formats[0] not in ("bullet", "none")

    # Tables

    def _table_block(self, table: Table) -> Block:
        rows, merged = [], False
        for row in table.rows:
            cells = []
            for cell in row._tr.tc_lst:
                continued = cell.vMerge == "continue"
                merged |= continued or cell.grid_span > 1 or cell.vMerge == "restart"
                cells.append("" if continued else self._cell_markdown(cell, table))
                cells += [""] * (cell.grid_span - 1)
            rows.append(cells)
        rows = [row for row in rows if any(row)]
        if not rows:
            return Block(self.number, "", is_table=True)
        if len(rows) == 1 and len(rows[0]) == 1:  # a framed box of text, not a table
            return Block(self.number, rows[0][0], is_table=True)
        if merged:
            self._notice("表格中有合并单元格：已拆成单独的格子，合并的内容只写在第一格，请核对")
        width = max(len(row) for row in rows)
        rows = [row + [""] * (width - len(row)) for row in rows]
        lines = [_table_row(rows[0]), _table_row(["---"] * width)] + [_table_row(row) for row in rows[1:]]
        return Block(self.number, "\n".join(lines), is_table=True)

    def _cell_markdown(self, cell, table: Table) -> str:
        if cell.find(".//" + qn("w:tbl")) is not None:
            self._notice("表格中嵌套的表格：已把其中的文字并入所在的格子，请核对")
        texts = []
        for p in cell.iter(qn("w:p")):
            lines = _markdown_lines(self._pieces(Paragraph(p, table), p))
            texts += [line for line in lines if line.strip()]
        return " ".join(texts).replace("|", "\\|")


def _table_row(cells: list[str]) -> str:
    return "| " + " | ".join(cells) + " |"


def _markdown_lines(pieces: list[_Piece]) -> list[str]:
    """The pieces as Markdown, one string per line break of the paragraph (each becomes a paragraph)."""
    lines: list[list[_Piece]] = [[]]
    for piece in pieces:
        parts = piece.text.split("\n")
        for index, part in enumerate(parts):
            if index:
                lines.append([])
            if part:
                lines[-1].append(_Piece(part, piece.bold, piece.italic, piece.link, piece.raw))
    rendered = [_inline(_merged(line)).strip() for line in lines]
    return [line for line in rendered if line]


def _merged(pieces: list[_Piece]) -> list[_Piece]:
    merged: list[_Piece] = []
    for piece in pieces:
        last = merged[-1] if merged else None
        if last and not piece.raw and not last.raw and (last.bold, last.italic, last.link) == (piece.bold, piece.italic, piece.link):
            last.text += piece.text
        else:
            merged.append(_Piece(piece.text, piece.bold, piece.italic, piece.link, piece.raw))
    return merged


def _inline(pieces: list[_Piece]) -> str:
    out = []
    for piece in pieces:
        if piece.raw:
            out.append(piece.text)
            continue
        core = piece.text.strip()
        if not core:
            out.append(piece.text)
            continue
        lead = piece.text[: len(piece.text) - len(piece.text.lstrip())]
        tail = piece.text[len(piece.text.rstrip()):]
        text = _escape(core)
        if piece.link:
            text = f"[{text}]({piece.link.replace(' ', '%20').replace('(', '%28').replace(')', '%29')})"
        marker = ("**" if piece.bold else "") + ("*" if piece.italic else "")
        out.append(f"{lead}{marker}{text}{marker[::-1]}{tail}")
    return "".join(out).replace("\u3000", " ").strip()


def _escape(text: str) -> str:
    return _INLINE_SYNTAX.sub(r"\\\1", text)


def _is_bold(run: Run, paragraph: Paragraph) -> bool:
    if run.bold is not None:
        return run.bold
    for style in (run.style, paragraph.style):
        while style is not None:
            if style.font.bold is not None:
                return style.font.bold
            style = style.base_style
    return False


def _inherited(paragraph: Paragraph, path: str) -> str | None:
    """A paragraph property (``w:outlineLvl``, ``w:numPr/w:numId``) set on it or on its styles."""
    nodes = paragraph._p.xpath(f"./w:pPr/{path}/@w:val")
    style = paragraph.style
    while not nodes and style is not None:
        nodes = style.element.xpath(f"./w:pPr/{path}/@w:val")
        style = style.base_style
    return nodes[0] if nodes else None


_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
_VML_IMAGE = "{urn:schemas-microsoft-com:vml}imagedata"


def _content_nodes(element):
    """Every element below ``element`` except the fallback copies Word keeps for old readers."""
    for child in element.iterchildren():
        if not isinstance(child.tag, str) or child.tag == _FALLBACK:
            continue
        yield child
        yield from _content_nodes(child)


def _picture_description(element) -> str:
    for node in element.iter(qn("wp:docPr")):
        return (node.get("descr") or node.get("title") or "").strip()
    return ""


def _text_of(element) -> str:
    return "".join(node.text or "" for node in element.iter(qn("w:t"))).strip()


def _excerpt(text: str, limit: int = 20) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _local_name(element) -> str:
    return element.tag.rsplit("}", 1)[-1]
