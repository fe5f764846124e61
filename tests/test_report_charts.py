"""Charts as a reviewer reads them: the trend chart's second axis label mirrors the first one."""

from __future__ import annotations

import pytest

from cpxl.report import charts


@pytest.fixture
def drawn(monkeypatch):
    """The matplotlib figures the chart functions hand to `_png`, drawn."""
    figures = []
    png = charts._png

    def keep(fig, **margins):
        out = png(fig, **margins)
        figures.append(fig)
        return out

    monkeypatch.setattr(charts, "_png", keep)
    return figures


def test_trend_secondary_axis_label_mirrors_the_primary(drawn):
    if charts.cjk_font() is None:
        pytest.skip("无中文字体")
    charts.trend(["2023年", "2024年", "2025年"], [("天然气", [2765.4, 2775.2, 2732.9]), ("电力", [1097.0, 1116.2, 1119.0])],
                 "综合能耗（tce）", line=("单位产品综合能耗", [40.24, 39.21, 37.87], "单耗（kgce/单位产品）"), stacked=True)
    fig = drawn[0]
    ax, ax2 = fig.axes
    renderer = fig.canvas.get_renderer()
    first, second = ax.yaxis.label, ax2.yaxis.label
    assert second.get_text() == "单耗（kgce/单位产品）"
    # the left label reads bottom to top, the right one top to bottom: both have their glyphs' feet to the plot
    assert first.get_rotation() == 90 and second.get_rotation() == 270
    box = second.get_window_extent(renderer)
    ticks = max(t.get_window_extent(renderer).x1 for t in ax2.get_yticklabels() if t.get_text())
    page = fig.bbox
    assert box.x0 > ticks  # clear of the tick labels
    assert page.x0 <= box.x0 and box.x1 <= page.x1 and page.y0 <= box.y0 and box.y1 <= page.y1  # not cut off
    # as far from its tick labels as the primary label is from its own
    first_box = first.get_window_extent(renderer)
    first_ticks = min(t.get_window_extent(renderer).x0 for t in ax.get_yticklabels() if t.get_text())
    assert box.x0 - ticks == pytest.approx(first_ticks - first_box.x1, abs=2)
    # the line runs above the bars: its lowest point 37.87 of a 40.24 × 1.12 axis (84 %), the tallest bar
    # (3893.4 tce, 2024) at 1 ÷ (1.05 × 1.45) (66 %) of its axis (1.05: matplotlib's margin above the data)
    bar_top = max(p.get_y() + p.get_height() for p in ax.patches)
    line_y = ax2.lines[0].get_ydata()
    assert bar_top / ax.get_ylim()[1] == pytest.approx(1 / (1.05 * 1.45))
    assert min(line_y) / ax2.get_ylim()[1] == pytest.approx(37.87 / (40.24 * 1.12))
