"""The ribbon add-in cpxl.xlam, the button's Python side (cpxl.main) and `cpxl addin` — without Excel."""

from __future__ import annotations

import hashlib
import importlib.util
import re
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
from cpxl.addin import commands, computer, dlls, package, vba
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
    return dict(package.read_parts(path))


# ---- the add-in file ------------------------------------------------------------------------------


def test_committed_addin_is_built_from_the_current_template():
    build = _build_script()
    fresh = build.build_parts()
    for path in COMMITTED:
        assert zipfile.is_zipfile(path)
        assert package.read_parts(path) == fresh, f"{path.name} 已过期：运行 python addin/build_addin.py"
    assert COMMITTED[0].read_bytes() == COMMITTED[1].read_bytes()
    assert build.main(["--check"]) == 0


def test_vba_project_is_the_xlwings_templates_byte_for_byte():
    template = _parts(_build_script().TEMPLATE)
    ours = _parts(COMMITTED[0])
    assert ours[package.VBA_PART] == template[package.VBA_PART]
    # only XML parts differ, and no part is added or dropped
    assert list(ours) == list(template)
    assert {n for n in ours if ours[n] != template[n]} == {
        package.CUSTOM_UI_PART, package.SHEET_PART, package.STRINGS_PART, "xl/workbook.xml", "docProps/core.xml"
    }
    assert package.addin_xlwings_version(list(ours.items())) == xlwings.__version__


def test_ribbon_tab_group_and_button_call_the_templates_only_callback():
    parts = _parts(COMMITTED[0])
    assert b'Target="customUI/customUI.xml"' in parts["_rels/.rels"]
    root = ElementTree.fromstring(parts[package.CUSTOM_UI_PART])
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
    assert f'<sheet name="{package.CONFIG_SHEET}"'.encode() in parts["xl/workbook.xml"]
    assert b"absPath" not in parts["xl/workbook.xml"]
    config = package.read_config(list(parts.items()))
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

    rows = CalamineWorkbook.from_path(str(COMMITTED[0])).get_sheet_by_name(package.CONFIG_SHEET).to_python()
    assert [r[:2] for r in rows] == [[k, v] for k, v in package.BASE_CONFIG]


def _vba_modules() -> dict[str, str]:
    """The VBA modules of the committed add-in (oletools: skipped locally without it, failed in CI)."""
    olevba = requires_module("oletools.olevba")
    parser = olevba.VBA_Parser("cpxl.xlam", data=COMMITTED[0].read_bytes())
    try:
        return {name: code for _, _, name, code in parser.extract_macros()}
    finally:
        parser.close()


def test_vba_runs_import_of_the_addin_file_stem_so_the_button_calls_cpxl_main():
    modules = _vba_modules()
    ribbon = modules["RibbonMyAddin.bas"]
    assert "Sub RunMain(control As IRibbonControl)" in ribbon
    assert "Left(ThisWorkbook.Name, (InStrRev(ThisWorkbook.Name, " in ribbon
    assert 'RunPython "import " & mymodule & ";" & mymodule & ".main()"' in ribbon
    assert f'PROJECT_NAME As String = "{package.CONFIG_SHEET.removesuffix(".conf")}"' in modules["xlwings.bas"]
    assert Path(package.ADDIN_NAME).stem == "cpxl" and callable(cpxl.main)


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
    monkeypatch.setattr(computer, "sys_platform", lambda: "linux")
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
    assert installed[package.VBA_PART] == packaged[package.VBA_PART]
    assert installed[package.CUSTOM_UI_PART] == packaged[package.CUSTOM_UI_PART]
    config = package.read_config(list(installed.items()))
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
    parts = package.read_parts(target / "cpxl.xlam")
    parts = [(n, d.replace("导出报告".encode(), "旧按钮".encode()) if n == package.CUSTOM_UI_PART else d) for n, d in parts]
    (target / "cpxl.xlam").write_bytes(package.package_bytes(parts))
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
    monkeypatch.setattr(computer, "sys_platform", lambda: "win32")
    assert computer.startup_dir() == tmp_path / "Roaming" / "Microsoft" / "Excel" / "XLSTART"
    assert computer.interpreter_settings() == [("Interpreter_Win", sys.executable)]
    monkeypatch.setenv("CONDA_DEFAULT_ENV", "audit")
    monkeypatch.setenv("CONDA_EXE", "/opt/conda/Scripts/conda.exe")
    assert computer.interpreter_settings() == [("Conda Path", "/opt/conda"), ("Conda Env", "audit")]
    monkeypatch.setattr(computer, "sys_platform", lambda: "darwin")
    assert computer.startup_dir() == (
        tmp_path / "Library" / "Group Containers" / "UBF8T346G9.Office" / "User Content.localized"
        / "Startup.localized" / "Excel"
    )
    assert computer.user_config_file() == tmp_path / "Library" / "Containers" / "com.microsoft.Excel" / "Data" / "xlwings.conf"
    assert computer.interpreter_settings()[0][0] == "Interpreter_Mac"
    monkeypatch.setattr(computer, "sys_platform", lambda: "linux")
    assert computer.startup_dir() is None


