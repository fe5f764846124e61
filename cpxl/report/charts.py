"""Figures of the report (matplotlib, Agg backend): work-plan Gantt chart (表D.3), three-year trends
(表D.6、D.7、D.10、D.11、D.12), benefit summaries and benchmarks (balance diagrams: :mod:`.diagrams`).

Labels are Chinese, so a CJK font is required: the first installed of :data:`CJK_FONTS` is used (Debian's
fonts-noto-cjk provides Noto Sans CJK). Without one the figures are left out and the report says so,
rather than printing empty boxes for every character.
"""

from __future__ import annotations

import io
from datetime import date, timedelta
from functools import lru_cache

import matplotlib

matplotlib.use("Agg")

import matplotlib.text  # noqa: E402
from matplotlib import font_manager  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

#: CJK fonts tried in order (Linux, Windows, macOS names).
CJK_FONTS = (
    "Noto Sans CJK SC", "Noto Sans CJK JP", "Noto Sans CJK TC", "Source Han Sans SC", "Source Han Sans CN",
    "Noto Serif CJK SC", "Noto Serif CJK JP", "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "SimHei",
    "Microsoft YaHei", "DengXian", "SimSun", "PingFang SC", "Heiti SC", "STHeiti", "Arial Unicode MS",
)

NO_FONT = "本机未找到中文字体（如 Noto Sans CJK、黑体），图表未生成；安装中文字体（Debian/Ubuntu：fonts-noto-cjk）后重新导出"

COLORS = ("#1F4E79", "#C55A11", "#548235", "#7F6000", "#7030A0", "#2E75B6", "#BF9000", "#A5A5A5")

WIDTH_IN = 6.3  # 16 cm, the text width
DPI = 140


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """Name of an installed CJK font, or None."""
    names = {f.name for f in font_manager.fontManager.ttflist}
    for name in CJK_FONTS:
        if name in names:
            return name
    return None


@lru_cache(maxsize=1)
def _style() -> None:
    """Chart style, set once (validating rcParams on every figure is slow)."""
    font = cjk_font()
    matplotlib.rcParams.update({
        "font.family": "sans-serif",
        "font.sans-serif": [font, "DejaVu Sans"] if font else ["DejaVu Sans"],
        "axes.unicode_minus": False,
        "font.size": 9,
        "axes.spines.top": False,
        "axes.spines.right": False,
    })


def _figure(height_in: float = 3.0) -> tuple[Figure, object]:
    _style()
    fig = Figure(figsize=(WIDTH_IN, height_in), dpi=DPI)
    FigureCanvasAgg(fig)
    return fig, fig.add_subplot(111)


_SUBSCRIPTS = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")


def plain(label: str) -> str:
    """Chart text without subscript digits (CO₂ → CO2): CJK fonts often lack them."""
    return str(label).translate(_SUBSCRIPTS)


def _png(fig: Figure, left: float = 0.1, bottom: float = 0.14, right: float = 0.97, top: float = 0.93) -> bytes:
    # fixed margins instead of tight_layout: a layout pass draws the figure a second time
    h = fig.get_figheight()
    fig.subplots_adjust(left=left, right=right, bottom=min(0.45, bottom * 3.0 / h), top=1 - (1 - top) * 3.0 / h)
    for text in fig.findobj(matplotlib.text.Text):
        t = text.get_text()
        if t and t != plain(t):
            text.set_text(plain(t))
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None}, pil_kwargs={"compress_level": 1})
    return buf.getvalue()


