"""The Word report: docxtpl templates per report kind, context recomputed from the workbook, charts, PDF.

The exporter (and with it python-docx) is imported on first use, so the report's derivations
(:mod:`cpxl.report.compute`), which the aggregation and the checks use, come without it."""

__all__ = ["export_report", "ExportResult", "ReportError"]


def __getattr__(name: str):
    if name in __all__:
        from . import export

        return getattr(export, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
