"""Every hostile or broken input through every command: a located Chinese message and the documented exit
code, never a traceback; the input byte-identical afterwards; no partial output and no temporary file left.

The cases are made by `corpus.py` (by code, into a temporary folder, once per session).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer
from requires import requires, requires_module
from typer.testing import CliRunner

import corpus as C
from cpxl.cli import app

ROOT = Path(__file__).resolve().parents[2]
CJK = re.compile(r"[\u4e00-\u9fff]")
NOT_A_NUMBER = re.compile(r"(?<![A-Za-z])(-?inf|nan|NaN|Infinity)(?![A-Za-z])")
runner = CliRunner()


def available_commands() -> set[str]:
    group = typer.main.get_command(app)
    return set(group.commands)


def test_every_command_of_the_corpus_exists():
    assert set(C.COMMANDS) | {"new"} <= available_commands()


# ---- fixtures ---------------------------------------------------------------------------------------------


class Listener:
    """A local TCP port that counts connections: a formula or entity that reaches out is caught here."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.hits = 0
        self._stop = False
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self):
        while not self._stop:
            try:
                conn, _ = self.sock.accept()
            except (TimeoutError, OSError):
                continue
            self.hits += 1
            conn.close()

    def close(self):
        self._stop = True
        self.thread.join(timeout=2)
        self.sock.close()


@pytest.fixture(scope="session")
def listener():
    ear = Listener()
    yield ear
    ear.close()


@pytest.fixture(scope="session")
def base(tmp_path_factory, listener, demo_audit) -> C.Base:
    """A copy of the session's demo audit workbook, with a secret file beside it."""
    from cpxl.workbook.read import read_workbook

    d = tmp_path_factory.mktemp("base")
    path = Path(shutil.copy(demo_audit, d / "示例审核工作簿.xlsx"))
    secret = d / "secret.txt"
    secret.write_text(C.SECRET, encoding="utf-8")
    return C.Base(path, read_workbook(path), secret, listener.port)


class Corpus:
    def __init__(self, base: C.Base, root: Path):
        self.base, self.root, self.made = base, root, {}

    def get(self, case: C.Case) -> Path:
        if case.id not in self.made:
            if case.needs == "soffice":
                requires("soffice", "libreoffice")
            if case.needs == "msoffcrypto":
                requires_module("msoffcrypto")
            d = self.root / case.id
            shutil.rmtree(d, ignore_errors=True)
            d.mkdir()
            self.made[case.id] = case.make(self.base, d)
        return self.made[case.id]


@pytest.fixture(scope="session")
def cases(base, tmp_path_factory) -> Corpus:
    return Corpus(base, tmp_path_factory.mktemp("corpus"))


# ---- running a command ------------------------------------------------------------------------------------


@dataclass
class Run:
    code: int
    stdout: str
    stderr: str
    peak_mb: int | None = None  # peak resident memory of the command's process and the children it waited for

    @property
    def text(self) -> str:
        return self.stdout + self.stderr


OUTPUT_NAMES = {"calc": "计算结果.xlsx", "export": "报告.docx", "aggregate": "汇总.xlsx"}


def argv(command: str, src: Path, out: Path, template: Path | None = None) -> list[str]:
    if command == "check":
        return ["check", "--json", str(src)]
    if command == "aggregate":
        return ["aggregate", str(src), "-o", str(out / OUTPUT_NAMES[command]), "-j", "1"]
    extra = ["--template", str(template)] if template is not None else []
    return [command, str(src), "-o", str(out / OUTPUT_NAMES[command]), *extra]


def run_inprocess(args: list[str]) -> Run:
    result = runner.invoke(app, args)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        import traceback

        tb = "".join(traceback.format_exception(result.exception))
        raise AssertionError(f"exception escaped the command (Traceback):\n{tb}")
    return Run(result.exit_code, result.stdout, result.stderr)


MEMORY_LIMIT = 3 << 30
# the child caps its own memory, then runs the command (no preexec_fn: this process has threads)
CHILD = ("import resource, runpy, sys; resource.setrlimit(resource.RLIMIT_AS, ({0}, {0})); "
         "sys.argv = ['cpxl'] + sys.argv[1:]; runpy.run_module('cpxl.cli', run_name='__main__')").format(MEMORY_LIMIT)


