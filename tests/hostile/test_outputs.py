"""Outputs: written atomically (a killed writer leaves the previous output intact), never over the input,
over an existing output only with --force; user templates rendered in a sandbox; size limits that answer
with a message instead of exhausting memory."""

from __future__ import annotations

import hashlib
import html
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

import corpus as C
from test_hostile import ROOT, docx_text, run_inprocess

runner = CliRunner()


def sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def demo(demo_audit) -> Path:
    """The session's demo audit workbook: an input, never written to."""
    return demo_audit


# ---- atomic writes: a real kill while the output is being written -----------------------------------------


def _kill_while_writing(args: list[str], target: Path, attempts: int = 6) -> tuple[Path, int]:
    """Start the command, SIGKILL it as soon as its temporary file beside `target` has content; return
    the temporary file left behind and its size. Retries when the writer was too quick to catch."""
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    pattern = f".{target.name}."
    for _ in range(attempts):
        before = sha(target)
        proc = subprocess.Popen([sys.executable, "-m", "cpxl.cli", *args], cwd=ROOT, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        caught = None
        try:
            while proc.poll() is None:
                for entry in os.scandir(target.parent):
                    if entry.name.startswith(pattern) and entry.name.endswith(".tmp"):
                        try:
                            size = entry.stat().st_size
                        except FileNotFoundError:
                            continue
                        if size > 0:
                            proc.send_signal(signal.SIGKILL)
                            caught = (Path(entry.path), size)
                            break
                if caught:
                    break
                time.sleep(0.0005)
        finally:
            if proc.poll() is None:
                proc.kill()
            proc.wait()
        if caught and proc.returncode == -signal.SIGKILL and sha(target) == before:
            return caught
        # the writer finished first (the output was replaced): put the old one back and try again
        time.sleep(0.1)
    pytest.fail("the writer was never caught while writing")


def _previous_output(path: Path) -> bytes:
    """Something recognisable as the previous output."""
    path.write_bytes(b"PREVIOUS OUTPUT " * 1000)
    return path.read_bytes()


@pytest.mark.slow  # a real cpxl process per attempt, killed while it writes
@pytest.mark.parametrize("command", ["calc", "export"])
def test_killed_writer_leaves_previous_output_intact(command, demo, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    target = out / ("计算结果.xlsx" if command == "calc" else "报告.docx")
    previous = _previous_output(target)
    src_hash = sha(demo)
    args = [command, str(demo), "-o", str(target), "--force"]

    tmp, size = _kill_while_writing(args, target)
    assert size > 0
    # the previous output is byte-identical, the input too; the only other file is the hidden temporary one
    assert target.read_bytes() == previous
    assert sha(demo) == src_hash
    assert sorted(p.name for p in out.iterdir()) == sorted([target.name, tmp.name])
    assert tmp.name.startswith(f".{target.name}.") and tmp.name.endswith(".tmp")

    # the next write to the target replaces it and removes what the killed writer left
    run = run_inprocess(args if command == "export" else ["new", "audit", str(target), "--force"])
    assert run.code in (0, 1), run.text
    assert [p.name for p in out.iterdir()] == [target.name]
    assert target.read_bytes() != previous
    with zipfile.ZipFile(target) as z:
        assert z.testzip() is None


# ---- never over the input, over an output only with --force -----------------------------------------------


def _commands_writing(demo: Path, target: Path) -> dict[str, list[str]]:
    return {
        "calc": ["calc", str(demo), "-o", str(target)],
        "export": ["export", str(demo), "-o", str(target)],
        "aggregate": ["aggregate", str(demo), "-o", str(target), "-j", "1"],
        "new": ["new", "audit", str(target)],
    }


# export writes .docx only: the input cannot be its target by name
OVER_THE_INPUT = [(c, h) for c in ("calc", "export", "aggregate") for h in ("same-path", "symlink", "hardlink")
                  if (c, h) != ("export", "same-path")]


@pytest.mark.parametrize("command, how", OVER_THE_INPUT)
def test_never_writes_over_the_input(command, how, demo, tmp_path):
    src = tmp_path / "输入.xlsx"
    shutil.copy(demo, src)
    before = sha(src)
    target = src if how == "same-path" else tmp_path / ("输出.xlsx" if command != "export" else "输出.docx")
    if how == "symlink":
        target.symlink_to(src)
    elif how == "hardlink":
        os.link(src, target)
    args = _commands_writing(src, target)[command] + ["--force"]
    run = run_inprocess(args)
    assert run.code == 2, run.text
    assert "输入" in run.stderr and run.stderr.startswith("错误："), run.stderr
    assert sha(src) == before
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("command", ["calc", "export", "aggregate", "new"])
def test_existing_output_needs_force(command, demo, tmp_path):
    target = tmp_path / ("报告.docx" if command == "export" else "输出.xlsx")
    previous = _previous_output(target)
    args = _commands_writing(demo, target)[command]
    run = run_inprocess(args)
    assert run.code == 2 and "--force" in run.stderr, run.text
    assert target.read_bytes() == previous
    if command in ("new", "aggregate"):  # quick ones: --force replaces it
        run = run_inprocess(args + ["--force"])
        assert run.code in (0, 1), run.text
        assert target.read_bytes() != previous
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


@pytest.mark.parametrize("command", ["calc", "export", "aggregate", "new"])
def test_unwritable_output_is_a_message(command, demo, tmp_path):
    blocker = tmp_path / "是文件"
    blocker.write_text("x")
    target = blocker / ("报告.docx" if command == "export" else "输出.xlsx")  # parent is a file
    run = run_inprocess(_commands_writing(demo, target)[command])
    assert run.code == 2, run.text
    assert run.stderr.startswith("错误：") and "Traceback" not in run.text
    assert blocker.read_text() == "x"


@pytest.mark.parametrize("name", ["报告[/].xlsx", "[red]红[/red].xlsx", "a]b[c.xlsx"])
def test_markup_like_file_names(name, demo, tmp_path):
    """Paths are printed literally (no console markup), missing or written."""
    run = run_inprocess(["check", str(tmp_path / name)])
    assert run.code == 2 and name in run.stderr, run.text
    run = run_inprocess(["new", "audit", str(tmp_path / name)])
    assert run.code == 0 and name in run.stdout, run.text


# ---- templates --------------------------------------------------------------------------------------------

HOSTILE_TAGS = {
    "mro": "{{ ''.__class__.__mro__ }}",
    "globals": "{{ cycler.__init__.__globals__ }}",
    "subclasses": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "os": "{{ self._TemplateReference__context.cycler.__init__.__globals__.os.popen('id').read() }}",
    "config": "{% for k in config %}{{ k }}{% endfor %}",
    "range": "{{ range(10**9)|list|length }}",
}


def _template_with(tmp_path: Path, tag: str) -> Path:
    from cpxl.report.templates import template_path

    src = template_path("audit")
    dst = tmp_path / "恶意模板.docx"

    def inject(xml: bytes) -> bytes:
        para = f'<w:p><w:r><w:t xml:space="preserve">{html.escape(tag, quote=False)}</w:t></w:r></w:p>'.encode()
        return re.sub(rb"(<w:body>)", lambda m: m[1] + para, xml, count=1)

    return C.rewrite(src, dst, {"word/document.xml": inject})


#: The sandbox refuses these (SecurityError, or a range over its limit); `config` is an undefined name that
#: renders as nothing.
REFUSED_TAGS = {"mro", "globals", "subclasses", "os", "range"}


@pytest.mark.slow  # the hostile-template corpus: a full report export per tag
@pytest.mark.parametrize("tag", sorted(HOSTILE_TAGS))
def test_hostile_template_fails_safely(tag, demo, tmp_path):
    template = _template_with(tmp_path, HOSTILE_TAGS[tag])
    out = tmp_path / "out"
    out.mkdir()
    target = out / "报告.docx"
    run = run_inprocess(["export", str(demo), "-o", str(target), "--template", str(template)])
    assert "Traceback" not in run.text
    if tag in REFUSED_TAGS:
        assert run.code == 2, run.text
        if tag == "range":  # the bounded sandbox refuses the size before building anything
            assert run.stderr.startswith("错误：报告模板超出限制，拒绝渲染") and "上限" in run.stderr, run.stderr
        else:
            assert run.stderr.startswith("错误：报告模板渲染失败") and "请检查模板" in run.stderr, run.stderr
        assert not list(out.iterdir()), "a refused export left a file"
        return
    assert run.code in (0, 1), run.text
    text = docx_text(target)
    for leak in ("<class", "object at 0x", "__builtins__", "uid=", "function ", "SECRET_KEY"):
        assert leak not in html.unescape(text), leak


def test_template_syntax_in_cells_prints_literally(demo, tmp_path):
    base = C.Base(demo, None, tmp_path / "none")
    from cpxl.workbook.read import read_workbook

    base.book = read_workbook(demo)
    src = C._hostile_text(base, tmp_path)
    target = tmp_path / "报告.docx"
    run = run_inprocess(["export", str(src), "-o", str(target)])
    assert run.code in (0, 1), run.text
    text = html.unescape(docx_text(target))
    assert "{{ 7*7 }}" in text and "{% for x in range(3) %}循环{% endfor %}" in text
    assert "循环循环循环" not in text
    assert "<公司>&amp;\"引号\"" in text  # what the user typed, escaped once by Word's XML only
    assert "清泉啤酒有限公司" in text  # control characters dropped, the text kept
    assert "=cmd|' /C calc'!A0" in text or "=HYPERLINK" in text
    from docx import Document

    Document(str(target))  # a valid document


# ---- limits -----------------------------------------------------------------------------------------------


def test_rows_over_the_limit_are_a_located_finding(demo, tmp_path, monkeypatch):
    """More rows than MAX_ROWS in one table: read up to the limit, and an error finding at the first row
    not read (the real limit, 200 000 rows, is the same code path)."""
    from cpxl.workbook import read
    from cpxl.workbook.check import check_book

    monkeypatch.setattr(read, "MAX_ROWS", 1000)
    base = C.Base(demo, read.read_workbook(demo), tmp_path / "none")
    src = C._many_rows(1500, "多行.xlsx")(base, tmp_path)
    book = read.read_workbook(src)
    hits = [f for f in check_book(book) if f.rule == "too_many_rows"]
    assert len(hits) == 1 and hits[0].sheet == base.sheet("D.5") and hits[0].cell == "A1001", hits
    assert "1,000" in hits[0].message and hits[0].severity == "error"
    assert len(book["D.5"].frame) < 1000


def test_limits_are_what_the_readers_use():
    from cpxl.workbook import read

    assert read.MAX_BYTES == 200 << 20 and read.MAX_UNCOMPRESSED == 1 << 30
    assert read.MAX_ROWS == 200_000 and read.MAX_CELLS >= read.MAX_ROWS * 20


def test_extent_is_measured_without_loading(tmp_path):
    """A cell at XFD1048576 in a 100-byte sheet: measured from the XML (a reader that allocates the whole
    rectangle, as calamine does, would need 500 GB)."""
    from cpxl.workbook.read import sheet_extent

    p = tmp_path / "x.zip"
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("s.xml", '<worksheet><sheetData><row r="1"><c r="A1"><v>1</v></c></row>'
                            '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row></sheetData>'
                            '<mergeCells><mergeCell ref="A2:C3"/></mergeCells></worksheet>')
        z.writestr("t.xml", '<x:worksheet xmlns:x="m"><x:sheetData><x:row><x:c><x:v>1</x:v></x:c><x:c><x:v>2</x:v></x:c>'
                            '</x:row><x:row r="70000"><x:c><x:v>3</x:v></x:c></x:row></x:sheetData></x:worksheet>')
        z.writestr("u.xml", '<worksheet><sheetData><row r="5"><c r="B5" s="1"/></row></sheetData></worksheet>')
    with zipfile.ZipFile(p) as z:
        e = sheet_extent(z, "s.xml")
        assert (e.rows, e.cols, e.merged, e.far) == (1048576, 16384, 6, "XFD1048576")
        e = sheet_extent(z, "t.xml")  # positions without references, namespace prefixes
        assert (e.rows, e.cols) == (70000, 2)
        e = sheet_extent(z, "u.xml")  # an empty styled cell is no content
        assert (e.rows, e.cols) == (0, 0)


@pytest.mark.parametrize(("name", "change"), [
    pytest.param("document-not-xml", {"word/document.xml": b"not xml at all"}),
    pytest.param("no-styles", {"word/styles.xml": None}),
    pytest.param("entity", "xxe"),
])
def test_broken_template_is_refused(name, change, demo, tmp_path):
    from cpxl.report.templates import template_path

    secret = tmp_path / "secret.txt"
    secret.write_text(C.SECRET)
    if change == "xxe":
        def change_xml(x: bytes) -> bytes:
            x = C.with_doctype(x, C.external_entity("w:document", secret.resolve().as_uri()))
            return x.replace(b"<w:body>", b"<w:body><w:p><w:r><w:t>&xxe;</w:t></w:r></w:p>", 1)

        change = {"word/document.xml": change_xml}
    template = C.rewrite(template_path("audit"), tmp_path / "模板.docx", change)
    out = tmp_path / "out"
    out.mkdir()
    run = run_inprocess(["export", str(demo), "-o", str(out / "报告.docx"), "--template", str(template)])
    assert "Traceback" not in run.text and C.SECRET not in run.text
    if name == "entity":  # a template with entity declarations is refused before anything is read from it
        assert "DTD/实体声明" in run.stderr, run.stderr
    assert run.code == 2, run.text
    assert run.stderr.startswith("错误：") and "模板" in run.stderr, run.stderr
    assert not list(out.iterdir())
