"""Shared fixtures: the demo workbooks, written once per test session, and LibreOffice (skipped where it is not
installed, except on CI, where its absence fails)."""

from __future__ import annotations

import os

import pytest

import libreoffice


@pytest.fixture(scope="session")
def demo_paths(tmp_path_factory):
    """The demo audit and acceptance workbooks as `cpxl demo` writes them (read-only: copy before editing)."""
    from cpxl.demo import write_demo

    return write_demo(tmp_path_factory.mktemp("demo-session"), region=False)


@pytest.fixture(scope="session")
def lo():
    """The LibreOffice helper module (tests/libreoffice.py)."""
    if not libreoffice.available():
        if os.environ.get("CI"):
            pytest.fail("CI 须安装 LibreOffice（libreoffice-calc-nogui）")
        pytest.skip("LibreOffice 未安装")
    return libreoffice