def gantt(tasks: list[tuple[str, date, date]]) -> bytes | None:
    """Work plan as time bars (表D.3 计划时间“以甘特图时间柱形式表示”), one bar per phase, days inclusive."""
    tasks = [(n, s, e) for n, s, e in tasks if s and e]
    if not tasks or cjk_font() is None:
        return None
    from matplotlib import dates as mdates

    fig, ax = _figure(0.45 * len(tasks) + 1.0)
    for i, (name, start, end) in enumerate(tasks):
        days = (end - start).days + 1
        ax.barh(i, days, left=mdates.date2num(start), height=0.55, color=COLORS[i % len(COLORS)])
        ax.text(mdates.date2num(end + timedelta(days=1)), i, f" {start:%m-%d}～{end:%m-%d}", va="center", fontsize=8)
    ax.set_yticks(range(len(tasks)))
    ax.set_yticklabels([t[0] for t in tasks])
    ax.invert_yaxis()
    ax.xaxis_date()
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y-%m"))
    lo = min(t[1] for t in tasks)
    hi = max(t[2] for t in tasks)
    ax.set_xlim(mdates.date2num(lo - timedelta(days=3)), mdates.date2num(hi + timedelta(days=max(20, (hi - lo).days // 4))))
    ax.grid(axis="x", color="#DDDDDD", linewidth=0.6)
    ax.set_axisbelow(True)
    width = max(len(t[0]) for t in tasks)
    return _png(fig, left=min(0.35, 0.04 + 0.021 * width), bottom=0.1)


def trend(years: list[str], series: list[tuple[str, list]], ylabel: str, *, line: tuple[str, list, str] | None = None,
          stacked: bool = False) -> bytes | None:
    """Bars per year for each series (optionally stacked), with an optional line on a second axis."""
    series = [(n, vals) for n, vals in series if any(v is not None for v in vals)]
    if not series or cjk_font() is None:
        return None
    import numpy as np

    fig, ax = _figure(3.0)
    x = np.arange(len(years))
    n = len(series)
    width = 0.7 / (1 if stacked else n)
    bottom = np.zeros(len(years))
    for k, (name, vals) in enumerate(series):
        y = np.array([v if v is not None else 0.0 for v in vals], dtype=float)
        if stacked:
            ax.bar(x, y, width, bottom=bottom, label=name, color=COLORS[k % len(COLORS)])
            bottom += y
        else:
            bars = ax.bar(x - 0.35 + width * (k + 0.5), y, width * 0.92, label=name, color=COLORS[k % len(COLORS)])
            if n <= 3:
                ax.bar_label(bars, labels=[_value_label(v) for v in vals], fontsize=7, padding=1)
    ax.set_xticks(x)
    ax.set_xticklabels(years)
    ax.set_ylabel(ylabel)
    handles, labels = ax.get_legend_handles_labels()
    if line and any(v is not None for v in line[1]):
        ax2 = ax.twinx()
        ax2.spines["right"].set_visible(True)
        ys = [v if v is not None else float("nan") for v in line[1]]
        ax2.plot(x, ys, marker="o", color="#C00000", label=line[0])
        for xi, yi in zip(x, line[1]):
            if yi is not None:
                ax2.annotate(_short(yi), (xi, yi), textcoords="offset points", xytext=(0, 5), ha="center", fontsize=7,
                             color="#C00000", bbox=dict(boxstyle="square,pad=0.1", fc="white", ec="none", alpha=0.8))
        # rotated the other way and set off from the tick labels, so it mirrors the primary axis label
        ax2.set_ylabel(line[2], rotation=270, va="bottom")
        # the line's highest point in the top tenth, above the bars (kept below 70 %) and their labels
        ax2.set_ylim(bottom=0, top=max(v for v in line[1] if v is not None) * 1.12 or 1)
        h2, l2 = ax2.get_legend_handles_labels()
        handles, labels = handles + h2, labels + l2
    ax.set_ylim(top=ax.get_ylim()[1] * (1.45 if line and any(v is not None for v in line[1]) else 1.12))
    legend = len(labels) > 1 or bool(line)
    if legend:  # above the plot, never over the bars
        ax.legend(handles, labels, fontsize=8, frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.0),
                  ncol=min(4, len(labels)))
    ax.grid(axis="y", color="#EEEEEE", linewidth=0.6)
    ax.set_axisbelow(True)
    rows = (len(labels) + 3) // 4 if legend else 0
    return _png(fig, left=0.11, right=0.89 if line else 0.97, top=0.95 - 0.07 * rows)


def grouped(categories: list[str], series: list[tuple[str, list]], ylabel: str, *, reference: list[tuple[str, float]] | None = None,
            height: float = 3.2) -> bytes | None:
    """Grouped bars per category (balance in/out per unit operation, benefits by cost class, benchmarks),
    with optional horizontal reference lines (e.g. 先进值、中位数)."""
    series = [(n, vals) for n, vals in series if any(v is not None for v in vals)]
    if not categories or not series or cjk_font() is None:
        return None
    if len(categories) > 8 or max(len(c) for c in categories) * len(categories) > 64:
        return horizontal(categories, series, ylabel, reference=reference)
    import numpy as np

    fig, ax = _figure(height)
    x = np.arange(len(categories))
    n = len(series)
    width = 0.8 / n
    for k, (name, vals) in enumerate(series):
        y = np.array([v if v is not None else 0.0 for v in vals], dtype=float)
        bars = ax.bar(x - 0.4 + width * (k + 0.5), y, width * 0.92, label=name, color=COLORS[k % len(COLORS)])
        if len(categories) * n <= 16:
            ax.bar_label(bars, labels=[_value_label(v) for v in vals], fontsize=7, padding=1)
    for k, (name, value) in enumerate(reference or []):
        ax.axhline(value, color=("#C00000", "#7F7F7F")[k % 2], linestyle="--", linewidth=1, label=f"{name} {_short(value)}")
    ax.set_xticks(x)
    rotate = max((len(c) for c in categories), default=0) * len(categories) > 48
    ax.set_xticklabels([_wrap(c) for c in categories], rotation=30 if rotate else 0, ha="right" if rotate else "center",
                       fontsize=8)
    ax.set_ylabel(ylabel)
    ax.set_ylim(top=ax.get_ylim()[1] * 1.12)
    entries = n + len(reference or []) if (n > 1 or reference) else 0
    if entries:  # above the plot, never over the bars
        ax.legend(fontsize=8, frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=min(4, entries))
    ax.grid(axis="y", color="#EEEEEE", linewidth=0.6)
    ax.set_axisbelow(True)
    lines = max((len(_wrap(c).split("\n")) for c in categories), default=1)
    rows = (entries + 3) // 4
    return _png(fig, left=0.11, bottom=0.24 if rotate else 0.08 + 0.05 * lines, top=0.95 - 0.07 * rows)


def horizontal(categories: list[str], series: list[tuple[str, list]], xlabel: str, *,
               reference: list[tuple[str, float]] | None = None) -> bytes | None:
    """Many categories (20 enterprises): horizontal bars, one label a line in full, values at the bar ends,
    reference values (先进值、中位数) as vertical lines named in the legend with their value."""
    import numpy as np

    n = len(series)
    rows = len(categories)
    fig, ax = _figure(min(9.0, 0.9 + rows * (0.17 + 0.1 * n)))
    y = np.arange(rows)
    height = 0.8 / n
    for k, (name, vals) in enumerate(series):
        v = np.array([x if x is not None else 0.0 for x in vals], dtype=float)
        bars = ax.barh(y - 0.4 + height * (k + 0.5), v, height * 0.9, label=name, color=COLORS[k % len(COLORS)])
        ax.bar_label(bars, labels=[_value_label(x) for x in vals], fontsize=6.5, padding=2)
    styles = ("--", ":", "-.")
    for k, (name, value) in enumerate(reference or []):
        ax.axvline(value, color=("#C00000", "#7F7F7F", "#548235")[k % 3], linestyle=styles[k % 3], linewidth=1.1,
                   label=f"{name}（{_short(value)}）")
    ax.set_yticks(y)
    ax.set_yticklabels(categories, fontsize=7.5)
    ax.invert_yaxis()
    ax.set_xlabel(xlabel)
    ax.set_xlim(right=ax.get_xlim()[1] * 1.1)
    ax.grid(axis="x", color="#EEEEEE", linewidth=0.6)
    ax.set_axisbelow(True)
    entries = n + len(reference or []) if (n > 1 or reference) else 0
    if entries:
        ax.legend(fontsize=7.5, frameon=False, loc="lower center", bbox_to_anchor=(0.5, 1.0), ncol=min(4, entries))
    width = max(len(c) for c in categories)
    return _png(fig, left=min(0.42, 0.05 + 0.0215 * width * 7.5 / 9), bottom=0.1, top=0.93 if entries else 0.97)


def pair(categories: list[str], left: tuple[str, list], right: tuple[str, list]) -> bytes | None:
    """Two bar panels side by side for quantities of different size (方案数量 and 投资)."""
    if not categories or cjk_font() is None:
        return None
    import numpy as np

    _style()
    fig = Figure(figsize=(WIDTH_IN, 2.8), dpi=DPI)
    FigureCanvasAgg(fig)
    x = np.arange(len(categories))
    for k, (name, vals) in enumerate((left, right)):
        ax = fig.add_subplot(1, 2, k + 1)
        y = [v if v is not None else 0.0 for v in vals]
        bars = ax.bar(x, y, 0.55, color=COLORS[k])
        ax.bar_label(bars, labels=[_value_label(v) for v in vals], fontsize=7.5, padding=1)
        ax.set_xticks(x)
        ax.set_xticklabels([_wrap(c, 6) for c in categories], fontsize=8)
        ax.set_title(name, fontsize=9)
        ax.set_ylim(0, max(y + [1.0]) * 1.18)
        ax.grid(axis="y", color="#EEEEEE", linewidth=0.6)
        ax.set_axisbelow(True)
    fig.subplots_adjust(wspace=0.3)
    lines = max((len(_wrap(c, 6).split("\n")) for c in categories), default=1)
    return _png(fig, left=0.08, bottom=0.08 + 0.05 * lines, top=0.88)


def _value_label(v) -> str:
    """Bar label: the value, “0” for a zero, “未填写” where there is no value (no bar is drawn for it)."""
    return "未填写" if v is None else _short(v)


def _wrap(text: str, width: int = 8) -> str:
    return "\n".join(text[i: i + width] for i in range(0, len(text), width))


def _short(v) -> str:
    if v is None:
        return ""
    v = float(v)
    if abs(v) >= 1e4:
        return f"{v:,.0f}"
    if abs(v) >= 100:
        return f"{v:.0f}"
    if abs(v) >= 1:
        return f"{v:.2f}".rstrip("0").rstrip(".")
    return f"{v:.3g}"


__all__ = ["cjk_font", "NO_FONT", "gantt", "trend", "grouped", "pair"]
