"""Export the Word report of a workbook: ``export_report(book, out) -> ExportResult``.

The workbook is read (never modified), checked, every derived value recomputed (:mod:`.compute`), the
context built (:mod:`.context`) and rendered into the report template with docxtpl in a sandboxed,
autoescaping, size-bounded jinja environment (:mod:`.sandbox`), so a cell holding ``{{ 7*7 }}`` or ``{% … %}``
prints literally. The output is written atomically; ``pdf=True`` converts it with LibreOffice (headless,
private profile).

A template given with ``--template`` is untrusted: it is checked before it is opened (macros, DTDs,
duplicate parts, size), and the rendered document is cleaned of everything Word would run, embed or fetch
(:mod:`.clean`; what was removed is reported). The rendering runs in a child process under a time limit
and, on Linux, an address-space limit (:data:`RENDER_SECONDS`, :data:`RENDER_MEMORY`): a template that asks
for too much is refused with a message instead of exhausting the machine.
"""

from __future__ import annotations

import copy
import os
import pickle
import re
import select
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from docx.oxml.ns import qn
from markupsafe import Markup

from cpxl.errors import CpxlError
from cpxl.safeio import atomic_path, check_target, parent_death_signal, temp_dir
from cpxl.tables import KINDS
from cpxl.workbook.read import regular_file

from . import ooxml as X
from .tables import Page
from .templates import template_path

PDF_TIMEOUT = 300  # seconds for LibreOffice to convert one report
RENDER_SECONDS = int(os.environ.get("CPXL_RENDER_SECONDS", "300"))  # the whole rendering of one report, in its process
RENDER_MEMORY = int(os.environ.get("CPXL_RENDER_MEMORY_MB", "2048")) << 20  # address space it may add to what the process holds (Linux)


class ReportError(CpxlError):
    """The report cannot be produced (bad template, kind that does not fit the workbook, PDF failure)."""


@dataclass
class ExportResult:
    """What was written. errors/warnings: counts of the workbook check findings (as ``cpxl check``)."""

    path: Path
    pdf_path: Path | None = None
    errors: int = 0
    warnings: int = 0
    messages: list[str] = field(default_factory=list)  # values that could not be computed, missing fonts …
    pending: list[str] = field(default_factory=list)  # sections carrying 【待补充】
    tables: int = 0
    figures: int = 0
    removed: list[str] = field(default_factory=list)  # what was taken out of the template (external links, objects …)
    render_peak_kb: int | None = None  # peak resident memory of the rendering process (Linux, macOS)


def export_report(book_path, out_path, *, kind: str | None = None, template=None, pdf: bool = False,
                  force: bool = False) -> ExportResult:
    """Write the report of the workbook `book_path` to `out_path` (.docx).

    kind: audit | acceptance | park | region, default from the workbook (an acceptance workbook may also
    give the audit report); template: a restyled .docx made from the shipped template; pdf: also write
    `out_path` with suffix .pdf through LibreOffice; force: overwrite existing outputs (never the input).
    Raises :class:`cpxl.errors.CpxlError` subclasses with a Chinese message for bad input.
    """
    from cpxl.workbook.check import check_book
    from cpxl.workbook.read import read_workbook

    book_path, out_path = Path(book_path), Path(out_path)
    if out_path.suffix.lower() != ".docx":
        raise ReportError(f"报告文件须以 .docx 结尾：{out_path}")
    if kind is not None and kind not in KINDS:
        raise ReportError(f"未知的报告类型“{kind}”，可选：{'、'.join(KINDS)}")
    pdf_path = out_path.with_suffix(".pdf") if pdf else None
    regular_file(book_path)
    # refuse before any work: the input, or existing outputs without force
    check_target(out_path, inputs=[book_path], force=force)
    if pdf_path is not None:
        check_target(pdf_path, inputs=[book_path], force=force)
        soffice = find_soffice()
    tpl_file = _template_file(kind, template)

    book = read_workbook(book_path)
    report_kind = kind or book.kind
    _check_kind(book.kind, report_kind, book_path)
    if template is None:
        tpl_file = template_path(report_kind)
    findings = check_book(book)
    errors = sum(f.severity == "error" for f in findings)

    with atomic_path(out_path, inputs=[book_path], force=force) as tmp:
        done = render_isolated(book, report_kind, tpl_file, tmp, book_path=book_path, untrusted=template is not None)
    result = ExportResult(out_path, None, errors, len(findings) - errors, done["problems"], done["pending"], done["tables"],
                          done["figures"], done["removed"], done.get("peak_kb"))
    if result.removed:
        result.messages.insert(0, "报告模板中的以下内容可能在打开报告时执行或访问外部资源，已删除：" + "；".join(result.removed))
    from . import charts

    if charts.cjk_font() is None:
        result.messages.append(charts.NO_FONT)
    if pdf_path is not None:
        result.pdf_path = to_pdf(out_path, pdf_path, soffice=soffice, inputs=[book_path], force=force)
    return result


