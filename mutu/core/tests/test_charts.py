"""Tests for mutu.core.charts (server-rendered SVG charts).

Runs under pytest-django (config.settings) or standalone with
``pytest -p no:django``: then minimal settings are configured below.
"""

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import django
import pytest
from django.conf import settings

if not settings.configured:
    settings.configure(USE_I18N=True, LANGUAGE_CODE="en", USE_THOUSAND_SEPARATOR=False)
    django.setup()

from django.utils import translation  # noqa: E402
from django.utils.html import conditional_escape  # noqa: E402

from mutu.core.charts import Chart, bar_chart, line_chart, nice_ticks  # noqa: E402

SVG = "{http://www.w3.org/2000/svg}"
EVIL = "<script>alert('x')</script> & co"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def parse(markup) -> ET.Element:
    return ET.fromstring(str(markup))


def rects(chart: Chart) -> list[ET.Element]:
    return parse(chart.svg).findall(f".//{SVG}rect")


def table_rows(chart: Chart) -> list[tuple[str, str]]:
    table = parse(chart.table_html)
    return [(tr.find("th").text, tr.find("td").text) for tr in table.find("tbody").findall("tr")]


def all_outputs(chart: Chart) -> list[str]:
    return [str(chart.svg), str(chart.table_html), str(chart)]


def assert_clean(chart: Chart) -> None:
    for markup in all_outputs(chart):
        ET.fromstring(markup)  # well-formed XML
        assert not re.search(r"\sstyle\s*=", markup, re.IGNORECASE)
        assert "<style" not in markup.lower()
        assert "<script" not in markup.lower()


def test_bar_chart_escapes_labels_and_title():
    chart = bar_chart(title=EVIL, data=[(EVIL, 3), ("ok", 4)], value_label=EVIL)
    assert_clean(chart)
    for markup in all_outputs(chart):
        assert "&lt;script&gt;" in markup
        assert "&amp; co" in markup
    svg = parse(chart.svg)
    assert svg.find(f"{SVG}title").text == EVIL
    assert table_rows(chart)[0][0] == EVIL
    assert parse(chart.table_html).find("caption").text == EVIL


def test_line_chart_escapes_labels():
    chart = line_chart(title=EVIL, points=[(EVIL, 1), ("b", 2)], value_label=EVIL)
    assert_clean(chart)
    circle_titles = [t.text for t in parse(chart.svg).iter(f"{SVG}title")]
    assert f"{EVIL}: 1" in circle_titles


def test_bar_widths_are_proportional():
    chart = bar_chart(title="T", data=[("A", 10), ("B", 20), ("C", 5)], value_label="n")
    widths = [float(r.get("width")) for r in rects(chart)]
    assert widths[1] > 0
    assert widths[0] / widths[1] == pytest.approx(0.5, abs=0.01)
    assert widths[2] / widths[1] == pytest.approx(0.25, abs=0.01)
    # all bars start at the same x
    assert len({r.get("x") for r in rects(chart)}) == 1


def test_bar_max_value_sets_scale_and_clamps():
    chart = bar_chart(
        title="T",
        data=[("full", 100), ("half", 50), ("over", 150), ("neg", -5)],
        value_label="%",
        max_value=100,
    )
    full, half, over, neg = (float(r.get("width")) for r in rects(chart))
    assert half / full == pytest.approx(0.5, abs=0.01)
    assert over == full
    assert neg == 0
    assert full + float(rects(chart)[0].get("x")) <= 640


def test_bar_none_values_have_no_bar_and_dash():
    chart = bar_chart(title="T", data=[("A", 4), ("B", None), ("C", 2)], value_label="n")
    assert_clean(chart)
    assert len(rects(chart)) == 2
    assert table_rows(chart) == [("A", "4"), ("B", "\u2013"), ("C", "2")]
    values = [t.text for t in parse(chart.svg).iter(f"{SVG}text") if t.get("class") == "chart-value"]
    assert values == ["4", "\u2013", "2"]


def test_bar_all_none_does_not_crash():
    chart = bar_chart(title="T", data=[("A", None)], value_label="n")
    assert_clean(chart)
    assert rects(chart) == []


def test_table_lists_every_label_and_value():
    data = [("Kecamatan A", 1), ("Kecamatan B", 2.5), ("Kecamatan C", Decimal("3.75"))]
    chart = bar_chart(title="Skor", data=data, value_label="Skor")
    assert table_rows(chart) == [
        ("Kecamatan A", "1"),
        ("Kecamatan B", "2.5"),
        ("Kecamatan C", "3.75"),
    ]
    table = parse(chart.table_html)
    assert table.get("class") == "data"
    assert [th.text for th in table.find("thead").iter("th")] == ["Category", "Skor"]
    points = [("Jan", 1), ("Feb", None), ("Mar", 2)]
    line = line_chart(title="Tren", points=points, value_label="Skor", category_label="Bulan")
    assert table_rows(line) == [("Jan", "1"), ("Feb", "\u2013"), ("Mar", "2")]
    assert parse(line.table_html).find("thead").find("tr").find("th").text == "Bulan"