def run_child(args: list[str], timeout: float = 180, env: dict | None = None) -> Run:
    """The command in its own process, memory capped: a crash of native code cannot take pytest along.
    Its peak resident memory (os.wait4: the process and every child it waited for) is measured."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="200", **(env or {}))
    p = subprocess.Popen([sys.executable, "-c", CHILD, *args], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    streams: dict[str, bytes] = {}
    readers = [threading.Thread(target=lambda k=k, f=f: streams.__setitem__(k, f.read())) for k, f in (("out", p.stdout), ("err", p.stderr))]
    for t in readers:
        t.start()
    timer = threading.Timer(timeout, p.kill)
    timer.start()
    try:
        _, status, usage = os.wait4(p.pid, 0)
    finally:
        timer.cancel()
    for t in readers:
        t.join()
    p.returncode = os.waitstatus_to_exitcode(status)
    p.stdout.close()
    p.stderr.close()
    return Run(p.returncode, streams["out"].decode("utf-8", "replace"), streams["err"].decode("utf-8", "replace"),
               usage.ru_maxrss // 1024)


def digest(path: Path) -> str:
    if not path.exists():
        return "missing"
    if path.is_dir():
        return "dir:" + ",".join(sorted(p.name for p in path.iterdir()))
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1 << 20):
            h.update(block)
    return h.hexdigest()


def files_in(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*")) if folder.exists() else []


def member_texts(path: Path):
    """Every member of a zip output as text, or the file itself."""
    try:
        with zipfile.ZipFile(path) as z:
            for info in z.infolist():
                if info.file_size < 50 << 20:
                    yield info.filename, z.read(info).decode("utf-8", "replace")
    except zipfile.BadZipFile:
        yield path.name, path.read_bytes().decode("utf-8", "replace")


def region_findings(path: Path) -> list[list]:
    """Rows of R.7 (检查结果) of a region workbook written by aggregate."""
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(path))
    name = next(n for n in wb.sheet_names if n.startswith("R.7"))
    return [[str(v) for v in row] for row in wb.get_sheet_by_name(name).to_python()[3:]]


def docx_text(path: Path) -> str:
    with zipfile.ZipFile(path) as z:
        xml = z.read("word/document.xml").decode("utf-8")
    return "".join(re.findall(r"<w:t(?:\s[^>]*)?>([^<]*)</w:t>", xml))


# ---- the parametrization ----------------------------------------------------------------------------------


def _params():
    out = []
    for case in C.CASES:
        for command in C.COMMANDS:
            if command not in case.commands:
                continue
            marks = [pytest.mark.slow]
            if case.needs == "soffice":
                marks.append(pytest.mark.libreoffice)
            xfail = KNOWN.get((case.id, command))
            if xfail:
                marks.append(pytest.mark.xfail(strict=True, reason=xfail))
            if case.heavy:
                marks.append(pytest.mark.heavy)
            out.append(pytest.param(case, command, id=f"{case.id}-{command}", marks=marks))
    return out


#: (case, command) -> what is wrong in the product; the test flips to XPASS (a failure) once fixed.
KNOWN: dict[tuple[str, str], str] = {}


@pytest.mark.parametrize(("case", "command"), _params())
def test_hostile_input(case: C.Case, command: str, cases: Corpus, base: C.Base, listener: Listener, tmp_path):
    src = cases.get(case)
    out = tmp_path / "out"
    out.mkdir()
    folder = src.parent
    before = digest(src)
    folder_before = [p.name for p in files_in(folder)]
    hits_before = listener.hits

    template = None
    if case.template is not None:
        (tmp_path / "template").mkdir()
        template = case.template(base, tmp_path / "template")
    args = argv(command, src, out, template)
    measured = case.isolate or case.max_rss_mb or case.env
    run = run_child(args, env=dict(case.env)) if measured else run_inprocess(args)
    text = run.text

    # never a traceback, always a documented exit code and a Chinese message
    assert "Traceback" not in text, text[-3000:]
    assert run.code in (0, 1, 2), f"exit {run.code}: {text[-2000:]}"
    if not (command == "check" and run.code == 0 and run.stdout.strip() == "[]"):  # --json with nothing to say
        assert CJK.search(text), f"no Chinese message: {text[-500:]}"
    # the input is untouched, nothing appears beside it, no temporary file anywhere
    assert digest(src) == before, "the input file changed"
    assert [p.name for p in files_in(folder)] == folder_before, "files appeared beside the input"
    leftovers = [p for p in files_in(out) if p.name.endswith(".tmp")]
    assert not leftovers, leftovers
    outputs = [p for p in files_in(out) if p.is_file()]
    if run.code == 2:
        assert not outputs, f"exit 2 left {outputs}"
        assert "错误：" in run.stderr, run.stderr
    if command in OUTPUT_NAMES and run.code == 0:
        assert (out / OUTPUT_NAMES[command]).is_file(), text

    # what the case says
    if case.refused:
        _refused(case, command, run, out)
    if case.at is not None:
        _located(case, command, run, out, base)
    if case.calc_at is not None and command == "calc":
        sheet, cell = case.calc_at(base)
        assert f"{sheet}!{cell}" in run.stdout, run.stdout[-2000:]
    if case.words and command == "check":
        assert case.words in run.text
    if case.secret:
        assert C.SECRET not in text
        for p in outputs:
            for name, body in member_texts(p):
                assert C.SECRET not in body, f"{p.name}:{name} holds the secret file's content"
    if case.network:
        assert listener.hits == hits_before, "something connected to the network"
    if case.max_rss_mb:
        assert run.peak_mb is not None and run.peak_mb < case.max_rss_mb, f"peak memory {run.peak_mb} MB"
    if case.words and command == "export":
        assert case.words in run.text, run.text[-1500:]
    if case.absent or case.present:
        assert outputs, text[-1500:]
        bodies = [(f"{p.name}:{name}", body) for p in outputs for name, body in member_texts(p)]
        for word in case.absent:
            hits = [where for where, body in bodies if word in body or word in where]
            assert not hits, f"{word!r} is still in {hits}"
        for word in case.present:
            assert any(word in body for _, body in bodies), f"{word!r} was removed"
    _command_specific(case, command, run, out)


def _refused(case: C.Case, command: str, run: Run, out: Path) -> None:
    if command == "aggregate" and run.code == 1:  # aggregation lists the workbook it could not read
        rows = region_findings(out / OUTPUT_NAMES[command])
        assert any(case.refused in " ".join(r) for r in rows), rows
        return
    assert run.code == 2, run.text[-1500:]
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert lines and lines[0].startswith("错误："), run.stderr
    assert case.refused in run.stderr, run.stderr


def _located(case: C.Case, command: str, run: Run, out: Path, base: C.Base) -> None:
    sheet, cell = case.at(base)
    if command == "check":
        assert run.code in (0, 1), run.text[-1500:]
        findings = json.loads(run.stdout)
        here = [f for f in findings if f["sheet"] == sheet and f["cell"] == cell and f["severity"] == "error"]
        if case.rule:
            assert run.code == 1
            assert any(f["rule"] == case.rule for f in here), json.dumps(findings, ensure_ascii=False, indent=0)[:3000]
            assert all(CJK.search(f["message"]) for f in here)
        else:
            assert not here, here
    elif command == "aggregate" and case.rule and run.code in (0, 1):
        from cpxl.aggregate import AGGREGATED_TABLES

        table = next((t for t in base.book.tables.values() if t.sheet == sheet), None)
        if table is not None and table.table.id in AGGREGATED_TABLES:
            rows = region_findings(out / OUTPUT_NAMES[command])
            assert any(sheet in r for r in rows), rows  # aggregation names the sheet (not always the cell)


def _command_specific(case: C.Case, command: str, run: Run, out: Path) -> None:
    target = out / OUTPUT_NAMES.get(command, "-")
    if command == "calc" and run.code == 0:
        from python_calamine import CalamineWorkbook

        CalamineWorkbook.from_path(str(target)).sheet_names  # a readable workbook
    if command == "export" and run.code in (0, 1) and target.exists():
        text = docx_text(target)
        assert "{{" not in text or "{{ 7*7 }}" in text  # template syntax only where a user typed it
        assert not NOT_A_NUMBER.search(text), NOT_A_NUMBER.search(text)
    if command in ("calc", "aggregate") and target.exists():
        with zipfile.ZipFile(target) as z:
            for name in z.namelist():
                if name.startswith("xl/worksheets/"):
                    bad = re.search(rb"<v>(-?inf|nan)</v>", z.read(name), re.I)
                    assert not bad, f"{name}: {bad}"
    if command == "aggregate" and run.code in (0, 1):
        with zipfile.ZipFile(target) as z:
            for name in z.namelist():
                if name.startswith("xl/worksheets/"):
                    xml = z.read(name).decode("utf-8")
                    for f in re.findall(r"<f>(.*?)</f>", xml):
                        assert "HYPERLINK" not in f and "cmd|" not in f, f"user text became a formula in {name}: {f}"


def test_corpus_is_large_enough():
    runs = sum(len(c.commands) for c in C.CASES)
    assert len(C.CASES) >= 60 and runs >= 100, (len(C.CASES), runs)


def test_clean_workbook_aggregates_without_findings(base: C.Base, tmp_path):
    run = run_inprocess(["aggregate", str(base.path), "-o", str(tmp_path / "汇总.xlsx"), "-j", "1"])
    assert run.code == 0, run.text
    assert region_findings(tmp_path / "汇总.xlsx") == []
