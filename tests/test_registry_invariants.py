"""Invariants every declared table of every workbook kind keeps (附录 D/E, the balances and extras, the park and
regional tables), each test parametrised over all of them; the tables' own content is checked in
test_registry.py (附录 D/E) and test_registry_extra.py (the rest)."""

from __future__ import annotations

import re

import pytest

from cpxl.tables import KINDS, registry
from cpxl.tables.common import COVER, helper_tables
from cpxl.tables.model import YEAR_PLACEHOLDERS, Table
from cpxl.udfs import FUNCTIONS

#: Every table of every kind, once (helper sheets included: 封面信息, 参数, 章节文字, 代码表).
EVERY_TABLE: dict[str, Table] = {t.id: t for kind in KINDS for t in registry(kind)}
HELPERS = {t.id for t in helper_tables("audit")}
#: The tables the standards prescribe (helper sheets left out).
DECLARED = [t for t in EVERY_TABLE.values() if t.id not in HELPERS]

PLACEHOLDER = re.compile(r"\{([cxspf])\[([^\]]*)\]\}")

#: Functions Excel 2010+, WPS and LibreOffice all compute, as the native formulas may use them.
NATIVE_FUNCTIONS = {
    "IF", "IFERROR", "ISERROR", "ISNUMBER", "AND", "OR", "NOT", "N", "SUM", "SUMIF", "SUMIFS", "SUMPRODUCT",
    "COUNT", "COUNTA", "COUNTIF", "INDEX", "MATCH", "ROUND", "ABS", "MAX", "MIN", "MEDIAN", "QUARTILE",
    "AVERAGE", "RANK", "PV", "RATE", "INT", "TEXT", "MID", "LEFT", "LEN", "VALUE", "SUBSTITUTE", "CHOOSE",
}


def items(table: Table):
    """(key, native formula) of every column and field."""
    return [(c.key, c.formula) for c in (*table.columns, *table.fields)]


def keys(table: Table) -> set[str]:
    return {k for k, _ in items(table)}


def row_values(table: Table, key: str) -> list:
    i = table.row_keys.index(key)
    return [row[i] if i < len(row) else None for row in table.rows]


def forms(table: Table):
    """(key, formula) of each native formula and each CP_ form of `table`."""
    for item in (*table.columns, *table.fields):
        yield from ((item.key, f) for f in (item.formula, item.cp) if f)


by_table = pytest.mark.parametrize("t", DECLARED, ids=lambda t: t.id)
with_formulas = pytest.mark.parametrize("t", [t for t in EVERY_TABLE.values() if any(forms(t))], ids=lambda t: t.id)


@pytest.mark.parametrize("kind", KINDS)
def test_sheet_names_unique_per_workbook(kind):
    names = [t.sheet_name for t in registry(kind)]
    assert len(set(names)) == len(names)


@by_table
def test_sheet_name_valid(t):
    assert t.short and len(t.short) <= 12
    assert t.sheet_name == f"{t.id} {t.short}"
    assert len(t.sheet_name) <= 31 and not set(t.sheet_name) & set("[]:*?/\\")


@by_table
def test_grid_or_form_with_unique_keys(t):
    assert t.is_grid or t.is_form
    all_keys = [k for k, _ in items(t)]
    assert len(all_keys) == len(set(all_keys))
    assert set(t.kinds) <= set(KINDS)


@by_table
def test_labels_clean(t):
    for c in (*t.columns, *t.fields):
        assert c.label and c.label == c.label.strip() and " " not in c.label, c.key  # no spaces left by the PDF
    for c in t.columns:
        assert all(g and " " not in g for g in c.group), c.group
        for text in (c.label, *c.group):
            assert set(re.findall(r"\{[a-z0-9]+\}", text)) <= set(YEAR_PLACEHOLDERS), text


