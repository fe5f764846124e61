"""Processes, signals, file names and outputs: workers end with their parent; temporary folders go on
SIGTERM and SIGINT; GBK file names from Chinese machines; FIFOs and devices; long names; dangling links;
two runs racing for one new output; duplicate enterprises in an aggregation; the limits of the report's
rendering process."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

import corpus as C
from test_hostile import ROOT, region_findings, run_child, run_inprocess

LINUX = sys.platform.startswith("linux")
GBK_NAME = os.fsdecode("企业".encode("gbk") + b".xlsx")  # b"\xc6\xf3\xd2\xb5.xlsx" as a Linux str
BAD_NAME = os.fsdecode(b"\xff\xfe\x80.xlsx")  # neither UTF-8 nor GBK


@pytest.fixture(scope="module")
def demo(tmp_path_factory, demo_audit) -> Path:
    """A copy of the session's demo audit workbook in a folder of its own."""
    return Path(shutil.copy(demo_audit, tmp_path_factory.mktemp("processes") / "示例审核工作簿.xlsx"))


@pytest.fixture(scope="module")
def base(demo) -> C.Base:
    from cpxl.workbook.read import read_workbook

    return C.Base(demo, read_workbook(demo), demo.parent / "none")


def _env(**extra) -> dict:
    return dict(os.environ, PYTHONPATH=str(ROOT), COLUMNS="200", **extra)


def _children(pid: int) -> list[int]:
    out = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            out.append(int(entry.name))
    return out


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            state = fh.read().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


# ---- workers end with their parent ----------------------------------------------------------------------


