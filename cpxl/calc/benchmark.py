"""Benchmarking one key indicator over the enterprises of a region or industry: quartiles, ranks, groups.

Every key indicator of 《京津冀清洁生产协同审核导则》 7.2.6 (单位产品/单位产值 水耗、能耗、碳排放、排放量)
is better when smaller, so rank 1 is the smallest value and the advanced value (先进值, 7.2.4–7.2.5) is
the first quartile.

Quartiles are Excel's ``QUARTILE``/``QUARTILE.INC``, which 表R.3 uses in its cells: linear interpolation
between order statistics, position ``1 + (n − 1)·p`` (Hyndman & Fan 1996, definition 7; numpy
``percentile(method="linear")``).

>>> quartile([4, 5, 8], 1)   # position 1 + 2 × 0.25 = 1.5: 4 + 0.5 × (5 − 4)
4.5
>>> ranks([5, 4, 8, 4])
[3, 1, 4, 1]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

#: Values this close (relative, at least 1e-12 absolute) count as equal in ranks and comparisons with the
#: advanced value: unit conversions (× 1e-4, ÷ 1000) leave such floating-point noise on equal figures.
TIE = 1e-12


def _tie(value: float) -> float:
    return TIE * max(1.0, abs(value))


def quartile(values: Sequence[float], q: int) -> float:
    """The ``q``-th quartile (0 … 4) of ``values``, as Excel ``QUARTILE.INC(values, q)``."""
    if not 0 <= q <= 4:
        raise ValueError(f"q（四分位序号）应为 0～4，实为 {q}")
    x = np.asarray([float(v) for v in values], dtype=float)
    if x.size == 0:
        raise ValueError("values（指标值）不能为空")
    return float(np.percentile(x, 25 * q, method="linear"))


@dataclass(frozen=True)
class Benchmark:
    """Statistics of one indicator over the enterprises (smaller is better).

    advanced = the first quartile (前25%分位, 先进值), lagging = the third quartile."""

    n: int
    best: float
    advanced: float
    median: float
    lagging: float
    mean: float
    worst: float
    behind: int  # enterprises above the advanced value
    potential: float | None  # (median − advanced) / median [1]; None when the median is 0


def benchmark(values: Sequence[float]) -> Benchmark:
    """Benchmark statistics of one indicator, as 表R.3 computes them.

    Standard: 《京津冀清洁生产协同审核导则》 7.2.4/7.2.5 对标分析, 7.2.6 关键性指标.

    >>> b = benchmark([5, 4, 8])
    >>> b.advanced, b.median, b.lagging, b.behind
    (4.5, 5.0, 6.5, 2)
    """
    x = np.asarray([float(v) for v in values], dtype=float)
    if x.size == 0:
        raise ValueError("values（指标值）不能为空")
    q1, med, q3 = (quartile(x, q) for q in (1, 2, 3))
    return Benchmark(
        n=int(x.size), best=float(x.min()), advanced=q1, median=med, lagging=q3, mean=float(x.mean()),
        worst=float(x.max()), behind=int(np.sum(x > q1 + _tie(q1))), potential=(med - q1) / med if med else None,
    )


def reaches(value: float, b: Benchmark) -> bool:
    """The value is at or below the advanced value (达到先进值)."""
    return value <= b.advanced + _tie(b.advanced)


def ranks(values: Sequence[float]) -> list[int]:
    """Rank of each value, 1 = smallest (best); equal values share the smaller rank (Excel ``RANK.EQ``
    ascending)."""
    x = np.asarray(values, dtype=float)
    return [int(1 + np.sum(x < v - _tie(v))) for v in x]


def quartile_group(value: float, b: Benchmark) -> int:
    """1 (best quarter, ≤ advanced value) … 4 (worst quarter, > lagging value)."""
    return 1 if value <= b.advanced else 2 if value <= b.median else 3 if value <= b.lagging else 4
