"""Shared fixtures: the demo workbooks and the sample park and region workbooks, written once per test session.

A test that changes a workbook copies it first (``shutil.copy(demo_audit, tmp_path / ...)``); the session's
files are checked to be unchanged when the session ends. With ``CPXL_TEST_CACHE`` set (mutation runs) the demo
workbooks are copied from the ones kept since the sources last changed (tests/built.py).
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="session")
def demo_workbooks(tmp_path_factory) -> tuple[Path, ...]:
    """The demo's audit, acceptance and park workbooks (`cpxl demo`), shared by every test module: read only."""
    import built

    from cpxl.demo import write_demo

    # the region: test_demo.test_cli_demo
    paths = tuple(built.kept("demo", lambda d: write_demo(d, region=False), tmp_path_factory.mktemp("demo")))
    before = [_digest(p) for p in paths]
    yield paths
    changed = [p.name for p, d in zip(paths, before) if _digest(p) != d]
    assert not changed, f"a test changed the shared demo workbooks {changed}: copy them before editing"


@pytest.fixture(scope="session")
def demo_audit(demo_workbooks) -> Path:
    """The demo audit workbook (清泉啤酒, 审核报告)."""
    return demo_workbooks[0]


@pytest.fixture(scope="session")
def demo_acceptance(demo_workbooks) -> Path:
    """The demo acceptance workbook (验收报告)."""
    return demo_workbooks[1]


@pytest.fixture(scope="session")
def park_workbook(tmp_path_factory) -> Path:
    """A small filled park workbook (tests/samples.py) with the section texts PARK_TEXT."""
    import samples

    return samples.write("park", samples.park_data(samples.PARK_TEXT), tmp_path_factory.mktemp("park") / "park.xlsx")


@pytest.fixture(scope="session")
def region_workbook(tmp_path_factory) -> Path:
    """A small filled regional/industry workbook (tests/samples.py) with the section texts REGION_TEXT."""
    import samples

    return samples.write("region", samples.region_data(samples.REGION_TEXT), tmp_path_factory.mktemp("region") / "region.xlsx")


@pytest.fixture(scope="session")
def lo():
    """The LibreOffice helper module (tests/libreoffice.py); skipped without LibreOffice, failed in CI."""
    import libreoffice
    from requires import requires

    requires("soffice", "libreoffice")
    return libreoffice
