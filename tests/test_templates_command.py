"""``python -m cpxl.report.templates`` rewrites the four report templates from code and names them."""

from __future__ import annotations

import functools
import runpy

from cpxl.report import templates
from cpxl.tables import KINDS


def test_the_command_writes_every_template_and_prints_its_name(tmp_path, monkeypatch, capsys):
    # into a temporary folder instead of the package's own
    monkeypatch.setattr(templates, "write_templates", functools.partial(templates.write_templates, tmp_path))
    runpy.run_module("cpxl.report.templates", run_name="__main__")
    assert capsys.readouterr().out.splitlines() == [k.report_template for k in KINDS.values()]
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(k.report_template for k in KINDS.values())
    for kind, name in ((k.id, k.report_template) for k in KINDS.values()):  # what the package ships (test_report_templates: built the same way)
        assert (tmp_path / name).read_bytes() == templates.template_path(kind).read_bytes(), kind