def _check_kind(book_kind: str, report_kind: str, path: Path) -> None:
    if report_kind in (book_kind, *KINDS[book_kind].also_reports):
        return
    raise ReportError(
        f"工作簿是{KINDS[book_kind].name}工作簿，不能导出{KINDS[report_kind].report_title}（请用 --kind {book_kind} 或对应类型的工作簿）：{path}"
    )


def _template_file(kind: str | None, template) -> Path | None:
    from .clean import TemplateRefused, check_template_file

    if template is None:
        return None
    t = Path(template)
    if not os.path.exists(t):
        raise ReportError(f"找不到报告模板：{t}")
    try:
        regular_file(t, "报告模板")
        check_template_file(t)
    except (TemplateRefused, CpxlError) as exc:
        raise ReportError(str(exc)) from None
    return t


# ---- rendering -------------------------------------------------------------------------------------------


def _finalize(value):
    """Every value printed by a template tag: escaped, braces as character references (so nothing a user
    typed can look like a tag to a later pass), characters XML cannot hold dropped."""
    if value is None:
        return ""
    if hasattr(value, "__html__"):
        return value
    return Markup(X.esc(value))


def jinja_env():
    """The environment every report is rendered in: sandboxed, autoescaping, sizes bounded (:mod:`.sandbox`)."""
    from .sandbox import bounded_env

    return bounded_env(autoescape=True, finalize=_finalize)


def style_map(doc) -> X.StyleMap:
    """Ids and fonts of the styles the body uses, looked up by name in the template in use."""
    from docx.enum.style import WD_STYLE_TYPE

    names = ("Normal", "Heading 1", "Heading 2", "Heading 3", "Heading 4", "表题", "图题", "图", "表格文字", "表头文字",
             "表注", "待补充", "附件标注", "Table Grid")
    by_name = {}
    for s in doc.styles:
        try:
            by_name[s.name] = s
        except Exception:  # noqa: BLE001 - a style without a name
            continue
    sm = X.StyleMap()
    for name in names:
        style = by_name.get(name)
        if style is None:
            continue
        sm.ids[name] = style.style_id
        if style.type == WD_STYLE_TYPE.PARAGRAPH:
            sm.fonts[name] = _fonts(style)
    for name in names:  # a style the firm deleted: fall back to the body text style
        if name not in sm.ids and name != "Table Grid":
            sm.fonts[name] = sm.fonts.get("Normal", X.Font())
    return sm


def _fonts(style) -> X.Font:
    east = latin = size = None
    s = style
    while s is not None and (east is None or latin is None or size is None):
        rpr = s.element.find(qn("w:rPr"))
        f = rpr.find(qn("w:rFonts")) if rpr is not None else None
        if f is not None:
            east = east or f.get(qn("w:eastAsia"))
            latin = latin or f.get(qn("w:ascii"))
        if size is None and s.font.size is not None:
            size = s.font.size.pt
        s = s.base_style
    return X.Font(east or "宋体", latin or X.LATIN, size)


def page_of(doc) -> Page:
    sect = doc.sections[-1]
    w, h = int(sect.page_width.twips), int(sect.page_height.twips)
    lm, rm = int(sect.left_margin.twips), int(sect.right_margin.twips)
    tm, bm = int(sect.top_margin.twips), int(sect.bottom_margin.twips)
    portrait, long = min(w, h), max(w, h)
    return Page(portrait=portrait - lm - rm, landscape=long - lm - rm, landscape_height=portrait - tm - bm)


