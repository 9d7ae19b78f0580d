"""Render planned pages to Markdown with Jinja2, treating every record value as untrusted.

Two kinds of record text reach a page:
- plain fields (names, titles, labels, metric cells) are escaped for Markdown *and* HTML, so they
  stay text whatever they contain (HTML autoescape alone would leave ``[x](javascript:…)`` live);
- narrative fields are Markdown of their own, rendered here by a restricted Markdown (no raw HTML,
  no attribute lists) and sanitised with an allow-list before they are placed in the page as HTML.
The templates never have to remember this: whatever they print is escaped unless it is ``Markup``.
"""

from __future__ import annotations

import html
import posixpath
import re
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

import markdown
import nh3
from jinja2 import Environment, PackageLoader, StrictUndefined, pass_context
from jinja2.runtime import Context
from markupsafe import Markup

from .cache import current
from .charts import bar_chart, metric_chart
from .language import Language, case_text, language, term_name, translation_state
from .model import PARTS, Metric
from .plan import FacetValue, Page
from .vocabulary import Vocabularies

# Everything Python-Markdown (with the tables extension) treats as syntax when unescaped.
_MARKDOWN_SYNTAX = re.compile(r"([\\`*_{}\[\]()#+\-.!|>])")
_LINE_BREAKS = re.compile(r"\s*[\r\n]+\s*")


def markdown_text(value: Any) -> Markup:
    """A plain value as Markdown that renders to exactly that text."""
    text = _LINE_BREAKS.sub(" ", str(value))
    text = html.escape(text, quote=False)  # & < > become entities, which Markdown keeps as they are
    return Markup(_MARKDOWN_SYNTAX.sub(r"\\\1", text))


_NARRATIVE_TAGS = {
    "p", "br", "strong", "em", "b", "i", "code", "pre", "blockquote", "hr", "sup", "sub",
    "ul", "ol", "li", "table", "thead", "tbody", "tr", "th", "td", "h3", "h4", "h5", "h6", "a", "img",
}
_NARRATIVE_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "img": {"src", "alt", "title"}}
_URL_SCHEMES = {"http", "https", "mailto"}
# A picture is a file beside its record (cases/<year>/<id>/image-01.png), published beside the
# case page: never another host (a tracking pixel) and never a path out of that folder.
_OWN_PICTURE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\.(?:png|jpe?g|gif|webp)", re.I)


def _only_own_pictures(element: str, attribute: str, value: str) -> str | None:
    if element == "img" and attribute == "src":
        return value if _OWN_PICTURE.fullmatch(value) else None
    return value


@cache
def _narrative_converter() -> markdown.Markdown:
    converter = markdown.Markdown(extensions=["tables", "sane_lists", "toc"],
                                  extension_configs={"toc": {"baselevel": 3}})
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    return converter


def narrative_html(text: str) -> Markup:
    """An enterprise's Markdown as sanitised HTML, headings starting at level 3.

    Converting Markdown is most of the time of rendering, and most texts are as they were at
    the last build: their HTML is kept between builds.
    """
    return Markup(current().get("narrative", (text,), lambda: _converted_narrative(text)))


def _converted_narrative(text: str) -> str:
    rendered = _narrative_converter().reset().convert(text)
    return nh3.clean(rendered, tags=_NARRATIVE_TAGS, attributes=_NARRATIVE_ATTRIBUTES, url_schemes=_URL_SCHEMES,
                     link_rel="noopener noreferrer nofollow", attribute_filter=_only_own_pictures)


def metric_change(metric: Metric, target: Language | None = None) -> str:
    """The change of a metric in words, so that colour is never the only cue."""
    _ = (target or language("zh")).gettext
    baseline, result = metric.baseline.value, metric.result.value
    delta = result - baseline
    if delta == 0:
        return _("持平")
    sign = "+" if delta > 0 else "−"
    if metric.unit == "%":
        amount = _("%(change)s 个百分点") % {"change": f"{sign}{abs(delta)}"}
    else:
        amount = f"{sign}{abs(delta)}{metric.unit}"
        if baseline:
            amount += _("（%(percent)s）") % {"percent": f"{sign}{abs(delta) / abs(baseline) * 100:.1f}%"}
    verdict = _("改善") if (delta > 0) == metric.higher_is_better else _("变差")
    return _("%(amount)s，%(verdict)s") % {"amount": amount, "verdict": verdict}


