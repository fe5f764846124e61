"""The ribbon add-in cpxl.xlam, the button's Python side (cpxl.main) and `cpxl addin` — without Excel."""

from __future__ import annotations

import hashlib
import importlib.util
import subprocess
import sys
import types
import zipfile
from pathlib import Path
from types import SimpleNamespace

import pytest
import xlwings
from requires import requires_module
from defusedxml import ElementTree
from typer.testing import CliRunner

import cpxl
import cpxl.addin as addin
from cpxl.cli import app
from cpxl.workbook.build import build_workbook, save_workbook
from cpxl.workbook.check import check_book
from cpxl.workbook.read import read_workbook

ROOT = Path(__file__).resolve().parents[1]
COMMITTED = (ROOT / "addin" / "cpxl.xlam", ROOT / "cpxl" / "data" / "cpxl.xlam")
UI = "{http://schemas.microsoft.com/office/2006/01/customui}"


def _build_script():
    spec = importlib.util.spec_from_file_location("build_addin", ROOT / "addin" / "build_addin.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _parts(path: Path) -> dict[str, bytes]:
    return dict(addin.read_parts(path))


# ---- the add-in file ------------------------------------------------------------------------------


def test_committed_addin_is_built_from_the_current_template():
    build = _build_script()
    fresh = build.build_parts()
    for path in COMMITTED:
        assert zipfile.is_zipfile(path)
        assert addin.read_parts(path) == fresh, f"{path.name} 已过期：运行 python addin/build_addin.py"
    assert COMMITTED[0].read_bytes() == COMMITTED[1].read_bytes()
    assert build.main(["--check"]) == 0


def test_vba_project_is_the_xlwings_templates_byte_for_byte():
    template = _parts(_build_script().TEMPLATE)
    ours = _parts(COMMITTED[0])
    assert ours[addin.VBA_PART] == template[addin.VBA_PART]
    # only XML parts differ, and no part is added or dropped
    assert list(ours) == list(template)
    assert {n for n in ours if ours[n] != template[n]} == {
        addin.CUSTOM_UI_PART, addin.SHEET_PART, addin.STRINGS_PART, "xl/workbook.xml", "docProps/core.xml"
    }
    assert addin.addin_xlwings_version(list(ours.items())) == xlwings.__version__


def test_ribbon_tab_group_and_button_call_the_templates_only_callback():
    parts = _parts(COMMITTED[0])
    assert b'Target="customUI/customUI.xml"' in parts["_rels/.rels"]
    root = ElementTree.fromstring(parts[addin.CUSTOM_UI_PART])
    (tab,) = root.iter(f"{UI}tab")
    (group,) = tab.iter(f"{UI}group")
    buttons = list(group.iter(f"{UI}button"))
    assert (tab.get("label"), group.get("label")) == ("清洁生产审核", "报告")
    assert buttons[0].get("label") == "导出报告" and buttons[0].get("size") == "large"
    actions = {el.get("onAction") for el in root.iter() if el.get("onAction")}
    assert actions == {"RibbonMyAddin.RunMain"}
    ids = [el.get("id") for el in root.iter() if el.get("id")]
    assert len(ids) == len(set(ids))


def test_addin_carries_its_config_sheet_under_the_name_the_vba_reads():
    parts = _parts(COMMITTED[0])
    assert f'<sheet name="{addin.CONFIG_SHEET}"'.encode() in parts["xl/workbook.xml"]
    assert b"absPath" not in parts["xl/workbook.xml"]
    config = addin.read_config(list(parts.items()))
    assert config == {
        "UDF MODULES": "cpxl.udfs",
        "ADD_WORKBOOK_TO_PYTHONPATH": "false",
        # pinned empty: a myaddin.conf file beside a workbook cannot set them
        "PYTHONPATH": "",
        "CONDA PATH": "",
        "CONDA ENV": "",
        "LICENSE_KEY": "",
    }
    # the committed file names no interpreter: `cpxl addin install` writes this computer's
    assert not any(key.startswith("INTERPRETER") for key in config)
    # an ordinary reader sees the same rows
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(COMMITTED[0])).get_sheet_by_name(addin.CONFIG_SHEET).to_python()
    assert [r[:2] for r in rows] == [[k, v] for k, v in addin.BASE_CONFIG]


def test_vba_runs_import_of_the_addin_file_stem_so_the_button_calls_cpxl_main():
    olevba = requires_module("oletools.olevba")
    parser = olevba.VBA_Parser("cpxl.xlam", data=COMMITTED[0].read_bytes())
    modules = {name: code for _, _, name, code in parser.extract_macros()}
    parser.close()
    ribbon = modules["RibbonMyAddin.bas"]
    assert "Sub RunMain(control As IRibbonControl)" in ribbon
    assert "Left(ThisWorkbook.Name, (InStrRev(ThisWorkbook.Name, " in ribbon
    assert 'RunPython "import " & mymodule & ";" & mymodule & ".main()"' in ribbon
    assert f'PROJECT_NAME As String = "{addin.CONFIG_SHEET.removesuffix(".conf")}"' in modules["xlwings.bas"]
    assert Path(addin.ADDIN_NAME).stem == "cpxl" and callable(cpxl.main)