def test_installed_config_rows_survive_awkward_paths():
    rows = [("Interpreter_Win", r"C:\Users\张 三\R&D <env>\python.exe ")]
    parts = package.read_parts(package.installed_bytes(rows))
    config = package.read_config(parts)
    assert config["INTERPRETER_WIN"] == rows[0][1]
    assert config["UDF MODULES"] == "cpxl.udfs"


def test_machine_settings_replace_pinned_rows_without_repeating_a_key():
    rows = [("Conda Path", r"C:\conda"), ("Conda Env", "audit")]
    parts = package.read_parts(package.installed_bytes(rows))
    config = package.read_config(parts)
    assert (config["CONDA PATH"], config["CONDA ENV"], config["PYTHONPATH"]) == (r"C:\conda", "audit", "")
    keys = [k.upper() for k, _ in package.merged_config(rows)]
    assert len(keys) == len(set(keys)) == len(package.BASE_CONFIG)


def test_install_and_status_warn_when_python_has_another_xlwings(tmp_path, home, monkeypatch):
    monkeypatch.setattr(computer, "xlwings_version", lambda: "0.0.1")
    target = tmp_path / "XLSTART"
    result = _run("install", "--dir", str(target))
    assert result.exit_code == 0 and f"pip install xlwings=={xlwings.__version__}" in result.output
    assert "xlwings 0.0.1" in _run("status", "--dir", str(target)).output


def test_user_config_update_keeps_other_lines_and_one_line_per_key(tmp_path):
    conf = tmp_path / "xlwings.conf"
    conf.write_text('"INTERPRETER_WIN","a"\n"SHOW CONSOLE","True"\n"interpreter_win","b"\n', encoding="utf-8")
    replaced = computer.update_user_config(conf, [("INTERPRETER_WIN", "c")], add_module="cpxl.udfs")
    assert conf.read_text(encoding="utf-8").splitlines() == [
        '"INTERPRETER_WIN","c"', '"SHOW CONSOLE","True"', '"UDF MODULES","cpxl.udfs"'
    ]
    assert replaced == ['"INTERPRETER_WIN","a"', '"interpreter_win","b"']
    before = conf.read_bytes()
    computer.update_user_config(conf, [("INTERPRETER_WIN", "c")], add_module="cpxl.udfs")
    assert conf.read_bytes() == before


# ---- the ribbon button without a workbook ---------------------------------------------------------------


def test_button_without_a_workbook_says_so_in_a_message_box(monkeypatch, exporter):
    app = FakeApp()

    def no_book(cls):
        raise KeyError("no workbook")

    monkeypatch.setattr(xlwings.Book, "caller", classmethod(no_book))
    monkeypatch.setattr("cpxl.excel._calling_app", lambda: app)
    cpxl.main()
    (alert,) = app.alerts
    assert alert["title"] == "清洁生产审核" and "请先打开审核工作簿" in alert["prompt"]
    assert exporter.calls == []


