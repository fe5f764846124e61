"""A table's declaration is complete: what it names exists, every computed value has its derivation, every
declared check has its rule and every declared figure is drawn."""

from __future__ import annotations

from requires import requires

from cpxl.report.analysis import Facts
from cpxl.report.compute import DERIVATIONS, derive
from cpxl.report.context import FIGURE_BUILDERS, placements, report_frame
from cpxl.tables import KINDS, registry
from cpxl.workbook.check import run
from cpxl.workbook.read import read_workbook

ALL = {t.id: t for kind in KINDS for t in registry(kind)}.values()
PNG = b"\x89PNG\r\n\x1a\n"


def test_every_computed_column_has_a_derivation():
    for t in ALL:
        computed = [c.key for c in t.columns if c.computed]
        if computed:
            assert t.derive in DERIVATIONS, (t.id, computed, t.derive)
    assert {t.derive for t in ALL if t.derive} == set(DERIVATIONS)  # and no derivation is left unused


def test_every_declared_check_has_its_rule():
    declared = {type(c) for t in ALL for c in t.checks}
    assert len(declared) >= 12
    for cls in declared:
        assert run.dispatch(cls) is not run.dispatch(object), cls.__name__


def test_report_declarations_name_real_columns_and_builders():
    for t in ALL:
        if not t.report:
            continue
        keys = {c.key for c in t.columns}
        r = t.report
        named = [*r.percent, *(a.columns if (a := r.annex) else ()), r.note_column, r.rows_with,
                 r.split.by if r.split else None, r.summary.by if r.summary else None,
                 *(f.unit_from for f in t.fields)]
        assert {k for k in named if k} <= keys, t.id
        assert set(r.figures) <= set(FIGURE_BUILDERS), t.id
        assert {kind for kind, _ in r.sections} <= set(t.kinds), t.id
    assert {name for t in ALL if t.report for name in t.report.figures} == set(FIGURE_BUILDERS)


def test_every_declared_figure_is_drawn(demo_audit, demo_acceptance, park_workbook, region_workbook):
    """Each figure a printed table declares yields a picture, in the demo or the sample park and region."""
    requires("dot")  # the balance diagrams
    drawn = set()
    for kind, path in (("audit", demo_audit), ("acceptance", demo_acceptance), ("park", park_workbook),
                       ("region", region_workbook)):
        book = read_workbook(path)
        d = derive(book)
        facts = Facts(d, kind, book.years)
        for parts in placements(book, kind, d, report_frame(kind, [])).values():
            for part in parts:
                if not part.rows or part.key.endswith("#annex"):
                    continue
                for name in part.table.report.figures:
                    figures = FIGURE_BUILDERS[name](facts, part)
                    assert figures and all(f.png and f.png.startswith(PNG) for f in figures), (kind, part.key, name)
                    drawn.add(name)
    assert drawn == set(FIGURE_BUILDERS)