def render(book, kind: str, tpl_file: Path):
    from docxtpl import DocxTemplate

    from .context import build_context

    try:
        tpl = DocxTemplate(tpl_file if isinstance(tpl_file, Path) and not _odd_name(tpl_file) else _file_bytes(tpl_file))
        tpl.init_docx()
        styles, page = style_map(tpl.docx), page_of(tpl.docx)
    except Exception as exc:  # a damaged or foreign template: name it, not a traceback
        raise ReportError(f"报告模板无法打开（{type(exc).__name__}），请在 Word 中重新另存为 .docx：{tpl_file}") from None
    built = build_context(book, kind, tpl, styles, page)
    from .sandbox import TemplateLimit

    try:
        tpl.render(built.context, jinja_env())
    except MemoryError:
        raise
    except TemplateLimit as exc:
        raise ReportError(f"报告模板超出限制，拒绝渲染：{exc}：{tpl_file}") from None
    except RecursionError:
        raise ReportError(f"报告模板渲染失败（宏或包含的递归过深），请检查模板中的 {{% macro %}}：{tpl_file}") from None
    except Exception as exc:  # jinja errors in a restyled template: name the template, not a traceback
        raise ReportError(f"报告模板渲染失败（{type(exc).__name__}：{exc}），请检查模板中的 {{{{ }}}} 与 {{% %}} 标签：{tpl_file}") from None
    _complete_sections(tpl.docx)
    props = tpl.docx.core_properties
    props.title = built.context["report"]["header"]
    props.created = props.modified = datetime.now(timezone.utc).replace(microsecond=0)
    props.last_modified_by = "cpxl"
    return built, tpl


def _complete_sections(doc) -> None:
    """Fill the landscape/portrait section breaks around wide tables from the body's own section
    properties: the first break takes over the body's page numbering start, the rest continue it."""
    body = doc.element.body
    final = body.find(qn("w:sectPr"))
    _headings_into_landscape(doc)
    marks = [s for s in body.iter(qn("w:sectPr")) if s.get(qn("w:rsidR")) in (X.PORTRAIT_MARK, X.LANDSCAPE_MARK)]
    if final is None or not marks:
        return
    first = True
    for mark in marks:
        landscape = mark.get(qn("w:rsidR")) == X.LANDSCAPE_MARK
        new = copy.deepcopy(final)
        if not first:
            _drop_start(new)
        first = False
        if landscape:
            pg = new.find(qn("w:pgSz"))
            w, h = pg.get(qn("w:w")), pg.get(qn("w:h"))
            pg.set(qn("w:w"), str(max(int(w), int(h))))
            pg.set(qn("w:h"), str(min(int(w), int(h))))
            pg.set(qn("w:orient"), "landscape")
        mark.getparent().replace(mark, new)
    _drop_start(final)


def _headings_into_landscape(doc) -> None:
    """A heading right before a landscape section goes onto its first page, not alone on the portrait page
    before it: the break moves above the heading (and two breaks that would then enclose nothing go)."""
    heading_ids = {s.style_id for s in doc.styles if s.name.lower().startswith("heading")}

    def mark(p, which: str) -> bool:
        sect = p.find(qn("w:pPr") + "/" + qn("w:sectPr")) if p.tag == qn("w:p") else None
        return sect is not None and sect.get(qn("w:rsidR")) == which

    def is_heading(p) -> bool:
        style = p.find(qn("w:pPr") + "/" + qn("w:pStyle")) if p.tag == qn("w:p") else None
        return style is not None and style.get(qn("w:val")) in heading_ids

    for brk in [p for p in doc.element.body.iterchildren(qn("w:p")) if mark(p, X.PORTRAIT_MARK)]:
        first = brk
        while first.getprevious() is not None and is_heading(first.getprevious()):
            first = first.getprevious()
        if first is brk:
            continue
        before = first.getprevious()
        if before is not None and mark(before, X.LANDSCAPE_MARK):  # landscape already: one section goes on
            before.getparent().remove(before)
            brk.getparent().remove(brk)
        else:
            first.addprevious(brk)


