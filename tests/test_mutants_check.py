"""Tests written against the mutants of cpxl/workbook/check.py that survived the other tests
(tools/mutation.py cpxl/workbook/check.py)."""

from __future__ import annotations

import pytest
from test_check import _broken, _has, demo  # noqa: F401  (demo: the fixture of a read demo workbook)

from cpxl.workbook.check import option_key


@pytest.mark.parametrize("written", ["F1", "F01", "F 01", "ｆ０１", " f 1 "])
def test_option_ids_with_spaces_padding_or_full_width_are_one_option(written):
    # DB4101/T 61 6.7.2 “F+顺序号”: the number counts, not its zero padding, case, width or spaces
    assert option_key(written) == "F1"


def test_other_option_names_compare_as_upper_case_text_without_spaces():
    assert option_key("f 0") == "F0"  # F0 is no 顺序号: kept as text
    assert option_key("改造 方案") == "改造方案"


def test_a_blank_required_cover_field_is_an_error_naming_the_field(demo, tmp_path):  # noqa: F811 (the fixture)
    cover = demo[1]["封面信息"]
    cell = cover.field_cells["audit_type"]
    label = next(f.label for f in cover.table.fields if f.key == "audit_type")
    finding = _has(_broken(demo, tmp_path, lambda wb, b: wb[cover.sheet].__setitem__(cell, None)), cover.sheet, cell, "required")
    assert (finding.severity, finding.message) == ("error", f"“{label}”为必填项")
