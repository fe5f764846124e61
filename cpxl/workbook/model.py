"""The book model: a filled workbook as read, one :class:`TableData` per table of the registry.

A table's rows are plain dicts (column key → typed value, None for blank; ``_row`` the sheet row, ``_section``
the section label above it): the checks and the aggregation use them as they are. A pandas DataFrame of
the same rows (numbers as float, NaN for blanks) is built on demand, for the report's derivations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd

from cpxl.tables import CONDITIONS, Registry
from cpxl.tables.common import COVER, PARAMETERS, SECTION_TEXT
from cpxl.tables.model import Table
from cpxl.values import filled

from .findings import Finding

_NO_ROWS = pd.DataFrame()  # shared by tables without rows (forms, missing sheets): never modified


class CellRefs:
    """The cell address of each value, derived from its row number and its column's letter:
    ``cells.at[index, key]`` → ``"F12"`` (the indexing of a DataFrame, without building one)."""

    def __init__(self, letters: dict[str, str] | None = None, rows: list[int] | None = None):
        self._letters, self._rows = letters or {}, rows or []

    @property
    def at(self) -> CellRefs:
        return self

    def __getitem__(self, index_key) -> str:
        index, key = index_key
        return f"{self._letters[key]}{self._rows[index]}"

    def __contains__(self, key) -> bool:
        return key in self._letters

    def row(self, index) -> dict[str, str]:
        r = self._rows[index]
        return {key: f"{letter}{r}" for key, letter in self._letters.items()}


def rows_frame(table: Table, rows: list[dict]) -> pd.DataFrame:
    """The rows as a DataFrame, columns typed as declared (numbers as float, NaN for blanks)."""
    columns = {}
    for key in (*(c.key for c in table.columns), "_row", "_section"):
        values = [r.get(key) for r in rows]
        if key[0] != "_" and table.column(key).numeric:
            columns[key] = np.array([np.nan if v is None else v for v in values], dtype=float)
        else:
            columns[key] = np.array(values, dtype=object)
    return pd.DataFrame(columns)


@dataclass
class TableData:
    """One table as read: typed values and, in the same shape, the cell address of each value."""

    table: Table
    sheet: str | None  # None when the sheet is missing
    rows: list[dict] = field(default_factory=list)  # data rows: column key → typed value, and _row, _section
    cells: CellRefs = field(default_factory=CellRefs)
    totals: dict[str, object] = field(default_factory=dict)  # total row values by column key
    total_cells: dict[str, str] = field(default_factory=dict)
    fields: dict[str, object] = field(default_factory=dict)  # form values by field key
    field_cells: dict[str, str] = field(default_factory=dict)
    bad_cells: set[str] = field(default_factory=set)  # cells already reported as unreadable

    @cached_property
    def frame(self) -> pd.DataFrame:
        """The rows as a DataFrame (built once, on first use); read-only when empty."""
        if self.sheet is None or not self.table.columns:
            return _NO_ROWS
        return rows_frame(self.table, self.rows)

    @property
    def present(self) -> bool:
        return self.sheet is not None

    @property
    def empty(self) -> bool:
        """Nothing the auditor typed: no input values besides the printed row labels."""
        if self.fields and any(filled(v) for k, v in self.fields.items() if not self.table.field(k).computed):
            return False
        keys = [c.key for c in self.table.columns if not c.computed and c.key not in self.table.row_keys]
        return not any(filled(row[k]) for row in self.rows for k in keys)

    def cell(self, index, key: str) -> str:
        return f"{self.sheet}!{self.cells.at[index, key]}"


@dataclass
class Book:
    path: Path
    kind: str
    registry: Registry
    tables: dict[str, TableData]
    findings: list[Finding]
    extra_sheets: list[str]

    def __getitem__(self, table_id: str) -> TableData:
        return self.tables[table_id]

    @property
    def cover(self) -> dict[str, object]:
        return self.tables[COVER.id].fields

    @property
    def base_year(self) -> int | None:
        y = self.cover.get("base_year")
        return int(y) if isinstance(y, (int, float)) and not pd.isna(y) else None

    @property
    def years(self) -> tuple[int, int, int] | None:
        """The three years of 审核考察期 (DB4101/T 61 3.9), oldest first."""
        b = self.base_year
        return (b - 2, b - 1, b) if b else None

    def applies(self, table: Table) -> bool:
        """Whether `table` applies to this workbook (its condition, on 封面信息 or the kind)."""
        return CONDITIONS[table.applies].holds(self.cover, self.kind)

    def rows(self, table_id: str) -> list[dict]:
        """The table's rows ([] when the table is not in the book or its sheet is missing)."""
        data = self.tables.get(table_id)
        return data.rows if data is not None else []

    @property
    def parameters(self) -> list[tuple]:
        """(类别, 名称, 数值) rows of `参数` the auditor filled."""
        return [(r["category"], r["name"], r["value"]) for r in self.rows(PARAMETERS.id) if filled(r["name"]) and filled(r["value"])]

    @property
    def section_texts(self) -> dict[str, str]:
        return {str(r["number"] if filled(r["number"]) else r["title"]): r["text"]
                for r in self.rows(SECTION_TEXT.id) if filled(r["text"])}
