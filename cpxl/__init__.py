"""cpxl — 清洁生产审核 Excel 工具包 (cleaner production audit workbooks, in-cell functions, reports)."""

__version__ = "0.1.0"


def main() -> None:
    """The Excel ribbon button 「导出报告」 (run by the cpxl.xlam add-in): check the calling workbook and
    export its report beside it. Imported lazily so that `import cpxl` stays light."""
    from cpxl.excel import main as _main

    return _main()