def test_button_called_from_excel_with_no_workbook_name_does_not_look_for_one(monkeypatch, exporter):
    app = FakeApp()
    monkeypatch.setattr(sys, "argv", ["-c", "--wb=", "--from_xl=1", "--hwnd=123"])
    monkeypatch.setattr(xlwings.Book, "caller", classmethod(lambda cls: pytest.fail("no workbook to look for")))
    monkeypatch.setattr("cpxl.excel._calling_app", lambda: app)
    cpxl.main()
    assert "请先打开审核工作簿" in app.alerts[0]["prompt"]


def test_button_without_workbook_or_excel_still_gives_the_message(monkeypatch):
    import cpxl.excel

    monkeypatch.setattr(xlwings.Book, "caller", classmethod(lambda cls: (_ for _ in ()).throw(KeyError("x"))))
    monkeypatch.setattr("cpxl.excel._calling_app", lambda: None)
    with pytest.raises(SystemExit) as stop:
        cpxl.main()
    assert stop.value.code == cpxl.excel.NO_WORKBOOK  # printed on stderr; xlwings shows it in a message box


def test_ribbon_guard_keeps_the_templates_lines_and_its_text_survives_any_code_page():
    code = vba.ribbon_module_code()
    assert code.isascii()
    ribbon = _vba_modules()["RibbonMyAddin.bas"]
    template_lines = [line.strip() for line in ribbon.splitlines() if line.strip() and not line.startswith("Attribute")]
    ours = [line.strip() for line in code.splitlines()]
    assert ours[0] == template_lines[0] == "Sub RunMain(control As IRibbonControl)"
    for line in template_lines:
        assert line in ours  # Sub RunMain…, the two lines, End Sub: verbatim
    assert "If ActiveWorkbook Is Nothing Then" in ours and "Exit Sub" in ours
    assert ours.index("If ActiveWorkbook Is Nothing Then") < ours.index(template_lines[1])

    def decode(expr: str) -> str:
        out = []
        for literal, code_point in re.findall(r'"((?:[^"]|"")*)"|ChrW\((\d+)\)', expr):
            out.append(chr(int(code_point)) if code_point else literal.replace('""', '"'))
        return "".join(out)

    msgbox = next(line for line in ours if line.startswith("MsgBox "))
    message, _, title = msgbox.removeprefix("MsgBox ").partition(", vbInformation, ")
    assert decode(message) == cpxl.excel.NO_WORKBOOK and decode(title) == "清洁生产审核"
    assert decode(vba.vba_text('a "q" 单位 ')) == 'a "q" 单位 '
    assert max(len(line) for line in code.splitlines()) < 1023  # VBA's line limit


# ---- cpxl addin install on Windows, with a stand-in for Excel and the registry ---------------------------


class FakeExcel:
    """Stands in for cpxl.excelhost.WindowsExcel: records the steps, checks their preconditions."""

    def __init__(self, trusted=False, running=False, blocked=False, value=100.95638519850635):
        self.trusted, self.running, self.blocked, self.value = trusted, running, blocked, value
        self.calls: list[str] = []
        self.opened: Path | None = None
        self.modules: dict[str, str] = {}
        self.fail_at: str | None = None
        self.dll_folder: Path | None = None

    def _step(self, name):
        self.calls.append(name)
        if self.fail_at == name:
            from cpxl.excelhost import ExcelStepError

            raise ExcelStepError(f"{name} 失败（测试）")

    def excel_running(self):
        self._step("excel_running")
        return self.running

    def vbom_policy_blocked(self):
        self._step("vbom_policy_blocked")
        return self.blocked

    def vbom_trusted(self):
        self._step("vbom_trusted")
        return self.trusted

    def trust_vbom(self):
        self._step("trust_vbom")
        self.trusted = True

    def open_addin(self, path):
        self._step("open_addin")
        assert path.is_file() and self.trusted
        assert self.dll_folder is None or sorted(p.name for p in self.dll_folder.glob("*.dll")) == sorted(
            dlls.dll_names(xlwings.__version__))
        self.opened = path

    def replace_module(self, name, code):
        self._step("replace_module")
        self.modules[name] = code

    def import_udfs(self, module):
        self._step("import_udfs")
        assert module == "cpxl.udfs" and self.opened is not None

    def save_addin(self):
        self._step("save_addin")
        # Excel rewrites the file when it saves: a different file from the one cpxl wrote
        self.opened.write_bytes(self.opened.read_bytes() + b"saved by Excel")

    def evaluate(self, formula):
        self._step("evaluate")
        assert formula == "=CP_NPV(150,32.5,10,0.05)"
        return self.value

    def close(self):
        self.calls.append("close")


