"""Record text stays text: plain fields through the site's own Markdown, narratives through nh3."""

from __future__ import annotations

import html
import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import markdown
import pytest
from mkdocs.config import load_config

from casebook.model import Measure, Metric
from casebook.render import markdown_text, metric_change, narrative_html

ROOT = Path(__file__).parent.parent


@pytest.fixture(scope="module")
def site_markdown():
    """The Markdown the site itself uses, configured from mkdocs.yml."""
    config = load_config(str(ROOT / "mkdocs.yml"))
    return markdown.Markdown(extensions=config.markdown_extensions, extension_configs=config.mdx_configs)


HOSTILE_PLAIN_TEXT = [
    "甲*乙*丙_丁_",
    "A | B | C",
    "[点我](javascript:alert(1))",
    "![图](x.png)",
    "<script>alert(1)</script>",
    "</title><script>alert(1)</script>",
    "&lt;script&gt; 与 &amp; 实体",
    "标题 {: onclick=alert(1) }",
    "# 井号开头",
    "!!! danger \"警告\"",
    "--- 前置 ---",
    "1. 数字加点",
    "> 引用",
    "`代码` 与 \\ 反斜杠",
    "<https://example.com> 与 http://example.com",
    "多行\n文字\r\n合一",
]


@pytest.mark.parametrize("text", HOSTILE_PLAIN_TEXT)
def test_plain_text_renders_as_exactly_that_text(site_markdown, text):
    rendered = site_markdown.reset().convert(str(markdown_text(text)))
    assert re.fullmatch(r"<p>[^<>]*</p>", rendered), rendered
    assert html.unescape(rendered[3:-4]) == " ".join(text.split())


@pytest.mark.parametrize("text", HOSTILE_PLAIN_TEXT)
def test_plain_text_is_inert_in_a_heading_and_a_table_cell(site_markdown, text):
    rendered = site_markdown.reset().convert(f"# {markdown_text(text)}\n\n| a |\n|---|\n| {markdown_text(text)} |\n")
    assert "<script" not in rendered and not re.search(r"<[^>]+\son\w+=", rendered)
    assert re.findall(r'href="([^"]*)"', rendered) == ['#' + re.search(r'<h1 id="([^"]*)"', rendered)[1]]
    assert rendered.count("<td>") == 1  # a pipe in the value did not add a column


def test_narrative_keeps_formatting_and_drops_active_content():
    rendered = str(narrative_html(
        "# 标题\n\n**重点** 与 [标准](https://example.com/a)\n\n"
        "<script>alert(1)</script> [x](javascript:alert(1)) [y](JaVaScRiPt:alert(1)) [z](data:text/html,1)\n\n"
        "<img src=x onerror=alert(1)> {: onclick=alert(1) }\n"
    ))
    assert "<h3>标题</h3>" in rendered
    assert "<strong>重点</strong>" in rendered
    assert 'href="https://example.com/a"' in rendered
    assert "<script" not in rendered and "<img" not in rendered
    assert "javascript:" not in rendered.lower() and "data:" not in rendered
    assert not re.search(r"<[^>]+\son\w+=", rendered)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rendered  # shown as text, not dropped


def metric(baseline: str, result: str, unit: str, higher_is_better: bool) -> Metric:
    return Metric(indicator="指标", unit=unit, higher_is_better=higher_is_better,
                  baseline=Measure(value=Decimal(baseline), year=2019),
                  result=Measure(value=Decimal(result), year=2020))


@pytest.mark.parametrize("args, words", [
    (("87.6", "96.3", "%", True), "+8.7 个百分点，改善"),
    (("3.1", "1.3", "%", False), "−1.8 个百分点，改善"),
    (("95", "62", "天", False), "−33天（−34.7%），改善"),
    (("120", "150", "万元", False), "+30万元（+25.0%），变差"),
    (("0", "5", "项", True), "+5项，改善"),
    (("7", "7", "项", True), "持平"),
])
def test_metric_change_is_said_in_words(args, words):
    assert metric_change(metric(*args)) == words


def test_dates_are_iso():
    from casebook.render import iso_date

    assert iso_date(date(2021, 1, 2)) == "2021-01-02"


def test_narrative_pictures_are_files_beside_the_record_and_nothing_else():
    shown = narrative_html("![流程图](image-01.png) ![远程](https://tracker.example.com/p.png) "
                           "![上级](../secret.png) ![脚本](image-02.svg)")
    assert '<img alt="流程图" src="image-01.png">' in shown
    assert shown.count("src=") == 1
    assert "tracker" not in shown and "secret" not in shown and ".svg" not in shown