def iso_date(value: date) -> Markup:
    """A date for an HTML attribute: typed, so it is safe as it is."""
    return Markup(value.isoformat())


# What the templates and the site's own Markdown make of a generated page; nothing else survives.
_PAGE_TAGS = _NARRATIVE_TAGS | {"h1", "h2", "div", "span", "dl", "dt", "dd", "time", "small",
                                 "svg", "title", "desc", "rect", "text"}
_PAGE_ATTRIBUTES = {
    "*": {"class", "id", "lang"},
    "a": {"href", "title", "rel"},
    "img": {"src", "alt", "title"},
    "ol": {"start"},
    "time": {"datetime"},
    "th": {"style"},
    "td": {"style"},
    "svg": {"role", "viewBox", "width", "aria-labelledby", "xmlns"},
    "rect": {"x", "y", "width", "height"},
    "text": {"x", "y", "text-anchor"},
}


def sanitised_page(html_content: str) -> str:
    """The HTML of a generated page, cleaned with an allow-list: the last line of defence. Kept
    between builds like a narrative's: cleaning every page took a tenth of a build."""
    return current().get("sanitised page", (html_content,), lambda: _cleaned_page(html_content))


def _cleaned_page(html_content: str) -> str:
    return nh3.clean(html_content, tags=_PAGE_TAGS, attributes=_PAGE_ATTRIBUTES, url_schemes=_URL_SCHEMES,
                     link_rel=None, filter_style_properties={"text-align"}, attribute_filter=_only_own_pictures)


def plain_text(html_content: str, limit: int | None = None) -> str:
    """Visible text of some HTML, on one line, cut at ``limit`` characters."""
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", html_content)).split())
    return text if limit is None or len(text) <= limit else text[: limit - 1] + "…"


def _escape_unless_markup(value: Any) -> Markup:
    return value if isinstance(value, Markup) else markdown_text(value)


def markdown_join(values: Any, separator: str = "") -> Markup:
    """Jinja's own join escapes for HTML only; this one escapes each value for Markdown."""
    return Markup(separator).join(_escape_unless_markup(value) for value in values)


# Where a narrative's HTML goes in a page's skeleton: an HTML comment inside a raw HTML block,
# which Markdown passes through untouched. Record text can never produce one: a plain value's "<"
# is escaped, and narratives are never in the skeleton.
_FRAGMENT = re.compile(r"<!--cb-fragment:(\d+)-->")


@dataclass(frozen=True)
class RenderedPage:
    planned: Page
    skeleton: str
    """The page's Markdown with each narrative's HTML left out, marked by a placeholder.

    Narratives are HTML already. Left out, a page's Markdown stays the same when only a
    narrative changes, so its conversion is kept between builds (``cache``); they are put back
    into MkDocs' output (``filled``), which is then sanitised whole.
    """
    fragments: tuple[str, ...] = ()
    """The HTML of the page's narratives, in the order of their placeholders."""
    description: str | None = None
    """Plain text for the page's meta description, when the page has its own."""

    @property
    def uri(self) -> str:
        return self.planned.uri

    @property
    def shown(self) -> tuple:
        """What the page's built HTML is made from, to tell whether it would read differently."""
        return (self.planned.title, self.planned.listed, self.planned.updated, self.skeleton, self.fragments,
                self.description)

    @property
    def markdown(self) -> str:
        """The whole page as Markdown."""
        return self.filled(self.skeleton)

    def filled(self, converted: str) -> str:
        """The skeleton, or what Markdown made of it, with every narrative in its place."""
        found = [int(number) for number in _FRAGMENT.findall(converted)]
        if found != list(range(len(self.fragments))):
            raise ValueError(f"{self.uri}: narrative placeholders {found} do not match its {len(self.fragments)} texts")
        return _FRAGMENT.sub(lambda match: self.fragments[int(match.group(1))], converted)


