"""Benchmarking statistics (《京津冀清洁生产协同审核导则》 7.2.4–7.2.6), worked by hand with Excel's QUARTILE.INC:
position 1 + (n − 1)·q/4 among the sorted values, linear between neighbours."""

import pytest
from numpy.testing import assert_allclose

from cpxl.calc.benchmark import benchmark, quartile, quartile_group, ranks, reaches


@pytest.mark.parametrize(
    "values, q, expected",
    [
        ([4, 5, 8], 1, 4.5),  # position 1.5: 4 + 0.5 × (5 − 4)
        ([4, 5, 8], 3, 6.5),  # position 2.5: 5 + 0.5 × (8 − 5)
        ([8, 4, 5], 2, 5.0),  # order does not matter: the median
        ([1, 2, 3, 4], 1, 1.75),  # position 1.75: 1 + 0.75 × (2 − 1)
        ([1, 2, 3, 4], 3, 3.25),  # position 3.25: 3 + 0.25 × (4 − 3)
        ([7], 1, 7.0),
        ([3, 1], 0, 1.0),  # QUARTILE(…, 0) = MIN, (…, 4) = MAX
        ([3, 1], 4, 3.0),
    ],
)
def test_quartile_as_excel_quartile_inc(values, q, expected):
    assert quartile(values, q) == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize("values, q", [([], 1), ([1, 2], 5), ([1, 2], -1)])
def test_quartile_refuses_empty_values_and_bad_q(values, q):
    with pytest.raises(ValueError, match="values|q"):
        quartile(values, q)


def test_benchmark_worked_by_hand():
    # 1, 2, 3, 4: Q1 1.75, median 2.5, Q3 3.25, mean 2.5; above 1.75: 2, 3, 4; potential (2.5 − 1.75)/2.5 = 0.3
    b = benchmark([4, 1, 3, 2])
    assert (b.n, b.best, b.worst, b.behind) == (4, 1, 4, 3)
    assert_allclose([b.advanced, b.median, b.lagging, b.mean, b.potential], [1.75, 2.5, 3.25, 2.5, 0.3])
    assert [quartile_group(x, b) for x in (1, 2, 3, 4)] == [1, 2, 3, 4]
    assert [reaches(x, b) for x in (1.75, 1.75 + 1e-13, 1.76)] == [True, True, False]  # 1e-13: rounding noise


def test_benchmark_with_median_zero_has_no_potential():
    assert benchmark([0, 0, 0]).potential is None


def test_ranks_share_the_smaller_rank_on_ties():
    # RANK.EQ ascending: 4, 4 first; 5 third; 8 fourth; 4 × (1 + 1e-14) is the same value as 4
    assert ranks([5, 4, 8, 4]) == [3, 1, 4, 1]
    assert ranks([4.0, 4.0 * (1 + 1e-14)]) == [1, 1]