FULL_FLOW = ["excel_running", "vbom_policy_blocked", "vbom_trusted", "trust_vbom", "open_addin", "replace_module",
             "import_udfs", "save_addin", "evaluate", "close"]


@pytest.fixture
def windows(tmp_path, home, monkeypatch):
    """A Windows computer in a temporary folder: python.exe in Python311, xlwings' DLLs in the pip --user
    data folder, Excel and the registry replaced by a FakeExcel (returned; set .host to swap it)."""
    monkeypatch.setattr(computer, "sys_platform", lambda: "win32")
    python = tmp_path / "Python311" / "python.exe"
    python.parent.mkdir()
    python.write_bytes(b"MZ")
    monkeypatch.setattr(computer, "interpreter_settings", lambda: [("Interpreter_Win", str(python))])
    userbase = tmp_path / "Roaming" / "Python"
    userbase.mkdir(parents=True)
    found = {}
    for name in dlls.dll_names(xlwings.__version__):
        (userbase / name).write_bytes(f"dll {name}".encode())
        found[name] = userbase / name
    monkeypatch.setattr(dlls, "find_xlwings_dlls", lambda version=None: dict(found))
    state = SimpleNamespace(host=FakeExcel(), python=python, userbase=userbase, xlstart=tmp_path / "XLSTART",
                            home=home, tmp=tmp_path)
    state.host.dll_folder = python.parent
    monkeypatch.setattr(commands, "excel_host", lambda: state.host)
    return state


def _install(state, *args, input=None):
    return CliRunner().invoke(app, ["addin", "install", "--dir", str(state.xlstart), *args], input=input)


def _changes(state) -> dict:
    """Everything install may change, to compare before and after."""
    files = sorted(str(p.relative_to(state.tmp)) for p in state.tmp.rglob("*") if p.is_file())
    return {"files": files, "trusted": state.host.trusted}


def test_windows_install_imports_the_functions_and_checks_one_in_excel(windows):
    result = _install(windows, input="y\n")
    assert result.exit_code == 0, result.output
    assert windows.host.calls == FULL_FLOW
    out = result.output
    assert "信任对 VBA 工程对象模型的访问" in out and "AccessVBOM" in out  # explained before asking
    assert out.index("是否现在勾选") < out.index("已勾选")
    assert "=CP_NPV(150,32.5,10,0.05) = 100.96" in out
    # the DLLs the VBA loads, next to the interpreter it starts
    for name in dlls.dll_names(xlwings.__version__):
        assert (windows.python.parent / name).read_bytes() == (windows.userbase / name).read_bytes()
    assert windows.host.opened == windows.xlstart / "cpxl.xlam"
    assert "If ActiveWorkbook Is Nothing Then" in windows.host.modules["RibbonMyAddin"]
    status = _run("status", "--dir", str(windows.xlstart))
    assert status.exit_code == 0 and "已导入单元格函数" in status.output, status.output


def test_refusing_consent_changes_nothing_and_exits_2(windows):
    before = _changes(windows)
    result = _install(windows, input="n\n")
    assert result.exit_code == 2
    assert "已取消" in result.output and "未做任何改动" in result.output
    assert "--no-functions" in result.output
    assert _changes(windows) == before
    assert "trust_vbom" not in windows.host.calls and "open_addin" not in windows.host.calls
    assert not (windows.home / ".xlwings").exists()