def test_importing_cpxl_stays_light():
    code = "import cpxl, sys; print(sorted(m for m in ('xlwings', 'cpxl.excel', 'pandas') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, cwd=ROOT)
    assert out.stdout.strip() == "[]"


# ---- the button: cpxl.main() with a stand-in for Excel ------------------------------------------------


class FakeApp:
    def __init__(self):
        self.alerts: list[dict] = []
        self.status_bar = None

    def alert(self, prompt, title=None, buttons="ok", mode=None, callback=None):
        self.alerts.append({"prompt": prompt, "title": title, "mode": mode})
        return "ok"


class FakeBook:
    def __init__(self, fullname, saved=True):
        self.fullname = str(fullname)
        self.app = FakeApp()
        self.api = SimpleNamespace(Saved=saved)


@pytest.fixture
def caller(monkeypatch):
    """Make `xlwings.Book.caller()` return a stand-in workbook; returns a setter."""

    def use(book: FakeBook) -> FakeBook:
        monkeypatch.setattr(xlwings.Book, "caller", classmethod(lambda cls: book))
        return book

    return use


@pytest.fixture
def exporter(monkeypatch):
    """A stand-in for cpxl.report.export with its fixed contract; records its calls."""
    calls: list[tuple] = []
    module = types.ModuleType("cpxl.report.export")

    def export_report(book_path, out_path, kind=None, template=None, pdf=False, force=True):
        calls.append((Path(book_path), Path(out_path), kind, template, pdf, force))
        if module.fail:
            raise module.fail
        Path(out_path).write_bytes(b"report")
        return module.result(Path(out_path))

    module.export_report = export_report
    module.fail = None
    module.result = lambda out: SimpleNamespace(path=out, pdf_path=None, errors=["e1", "e2"], warnings=["w1"])
    module.calls = calls
    monkeypatch.setitem(sys.modules, "cpxl.report.export", module)
    return module


def _workbook(tmp_path, kind="audit", name="清泉啤酒.xlsx") -> Path:
    return save_workbook(build_workbook(kind), tmp_path / name)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_button_exports_the_report_beside_the_workbook_and_says_where(tmp_path, caller, exporter):
    path = _workbook(tmp_path)
    before = _digest(path)
    book = caller(FakeBook(path))
    cpxl.main()
    report = tmp_path / "清泉啤酒-审核报告.docx"
    assert report.read_bytes() == b"report"
    assert exporter.calls == [(path, report, None, None, False, True)]
    assert _digest(path) == before  # the workbook is only read
    (alert,) = book.app.alerts
    assert alert["title"] == "清洁生产审核" and alert["mode"] == "info"
    assert str(report) in alert["prompt"]
    assert "2 个错误，1 个警告" in alert["prompt"]
    assert book.app.status_bar is False  # status bar handed back to Excel


def test_counts_come_from_the_check_when_the_exporter_gives_none(tmp_path, caller, exporter):
    path = _workbook(tmp_path)
    findings = check_book(read_workbook(path))
    errors = sum(f.severity == "error" for f in findings)
    exporter.result = lambda out: SimpleNamespace(path=out, pdf_path=None, errors=None, warnings=None)
    book = caller(FakeBook(path))
    cpxl.main()
    prompt = book.app.alerts[0]["prompt"]
    assert f"{errors} 个错误，{len(findings) - errors} 个警告" in prompt
    if errors:
        first = next(f for f in findings if f.severity == "error")
        assert f"首个错误：{first.sheet}!{first.cell}" in prompt


@pytest.mark.parametrize(
    "kind, suffix",
    [("acceptance", "验收报告"), ("park", "园区审核报告"), ("region", "区域行业审核报告")],
)
def test_report_name_follows_the_workbook_kind(tmp_path, caller, exporter, kind, suffix):
    path = _workbook(tmp_path, kind, name=f"{kind}.xlsx")
    book = caller(FakeBook(path))
    cpxl.main()
    assert exporter.calls[0][1] == tmp_path / f"{kind}-{suffix}.docx"
    assert f"已生成{suffix}" in book.app.alerts[0]["prompt"]


def _only_alert(book: FakeBook) -> str:
    (alert,) = book.app.alerts
    assert alert["mode"] == "critical"
    assert "Traceback" not in alert["prompt"] and "\n" not in alert["prompt"]
    assert alert["prompt"].startswith("未能导出报告：")
    return alert["prompt"]


