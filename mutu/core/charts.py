"""Server-rendered, accessible SVG charts.

Pure functions that return a :class:`Chart`: an ``<svg role="img">`` plus an
equivalent ``<table class="data">``. Rendering ``{{ chart }}`` in a template
gives a ``<figure class="chart">`` with the SVG and the table inside a
``<details>`` element.

The SVG works without JavaScript and without the stylesheet (WeasyPrint PDFs):
every element carries presentation attributes (``fill=``, ``stroke=``,
``font-size=``) as well as a ``class=`` that ``mutu.css`` may override. There
are no ``style=`` attributes and no ``<style>`` elements, so the output is
allowed by a strict Content Security Policy.

All text is escaped. Numbers are formatted with Django's locale-aware
``number_format`` unless a ``number_format`` callable is given (it receives a
``float``). SVG coordinates always use ``.`` as the decimal separator.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

__all__ = ["Chart", "bar_chart", "line_chart", "nice_ticks"]

Number = float | int | Decimal
NumberFormat = Callable[[float], str]

# Colours mirror mutu.css (presentation attributes are the fallback for PDFs).
PRIMARY = "#005a70"
TEXT = "#1b1b1b"
MUTED = "#4f5559"
GRID = "#c9ccce"
WHITE = "#ffffff"
FONT_FAMILY = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', Arial, sans-serif"
FONT_SIZE = 14
CHAR_WIDTH = FONT_SIZE * 0.6  # rough average advance of a sans-serif glyph
MISSING = "\u2013"  # en dash shown for missing values

_ids = itertools.count(1)


@dataclass(frozen=True)
class Chart:
    """A rendered chart: ``svg`` and its accessible ``table_html`` alternative."""

    svg: SafeString
    table_html: SafeString
    title: str = ""

    def __html__(self) -> str:
        caption = format_html("<figcaption>{}</figcaption>", self.title) if self.title else ""
        return format_html(
            '<figure class="chart">{}{}<details><summary>{}</summary>{}</details></figure>',
            caption,
            self.svg,
            _("Show data as a table"),
            self.table_html,
        )

    def __str__(self) -> str:
        return self.__html__()


# --------------------------------------------------------------------------- helpers


def _to_float(value: Number | None) -> float | None:
    if value is None:
        return None
    result = float(value)
    if math.isnan(result) or math.isinf(result):
        return None
    return result


def _default_format(value: Number) -> str:
    if isinstance(value, Decimal):
        return formats.number_format(value)
    if isinstance(value, int) or float(value).is_integer():
        return formats.number_format(int(value))
    return formats.number_format(round(float(value), 2))


def _formatter(number_format: NumberFormat | None) -> Callable[[Number | None], str]:
    def fmt(value: Number | None) -> str:
        if _to_float(value) is None:
            return MISSING
        if number_format is None:
            return _default_format(value)
        return number_format(float(value))

    return fmt


def _c(x: float) -> str:
    """Format an SVG coordinate: locale independent, at most 2 decimals."""
    text = f"{x:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


def _text_width(text: str) -> float:
    return len(text) * CHAR_WIDTH


def _truncate(text: str, max_width: float) -> str:
    max_chars = max(1, int(max_width / CHAR_WIDTH))
    if len(text) <= max_chars:
        return text
    return text[: max(1, max_chars - 1)].rstrip() + "\u2026"


def _text(
    x: float,
    y: float,
    content: str,
    *,
    css_class: str = "chart-label",
    anchor: str = "start",
    fill: str = TEXT,
    size: int = FONT_SIZE,
) -> str:
    return format_html(
        '<text class="{}" x="{}" y="{}" text-anchor="{}" fill="{}" font-size="{}" font-family="{}">{}</text>',
        css_class,
        _c(x),
        _c(y),
        anchor,
        fill,
        size,
        FONT_FAMILY,
        content,
    )


def _line(x1: float, y1: float, x2: float, y2: float, *, css_class: str, stroke: str) -> str:
    return format_html(
        '<line class="{}" x1="{}" y1="{}" x2="{}" y2="{}" stroke="{}" stroke-width="1"/>',
        css_class,
        _c(x1),
        _c(y1),
        _c(x2),
        _c(y2),
        stroke,
    )


def _svg(chart_id: str, title: str, description: str, width: int, height: int, body: str) -> str:
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" width="{w}" height="{h}" '
        'viewBox="0 0 {w} {h}" role="img" aria-labelledby="{id}-title" '
        'aria-describedby="{id}-desc" focusable="false">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>{body}</svg>',
        w=width,
        h=height,
        id=chart_id,
        title=title,
        desc=description,
        body=mark_safe(body),
    )


def _empty_svg(chart_id: str, title: str, width: int) -> str:
    height = 64
    body = _text(
        width / 2,
        height / 2 + 5,
        _("No data"),
        css_class="chart-empty",
        anchor="middle",
        fill=MUTED,
        size=16,
    )
    return _svg(chart_id, title, _("No data"), width, height, body)


def _table(title: str, category_label: str, value_label: str, rows: Sequence[tuple[str, str]]) -> SafeString:
    head = format_html(
        '<caption>{}</caption><thead><tr><th scope="col">{}</th><th scope="col" class="num">{}</th></tr></thead>',
        title,
        category_label,
        value_label,
    )
    if rows:
        body = "".join(
            format_html('<tr><th scope="row">{}</th><td class="num">{}</td></tr>', label, value)
            for label, value in rows
        )
    else:
        body = format_html('<tr><td colspan="2">{}</td></tr>', _("No data"))
    return format_html(
        '<table class="data">{}<tbody>{}</tbody></table>',
        head,
        mark_safe(body),
    )


def nice_ticks(low: float, high: float, *, max_intervals: int = 4, expand: bool = True) -> list[float]:
    """Return 'nice' tick values (steps of 1, 2, 2.5 or 5 x 10^n) covering [low, high].

    With ``expand`` the range is widened to whole steps (4-5 ticks); otherwise
    only ticks inside [low, high] are returned.
    """
    if high < low:
        low, high = high, low
    if high == low:
        high = low + 1
    span = high - low
    magnitude = 10 ** math.floor(math.log10(span / max_intervals))
    step = span
    for mult in (1, 2, 2.5, 5, 10, 20, 25, 50, 100):
        step = mult * magnitude
        intervals = math.ceil(high / step - 1e-9) - math.floor(low / step + 1e-9)
        if intervals <= max_intervals:
            break
    digits = max(0, -math.floor(math.log10(step)) + 2)
    if expand:
        start = math.floor(low / step + 1e-9) * step
        stop = math.ceil(high / step - 1e-9) * step
    else:
        start = math.ceil(low / step - 1e-9) * step
        stop = math.floor(high / step + 1e-9) * step
    count = round((stop - start) / step)
    return [round(start + i * step, digits) + 0.0 for i in range(count + 1)]


# --------------------------------------------------------------------------- bar chart


def bar_chart(
    *,
    title: str,
    data: Sequence[tuple[str, Number | None]],
    value_label: str,
    max_value: float | None = None,
    width: int = 640,
    bar_height: int = 28,
    number_format: NumberFormat | None = None,
    category_label: str | None = None,
    chart_id: str | None = None,
) -> Chart:
    """Horizontal bar chart: label on the left, value to the right of each bar.

    ``None`` values are shown as an en dash with no bar. ``max_value`` fixes the
    scale (e.g. 100 for percentages); by default the largest value fills the row.
    """
    chart_id = chart_id or f"chart-{next(_ids)}"
    category_label = category_label if category_label is not None else _("Category")
    fmt = _formatter(number_format)
    rows = [(str(label), _to_float(value), fmt(value)) for label, value in data]
    table = _table(title, category_label, value_label, [(label, text) for label, _v, text in rows])
    if not rows:
        return Chart(svg=mark_safe(_empty_svg(chart_id, title, width)), table_html=table, title=title)

    pad = 8
    gap = 8
    pitch = bar_height + gap
    label_w = min(max(_text_width(label) for label, _v, _t in rows) + pad, width * 0.4)
    label_w = max(label_w, 48.0)
    value_w = max(_text_width(text) for _l, _v, text in rows) + 2 * pad
    bar_x = label_w + pad
    bar_area = max(width - bar_x - value_w, 10.0)
    values = [v for _l, v, _t in rows if v is not None]
    scale_max = max_value if max_value is not None else max(values, default=0.0)
    if scale_max is None or scale_max <= 0:
        scale_max = 1.0
    height = int(len(rows) * pitch + gap)

    parts: list[str] = []
    for i, (label, value, text) in enumerate(rows):
        top = gap / 2 + i * pitch
        middle = top + bar_height / 2
        baseline = middle + FONT_SIZE * 0.35
        bar_w = 0.0 if value is None else min(max(value, 0.0), scale_max) / scale_max * bar_area
        item = [format_html("<title>{}: {}</title>", label, text)]
        item.append(_text(label_w, baseline, _truncate(label, label_w - pad), anchor="end"))
        if value is not None:
            item.append(
                format_html(
                    '<rect class="chart-bar" x="{}" y="{}" width="{}" height="{}" fill="{}"/>',
                    _c(bar_x),
                    _c(top),
                    _c(bar_w),
                    bar_height,
                    PRIMARY,
                )
            )
        item.append(_text(bar_x + bar_w + pad, baseline, text, css_class="chart-value"))
        parts.append('<g class="chart-row">' + "".join(item) + "</g>")
    parts.append(_line(bar_x, 0, bar_x, height, css_class="chart-axis", stroke=TEXT))

    svg = _svg(chart_id, title, value_label, width, height, "".join(parts))
    return Chart(svg=mark_safe(svg), table_html=table, title=title)


# --------------------------------------------------------------------------- line chart


def line_chart(
    *,
    title: str,
    points: Sequence[tuple[str, Number | None]],
    value_label: str,
    y_min: float | None = None,
    y_max: float | None = None,
    width: int = 640,
    height: int = 280,
    number_format: NumberFormat | None = None,
    category_label: str | None = None,
    chart_id: str | None = None,
) -> Chart:
    """Line chart over categorical x labels; ``None`` leaves a gap in the line.

    Each point is a circle with a ``<title>`` tooltip. The y axis gets 4-5 nice
    ticks; ``y_min``/``y_max`` fix the range (values outside are clamped).
    """
    chart_id = chart_id or f"chart-{next(_ids)}"
    category_label = category_label if category_label is not None else _("Category")
    fmt = _formatter(number_format)
    rows = [(str(label), _to_float(value), fmt(value)) for label, value in points]
    table = _table(title, category_label, value_label, [(label, text) for label, _v, text in rows])
    if not rows:
        return Chart(svg=mark_safe(_empty_svg(chart_id, title, width)), table_html=table, title=title)

    values = [v for _l, v, _t in rows if v is not None]
    low = y_min if y_min is not None else min([0.0, *values])
    high = y_max if y_max is not None else max(values, default=1.0)
    if high <= low:
        high = low + 1
    fixed = y_min is not None and y_max is not None
    ticks = nice_ticks(low, high, expand=not fixed)
    if not fixed:
        if y_min is None:
            low = min(low, ticks[0])
        if y_max is None:
            high = max(high, ticks[-1])
        ticks = [t for t in ticks if low - 1e-9 <= t <= high + 1e-9]
    tick_texts = [fmt(int(t) if float(t).is_integer() else t) for t in ticks]

    top, right, bottom = 28.0, 12.0, 36.0
    left = max(_text_width(t) for t in tick_texts) + 14
    plot_w = max(width - left - right, 10.0)
    plot_h = max(height - top - bottom, 10.0)
    band = plot_w / len(rows)

    def y_of(value: float) -> float:
        clamped = min(max(value, low), high)
        return top + plot_h - (clamped - low) / (high - low) * plot_h

    parts: list[str] = [_text(0, 16, value_label, css_class="chart-label")]
    for tick, text in zip(ticks, tick_texts, strict=True):
        y = y_of(tick)
        parts.append(_line(left, y, left + plot_w, y, css_class="chart-grid", stroke=GRID))
        parts.append(_text(left - 6, y + FONT_SIZE * 0.35, text, css_class="chart-tick", anchor="end"))
    parts.append(_line(left, top, left, top + plot_h, css_class="chart-axis", stroke=TEXT))
    parts.append(_line(left, top + plot_h, left + plot_w, top + plot_h, css_class="chart-axis", stroke=TEXT))

    # x labels: skip some when they would overlap.
    widest = max(_text_width(label) for label, _v, _t in rows) + 8
    every = max(1, math.ceil(widest / band))
    for i, (label, _v, _t) in enumerate(rows):
        if i % every == 0:
            shown = _truncate(label, band * every - 4)
            half = _text_width(shown) / 2
            # keep the label inside the SVG (first/last labels may be wider than their band)
            x = min(max(left + (i + 0.5) * band, half + 2), width - half - 2)
            parts.append(_text(x, top + plot_h + 20, shown, css_class="chart-label", anchor="middle"))

    # line segments, split at missing values
    segment: list[str] = []
    segments: list[list[str]] = []
    for i, (_l, value, _t) in enumerate(rows):
        if value is None:
            if segment:
                segments.append(segment)
            segment = []
            continue
        segment.append(f"{_c(left + (i + 0.5) * band)},{_c(y_of(value))}")
    if segment:
        segments.append(segment)
    for seg in segments:
        if len(seg) > 1:
            parts.append(
                format_html(
                    '<polyline class="chart-line" points="{}" fill="none" stroke="{}" '
                    'stroke-width="3" stroke-linejoin="round" stroke-linecap="round"/>',
                    " ".join(seg),
                    PRIMARY,
                )
            )
    for i, (label, value, text) in enumerate(rows):
        if value is None:
            continue
        parts.append(
            format_html(
                '<circle class="chart-point" cx="{}" cy="{}" r="5" fill="{}" stroke="{}" '
                'stroke-width="2"><title>{}: {}</title></circle>',
                _c(left + (i + 0.5) * band),
                _c(y_of(value)),
                PRIMARY,
                WHITE,
                label,
                text,
            )
        )

    svg = _svg(chart_id, title, value_label, width, height, "".join(parts))
    return Chart(svg=mark_safe(svg), table_html=table, title=title)