def _drop_start(sect) -> None:
    pg = sect.find(qn("w:pgNumType"))
    if pg is not None and pg.get(qn("w:start")) is not None:
        del pg.attrib[qn("w:start")]


def _odd_name(path: Path) -> bool:
    from cpxl.fsnames import has_escapes

    return has_escapes(str(path))


def _file_bytes(path: Path):
    import io

    with open(path, "rb") as fh:
        return io.BytesIO(fh.read())


def render_to(book, kind: str, tpl_file: Path, out: Path, *, untrusted: bool = True) -> dict:
    """Render the report, clean it when the template is not the shipped one (:mod:`.clean`) and save it to
    `out`; what the caller reports, as plain data."""
    from .clean import clean_document

    built, tpl = render(book, kind, tpl_file)
    removed = clean_document(tpl.docx) if untrusted else []
    tpl.save(str(out))
    return {"problems": list(built.problems), "pending": list(built.pending), "tables": built.tables, "figures": built.figures,
            "removed": removed}


# ---- the rendering process ------------------------------------------------------------------------------

_LIMIT_MEMORY = "memory"
_LIMIT_TIME = "time"


def _limit_message(which: str, tpl_file: Path) -> str:
    if which == _LIMIT_MEMORY:
        return (f"生成报告所需内存超过上限（{RENDER_MEMORY // 2**20} MB），已停止：报告模板或工作簿内容异常，"
                f"请检查模板中的循环和表达式：{tpl_file}")
    return f"生成报告超过时间上限（{RENDER_SECONDS} 秒），已停止：报告模板或工作簿内容异常，请检查模板中的循环：{tpl_file}"


def _address_space() -> int:
    try:
        with open("/proc/self/statm") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def _child_limits() -> None:
    import resource

    parent_death_signal()
    want = _address_space() + RENDER_MEMORY
    _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        want = min(want, hard)
    resource.setrlimit(resource.RLIMIT_AS, (want, hard))


def _payload(fn) -> dict:
    try:
        return {"ok": True, "value": fn()}
    except MemoryError:
        return {"ok": False, "limit": _LIMIT_MEMORY}
    except CpxlError as exc:
        return {"ok": False, "message": str(exc), "code": exc.exit_code}
    except BaseException as exc:  # noqa: BLE001 - reported by the parent
        return {"ok": False, "internal": f"{type(exc).__name__}：{exc}"}


def _outcome(payload: dict, tpl_file: Path) -> dict:
    if payload.get("ok"):
        return payload["value"]
    if "limit" in payload:
        raise ReportError(_limit_message(payload["limit"], tpl_file))
    if "message" in payload:
        err = ReportError(payload["message"])
        err.exit_code = payload.get("code", 2)
        raise err
    raise RuntimeError(payload.get("internal", "报告生成进程出错"))


def render_isolated(book, kind: str, tpl_file: Path, out: Path, *, book_path: Path | None = None,
                    untrusted: bool = True) -> dict:
    """:func:`render_to` in a child process, under :data:`RENDER_SECONDS` and (Linux) :data:`RENDER_MEMORY`.
    The result has ``peak_kb``, the child's peak resident memory. Limits hit: ReportError (exit 2)."""
    if _use_fork():
        return _render_forked(book, kind, tpl_file, out, untrusted)
    return _render_spawned(book_path or book.path, kind, tpl_file, out, untrusted)


def _use_fork() -> bool:
    """Fork (the child shares the workbook already read) on Linux; a spawned process elsewhere (forking
    after macOS frameworks are loaded is unsafe; Windows has no fork)."""
    return hasattr(os, "fork") and sys.platform.startswith("linux")