def test_unsaved_new_workbook_is_refused_in_chinese(tmp_path, caller, exporter):
    book = caller(FakeBook("工作簿1"))
    cpxl.main()
    assert "请先将工作簿保存" in _only_alert(book)
    assert exporter.calls == []


def test_unsaved_changes_are_refused_before_anything_is_written(tmp_path, caller, exporter):
    path = _workbook(tmp_path)
    book = caller(FakeBook(path, saved=False))
    cpxl.main()
    assert "未保存的修改" in _only_alert(book)
    assert exporter.calls == [] and not list(tmp_path.glob("*.docx"))


def test_workbook_on_a_web_address_is_refused(caller, exporter):
    book = caller(FakeBook("https://d.docs.live.net/abc/审核.xlsx"))
    cpxl.main()
    assert "OneDrive" in _only_alert(book)


def test_a_file_that_is_not_a_workbook_gives_the_readers_message(tmp_path, caller, exporter):
    path = tmp_path / "坏文件.xlsx"
    path.write_bytes(b"not a zip")
    book = caller(FakeBook(path))
    cpxl.main()
    prompt = _only_alert(book)
    assert "坏文件.xlsx" in prompt
    assert exporter.calls == []


@pytest.mark.parametrize(
    "exc, text",
    [
        (RuntimeError("boom"), "内部错误（RuntimeError：boom）"),
        (PermissionError(13, "Permission denied", "报告.docx"), "正在 Word 中打开"),
    ],
)
def test_exporter_failure_becomes_one_chinese_line(tmp_path, caller, exporter, exc, text):
    exporter.fail = exc
    path = _workbook(tmp_path)
    book = caller(FakeBook(path))
    cpxl.main()
    assert text in _only_alert(book)


def test_button_with_the_real_exporter(tmp_path, caller):
    path = _workbook(tmp_path)
    book = caller(FakeBook(path))
    cpxl.main()
    (alert,) = book.app.alerts
    assert alert["mode"] == "info", alert["prompt"]
    report = tmp_path / "清泉啤酒-审核报告.docx"
    assert zipfile.is_zipfile(report) and str(report) in alert["prompt"]


# ---- cpxl addin install / remove / status ----------------------------------------------------------------


@pytest.fixture
def home(tmp_path, monkeypatch):
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USERPROFILE", str(home))
    monkeypatch.delenv("CONDA_DEFAULT_ENV", raising=False)
    monkeypatch.setattr(addin, "_platform", lambda: "linux")
    return home


def _run(*args):
    return CliRunner().invoke(app, ["addin", *args])


def test_install_copies_the_addin_and_records_this_python(tmp_path, home):
    conf = home / ".xlwings" / "xlwings.conf"
    conf.parent.mkdir()
    conf.write_text('"LICENSE_KEY","abc"\n"UDF MODULES","mymod"\n# note\n', encoding="utf-8")
    target = tmp_path / "XLSTART"
    result = _run("install", "--dir", str(target))
    assert result.exit_code == 0, result.output
    installed = _parts(target / "cpxl.xlam")
    packaged = _parts(COMMITTED[1])
    assert installed[addin.VBA_PART] == packaged[addin.VBA_PART]
    assert installed[addin.CUSTOM_UI_PART] == packaged[addin.CUSTOM_UI_PART]
    config = addin.read_config(list(installed.items()))
    assert config["INTERPRETER_WIN"] == sys.executable
    assert config["UDF MODULES"] == "cpxl.udfs"
    # the xlwings user config: our keys set, every other line kept
    assert conf.read_text(encoding="utf-8").splitlines() == [
        '"LICENSE_KEY","abc"',
        '"UDF MODULES","mymod;cpxl.udfs"',
        "# note",
        f'"INTERPRETER_WIN","{sys.executable}"',
    ]
    assert not list(target.glob(".*tmp"))  # written atomically, no temporary left

    status = _run("status", "--dir", str(target))
    assert status.exit_code == 0 and sys.executable in status.output

    again = _run("install", "--dir", str(target))  # idempotent
    assert again.exit_code == 0
    assert conf.read_text(encoding="utf-8").count("cpxl.udfs") == 1

    removed = _run("remove", "--dir", str(target))
    assert removed.exit_code == 0 and not (target / "cpxl.xlam").exists()
    assert '"UDF MODULES","mymod"' in conf.read_text(encoding="utf-8").splitlines()
    assert _run("status", "--dir", str(target)).exit_code == 1


