"""The Word report: docxtpl templates per report kind, context recomputed from the workbook, charts, PDF."""

from .export import ExportResult, ReportError, export_report

__all__ = ["export_report", "ExportResult", "ReportError"]