def _render_forked(book, kind: str, tpl_file: Path, out: Path, untrusted: bool) -> dict:
    r, w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns into the caller's stack
        try:
            os.close(r)
            _child_limits()
            data = pickle.dumps(_payload(lambda: render_to(book, kind, tpl_file, out, untrusted=untrusted)))
        except BaseException:  # noqa: BLE001 - even pickling can run out of memory
            data = pickle.dumps({"ok": False, "limit": _LIMIT_MEMORY})
        try:
            with os.fdopen(w, "wb") as fh:
                fh.write(data)
        finally:
            os._exit(0)
    os.close(w)
    chunks, status, usage = [], None, None
    deadline = time.monotonic() + RENDER_SECONDS
    try:
        with os.fdopen(r, "rb", buffering=0) as fh:
            while True:
                left = deadline - time.monotonic()
                if left <= 0:
                    break
                ready, _, _ = select.select([fh], [], [], min(left, 1.0))
                if ready:
                    block = fh.read(1 << 16)
                    if not block:
                        break
                    chunks.append(block)
        if time.monotonic() >= deadline:
            os.kill(pid, signal.SIGKILL)
        _, status, usage = os.wait4(pid, 0)
    finally:
        if usage is None:  # interrupted (Ctrl+C, SIGTERM): the child goes too
            with _suppress():
                os.kill(pid, signal.SIGKILL)
            with _suppress():
                os.wait4(pid, 0)
    peak = usage.ru_maxrss if usage is not None else None
    if os.WIFSIGNALED(status):
        which = _LIMIT_TIME if time.monotonic() >= deadline else _LIMIT_MEMORY
        raise _with_peak(ReportError(_limit_message(which, tpl_file) if which == _LIMIT_TIME or os.WTERMSIG(status) == signal.SIGKILL
                                     else f"生成报告的进程异常结束（信号 {os.WTERMSIG(status)}），未写出报告：{tpl_file}"), peak)
    try:
        payload = pickle.loads(b"".join(chunks))
    except Exception:  # noqa: BLE001
        payload = {"ok": False, "limit": _LIMIT_MEMORY}
    try:
        value = _outcome(payload, tpl_file)
    except Exception as exc:
        raise _with_peak(exc, peak)
    return dict(value, peak_kb=peak)


def _with_peak(exc: Exception, peak: int | None) -> Exception:
    exc.render_peak_kb = peak
    return exc


class _suppress:
    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return exc[0] is not None and issubclass(exc[0], (OSError, ChildProcessError, subprocess.TimeoutExpired))


def _spawned_entry(book_path: str, kind: str, tpl_file: str, out: str, untrusted: bool, conn) -> None:  # pragma: no cover - spawned
    import threading

    parent = os.getppid()

    def watch():  # the parent died: nothing is waiting for this report
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, daemon=True).start()

    def work():
        from cpxl.workbook.read import read_workbook

        return render_to(read_workbook(Path(book_path)), kind, Path(tpl_file), Path(out), untrusted=untrusted)

    conn.send(_payload(work))
    conn.close()


def _render_spawned(book_path: Path, kind: str, tpl_file: Path, out: Path, untrusted: bool) -> dict:
    """Elsewhere than Linux: a fresh process (it reads the workbook again) under the time limit only."""
    import multiprocessing as mp

    ctx = mp.get_context("spawn")
    recv, send = ctx.Pipe(duplex=False)
    proc = ctx.Process(target=_spawned_entry, args=(str(book_path), kind, str(tpl_file), str(out), untrusted, send), daemon=True)
    proc.start()
    send.close()
    try:
        if not recv.poll(RENDER_SECONDS):
            raise ReportError(_limit_message(_LIMIT_TIME, tpl_file))
        try:
            payload = recv.recv()
        except (EOFError, OSError):
            payload = {"ok": False, "limit": _LIMIT_MEMORY}
    finally:
        if proc.is_alive():
            proc.kill()
        proc.join()
        recv.close()
    return dict(_outcome(payload, tpl_file), peak_kb=None)


# ---- PDF -----------------------------------------------------------------------------------------------------


def find_soffice() -> str:
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for candidate in (r"C:\Program Files\LibreOffice\program\soffice.exe", "/Applications/LibreOffice.app/Contents/MacOS/soffice"):
        if os.path.exists(candidate):
            return candidate
    raise ReportError("未安装 LibreOffice，无法导出 PDF：请安装 LibreOffice（Debian/Ubuntu：apt install libreoffice-writer），"
                      "或在 Word 中打开报告后另存为 PDF")