@pytest.mark.skipif(not LINUX, reason="reads /proc")
def test_workers_exit_when_the_aggregation_is_killed(demo, tmp_path):
    books = tmp_path / "books"
    books.mkdir()
    for i in range(60):
        os.link(demo, books / f"企业{i:03d}.xlsx")
    proc = subprocess.Popen([sys.executable, "-m", "cpxl.cli", "aggregate", str(books), "-o", str(tmp_path / "汇总.xlsx"), "-j", "2"],
                            cwd=ROOT, env=_env(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 120
        while len(workers) < 2 and proc.poll() is None and time.monotonic() < deadline:
            workers = [p for p in _children(proc.pid) if _running(p)]
            time.sleep(0.05)
        assert len(workers) == 2, "the pool never started"
        time.sleep(0.5)  # workers busy, results in the pipe
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        gone_by = time.monotonic() + 10
        while any(_running(p) for p in workers) and time.monotonic() < gone_by:
            time.sleep(0.05)
        left = [p for p in workers if _running(p)]
        assert not left, f"workers {left} outlived their parent"
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        for p in workers:
            if _running(p):
                os.kill(p, signal.SIGKILL)


@pytest.mark.skipif(not (LINUX and hasattr(os, "fork")), reason="fork and /proc")
def test_worker_watchdog_where_there_is_no_prctl(monkeypatch):
    """Elsewhere than Linux a worker watches its parent's pid: forced here by refusing the prctl request."""
    import cpxl.aggregate as agg
    import cpxl.safeio as safeio

    monkeypatch.setattr(safeio, "parent_death_signal", lambda sig=None: False)
    r, w = os.pipe()
    parent = os.fork()
    if parent == 0:  # the would-be main process: starts a worker, then dies
        try:
            os.close(r)
            worker = os.fork()
            if worker == 0:
                try:
                    agg._worker_init(os.getppid())
                    os.write(w, f"{os.getpid()}\n".encode())
                    time.sleep(60)  # waiting for work that never comes
                finally:
                    os._exit(0)
            time.sleep(0.3)
        finally:
            os._exit(0)
    os.close(w)
    os.waitpid(parent, 0)
    with os.fdopen(r) as fh:
        worker = int(fh.readline())
    deadline = time.monotonic() + 10
    while _running(worker) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not _running(worker), "the worker outlived its parent"


# ---- temporary folders and signals ----------------------------------------------------------------------


def _cpxl_dirs(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith("cpxl-"))


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
@pytest.mark.parametrize("command", ["aggregate", pytest.param("export-pdf", marks=[pytest.mark.libreoffice, pytest.mark.slow])])
def test_signal_removes_temporary_folders(command, sig, demo, tmp_path):
    if command == "export-pdf" and C.soffice() is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    tmpdir = tmp_path / "tmp"
    tmpdir.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    if command == "aggregate":
        books = tmp_path / "books"
        books.mkdir()
        for i in range(3):
            os.link(demo, books / f"企业{i}.xlsx")
        args, folder = ["aggregate", str(books), "-o", str(out / "汇总.xlsx"), "-j", "1"], "cpxl-save-"
    else:
        args, folder = ["export", str(demo), "-o", str(out / "报告.docx"), "--pdf"], "cpxl-pdf-"
    caught = False
    for _attempt in range(10):
        proc = subprocess.Popen([sys.executable, "-m", "cpxl.cli", *args], cwd=ROOT, env=_env(TMPDIR=str(tmpdir)),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            while proc.poll() is None:
                if any(name.startswith(folder) for name in _cpxl_dirs(tmpdir)):
                    # soon, not at once: the folder is made a moment before the code that removes it runs, and
                    # the fast calc saves a whole region workbook in about a tenth of a second
                    time.sleep(0.02)
                    proc.send_signal(sig)
                    break
                time.sleep(0.002)
            stdout, stderr = proc.communicate(timeout=120)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        caught = "已终止" in stderr or "已中断" in stderr
        if caught:
            break
        for p in out.iterdir():  # the run finished before the signal arrived: try again
            p.unlink()
    assert caught, "the temporary folder was never seen"
    assert proc.returncode == (143 if sig == signal.SIGTERM else 130), (proc.returncode, stderr)
    assert stderr.startswith("错误：") and ("已终止" in stderr or "已中断" in stderr), stderr
    assert _cpxl_dirs(tmpdir) == [], "a temporary folder was left behind"
    left = [p.name for p in out.iterdir()]
    if command == "export-pdf":  # the Word report was complete before the conversion started; no PDF
        assert left in ([], ["报告.docx"]), left
    else:
        assert left == [], "output or temporary file left behind"


def test_folders_of_a_killed_run_are_swept(demo, tmp_path):
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    tmpdir = tmp_path / "tmp"
    stale = tmpdir / f"cpxl-calc-{dead.pid}-abc123"
    stale.mkdir(parents=True)
    (stale / "book.xlsx").write_bytes(b"x")
    old = time.time() - 3600
    os.utime(stale, (old, old))
    alive = tmpdir / f"cpxl-calc-{os.getpid()}-def456"  # this process is running: left alone
    alive.mkdir()
    os.utime(alive, (old, old))
    other = tmpdir / "cpxl-notes"  # not a cpxl temporary folder
    other.mkdir()
    run = subprocess.run([sys.executable, "-m", "cpxl.cli", "check", str(demo)], cwd=ROOT, env=_env(TMPDIR=str(tmpdir)),
                         capture_output=True, text=True, timeout=120)
    assert run.returncode in (0, 1), run.stderr
    assert sorted(p.name for p in tmpdir.iterdir()) == sorted([alive.name, other.name])


# ---- files that are not regular files -------------------------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs")
@pytest.mark.parametrize("command", ["check", "calc", "export", "aggregate", "template"])
def test_fifo_is_not_a_regular_file(command, demo, tmp_path):
    fifo = tmp_path / "管道.xlsx"
    os.mkfifo(fifo)
    out = tmp_path / "out"
    out.mkdir()
    args = {
        "check": ["check", str(fifo)],
        "calc": ["calc", str(fifo), "-o", str(out / "x.xlsx")],
        "export": ["export", str(fifo), "-o", str(out / "x.docx")],
        "aggregate": ["aggregate", str(fifo), "-o", str(out / "x.xlsx")],
        "template": ["export", str(demo), "-o", str(out / "x.docx"), "--template", str(fifo)],
    }[command]
    run = run_child(args, timeout=120)  # a reader that opened the FIFO would wait for a writer for ever
    if command == "aggregate":  # one workbook that cannot be read is listed in R.7, as any other
        assert run.code == 1, run.text
        message = " ".join(" ".join(r) for r in region_findings(out / "x.xlsx"))
    else:
        assert run.code == 2, run.text
        assert list(out.iterdir()) == []
        message = run.stderr
    assert "不是普通文件" in message and "命名管道" in message, message
    assert "文件为空" not in message and "文件夹" not in message


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_device_is_not_a_regular_file():
    run = run_inprocess(["check", "/dev/zero"])
    assert run.code == 2 and "不是普通文件（字符设备）" in run.stderr, run.text


# ---- file names from Chinese machines -------------------------------------------------------------------


@pytest.mark.skipif(not LINUX, reason="byte file names")
def test_gbk_named_workbook_everywhere(demo, tmp_path):
    folder = tmp_path / "区县"
    folder.mkdir()
    gbk = folder / GBK_NAME
    shutil.copy(demo, gbk)
    bad = folder / BAD_NAME
    shutil.copy(demo, bad)
    C.set_cells(demo, folder / "其他企业.xlsx", {"封面信息": {"B4": "其他企业有限公司", "B5": "91410100MA00000099"}})
    out = tmp_path / "out"
    out.mkdir()

    run = run_inprocess(["check", str(gbk)])
    assert run.code in (0, 1) and "找不到" not in run.text, run.text
    run = run_inprocess(["check", str(folder / os.fsdecode("没有的企业".encode("gbk") + b".xlsx"))])
    assert run.code == 2 and "没有的企业.xlsx" in run.stderr, run.text  # shown decoded, not as \udcxx escapes

    run = run_inprocess(["aggregate", str(folder), "-o", str(out / "汇总.xlsx"), "-j", "2"])
    assert run.code in (0, 1) and "Traceback" not in run.text and "UnicodeEncodeError" not in run.text, run.text
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(out / "汇总.xlsx"))
    r1 = next(n for n in wb.sheet_names if n.startswith("R.1"))
    listed = " ".join(str(v) for row in wb.get_sheet_by_name(r1).to_python() for v in row)
    findings = " ".join(" ".join(r) for r in region_findings(out / "汇总.xlsx"))
    assert "企业.xlsx" in listed + findings  # decoded as GBK
    assert "\\xff\\xfe\\x80.xlsx" in listed + findings  # escaped: neither UTF-8 nor GBK
    assert "其他企业.xlsx" in listed

    computed = out / os.fsdecode("计算".encode("gbk") + b".xlsx")
    run = run_inprocess(["calc", str(gbk), "-o", str(computed)])
    assert run.code == 0 and computed.is_file() and "计算.xlsx" in run.stdout, run.text

    target = out / os.fsdecode("报告".encode("gbk") + b".docx")
    run = run_inprocess(["export", str(gbk), "-o", str(target)])
    assert run.code in (0, 1) and target.is_file(), run.text
    assert "报告.docx" in run.stdout, run.stdout


def test_long_output_name(tmp_path):
    name = "审" * 81 + "ab.xlsx"  # 243 + 7 = 250 bytes in UTF-8
    assert len(name.encode()) == 250
    run = run_inprocess(["new", "audit", str(tmp_path / name)])
    assert run.code == 0, run.text
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_dangling_symlink_is_an_existing_output(tmp_path):
    link = tmp_path / "输出.xlsx"
    link.symlink_to(tmp_path / "别处" / "不存在.xlsx")
    run = run_inprocess(["new", "audit", str(link)])
    assert run.code == 2 and "已存在" in run.stderr and "--force" in run.stderr, run.text
    assert link.is_symlink() and not (tmp_path / "别处").exists()
    run = run_inprocess(["new", "audit", str(link), "--force"])  # replaces the link, creates nothing where it pointed
    assert run.code == 0, run.text
    assert link.is_file() and not link.is_symlink() and not (tmp_path / "别处").exists()


# ---- two runs, one new output ---------------------------------------------------------------------------


def test_second_writer_to_a_new_output_is_refused(tmp_path):
    from cpxl.errors import OutputExists
    from cpxl.safeio import atomic_path

    target = tmp_path / "输出.xlsx"
    first, second = atomic_path(target), atomic_path(target)
    a, b = first.__enter__(), second.__enter__()  # both checked while the name was free
    a.write_bytes(b"first")
    b.write_bytes(b"second")
    first.__exit__(None, None, None)
    with pytest.raises(OutputExists, match="已存在"):
        second.__exit__(None, None, None)
    assert target.read_bytes() == b"first"
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


def test_aggregation_finds_its_output_taken_at_commit(demo, tmp_path, monkeypatch):
    import cpxl.aggregate as agg

    target = tmp_path / "汇总.xlsx"
    real = agg.region_data

    def other_run_finishes_first(a):
        target.write_bytes(b"the other run's region workbook")
        return real(a)

    monkeypatch.setattr(agg, "region_data", other_run_finishes_first)
    run = run_inprocess(["aggregate", str(demo), "-o", str(target), "-j", "1"])
    assert run.code == 2 and "已存在" in run.stderr, run.text
    assert target.read_bytes() == b"the other run's region workbook"
    assert sorted(p.name for p in tmp_path.iterdir()) == [target.name]


# ---- duplicate enterprises ------------------------------------------------------------------------------


def _variant(base: C.Base, path: Path, **fields) -> Path:
    sheet = base.sheet("封面信息")
    return C.set_cells(base.path, path, {sheet: {base.field(k)[1]: v for k, v in fields.items()}})


def test_duplicate_enterprises_are_aggregated_once(base, tmp_path):
    books = tmp_path / "books"
    books.mkdir()
    code = "91410100MA00000001"
    old = _variant(base, books / "清泉-2023.xlsx", base_year=2023)  # same code, older audit year: not used
    newest = _variant(base, books / "清泉-2025.xlsx", base_year=2025)
    copy = _variant(base, books / "清泉-2025-副本.xlsx", base_year=2025)  # same year, modified earlier
    past = time.time() - 86400
    os.utime(copy, (past, past))
    no_code = _variant(base, books / "清泉-无代码.xlsx", credit_code=None, company=" 清泉啤酒有限公司 ")  # joins by name
    os.utime(no_code, (past - 100, past - 100))
    other_name = _variant(base, books / "别名.xlsx", company="泉清饮料有限公司", base_year=2024)  # same code, other name
    distinct = _variant(base, books / "另一家.xlsx", company="另一家啤酒有限公司", credit_code="91410100MA00000777")
    out = tmp_path / "汇总.xlsx"
    run = run_inprocess(["aggregate", str(books), "-o", str(out), "-j", "2"])
    assert run.code in (0, 1), run.text
    assert "已汇总 2/6" in run.stdout, run.stdout
    assert "重复企业" in run.stdout and "清泉-2025.xlsx" in run.stdout and "泉清饮料有限公司" in run.stdout, run.stdout
    rows = region_findings(out)
    dup = {r[2]: r[-1] for r in rows if r[6] == "duplicate_enterprise"}
    assert set(dup) == {p.name for p in (old, newest, copy, no_code, other_name)}, rows
    assert "汇总采用本工作簿" in dup[newest.name]
    assert all("未计入" in dup[p.name] and newest.name in dup[p.name] for p in (old, copy, no_code, other_name))
    assert code in dup[old.name]
    conflict = [r for r in rows if r[6] == "credit_code_conflict"]
    assert len(conflict) == 1 and "泉清饮料有限公司" in conflict[0][-1] and "清泉啤酒有限公司" in conflict[0][-1], rows
    assert distinct.name not in dup
    from python_calamine import CalamineWorkbook

    wb = CalamineWorkbook.from_path(str(out))
    r1 = next(n for n in wb.sheet_names if n.startswith("R.1"))
    files = [row[-1] for row in wb.get_sheet_by_name(r1).to_python()[3:] if row and row[0] != ""]
    assert sorted(files) == sorted([newest.name, distinct.name]), files


def test_find_duplicates_prefers_year_then_time():
    from cpxl.aggregate import find_duplicates

    facts = [
        {"file": "a", "company": "甲公司", "company_given": True, "credit_code": "X1", "base_year": 2024, "mtime": 50.0},
        {"file": "b", "company": "甲公司", "company_given": True, "credit_code": "x 1", "base_year": 2023, "mtime": 99.0},
        {"file": "c", "company": "乙公司", "company_given": True, "credit_code": "", "base_year": None, "mtime": 1.0},
        {"file": "d", "company": "乙 公司", "company_given": True, "credit_code": "", "base_year": None, "mtime": 2.0},
        {"file": "e", "company": "e", "company_given": False, "credit_code": "", "base_year": None, "mtime": 3.0},
        {"file": "f", "company": "f", "company_given": False, "credit_code": "", "base_year": None, "mtime": 3.0},
    ]
    skip, dups = find_duplicates(facts)
    assert skip == {1, 2}
    assert sorted((d.kept["file"], [o["file"] for o in d.others]) for d in dups) == [("a", ["b"]), ("d", ["c"])]


# ---- the report's rendering process ---------------------------------------------------------------------


def test_render_time_limit(demo, tmp_path, monkeypatch):
    """A template within every size limit that would run for hours is stopped by the time limit (the
    refusal, not the time, is asserted)."""
    from cpxl.report import export

    monkeypatch.setattr(export, "RENDER_SECONDS", 3)
    tpl = C._template_text("{% for i in range(150000) %}{% for j in range(12) %}{{ ([1] * 200000)|sort|length }}{% endfor %}{% endfor %}", "慢.docx")(None, tmp_path)
    with pytest.raises(export.ReportError, match="时间上限") as info:
        export.export_report(demo, tmp_path / "报告.docx", template=tpl)
    assert not (tmp_path / "报告.docx").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["慢.docx"]
    if LINUX:
        assert info.value.render_peak_kb < 1 << 20  # KB: the child's peak stayed under 1 GB


def test_render_memory_limit(demo, tmp_path, monkeypatch):
    from cpxl.report import export

    monkeypatch.setattr(export, "RENDER_MEMORY", 400 << 20)
    tpl = C._template_text(C.TEMPLATE_BOMBS["memory"], "内存.docx")(None, tmp_path)
    if not (LINUX and hasattr(os, "fork")):
        pytest.skip("the address-space limit is Linux's")
    with pytest.raises(export.ReportError, match="内存") as info:
        export.export_report(demo, tmp_path / "报告.docx", template=tpl)
    peak_mb = info.value.render_peak_kb // 1024
    base_mb = _rss_mb()
    assert peak_mb < base_mb + 400 + 200, (peak_mb, base_mb)  # what the process held, plus the limit, plus slack
    assert not (tmp_path / "报告.docx").exists()


def _rss_mb() -> int:
    try:
        with open("/proc/self/status") as fh:
            return next(int(line.split()[1]) for line in fh if line.startswith("VmRSS:")) // 1024
    except (OSError, StopIteration):
        return 0


@pytest.mark.slow
def test_render_in_a_spawned_process(demo, tmp_path, monkeypatch):
    """Where fork is not used (macOS, Windows): a fresh process reads the workbook and renders it."""
    from cpxl.report import export

    monkeypatch.setattr(export, "_use_fork", lambda: False)
    tpl = C._template_external(None, tmp_path)
    result = export.export_report(demo, tmp_path / "报告.docx", template=tpl)
    assert result.path.is_file() and result.render_peak_kb is None
    assert any("file:///etc/passwd" in m for m in result.messages), result.messages
