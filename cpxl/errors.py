"""Errors the user sees. Messages are Chinese and name the file, sheet or cell."""

from __future__ import annotations


class CpxlError(Exception):
    """A problem with the user's input or request; the CLI prints it on one line and exits with `exit_code`."""

    exit_code = 2


class UnreadableWorkbook(CpxlError):
    """The file cannot be read as an audit workbook (not xlsx, encrypted, truncated, too large)."""


class OutputExists(CpxlError):
    """Refusing to overwrite an output (or the input itself)."""
