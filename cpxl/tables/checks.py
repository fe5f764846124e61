"""Table-specific checks, declared on the table as objects with parameters (pandera's ``Check`` style):
``checks=(PlanDates(group_by="option_id"), OptionIds(steps=True))``. They are plain data here;
:mod:`cpxl.workbook.check` runs what a table lists and locates each finding by ``sheet!cell``.

The generic rules (required, numeric, non-negative, totals, drop-down choices) follow from the columns
themselves and need no declaration.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Check:
    """A rule on one table's data beyond what its columns declare."""


@dataclass(frozen=True)
class UnitsPresent(Check):
    """Every quantity has its unit: a ``…_unit`` column is filled wherever the quantities it measures are
    (a quantity without its unit cannot be checked or converted, e.g. 表D.11 总耗 in 吨 or 万kWh)."""


@dataclass(frozen=True)
class MainProductOutput(Check):
    """表D.6 lists the main product of `封面信息` and no output is 0: per-unit values divide by it
    (DB4101/T 61 表D.7、D.10–D.12)."""


@dataclass(frozen=True)
class OptionIds(Check):
    """Option ids are “F+顺序号” (F1, F01; DB4101/T 61 6.7.2) and unique in the list; with `steps`, one
    option spans consecutive rows (表D.35 实施计划, one row per step)."""

    steps: bool = False


@dataclass(frozen=True)
class OptionCategory(Check):
    """方案类型 is one of the eight categories of DB11/T 1156 附录 A."""


@dataclass(frozen=True)
class PlanDates(Check):
    """Each end on or after its start, and each start on or after the previous row's start (phases in
    order, 表D.3); with `group_by`, the order restarts at each new value of that column (an option's
    steps, 表D.35)."""

    group_by: str | None = None


@dataclass(frozen=True)
class TargetConsistency(Check):
    """Targets agree. `relative`: each 相对值 [%] equals the change of its 绝对值 against 基准期值
    (DB4101/T 61 表D.24: 降低类 (base − target)/base × 100 %, 提高类 (target − base)/base × 100 %) within
    `tolerance` [percentage points]. Otherwise every 指标项 is one of 表D.24's and every 支撑方案 one of
    表D.30's options (表D.33, D.42)."""

    relative: bool = False
    tolerance: float = 0.1  # [percentage points]: the relative values are printed to 0.1 %


@dataclass(frozen=True)
class OptionCounts(Check):
    """Option counts and expected investment by cost class agree with the option list 表D.30 (表D.36
    counts the options to implement: D.30 less the infeasible ones of 表D.32)."""


@dataclass(frozen=True)
class MaterialBalance(Check):
    """The material balance closes within the 参数 setting named `tolerance` (DB11/T 1156 7.3.4 b: 5 %):
    (Σin − Σout)/Σin for every unit operation, and for the audit focus without its internal flows."""

    tolerance: str = "物料平衡允许偏差"


@dataclass(frozen=True)
class RowBalance(Check):
    """Each row balances within the 参数 setting named `tolerance`: (supplied − Σparts)/supplied, the row's
    `supplied` column against its `parts` columns (`what` and `clause` name it in the message)."""

    supplied: str
    parts: tuple[str, ...]
    tolerance: str
    what: str
    clause: str


@dataclass(frozen=True)
class Shares(Check):
    """Columns holding shares (efficiencies) lie between 0 and 1 (0～100 %)."""

    columns: tuple[str, ...]


@dataclass(frozen=True)
class WeightedScore(Check):
    """权重总和计分排序法 (DB11/T 1156 7.2.9, 7.4.3): weights W on the first row, every score R from `low`
    to `high`, and a weight for every scored criterion."""

    low: float = 1
    high: float = 10


@dataclass(frozen=True)
class LevelOrder(Check):
    """Benchmark values in order: I级 the strictest (越小越好: I ≤ II ≤ III; 越大越好: I ≥ II ≥ III)."""


@dataclass(frozen=True)
class ParkSelection(Check):
    """The indicator selection of T/CPPC 《工业园区清洁生产审核指南》 附件1 (必选 13 项；可选至少 6 项且每组
    至少 1 项；共计至少 19 项), each value valid and agreeing with the one computed from 表P.2."""