def test_no_terminal_to_answer_on_counts_as_refusal(windows):
    before = _changes(windows)
    result = _install(windows, input="")
    assert result.exit_code == 2 and "已取消" in result.output, result.output
    assert _changes(windows) == before


def test_yes_skips_the_question_but_not_the_explanation(windows):
    result = _install(windows, "--yes")
    assert result.exit_code == 0, result.output
    assert "是否现在勾选" not in result.output and "AccessVBOM" in result.output
    assert windows.host.calls == FULL_FLOW


def test_already_trusted_asks_nothing(windows):
    windows.host.trusted = True
    result = _install(windows)
    assert result.exit_code == 0, result.output
    assert "是否现在勾选" not in result.output and "trust_vbom" not in windows.host.calls


def test_reinstalling_is_idempotent(windows):
    first = _install(windows, "--yes")
    assert first.exit_code == 0, first.output
    conf = (windows.home / ".xlwings" / "xlwings.conf").read_bytes()
    files = _changes(windows)["files"]
    windows.host = FakeExcel(trusted=True)
    windows.host.dll_folder = windows.python.parent
    second = _install(windows)
    assert second.exit_code == 0, second.output
    assert windows.host.calls == [c for c in FULL_FLOW if c != "trust_vbom"]
    assert "已在" in second.output  # DLLs found in place, not copied again
    assert (windows.home / ".xlwings" / "xlwings.conf").read_bytes() == conf
    assert _changes(windows)["files"] == files
    assert _run("status", "--dir", str(windows.xlstart)).exit_code == 0


@pytest.mark.parametrize("host", [FakeExcel(running=True), FakeExcel(blocked=True)], ids=["excel-running", "policy"])
def test_refused_before_any_change_when_excel_runs_or_policy_forbids(windows, host):
    windows.host = host
    before = _changes(windows)
    result = _install(windows, "--yes")
    assert result.exit_code == 2 and "未做任何改动" in result.output
    assert _changes(windows) == before and "open_addin" not in host.calls


def test_virtualenv_gets_the_dll_in_its_root_when_scripts_cannot_be_written(windows, monkeypatch):
    venv = windows.tmp / "venv"
    python = venv / "Scripts" / "python.exe"
    python.parent.mkdir(parents=True)
    python.write_bytes(b"MZ")
    monkeypatch.setattr(computer, "interpreter_settings", lambda: [("Interpreter_Win", str(python))])
    monkeypatch.setattr(dlls, "_writable", lambda folder: folder != python.parent)
    windows.host.dll_folder = venv
    result = _install(windows, "--yes")
    assert result.exit_code == 0, result.output
    assert not list(python.parent.glob("*.dll"))


def test_no_folder_for_the_dll_is_refused_with_what_to_do(windows, monkeypatch):
    monkeypatch.setattr(dlls, "_writable", lambda folder: False)
    before = _changes(windows)
    result = _install(windows, "--yes")
    assert result.exit_code == 2
    assert "管理员" in result.output and "copy" in result.output and "未做任何改动" in result.output
    assert _changes(windows) == before and windows.host.calls == ["excel_running"]


def test_missing_xlwings_dll_is_refused(windows, monkeypatch):
    monkeypatch.setattr(dlls, "find_xlwings_dlls", lambda version=None: {})
    result = _install(windows, "--yes")
    assert result.exit_code == 2 and "pip install --force-reinstall xlwings==" in result.output
    assert not (windows.xlstart / "cpxl.xlam").exists()


def test_windows_refuses_functions_when_python_has_another_xlwings(windows, monkeypatch):
    monkeypatch.setattr(computer, "xlwings_version", lambda: "0.0.1")
    before = _changes(windows)
    result = _install(windows, "--yes")
    assert result.exit_code == 2 and f"pip install xlwings=={xlwings.__version__}" in result.output
    assert _changes(windows) == before