#: Fonts of the report (附录C) → free fonts of the same kind, for the PDF on systems without the Windows
#: fonts: serif CJK (Noto Serif CJK, fonts-noto-cjk) for 宋体/楷体/仿宋 and the title font, sans CJK for 黑体,
#: a metric-compatible Times (Liberation Serif, fonts-liberation2) for Times New Roman. The .docx keeps its
#: fonts; only the LibreOffice process converting it sees these preferences.
FONT_SUBSTITUTES = {
    "宋体": ("Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN"),
    "SimSun": ("Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN"),
    "新宋体": ("Noto Serif CJK SC", "Source Han Serif SC"),
    "NSimSun": ("Noto Serif CJK SC", "Source Han Serif SC"),
    "楷体": ("Noto Serif CJK SC", "AR PL UKai CN", "Source Han Serif SC"),
    "KaiTi": ("Noto Serif CJK SC", "AR PL UKai CN", "Source Han Serif SC"),
    "仿宋": ("Noto Serif CJK SC", "Source Han Serif SC"),
    "FangSong": ("Noto Serif CJK SC", "Source Han Serif SC"),
    "方正小标宋简体": ("Noto Serif CJK SC", "Source Han Serif SC"),
    "黑体": ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei"),
    "SimHei": ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei"),
    "微软雅黑": ("Noto Sans CJK SC", "Source Han Sans SC"),
    "Times New Roman": ("Liberation Serif", "Tinos", "DejaVu Serif"),
}

SYSTEM_FONTS_CONF = "/etc/fonts/fonts.conf"


def fonts_conf() -> str:
    """A fontconfig file: the system configuration, then one <alias> per report font preferring the free
    fonts of :data:`FONT_SUBSTITUTES` (a missing preference is skipped by fontconfig)."""
    from xml.sax.saxutils import escape as xml_escape

    system = os.environ.get("FONTCONFIG_FILE") or SYSTEM_FONTS_CONF
    lines = ['<?xml version="1.0"?>', '<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">', "<fontconfig>",
             f'  <include ignore_missing="yes">{xml_escape(system)}</include>']
    for family, prefer in FONT_SUBSTITUTES.items():
        lines.append(f"  <alias binding=\"strong\"><family>{xml_escape(family)}</family><prefer>"
                     + "".join(f"<family>{xml_escape(p)}</family>" for p in prefer) + "</prefer></alias>")
    lines.append("</fontconfig>")
    return "\n".join(lines) + "\n"


def _convert(soffice: str, src: Path, outdir: Path, profile: Path, docx: Path) -> Path:
    cmd = [soffice, f"-env:UserInstallation={profile.as_uri()}", "--headless", "--norestore",
           "--convert-to", "pdf", "--outdir", str(outdir), str(src)]
    conf = profile.parent / "fonts.conf"
    if not conf.exists():
        conf.write_text(fonts_conf(), encoding="utf-8")
    env = {**os.environ, "FONTCONFIG_FILE": str(conf)}
    try:
        proc = _run_group(cmd, PDF_TIMEOUT, env=env)
    except subprocess.TimeoutExpired:
        raise ReportError(f"LibreOffice 转换 PDF 超时（{PDF_TIMEOUT} 秒），Word 报告已保存：{docx}") from None
    made = outdir / (src.stem + ".pdf")
    if proc.returncode != 0 or not made.exists():
        detail = (proc.stderr or proc.stdout or b"").decode("utf-8", "replace").strip().splitlines()
        raise ReportError(f"LibreOffice 转换 PDF 失败（{detail[-1] if detail else proc.returncode}），Word 报告已保存：{docx}")
    return made