def page_environment(target: Language | None = None, vocabularies: Vocabularies | None = None) -> Environment:
    """The templates, speaking ``target`` (Chinese unless given); ``vocabularies`` name terms in it."""
    target = target or language("zh")
    environment = Environment(
        loader=PackageLoader("casebook", "templates"),
        # Escaping for Markdown happens in finalize; autoescape on makes macro output and literal
        # template text count as trusted, and everything else pass through finalize.
        autoescape=True,
        finalize=lambda value: _escape_unless_markup(target.shown(value)),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    environment.filters["join"] = markdown_join
    environment.filters["narrative"] = _narrative_placeholder
    # Hand-written Markdown kept in content/ (method guides): trusted like the templates themselves.
    environment.filters["trusted"] = Markup
    environment.filters["change"] = lambda metric: metric_change(metric, target)
    environment.filters["iso"] = iso_date
    environment.globals.update(_page_globals(target, vocabularies))
    return environment


def _page_globals(target: Language, vocabularies: Vocabularies | None) -> dict[str, Any]:
    def gettext(message: str, **variables: Any) -> Markup:
        """A catalog message (trusted) with its variables escaped like any other value."""
        text = Markup(target.gettext(message))
        return text % {name: _escape_unless_markup(target.shown(value)) for name, value in variables.items()} \
            if variables else text

    def label(value: FacetValue) -> str:
        return value.label if target.is_source else (value.en or value.label)

    return {
        "_": gettext,
        "lang": target,
        "parts": PARTS,
        "text": lambda case, name: case_text(case, name, target),
        "translation": lambda case: translation_state(case, target),
        "label": label,
        "term": lambda field, name: term_name(vocabularies, field, name, target),
        "counts": lambda facet: [(label(value), len(value.cases)) for value in facet.values],
        "bar_chart": lambda chart_id, title, items: bar_chart(chart_id, title, items, target.gettext),
        "metric_chart": lambda chart_id, metrics: metric_chart(chart_id, metrics, target.gettext),
    }


@pass_context
def _narrative_placeholder(context: Context, text: str) -> Markup:
    """Where the narrative's HTML will go; it is kept in the page's list of fragments."""
    fragments = context["fragments"]
    fragments.append(narrative_html(text))
    return Markup(f"<!--cb-fragment:{len(fragments) - 1}-->")


def render_pages(pages: list[Page], environment: Environment | None = None) -> list[RenderedPage]:
    environment = environment or page_environment()
    return [render_page(page, environment) for page in pages]


def render_page(page: Page, environment: Environment) -> RenderedPage:
    def link(target: str, anchor: str = "") -> Markup:
        """A relative link from this page's source to another, which MkDocs resolves and checks."""
        relative = posixpath.relpath(target, posixpath.dirname(page.uri) or ".")
        return Markup(relative + (f"#{anchor}" if anchor else ""))

    def source_file(target: str) -> Markup:
        """A file that only the Chinese site has, from this page as the browser sees it."""
        target_language = environment.globals["lang"]
        levels = page_url(page.uri).count("/") + target_language.prefix.count("/")
        return Markup("../" * levels + target)

    template = environment.get_template(page.template)
    fragments: list[Markup] = []
    skeleton = template.render(page=page, link=link, source_file=source_file, fragments=fragments, **page.context)
    return RenderedPage(page, skeleton, tuple(fragments), _description(page, environment.globals["lang"]))


def page_url(uri: str) -> str:
    """Where MkDocs serves a page source, relative to the site root (directory URLs)."""
    stem = uri.removesuffix(".md")
    if stem == "index":
        return ""
    return stem.removesuffix("/index") + "/"


def _description(page: Page, target: Language) -> str | None:
    if page.template != "case.md.j2":
        return None
    summary = case_text(page.context["case"], "summary", target).value
    return plain_text(narrative_html(summary), 150)
