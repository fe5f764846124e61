"""The table registry's vocabulary: a table is declared once, as data, and drives the template sheet,
reading, checks and the report table (DESIGN.md, "The one idea")."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from .checks import Check

ColumnType = Literal["text", "number", "integer", "percent", "date", "year"]

#: The eight cause / option categories of DB11/T 1156 附录 A, in the standard's order.
EIGHT_CATEGORIES = ("原辅材料和资源能源", "生产工艺", "设备", "过程控制", "产品", "废弃物", "管理", "员工")

#: Placeholders a header label may carry; the builder turns them into formulas on `封面信息`.
YEAR_PLACEHOLDERS = ("{y1}", "{y2}", "{y3}", "{near}", "{far}")


class _Cell:
    """What a column and a form field share: a declared type and an optional formula."""

    type: ColumnType
    formula: str | None
    cp: str | None

    def formula_in(self, functions: str = "native") -> str | None:
        """The cell formula for a workbook of `functions` ``native`` (default) or ``cp`` (add-in calls)."""
        return self.cp if functions == "cp" and self.cp else self.formula

    @property
    def numeric(self) -> bool:
        return self.type in ("number", "integer", "percent", "year")

    @property
    def computed(self) -> bool:
        return self.formula is not None


@dataclass(frozen=True)
class Column(_Cell):
    """One leaf column of a grid table.

    `group` holds the parent header labels, outermost first (multi-level headers as printed).
    `formula` makes the column computed: a template of a native formula (functions Excel 2010+, WPS and
    LibreOffice all compute) with ``{r}`` (row number), ``{c[key]}`` (this table's column letter for
    `key`), ``{s[TABLE_ID]}`` (quoted sheet name), ``{x[TABLE_ID:key]}`` (absolute range of another
    table's column), ``{f[key]}`` (this table's form field) and ``{p[name]}`` (absolute reference of a
    `封面信息` value); settings and
    coefficients of `参数` are the workbook's defined names (see `cpxl.tables.common.PARAMETER_NAMES`).
    `cp` is the same quantity written with the add-in's ``CP_*`` functions (``cpxl new --functions cp``).
    """

    key: str
    label: str
    unit: str = ""
    type: ColumnType = "text"
    group: tuple[str, ...] = ()
    required: bool = False
    choices: tuple[str, ...] = ()
    formula: str | None = None
    cp: str | None = None
    total: bool = False  # summed in the table's total row
    negative_ok: bool = False
    width: float | None = None
    hint: str = ""
    printed: bool = True  # False: kept in the workbook (to split or sum by it), not printed in the report
    typed_over: bool = False  # a value typed over the formula is kept (the derivation leaves it)

    @property
    def header(self) -> str:
        return f"{self.label}（{self.unit}）" if self.unit else self.label


@dataclass(frozen=True)
class Field(_Cell):
    """One item of a form (key–value) table such as D.4 or `封面信息`."""

    key: str
    label: str
    type: ColumnType = "text"
    unit: str = ""
    required: bool = False
    choices: tuple[str, ...] = ()
    formula: str | None = None
    hint: str = ""
    default: object = None
    cp: str | None = None
    unit_from: str | None = None  # the grid column whose first filled value is this field's unit in the report



@dataclass(frozen=True)
class Split:
    """A table printed as separate tables, one per value of the column `by` (DB4101/T 61 6.4.1 a)
    领导小组和工作小组分别列表).

    Each part is captioned `caption` with ``{value}`` filled in, or by `captions` (value, caption) where the
    standard names the parts differently; a value without a caption keeps the table's title. `places`
    (value, section) orders the parts and moves a part to another section (None: the table's own).
    """

    by: str
    caption: str = ""
    places: tuple[tuple[str, str | None], ...] = ()
    captions: tuple[tuple[str, str], ...] = ()

    def title(self, value: str, default: str) -> str:
        if not value:
            return default
        if self.captions:
            return dict(self.captions).get(value, default)
        return self.caption.format(value=value)


@dataclass(frozen=True)
class Annex:
    """Columns of long text moved out of the body table into an annex table titled `title`; the body keeps
    the table narrow and short, the annex table repeats the row's number and name."""

    columns: tuple[str, ...]
    title: str


@dataclass(frozen=True)
class Summary:
    """A per-enterprise table summarised in the body by the values of column `by` and printed in full in
    the annex titled `title`; `note` goes under the summary (``{annex}``: the annex's name)."""

    by: str
    title: str
    note: str


@dataclass(frozen=True)
class Monitoring:
    """Monitoring results the report judges against their limits (4.1.3: the pollutants of `what`, each row
    达标 or 超标). A row is named by the first filled column of each group of `name`, joined; each of
    `measures` is (maximum, average, minimum, limit), the limit a number or a text such as “6～9”. Rows whose
    column `sums[0]` holds `sums[1]` add up other rows: no monitoring of their own, not judged."""

    what: str
    name: tuple[tuple[str, ...], ...]
    measures: tuple[tuple[str, str, str, str], ...]
    sums: tuple[str, str] | None = None


@dataclass(frozen=True)
class Report:
    """How a table is printed in the report (placement per DB4101/T 61 附录 B, layout per 附录 C).

    - `sections`: (kind, section) where a report kind places the table elsewhere than `Table.section`
      (None: not printed in that kind);
    - `split`, `annex`, `summary`: the table printed in parts, with an annex, or summarised;
    - `note`: the source note printed under a table whose values the exporter computes;
    - `note_column`: a column of long explanations printed as numbered notes under the table;
    - `percent`: columns holding shares (0.35) printed as per cent (35) on rows whose ``unit`` is “%”;
    - `rows_with`: only rows where this column is a non-zero number are printed;
    - `blank_columns`: False leaves out the columns nobody filled (tables the standard does not print);
    - `form`: a prescribed form instead of the grid, by name: ``row_pairs`` (one key–value form per row,
      附录E), ``visit_register`` (表E.2), ``performance_summary`` (表E.4, with its seal and signature);
    - `blank_form_in`: report kinds that print the form even when nothing is filled;
    - `figures`: names of the figure builders drawn under the table (:mod:`cpxl.report.context`);
    - `monitoring`: the rows are monitoring results the analysis judges against their limits.
    """

    sections: tuple[tuple[str, str | None], ...] = ()
    split: Split | None = None
    annex: Annex | None = None
    summary: Summary | None = None
    note: str = ""
    note_column: str | None = None
    percent: tuple[str, ...] = ()
    rows_with: str | None = None
    blank_columns: bool = True
    form: str = ""
    blank_form_in: tuple[str, ...] = ()
    figures: tuple[str, ...] = ()
    monitoring: Monitoring | None = None


#: What a table's report behaviour is when its declaration says nothing.
PLAIN = Report()


@dataclass(frozen=True)
class Table:
    """A required table: a grid (`columns`), a form (`fields`), or a form above a grid.

    `rows` are fixed rows as printed in the standard: each a tuple of values for the columns named in
    `row_keys` (e.g. D.3's seven phases). Rows whose first value starts with a Chinese numeral and a
    pause mark (``一、主要生产设备``) are section rows: kept as labels, not data.
    """

    id: str
    title: str
    short: str
    section: str  # report section per DB4101/T 61 附录 B (e.g. "4.1.2"); "" for helper sheets
    source: str
    columns: tuple[Column, ...] = ()
    fields: tuple[Field, ...] = ()
    rows: tuple[tuple, ...] = ()
    row_keys: tuple[str, ...] = ()
    free_rows: int = 8  # blank input rows below the fixed ones in the template
    total_label: str | None = None
    applies: str = "always"  # the id of a Condition (cpxl.tables.kinds.CONDITIONS)
    optional: bool = False  # may stay empty even when it applies (e.g. D.29 without experts)
    note: str = ""
    checks: tuple[Check, ...] = ()  # rules beyond the columns' own (cpxl.tables.checks)
    kinds: tuple[str, ...] = ("audit", "acceptance")
    report: Report | None = PLAIN  # placed in the report as a numbered table, as said; None: not printed
    label_key: str | None = None  # the column holding a row's name (total-row label, messages)
    derive: str | None = None  # its computed values' derivation, by name (cpxl.report.compute.DERIVATIONS);
    # derivations run in sheet order, so one may use the values derived for the tables before it
    aggregate_checked: bool = True  # False: the aggregation reads it without the generic checks, its values
    # being checked where they are used (参数: parameters_from_rows, problems become notes)

    def section_in(self, kind: str) -> str | None:
        """The report section of this table in a `kind` report (None or "": not printed)."""
        return dict(self.report.sections).get(kind, self.section) if self.report else None

    @property
    def sheet_name(self) -> str:
        return f"{self.id} {self.short}" if self.short else self.id

    @property
    def caption(self) -> str:
        return self.title

    @property
    def is_form(self) -> bool:
        return bool(self.fields)

    @property
    def is_grid(self) -> bool:
        return bool(self.columns)

    def column(self, key: str) -> Column:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(f"{self.id} has no column {key!r}")

    def field(self, key: str) -> Field:
        for f in self.fields:
            if f.key == key:
                return f
        raise KeyError(f"{self.id} has no field {key!r}")

    @property
    def header_depth(self) -> int:
        return 1 + max((len(c.group) for c in self.columns), default=0)

    @property
    def name_key(self) -> str | None:
        """Column naming a row: declared, else the first text column that is not 序号."""
        if self.label_key:
            return self.label_key
        for c in self.columns:
            if c.type == "text" and c.key != "no":
                return c.key
        return None


@dataclass
class Registry:
    """All tables of one report kind, in sheet order."""

    kind: str
    tables: list[Table] = field(default_factory=list)

    def __iter__(self):
        return iter(self.tables)

    def __getitem__(self, table_id: str) -> Table:
        for t in self.tables:
            if t.id == table_id:
                return t
        raise KeyError(table_id)

    def __contains__(self, table_id: str) -> bool:
        return any(t.id == table_id for t in self.tables)

    @property
    def ids(self) -> list[str]:
        return [t.id for t in self.tables]
