"""The report's figures (cpxl.report.charts) for sparse and unusual data: what is drawn, what is left out,
how values are labelled, and no figure at all where there is nothing to draw or no CJK font.

Each saved figure is captured when matplotlib writes it, so the tests read its bars, labels and size."""

from __future__ import annotations

import io
from datetime import date

import pytest
from matplotlib.figure import Figure
from matplotlib.text import Text
from PIL import Image

from cpxl.report import charts

DPI = 140  # charts.DPI: pixels per inch of the PNG


@pytest.fixture
def drawn(monkeypatch) -> list[Figure]:
    """The figures the charts save, in order."""
    if charts.cjk_font() is None:
        pytest.skip("no CJK font: the charts are not drawn (test_no_font_no_figure)")
    saved: list[Figure] = []
    original = Figure.savefig

    def savefig(self, *args, **kwargs):
        saved.append(self)
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Figure, "savefig", savefig)
    return saved


def size(png: bytes) -> tuple[int, int]:
    return Image.open(io.BytesIO(png)).size


def texts(fig: Figure) -> list[str]:
    return [t.get_text() for t in fig.findobj(Text) if t.get_text()]


def bar_labels(ax) -> list[str]:
    return [t.get_text() for t in ax.texts]


def test_gantt_draws_only_phases_with_both_dates(drawn):
    png = charts.gantt([("筹划和组织", date(2024, 1, 1), date(2024, 1, 10)), ("预审核", date(2024, 1, 11), None),
                        ("审核", None, None), ("方案产生", date(2024, 2, 1), date(2024, 2, 29))])
    ax = drawn[0].axes[0]
    # days inclusive: 1–10 January is 10 days, 1–29 February 2024 (a leap year) 29
    assert [p.get_width() for p in ax.patches] == [10, 29]
    assert [t.get_text() for t in ax.get_yticklabels()] == ["筹划和组织", "方案产生"]
    assert bar_labels(ax) == [" 01-01～01-10", " 02-01～02-29"]
    assert size(png) == (round(6.3 * DPI), round((0.45 * 2 + 1.0) * DPI))  # 0.45 in a bar + 1 in
    assert charts.gantt([("审核", date(2024, 1, 1), None)]) is None and charts.gantt([]) is None


def test_trend_leaves_out_empty_series_and_labels_missing_years(drawn):
    years = ["2022", "2023", "2024"]
    assert charts.trend(years, [("啤酒", [None, None, None])], "产量（kL）") is None
    charts.trend(years, [("啤酒", [12345.6, None, 0.01234]), ("麦汁", [None, None, None])], "产量（kL）",
                 line=("单耗", [None, None, None], "kg/kL"))
    fig = drawn[0]
    assert len(fig.axes) == 1  # a line without values gets no second axis
    ax = fig.axes[0]
    assert [p.get_height() for p in ax.patches] == [12345.6, 0.0, 0.01234]  # no value: no bar
    assert bar_labels(ax) == ["12,346", "未填写", "0.0123"]  # thousands grouped; 3 significant digits below 1
    charts.trend(years, [("啤酒", [1.0, 2.0, 3.0])], "产量（kL）")
    assert drawn[1].axes[0].get_legend() is None  # one series, no line: nothing to tell apart


def test_trend_stacks_and_draws_the_line_on_its_own_axis(drawn):
    charts.trend(["2022", "2023", "2024"], [("新鲜水", [1, 2, 3]), ("回用水", [4, None, 6])], "用水量（m³）",
                 line=("单位产品取水量", [1.5, None, 2.0], "m³/kL"), stacked=True)
    fig = drawn[0]
    ax, ax2 = fig.axes
    bars = ax.patches
    assert [b.get_y() for b in bars[3:]] == [1, 2, 3]  # 回用水 stands on 新鲜水
    assert [b.get_height() for b in bars[3:]] == [4, 0, 6]
    assert [t.get_text() for t in ax2.texts] == ["1.5", "2"]  # the year without a value has no point label
    assert ax2.get_ylim() == pytest.approx((0, 2.24))  # 2.0 × 1.12: the highest point in the top tenth
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["新鲜水", "回用水", "单位产品取水量"]


def test_grouped_bars_with_reference_lines(drawn):
    assert charts.grouped([], [("a", [])], "x") is None
    assert charts.grouped(["甲"], [("a", [None])], "x") is None
    charts.grouped(["无/低费", "中/高费"], [("CO₂减排（t/a）", [120.0, None])], "t/a", reference=[("先进值", 150.0)])
    ax = drawn[0].axes[0]
    assert bar_labels(ax) == ["120", "未填写"]
    assert {t.get_text() for t in ax.get_legend().get_texts()} == {"CO2减排（t/a）", "先进值 150"}  # subscripts made plain
    assert ax.lines[0].get_ydata()[0] == 150.0


def test_many_categories_become_horizontal_bars(drawn):
    companies = [f"企业{i}" for i in range(1, 10)]  # 9 categories: more than 8 go sideways
    values = [float(i) for i in range(1, 10)]
    values[4] = None
    png = charts.grouped(companies, [("单位产品能耗", values)], "kgce/t", reference=[("先进值", 3.0), ("中位数", 5.0)])
    ax = drawn[0].axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()] == companies
    assert [p.get_width() for p in ax.patches] == [1, 2, 3, 4, 0, 6, 7, 8, 9]
    assert bar_labels(ax)[4] == "未填写"
    assert {t.get_text() for t in ax.get_legend().get_texts()} == {"单位产品能耗", "先进值（3）", "中位数（5）"}
    assert size(png)[1] == round((0.9 + 9 * (0.17 + 0.1)) * DPI)  # 0.9 in + 9 rows × 0.27 in


def test_pair_labels_missing_values(drawn):
    assert charts.pair([], ("a", []), ("b", [])) is None
    charts.pair(["无/低费", "中/高费"], ("方案数量（项）", [3, None]), ("预计投资（万元）", [12.5, 340.0]))
    left, right = drawn[0].axes
    assert bar_labels(left) == ["3", "未填写"] and bar_labels(right) == ["12.5", "340"]
    assert left.get_ylim()[1] == pytest.approx(3 * 1.18) and right.get_ylim()[1] == pytest.approx(340 * 1.18)
    assert [left.get_title(), right.get_title()] == ["方案数量（项）", "预计投资（万元）"]


def test_no_font_no_figure(monkeypatch):
    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    d = date(2024, 1, 1)
    assert charts.gantt([("审核", d, d)]) is None
    assert charts.trend(["2024"], [("a", [1.0])], "x") is None
    assert charts.grouped(["甲"], [("a", [1.0])], "x") is None
    assert charts.pair(["甲"], ("a", [1.0]), ("b", [2.0])) is None
