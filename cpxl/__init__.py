"""cpxl — 清洁生产审核 Excel 工具包 (cleaner production audit workbooks, in-cell functions, reports)."""

__version__ = "0.1.0"
