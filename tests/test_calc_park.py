"""Park indicators (T/CPPC 工业园区清洁生产审核指南 附件1 附表1)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cpxl.calc import park


def test_table_shape():
    rows = park.PARK_INDICATORS
    assert [p.no for p in rows] == list(range(1, 27))
    # 附件1: 必选 13 项, 可选 13 项, 8 个方面
    assert sum(p.required for p in rows) == 13
    assert sum(not p.required for p in rows) == 13
    assert list(dict.fromkeys(p.category for p in rows)) == [
        "经济发展", "资源节约", "能源利用", "基础设施", "环境保护", "低碳发展", "清洁生产", "园区管理"]
    assert sorted(n for members, _ in park.PARK_GROUPS.values() for n in members) == sorted(
        p.no for p in rows if not p.required)
    for p in rows:
        assert (p.group is None) == p.required
        assert p.explanation
        assert p.direction in ("higher", "lower", "qualitative")


@pytest.mark.parametrize(
    "no, name, unit, general, advanced, remark",
    [
        (1, "高新技术产业增加值占园区生产总值比值", "%", "≥30", "≥50", "必选"),
        (2, "人均工业增加值", "万元/人", "≥15", "≥20", "3 项指标至少选 1 项"),
        (7, "单位工业增加值综合能耗", "吨标煤/万元", "≤0.5", "≤0.3", "2 项指标至少选 1 项"),
        (9, "污水集中处理设施", "—", "具备", "", "必选"),
        (13, "工业园区内企事业单位发生特别重大、重大突发环境事件数量", "次", "0", "", "必选"),
        (16, "单位工业增加值固废产生量", "吨/万元", "≤0.2", "≤0.1", "2 项指标至少选 1 项"),
        (20, "园区二氧化碳排放量增长率", "%", "≤5", "≤3", "2 项指标至少选 1 项"),
        (23, "园区清洁生产宣传活动", "%", "≥3", "≥5", "必选"),
        (26, "重点企业环境信息公开率", "%", "100", "", "必选"),
    ],
)
def test_rows_as_printed(no, name, unit, general, advanced, remark):
    p = park.indicator(no)
    assert (p.name, p.unit, p.general_text, p.advanced_text, p.remark) == (name, unit, general, advanced, remark)


def test_formula_text():
    assert "^(1/3)" in park.indicator(3).formula
    assert "综合利用往年贮存量" in park.indicator(5).formula
    assert park.indicator(9).formula == ""


@pytest.mark.parametrize(
    "no, value, expected",
    [
        (1, 0.5, "先进水平"),  # 50 % >= 50
        (1, 0.3, "一般水平"),  # 30 % >= 30
        (1, 0.29, "未达到一般水平"),
        (1, "35%", "一般水平"),
        (2, 16, "一般水平"),  # 万元/人 >= 15
        (3, 0.15, "先进水平"),
        (7, 0.3, "先进水平"),  # <= 0.3 tce/万元
        (7, 0.4, "一般水平"),
        (7, 0.51, "未达到一般水平"),
        (9, "具备", "先进水平"),
        (9, "否", "未达到一般水平"),
        (12, "达标", "先进水平"),
        (13, 0, "先进水平"),
        (13, 1, "未达到一般水平"),
        (14, 1.0, "先进水平"),
        (14, 0.99, "未达到一般水平"),
        (19, 0.04, "一般水平"),
        (20, 0.02, "先进水平"),
        (20, 0.06, "未达到一般水平"),
        (22, "是", "先进水平"),
        (23, 5, "先进水平"),
        (23, 3, "一般水平"),
        (23, 2, "未达到一般水平"),
    ],
)
def test_park_level(no, value, expected):
    if isinstance(value, str) and value.endswith("%"):
        value = float(value[:-1]) / 100
    assert park.park_level(no, value) == expected


def test_park_level_errors():
    with pytest.raises(ValueError, match="0～100%"):
        park.park_level(1, 35)  # a percentage must be 35 % or 0.35
    with pytest.raises(ValueError, match="1～26"):
        park.park_level(27, 1)
    with pytest.raises(ValueError, match="定性指标"):
        park.park_level(9, 5)
    with pytest.raises(ValueError, match="不能为空"):
        park.park_level(1, None)
    with pytest.raises(ValueError, match="不能为负数"):
        park.park_level(13, -1)


REQUIRED = [1, 9, 12, 13, 14, 17, 18, 21, 22, 23, 24, 25, 26]


def test_selection():
    assert park.park_selection_ok(REQUIRED + [2, 5, 7, 10, 15, 19]) == "符合"
    text = park.park_selection_ok(REQUIRED + [2, 3, 5, 7, 10, 15])
    assert text.startswith("不符合") and "19、20" in text
    problems = park.park_selection_problems([1, 2])
    assert problems[0].startswith("缺少必选指标 9、12")
    assert any("至少 19 项" in p for p in problems)


def test_completeness():
    assert park.completeness(["是", "是", "否", "是"]) == 0.75  # 3 of 4 items, 25 % each
    assert park.completeness(["是", "是", "是", "是", "否"]) == 0.8  # 5 items, 20 % each
    assert park.completeness(["是", None, "是"]) == 1.0
    with pytest.raises(ValueError, match="第 1 项"):
        park.completeness(["可能"])


@given(x1=st.floats(min_value=0, max_value=1), x2=st.floats(min_value=0, max_value=1),
       no=st.sampled_from([1, 4, 5, 6, 8, 10, 11, 17, 18]))
def test_park_level_monotone_for_shares(x1, x2, no):
    order = {"先进水平": 0, "一般水平": 1, "未达到一般水平": 2}
    lo, hi = sorted((x1, x2))
    assert order[park.park_level(no, hi)] <= order[park.park_level(no, lo)]