def _run_group(cmd: list[str], timeout: float, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `cmd` in its own process group; on a timeout or an interruption the whole group is killed
    (soffice starts soffice.bin, which would otherwise go on writing into the temporary folder)."""
    posix = os.name == "posix"
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=posix, env=env)
    try:
        out, err = proc.communicate(timeout=timeout)
        return subprocess.CompletedProcess(cmd, proc.returncode, out, err)
    except BaseException:
        _kill_group(proc, posix)
        raise


def _kill_group(proc: subprocess.Popen, posix: bool) -> None:
    if posix:
        with _suppress():
            os.killpg(proc.pid, signal.SIGKILL)
    with _suppress():
        proc.kill()
    with _suppress():
        proc.wait(10)
    if posix:  # the rest of the group (not our children) goes a moment later
        for _ in range(100):
            try:
                os.killpg(proc.pid, 0)
            except OSError:
                break
            time.sleep(0.05)


def toc_page_numbers(pdf: Path, headings: list[str]) -> list[str | None]:
    """Printed page of each heading in a converted report: pages are numbered by their footer (the last line
    of the page's text); headings are searched in order, each from the page of the previous one."""
    pdftotext = shutil.which("pdftotext")
    if not pdftotext:
        return [None] * len(headings)
    try:
        raw = subprocess.run([pdftotext, "-layout", "-enc", "UTF-8", str(pdf), "-"], capture_output=True, timeout=120).stdout
    except (OSError, subprocess.SubprocessError):
        return [None] * len(headings)
    pages = []
    for page in raw.decode("utf-8", "replace").split("\f"):
        lines = [ln.strip() for ln in page.splitlines() if ln.strip()]
        if lines and lines[-1].isdigit():  # body pages (arabic numbers); covers and TOC carry none or roman
            pages.append((lines[-1], re.sub(r"\s+", "", "".join(lines[:-1]))))
    out: list[str | None] = []
    start = 0
    for heading in headings:
        key = re.sub(r"\s+", "", heading)
        hit = next((j for j in range(start, len(pages)) if key in pages[j][1]), None)
        out.append(pages[hit][0] if hit is not None else None)
        start = hit if hit is not None else start
    return out


def _with_page_numbers(docx: Path, pdf: Path) -> bool:
    """Write the page numbers LibreOffice laid out into the static table of contents of `docx` (the TOC
    field's cached list, which LibreOffice prints as it is). False when nothing could be matched."""
    from docx import Document

    doc = Document(str(docx))
    entries = [p for p in doc.paragraphs if p.style is not None and p.style.name in ("toc 1", "toc 2", "toc 3") and p.text]
    numbers = toc_page_numbers(pdf, [p.text for p in entries])
    if not any(numbers):
        return False
    for p, number in zip(entries, numbers):
        if number is None:
            continue
        fonts = p.runs[0]._r.find(qn("w:rPr")) if p.runs else None
        for piece in ("\t", number):
            r = p.add_run(piece)
            if fonts is not None:
                r._r.insert(0, copy.deepcopy(fonts))
    doc.save(str(docx))
    return True


def to_pdf(docx: Path, target: Path, *, soffice: str | None = None, inputs=(), force: bool = False) -> Path:
    """Convert with ``soffice --headless --convert-to pdf`` in a private profile, with a timeout.

    LibreOffice prints the table of contents as cached in the .docx (a list without page numbers, since
    Word fills them in when it opens the file); when ``pdftotext`` is available the page numbers of a
    first conversion are written into a copy and the copy converted again, so the PDF's contents have
    them. The .docx itself is left as written."""
    soffice = soffice or find_soffice()
    with temp_dir("pdf") as tmp:
        src = tmp / "report.docx"
        shutil.copyfile(docx, src)
        made = _convert(soffice, src, tmp / "out", tmp / "profile", docx)
        try:
            numbered = _with_page_numbers(src, made)
        except Exception:  # noqa: BLE001 - the numbers are a refinement: keep the first PDF if anything fails
            numbered = False
        if numbered:
            made = _convert(soffice, src, tmp / "out2", tmp / "profile", docx)
        with atomic_path(target, inputs=inputs, force=True) as out:
            shutil.copyfile(made, out)
    return target


__all__ = [
    "ExportResult",
    "ReportError",
    "export_report",
    "find_soffice",
    "fonts_conf",
    "jinja_env",
    "parent_death_signal",
    "render",
    "render_isolated",
    "to_pdf",
]
