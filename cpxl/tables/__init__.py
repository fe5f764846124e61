"""The table registry: every table of every report kind, declared once (DESIGN.md)."""

from __future__ import annotations

import importlib
from functools import lru_cache

from .model import EIGHT_CATEGORIES, KINDS, Column, Field, Registry, Table

# Declaration modules and the list each exports, in sheet order.
_SOURCES = {
    "audit": [("enterprise", "TABLES"), ("balances", "BALANCE_TABLES")],
    "acceptance": [("enterprise", "TABLES"), ("balances", "BALANCE_TABLES"), ("balances", "ACCEPTANCE_TABLES")],
    "park": [("park", "PARK_TABLES")],
    "region": [("region", "REGION_TABLES")],
}

KIND_NAMES = {"audit": "清洁生产审核", "acceptance": "清洁生产审核验收", "park": "园区清洁生产审核", "region": "区域/行业清洁生产审核"}


@lru_cache(maxsize=None)
def registry(kind: str) -> Registry:
    """All sheets of a `kind` workbook: the helper sheets, then its tables."""
    from .common import helper_tables

    if kind not in KINDS:
        raise ValueError(f"未知的工作簿类型“{kind}”，可选：{'、'.join(KINDS)}")
    tables = helper_tables(kind)
    for module, name in _SOURCES[kind]:
        mod = importlib.import_module(f"{__name__}.{module}")
        tables += [t for t in getattr(mod, name) if kind in t.kinds]
    return Registry(kind, tables)


__all__ = ["registry", "Registry", "Table", "Column", "Field", "EIGHT_CATEGORIES", "KINDS", "KIND_NAMES"]