def test_dll_already_beside_the_interpreter_is_left_alone(windows):
    for name in dlls.dll_names(xlwings.__version__):
        (windows.python.parent / name).write_bytes((windows.userbase / name).read_bytes())
    result = _install(windows, "--yes")
    assert result.exit_code == 0 and result.output.count("已在") == 2, result.output


def test_a_wrong_value_in_excel_fails_the_install_with_exit_3(windows):
    windows.host.value = None  # #NAME? reads as None through xlwings
    result = _install(windows, "--yes")
    assert result.exit_code == 3
    assert "验证未通过" in result.output and "100.96" in result.output
    assert windows.host.calls[-1] == "close"
    assert not commands.install_record_file().exists()


def test_a_failing_excel_step_still_quits_excel(windows):
    windows.host.fail_at = "import_udfs"
    result = _install(windows, "--yes")
    assert result.exit_code == 3 and "import_udfs 失败" in result.output
    assert windows.host.calls[-2:] == ["import_udfs", "close"]


def test_no_functions_installs_only_the_button(windows):
    result = _install(windows, "--no-functions")
    assert result.exit_code == 0, result.output
    assert windows.host.calls == [] and (windows.xlstart / "cpxl.xlam").is_file()
    assert not list(windows.python.parent.glob("*.dll"))
    status = _run("status", "--dir", str(windows.xlstart))
    assert status.exit_code == 0 and "尚未导入单元格函数" in status.output


def test_mac_install_says_the_functions_are_windows_only(tmp_path, home, monkeypatch):
    monkeypatch.setattr(computer, "sys_platform", lambda: "darwin")
    monkeypatch.setattr(commands, "excel_host", lambda: pytest.fail("no Excel automation on macOS"))
    result = _run("install", "--dir", str(tmp_path / "Startup"))
    assert result.exit_code == 0 and "cpxl calc" in result.output


def test_dlls_are_found_in_the_installations_data_folders(tmp_path, monkeypatch):
    names = dlls.dll_names("9.9.9")
    (tmp_path / names[0]).write_bytes(b"64")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / names[1]).write_bytes(b"32")
    monkeypatch.setattr(dlls, "_dll_search_dirs", lambda: [tmp_path, tmp_path / "sub"])
    assert dlls.find_xlwings_dlls("9.9.9") == {names[0]: tmp_path / names[0], names[1]: tmp_path / "sub" / names[1]}
    assert dlls.dll_names("0.37.8") == ("xlwings64-0.37.8.dll", "xlwings32-0.37.8.dll")


def test_the_interpreter_the_vba_derives_from_the_settings():
    assert dlls.vba_interpreter([("Interpreter_Win", "C:/py/python.exe")]) == Path("C:/py/python.exe")
    assert dlls.vba_interpreter([("Conda Path", "C:/conda"), ("Conda Env", "base")]) == Path("C:/conda/pythonw")
    assert dlls.vba_interpreter([("Conda Path", "C:/conda"), ("Conda Env", "audit")]) == Path("C:/conda/envs/audit/pythonw")
    assert dlls.vba_interpreter([("Conda Path", "C:/conda"), ("Conda Env", "D:\\envs\\a")]) == Path("D:\\envs\\a") / "pythonw"
    assert dlls.vba_interpreter([]) is None
    # XLPyLoadDLL: ParentFolder(PYTHON_WIN), then ParentFolder(ParentFolder(PYTHON_WIN))
    assert dlls.dll_folders(Path("C:/venv/Scripts/python.exe")) == [Path("C:/venv/Scripts"), Path("C:/venv")]


def test_office_version_comes_from_excels_curver():
    from cpxl.excelhost import office_version_from_curver

    assert office_version_from_curver("Excel.Application.16") == "16.0"
    assert office_version_from_curver("Excel.Application.14") == "14.0"
    assert office_version_from_curver("") is None and office_version_from_curver("Excel.Application") is None
