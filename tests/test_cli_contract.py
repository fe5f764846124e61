"""The command contract: exit codes mean the same in every command, outputs are refused before any work,
Office lock files, progress on a terminal, help in Chinese, option ids F1 = F01."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from cpxl import cli, console
from cpxl.cli import app

ROOT = Path(__file__).resolve().parents[1]
runner = CliRunner()


def _copy(src: Path, dst: Path) -> Path:
    shutil.copyfile(src, dst)
    return dst


def _broken(demo_workbooks, tmp_path) -> Path:
    """The demo workbook with one error: text in a numeric input cell."""
    from cpxl.workbook.read import read_workbook

    book = read_workbook(demo_workbooks[0])
    data = book["D.6"]
    path = tmp_path / "有错误.xlsx"
    wb = openpyxl.load_workbook(demo_workbooks[0])
    wb[data.sheet][data.cells.at[0, "output_2"]] = "很多"
    wb.save(path)
    return path


# ---- exit codes --------------------------------------------------------------------------------------


def test_export_of_a_workbook_with_errors_writes_the_report_and_exits_1(demo_workbooks, tmp_path):
    book = _broken(demo_workbooks, tmp_path)
    out = tmp_path / "报告.docx"
    res = runner.invoke(app, ["export", str(book), "-o", str(out)])
    assert res.exit_code == 1, res.output
    assert out.is_file() and "个错误" in res.output
    clean = runner.invoke(app, ["export", str(demo_workbooks[0]), "-o", str(tmp_path / "干净.docx")])
    assert clean.exit_code == 0, clean.output


def test_exit_codes_are_documented():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    commands = readme.split("## 命令")[1].split("\n## ")[0]
    line = next(x for x in commands.splitlines() if x.startswith("退出码"))
    for code in "0123":
        assert f"{code} " in line
    assert "cpxl ui" in commands
    assert "## 本地页面" in readme
    result = runner.invoke(app, ["--help"])
    assert "退出码" in result.output


@pytest.mark.slow  # the whole demo (four kinds, 24 enterprises aggregated) twice
def test_demo_twice_overwrites_only_its_own_files(tmp_path):
    target = tmp_path / "示例"
    target.mkdir()
    (target / "我的.xlsx").write_bytes(b"mine")
    first = runner.invoke(app, ["demo", str(target)])
    written = sorted(p.name for p in target.iterdir())
    second = runner.invoke(app, ["demo", str(target)])
    assert first.exit_code == 0 and second.exit_code == 0, second.output
    assert (target / "我的.xlsx").read_bytes() == b"mine"
    assert sorted(p.name for p in target.iterdir()) == written  # the same files, rewritten
    assert len([n for n in written if n.endswith((".xlsx", ".docx")) and n.startswith("示例-")]) == 8  # 4 kinds × (workbook, report)
    refused = runner.invoke(app, ["demo", str(target), "--no-force"])
    assert refused.exit_code == 2 and "已存在" in refused.output


# ---- refuse before working ---------------------------------------------------------------------------


def test_aggregate_refuses_a_bad_report_before_writing_the_workbook(demo_workbooks, tmp_path):
    xlsx = tmp_path / "x.xlsx"
    res = runner.invoke(app, ["aggregate", str(demo_workbooks[0]), "-o", str(xlsx), "--report", str(tmp_path / "r.txt")])
    assert res.exit_code == 2 and ".docx" in res.output, res.output
    assert not xlsx.exists()
    res = runner.invoke(app, ["aggregate", str(demo_workbooks[0]), "-o", str(tmp_path / "x.docx")])
    assert res.exit_code == 2 and ".xlsx" in res.output and not (tmp_path / "x.docx").exists()


@pytest.mark.parametrize(
    "args",
    [
        ["export", "-o", "{tmp}/r.txt"],
        ["export", "-o", "{tmp}/file/r.docx"],
        ["calc", "-o", "{tmp}/c.docx"],
        ["new", "audit", "{tmp}/n.xls"],
    ],
)
def test_a_bad_output_is_refused_before_any_work(demo_workbooks, tmp_path, monkeypatch, args):
    (tmp_path / "file").write_text("a file, not a folder")
    args = [a.format(tmp=tmp_path) for a in args]
    if args[0] in ("export", "calc"):
        args.insert(1, str(demo_workbooks[0]))
    read = []
    monkeypatch.setattr("cpxl.workbook.read.read_workbook", lambda *a, **k: read.append(a))
    res = runner.invoke(app, args)
    assert res.exit_code == 2, res.output
    assert not read and "错误" in res.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


def test_an_unwritable_folder_is_found_by_a_probe_file(demo_workbooks, tmp_path, monkeypatch):
    def refuse(*a, **k):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("cpxl.preflight.tempfile.mkstemp", refuse)
    res = runner.invoke(app, ["export", str(demo_workbooks[0]), "-o", str(tmp_path / "r.docx")])
    assert res.exit_code == 2 and "无法在输出位置写入" in res.output, res.output


@pytest.mark.parametrize("command", ["check", "calc", "export", "aggregate"])
def test_a_missing_input_is_refused_before_heavy_imports(tmp_path, command):
    args = [command, str(tmp_path / "没有.xlsx")] + ([] if command == "check" else ["-o", str(tmp_path / "o.xlsx" if command != "export" else tmp_path / "o.docx")])
    code = (
        "import sys\nfrom typer.testing import CliRunner\nfrom cpxl.cli import app\n"
        f"r = CliRunner().invoke(app, {args!r})\n"
        "print(r.exit_code, sorted(m for m in ('pandas', 'openpyxl', 'docx', 'formulas', 'matplotlib') if m in sys.modules))\n"
        "print(r.output)\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120,
                          env={**__import__("os").environ, "PYTHONPATH": str(ROOT)})
    first, *rest = proc.stdout.splitlines()
    assert first == "2 []", proc.stdout + proc.stderr
    assert "找不到" in "\n".join(rest)


# ---- Office lock files -------------------------------------------------------------------------------


def test_an_input_open_in_excel_gives_a_warning(demo_workbooks, tmp_path):
    book = _copy(demo_workbooks[0], tmp_path / "审核.xlsx")
    (tmp_path / "~$审核.xlsx").write_bytes(b"owner")
    res = runner.invoke(app, ["check", str(book)])
    assert res.exit_code == 0, res.output
    assert "工作簿可能正在 Excel/WPS 中打开，未保存的修改不会被读取" in res.output


@pytest.mark.parametrize("lock", ["~$报告.docx", "~$port-2026.docx"])
def test_an_output_open_in_word_is_refused(demo_workbooks, tmp_path, lock):
    name = "报告.docx" if lock == "~$报告.docx" else "report-2026.docx"
    (tmp_path / lock).write_bytes(b"owner")
    res = runner.invoke(app, ["export", str(demo_workbooks[0]), "-o", str(tmp_path / name), "--force"])
    assert res.exit_code == 2 and "锁定文件" in res.output and lock in res.output, res.output
    assert not (tmp_path / name).exists()


# ---- progress ----------------------------------------------------------------------------------------


def test_step_shows_a_spinner_only_on_a_terminal(monkeypatch):
    buf = io.StringIO()
    monkeypatch.setattr(console, "err", console.Console(file=buf, force_terminal=True, width=80))
    with console.step("正在导出报告…"):
        pass
    assert "正在导出报告" in buf.getvalue()
    plain = io.StringIO()
    monkeypatch.setattr(console, "err", console.Console(file=plain, force_terminal=False))
    with console.step("正在导出报告…"):
        pass
    assert plain.getvalue() == ""


def test_commands_name_their_steps(demo_workbooks, tmp_path, monkeypatch):
    import contextlib

    steps = []

    def record(text):
        steps.append(text)
        return contextlib.nullcontext()

    monkeypatch.setattr(cli, "step", record)
    assert runner.invoke(app, ["export", str(demo_workbooks[0]), "-o", str(tmp_path / "r.docx")]).exit_code == 0
    assert runner.invoke(app, ["calc", str(demo_workbooks[0]), "-o", str(tmp_path / "c.xlsx")]).exit_code == 0
    assert "正在导出报告…" in steps and "正在计算公式…" in steps
    res = runner.invoke(app, ["aggregate", str(demo_workbooks[0]), "-o", str(tmp_path / "a.xlsx"), "--report", str(tmp_path / "a.docx"),
                              "--jobs", "1"])
    assert res.exit_code == 0, res.output
    assert "正在导出区域/行业审核报告…" in steps


# ---- help in Chinese ---------------------------------------------------------------------------------

ENGLISH = ("Show this message and exit", "Usage", "Options", "Arguments", "Commands", "[required]", "[OPTIONS]")


@pytest.mark.parametrize("command", [[], ["new"], ["check"], ["calc"], ["demo"], ["export"], ["aggregate"], ["ui"], ["addin"],
                                     ["addin", "install"]])
def test_help_is_chinese_and_not_cut(command):
    res = runner.invoke(app, [*command, "--help"])
    assert res.exit_code == 0, res.output
    for word in ENGLISH:
        assert word not in res.output, (word, res.output)
    assert "用法：" in res.output and "显示此帮助并退出" in res.output
    assert "…" not in res.output.replace("[参数]...", "")
    if command == ["export"]:
        flat = re.sub(r"[\s│]", "", res.output)
        assert "报告类型：audit（审核报告）、acceptance（验收报告）、park（园区）、region（区域/行业）；默认按工作簿类型" in flat


def test_usage_errors_are_chinese():
    res = runner.invoke(app, ["check"])
    assert res.exit_code == 2 and "缺少参数" in res.output and "Missing" not in res.output
    res = runner.invoke(app, ["check", "x.xlsx", "--bogus"])
    assert res.exit_code == 2 and "没有选项 --bogus" in res.output


# ---- option ids --------------------------------------------------------------------------------------


def test_option_ids_f1_and_f01_are_the_same_option(demo_workbooks, tmp_path):
    from cpxl.workbook.check import check_book, option_key
    from cpxl.workbook.read import read_workbook

    assert option_key("F1") == option_key("F01") == option_key("ｆ０１") == option_key("F001")
    assert option_key("F10") != option_key("F1")
    book = read_workbook(demo_workbooks[0])
    d30 = book["D.30"]
    first, second, third = (d30.cells.at[i, "option_id"] for i in range(3))
    baseline = {(f.sheet, f.cell, f.rule) for f in check_book(book)}

    short = tmp_path / "短编号.xlsx"
    wb = openpyxl.load_workbook(demo_workbooks[0])
    wb[d30.sheet][first] = "F1"  # the later tables still say F01: the same option
    wb[d30.sheet][second] = "F2"
    wb.save(short)
    findings = check_book(read_workbook(short))
    new = [f for f in findings if (f.sheet, f.cell, f.rule) not in baseline]
    assert not new, "\n".join(map(str, new))

    dup = tmp_path / "重复.xlsx"
    wb[d30.sheet][third] = "F01"  # F1 and F01 are one option: a duplicate
    wb.save(dup)
    findings = check_book(read_workbook(dup))
    hits = [f for f in findings if f.rule == "option_id_duplicate" and f.cell == third]
    assert hits and f"{d30.sheet}" in str(hits[0]) and first in hits[0].message

    zero = tmp_path / "F0.xlsx"
    wb[d30.sheet][third] = "F0"
    wb.save(zero)
    assert any(f.rule == "option_id" and f.cell == third for f in check_book(read_workbook(zero)))