def test_install_creates_the_user_config_when_there_is_none(tmp_path, home):
    assert _run("install", "--dir", str(tmp_path / "x")).exit_code == 0
    lines = (home / ".xlwings" / "xlwings.conf").read_text(encoding="utf-8").splitlines()
    assert lines == [f'"INTERPRETER_WIN","{sys.executable}"', '"UDF MODULES","cpxl.udfs"']


def test_status_notices_an_outdated_installed_addin(tmp_path, home):
    target = tmp_path / "XLSTART"
    assert _run("install", "--dir", str(target)).exit_code == 0
    parts = addin.read_parts(target / "cpxl.xlam")
    parts = [(n, d.replace("导出报告".encode(), "旧按钮".encode()) if n == addin.CUSTOM_UI_PART else d) for n, d in parts]
    (target / "cpxl.xlam").write_bytes(addin.package_bytes(parts))
    result = _run("status", "--dir", str(target))
    assert result.exit_code == 1 and "cpxl addin install" in result.output


@pytest.mark.parametrize("command", ["install", "remove", "status"])
def test_without_excel_the_commands_explain_what_to_do_instead(home, command):
    result = _run(command)
    assert result.exit_code == 2
    assert "cpxl calc" in result.output and "cpxl export" in result.output
    assert not (home / ".xlwings").exists()


def test_startup_folders_per_platform(monkeypatch, tmp_path):
    monkeypatch.setenv("APPDATA", str(tmp_path / "Roaming"))
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setattr(addin, "_platform", lambda: "win32")
    assert addin.startup_dir() == tmp_path / "Roaming" / "Microsoft" / "Excel" / "XLSTART"
    assert addin.interpreter_settings() == [("Interpreter_Win", sys.executable)]
    monkeypatch.setenv("CONDA_DEFAULT_ENV", "audit")
    monkeypatch.setenv("CONDA_EXE", "/opt/conda/Scripts/conda.exe")
    assert addin.interpreter_settings() == [("Conda Path", "/opt/conda"), ("Conda Env", "audit")]
    monkeypatch.setattr(addin, "_platform", lambda: "darwin")
    assert addin.startup_dir() == (
        tmp_path / "Library" / "Group Containers" / "UBF8T346G9.Office" / "User Content.localized"
        / "Startup.localized" / "Excel"
    )
    assert addin.user_config_file() == tmp_path / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / "xlwings.conf"
    assert addin.interpreter_settings()[0][0] == "Interpreter_Mac"
    monkeypatch.setattr(addin, "_platform", lambda: "linux")
    assert addin.startup_dir() is None


def test_installed_config_rows_survive_awkward_paths():
    rows = [("Interpreter_Win", r"C:\Users\张 三\R&D <env>\python.exe ")]
    parts = addin.read_parts(addin.installed_bytes(rows))
    config = addin.read_config(parts)
    assert config["INTERPRETER_WIN"] == rows[0][1]
    assert config["UDF MODULES"] == "cpxl.udfs"


def test_machine_settings_replace_pinned_rows_without_repeating_a_key():
    rows = [("Conda Path", r"C:\conda"), ("Conda Env", "audit")]
    parts = addin.read_parts(addin.installed_bytes(rows))
    config = addin.read_config(parts)
    assert (config["CONDA PATH"], config["CONDA ENV"], config["PYTHONPATH"]) == (r"C:\conda", "audit", "")
    keys = [k.upper() for k, _ in addin.merged_config(rows)]
    assert len(keys) == len(set(keys)) == len(addin.BASE_CONFIG)


def test_install_and_status_warn_when_python_has_another_xlwings(tmp_path, home, monkeypatch):
    monkeypatch.setattr(addin, "_xlwings_version", lambda: "0.0.1")
    target = tmp_path / "XLSTART"
    result = _run("install", "--dir", str(target))
    assert result.exit_code == 0 and f"pip install xlwings=={xlwings.__version__}" in result.output
    assert "xlwings 0.0.1" in _run("status", "--dir", str(target)).output


def test_user_config_update_keeps_other_lines_and_one_line_per_key(tmp_path):
    conf = tmp_path / "xlwings.conf"
    conf.write_text('"INTERPRETER_WIN","a"\n"SHOW CONSOLE","True"\n"interpreter_win","b"\n', encoding="utf-8")
    replaced = addin.update_user_config(conf, [("INTERPRETER_WIN", "c")], add_module="cpxl.udfs")
    assert conf.read_text(encoding="utf-8").splitlines() == [
        '"INTERPRETER_WIN","c"', '"SHOW CONSOLE","True"', '"UDF MODULES","cpxl.udfs"'
    ]
    assert replaced == ['"INTERPRETER_WIN","a"', '"interpreter_win","b"']
    before = conf.read_bytes()
    addin.update_user_config(conf, [("INTERPRETER_WIN", "c")], add_module="cpxl.udfs")
    assert conf.read_bytes() == before