@by_table
def test_choices_are_distinct_texts(t):
    for c in (*t.columns, *t.fields):
        assert isinstance(c.choices, tuple), c.key
        assert all(isinstance(x, str) and x for x in c.choices) and len(set(c.choices)) == len(c.choices), c.key


@by_table
def test_fixed_rows_fit_row_keys_and_choices(t):
    if t.rows:
        assert t.row_keys
    assert set(t.row_keys) <= keys(t)
    for row in t.rows:
        assert 1 <= len(row) <= len(t.row_keys), row
    for k in t.row_keys:
        choices = t.column(k).choices
        if choices:
            assert all(v in (None, "") or v in choices for v in row_values(t, k)), k


@by_table
def test_label_key_and_totals(t):
    if t.label_key:
        assert t.label_key in keys(t)
    if t.total_label:
        assert t.is_grid and any(c.total for c in t.columns)
        assert not any(c.total and c.type == "percent" for c in t.columns)  # rates do not add up


@by_table
def test_columns_with_a_unit_are_numbers(t):
    """A column under a unit holds numbers (a column *named* unit, e.g. 计量单位, holds the unit itself)."""
    for c in t.columns:
        if c.unit and not c.key.endswith("unit"):
            assert c.numeric, (c.key, c.unit)


@by_table
def test_computed_cells_stay_blank_for_blank_rows(t):
    """Every computed column of a grid starts with IF(…,"",…) so blank template rows stay blank."""
    for c in t.columns:
        if c.formula:
            assert c.formula.startswith("=IF(") and '""' in c.formula, c.key


@with_formulas
def test_formulas_well_formed(t):
    for key, formula in forms(t):
        body = re.sub(r'"[^"]*"', "", formula)
        assert formula.startswith("=") and body.count("(") == body.count(")"), key
        assert formula.count('"') % 2 == 0 and len(formula) < 8192, key


@with_formulas
def test_formula_placeholders_resolve(t):
    cover = {f.key for f in COVER.fields}
    for key, formula in forms(t):
        for kind_, arg in PLACEHOLDER.findall(formula):
            if kind_ == "c":
                assert any(c.key == arg for c in t.columns), (key, arg)
            elif kind_ == "x":
                table_id, _, col = arg.partition(":")
                for kind in t.kinds:  # the referenced table exists in every workbook the table is in
                    assert table_id in registry(kind), (key, arg, kind)
                    assert any(c.key == col for c in registry(kind)[table_id].columns), (key, arg)
            elif kind_ == "s":
                assert all(arg in registry(kind) for kind in t.kinds), (key, arg)
            elif kind_ == "p":
                assert arg in cover, (key, arg)
            elif kind_ == "f":
                assert any(f.key == arg for f in t.fields), (key, arg)
        rest = PLACEHOLDER.sub("", formula).replace("{r}", "")
        assert "{" not in rest and "}" not in rest, (key, rest)
        if "{c[" in formula:
            assert "{r}" in formula, key


@with_formulas
def test_native_formulas_use_only_common_functions(t):
    """The default workbooks compute wherever they are opened: no CP_ call, no function outside the set
    every spreadsheet computes (no LAMBDA, LET, XLOOKUP, dynamic arrays, _xlfn.)."""
    for key, formula in items(t):
        if formula:
            names = set(re.findall(r"([A-Za-z_][A-Za-z0-9_.]*)\(", re.sub(r'"[^"]*"', "", formula)))
            assert names <= NATIVE_FUNCTIONS, (key, names - NATIVE_FUNCTIONS)


@with_formulas
def test_cp_forms_call_only_public_functions_and_have_a_native_twin(t):
    for item in (*t.columns, *t.fields):
        if item.cp:
            assert item.formula, item.key
            assert set(re.findall(r"\b(CP_[A-Z_]+)\(", item.cp)) <= set(FUNCTIONS), item.key


def test_the_add_in_forms_are_many():
    assert sum(1 for t in EVERY_TABLE.values() for item in (*t.columns, *t.fields) if item.cp) >= 25