def test_custom_number_format_receives_float():
    seen = []

    def fmt(value: float) -> str:
        seen.append(type(value))
        return f"{value:.1f} %"

    chart = bar_chart(title="T", data=[("A", Decimal("12.34")), ("B", 7)], value_label="%", number_format=fmt)
    assert table_rows(chart) == [("A", "12.3 %"), ("B", "7.0 %")]
    assert set(seen) == {float}


def test_default_number_format_rounds_floats():
    chart = bar_chart(title="T", data=[("A", 2 / 3)], value_label="n")
    assert table_rows(chart) == [("A", "0.67")]


@pytest.mark.skipif(not settings.USE_I18N, reason="needs translations enabled")
def test_number_format_is_locale_aware():
    with translation.override("id"):
        chart = bar_chart(title="T", data=[("A", 3.5)], value_label="n")
    assert table_rows(chart) == [("A", "3,5")]


def test_line_chart_with_gap():
    points = [
        ("Jan", 1),
        ("Feb", 2),
        ("Mar", None),
        ("Apr", 3),
        ("Mei", 4),
        ("Jun", None),
        ("Jul", 2),
    ]
    chart = line_chart(title="Tren", points=points, value_label="Skor")
    assert_clean(chart)
    svg = parse(chart.svg)
    lines = svg.findall(f".//{SVG}polyline")
    assert len(lines) == 2  # Jan-Feb and Apr-Mei; Jul is a lone point
    assert [len(pl.get("points").split()) for pl in lines] == [2, 2]
    circles = svg.findall(f".//{SVG}circle")
    assert len(circles) == 5
    assert [c.find(f"{SVG}title").text for c in circles] == [
        "Jan: 1",
        "Feb: 2",
        "Apr: 3",
        "Mei: 4",
        "Jul: 2",
    ]
    # higher values are drawn higher (smaller y)
    ys = [float(c.get("cy")) for c in circles]
    assert ys[0] > ys[1] > ys[2] > ys[3]
    assert ys[4] == ys[1]


def test_line_chart_ticks_and_range():
    chart = line_chart(title="T", points=[("a", 12), ("b", 87)], value_label="%")
    ticks = [t.text for t in parse(chart.svg).iter(f"{SVG}text") if t.get("class") == "chart-tick"]
    assert ticks == ["0", "25", "50", "75", "100"]
    fixed = line_chart(title="T", points=[("a", 1.5), ("b", 9)], value_label="n", y_min=1, y_max=4)
    ticks = [t.text for t in parse(fixed.svg).iter(f"{SVG}text") if t.get("class") == "chart-tick"]
    assert ticks == ["1", "2", "3", "4"]
    assert_clean(fixed)


def test_nice_ticks():
    assert nice_ticks(0, 100) == [0, 25, 50, 75, 100]
    assert nice_ticks(0, 3.7) == [0, 1, 2, 3, 4]
    assert nice_ticks(0, 0.37) == [0, 0.1, 0.2, 0.3, 0.4]
    assert 4 <= len(nice_ticks(-13, 58)) <= 6
    assert nice_ticks(5, 5)[0] == 5


def test_svg_accessibility_attributes():
    chart = bar_chart(title="Waktu tunggu", data=[("A", 1)], value_label="menit")
    svg = parse(chart.svg)
    assert svg.get("role") == "img"
    title_id = svg.get("aria-labelledby")
    title = svg.find(f"{SVG}title")
    assert title.get("id") == title_id
    assert title.text == "Waktu tunggu"
    # presentation attributes so PDFs render without the stylesheet
    rect = rects(chart)[0]
    assert rect.get("fill") and rect.get("class") == "chart-bar"
    other = bar_chart(title="Waktu tunggu", data=[("A", 1)], value_label="menit")
    assert parse(other.svg).get("aria-labelledby") != title_id


def test_figure_html():
    chart = line_chart(title="Tren", points=[("a", 1), ("b", 2)], value_label="n")
    figure = parse(chart)
    assert figure.tag == "figure"
    assert figure.get("class") == "chart"
    assert figure.find("figcaption").text == "Tren"
    assert figure.find(f"{SVG}svg") is not None
    details = figure.find("details")
    assert details.find("summary").text == "Show data as a table"
    assert details.find("table").get("class") == "data"
    assert conditional_escape(chart) == str(chart)  # safe in templates: {{ chart }}


@pytest.mark.parametrize("factory", [bar_chart, line_chart])
def test_empty_data_says_no_data(factory):
    kwargs = {"data": []} if factory is bar_chart else {"points": []}
    chart = factory(title="Kosong", value_label="n", **kwargs)
    assert_clean(chart)
    texts = [t.text for t in parse(chart.svg).iter(f"{SVG}text")]
    assert texts == ["No data"]
    assert "No data" in str(chart.table_html)
    assert parse(chart.table_html).find("caption").text == "Kosong"
