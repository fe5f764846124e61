"""Where a table sits on its sheet. Shared by the template builder and the reader so the two agree."""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.utils import get_column_letter

from cpxl.tables.model import Table

TITLE_ROW = 1
NOTE_ROW = 2
FIRST_ROW = 3  # first header row (form or grid)
FORM_HEADERS = ("项目", "内容", "单位", "说明")
RANGE_ROWS = 500  # rows a cross-sheet range covers, so rows the auditor inserts are still counted


def is_section_label(value: object) -> bool:
    """`一、主要生产设备`: a heading row inside a table, not data."""
    s = str(value or "")
    return len(s) > 2 and s[0] in "一二三四五六七八九十" and s[1] == "、"


@dataclass(frozen=True)
class Layout:
    table: Table

    # ---- form part -------------------------------------------------------------------------------
    @property
    def form_header_row(self) -> int:
        return FIRST_ROW

    def field_row(self, index: int) -> int:
        return FIRST_ROW + 1 + index

    def field_ref(self, key: str) -> str:
        """Absolute address of a field's value cell, e.g. ``$B$7``."""
        for i, f in enumerate(self.table.fields):
            if f.key == key:
                return f"$B${self.field_row(i)}"
        raise KeyError(f"{self.table.id} has no field {key!r}")

    # ---- grid part -------------------------------------------------------------------------------
    @property
    def header_row(self) -> int:
        if self.table.fields:
            return self.field_row(len(self.table.fields)) + 1
        return FIRST_ROW

    @property
    def data_row(self) -> int:
        return self.header_row + self.table.header_depth

    @property
    def template_rows(self) -> int:
        return len(self.table.rows) + self.table.free_rows

    @property
    def total_row(self) -> int | None:
        return self.data_row + self.template_rows if self.table.total_label else None

    @property
    def last_row(self) -> int:
        return self.data_row + self.template_rows - 1 + (1 if self.table.total_label else 0)

    def letter(self, key: str) -> str:
        for j, c in enumerate(self.table.columns, start=1):
            if c.key == key:
                return get_column_letter(j)
        raise KeyError(f"{self.table.id} has no column {key!r}")

    def column_range(self, key: str) -> str:
        """Absolute range of a column's data area on this sheet (without the sheet name)."""
        col = self.letter(key)
        return f"${col}${self.data_row}:${col}${self.data_row + RANGE_ROWS - 1}"

    @property
    def width(self) -> int:
        return max(len(self.table.columns), len(FORM_HEADERS) if self.table.fields else 0, 1)


def quote_sheet(name: str) -> str:
    return "'" + name.replace("'", "''") + "'"
