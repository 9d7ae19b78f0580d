"""Charts drawn at build time as inline SVG: no script, no other host, readable by screen readers.

Every chart has a role, a title and a description naming its values, and the page always shows
the same figures as a table beside it: a chart is never the only way to read them. Colours come
from CSS classes, so the security policy needs no inline styles.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from html import escape

from markupsafe import Markup

from .model import Metric

BAR_HEIGHT = 22
LABEL_WIDTH = 200
CHART_WIDTH = 640


def _same(message: str) -> str:
    return message


def bar_chart(chart_id: str, title: str, items: list[tuple[str, int]], gettext: Callable[[str], str] = _same) -> Markup:
    """Horizontal bars, one per (label, count), longest first as given."""
    height = BAR_HEIGHT * len(items) + 10
    most = max((count for _, count in items), default=1) or 1
    scale = (CHART_WIDTH - LABEL_WIDTH - 40) / most
    description = gettext("；").join(f"{label} {count}" for label, count in items)
    rows = []
    for row, (label, count) in enumerate(items):
        y = 5 + row * BAR_HEIGHT
        rows.append(
            f'<text class="cb-chart__label" x="{LABEL_WIDTH - 8}" y="{y + 15}" text-anchor="end">{escape(label)}</text>'
            f'<rect class="cb-chart__bar" x="{LABEL_WIDTH}" y="{y + 3}" width="{count * scale:.1f}" height="{BAR_HEIGHT - 6}"></rect>'
            f'<text class="cb-chart__value" x="{LABEL_WIDTH + count * scale + 6:.1f}" y="{y + 15}">{count}</text>'
        )
    return _svg(chart_id, title, description, height, "".join(rows))


def metric_chart(chart_id: str, metrics: list[Metric], gettext: Callable[[str], str] = _same) -> Markup:
    """Each metric's value before and after, as a pair of bars scaled to that metric alone."""
    _ = gettext
    rows, descriptions = [], []
    pair_height = 2 * BAR_HEIGHT + 14
    for row, metric in enumerate(metrics):
        y = 5 + row * pair_height
        most = max(abs(metric.baseline.value), abs(metric.result.value)) or Decimal(1)
        scale = (CHART_WIDTH - LABEL_WIDTH - 120) / float(most)
        rows.append(f'<text class="cb-chart__label" x="0" y="{y + 12}">{escape(metric.indicator)}</text>')
        for offset, (kind, measure) in enumerate((("before", metric.baseline), ("after", metric.result))):
            bar_y = y + 18 + offset * (BAR_HEIGHT - 2)
            width = float(abs(measure.value)) * scale
            words = _("%(when)s %(value)s（%(year)s）") % {
                "when": _("改进前") if kind == "before" else _("改进后"),
                "value": f"{measure.value}{escape(metric.unit)}", "year": measure.year}
            rows.append(
                f'<rect class="cb-chart__bar cb-chart__bar--{kind}" x="{LABEL_WIDTH}" y="{bar_y}" width="{width:.1f}" '
                f'height="{BAR_HEIGHT - 6}"></rect>'
                f'<text class="cb-chart__value" x="{LABEL_WIDTH + width + 6:.1f}" y="{bar_y + 12}">{words}</text>'
            )
        descriptions.append(_("%(indicator)s：改进前 %(before)s，改进后 %(after)s") % {
            "indicator": metric.indicator, "before": f"{metric.baseline.value}{metric.unit}",
            "after": f"{metric.result.value}{metric.unit}"})
    height = len(metrics) * pair_height + 10
    return _svg(chart_id, _("改进前后对比"), _("；").join(descriptions), height, "".join(rows))


def _svg(chart_id: str, title: str, description: str, height: int, body: str) -> Markup:
    return Markup(
        f'<svg class="cb-chart" role="img" viewBox="0 0 {CHART_WIDTH} {height}" width="100%" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title><desc id="{chart_id}-desc">{escape(description)}</desc>'
        f"{body}</svg>"
    )
