"""`cpxl ui`: the local page. A Starlette app served by uvicorn on 127.0.0.1 only.

Safety, since any page in the user's browser can send requests to a local server:
- every /api request needs the session token (``X-CPXL-Token``), a random value embedded in the served page;
- the Host header must be 127.0.0.1 or localhost with the server's port (against DNS rebinding), and a
  request with an Origin must come from the page itself;
- an upload larger than the reader accepts (:data:`cpxl.workbook.read.MAX_BYTES`) is refused while it streams;
- uploads and results live in a private temporary folder (mode 0700), removed with the file and at shutdown;
- the client never names a path: files are referred to by ids the server made, and download names are sanitized.
"""

from __future__ import annotations

import contextlib
import re
import secrets
import shutil
import socket
import tempfile
import threading
import time
import webbrowser
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, JSONResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from cpxl.errors import CpxlError
from cpxl.workbook.read import MAX_BYTES

TOKEN_HEADER = "X-CPXL-Token"
UPLOAD_SUFFIXES = (".xlsx", ".xlsm")
MAX_FILES = 500  # workbooks held at once (a region has a few hundred)
SEVERITY = {"error": "错误", "warning": "警告"}
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f\x7f]')


def static_dir() -> Path:
    return Path(str(resources.files("cpxl.ui") / "static"))


def safe_name(name: str, default: str = "文件") -> str:
    """A file name safe to write and to offer for download: no folders, no control or reserved characters,
    no leading dots or ``~$``, at most 120 characters."""
    name = _UNSAFE.sub("_", str(name).replace("\\", "/").rsplit("/", 1)[-1]).strip().strip(".")
    while name.startswith("~$"):
        name = name[2:]
    if len(name) > 120:
        stem, dot, suffix = name.rpartition(".")
        name = (stem[: 120 - len(suffix) - 1] + dot + suffix) if dot and len(suffix) <= 8 else name[:120]
    return name or default


@dataclass
class Stored:
    id: str
    name: str  # as shown and downloaded
    path: Path


@dataclass
class Job:
    id: str
    action: str
    title: str
    status: str = "queued"  # queued, running, done, failed
    step: str = "排队中…"
    done: int = 0
    total: int = 0
    lines: list = field(default_factory=list)  # (level, text)
    results: list = field(default_factory=list)  # Stored
    error: str | None = None
    exit_code: int | None = None

    def as_dict(self) -> dict:
        return {
            "id": self.id, "action": self.action, "title": self.title, "status": self.status, "step": self.step,
            "done": self.done, "total": self.total, "exit_code": self.exit_code, "error": self.error,
            "lines": [{"level": lv, "text": tx} for lv, tx in self.lines],
            "results": [{"id": r.id, "name": r.name, "url": f"/download/{r.id}"} for r in self.results],
        }


class Session:
    """Everything one `cpxl ui` run holds: its token, its private folder, uploads, jobs and results."""

    def __init__(self, root: Path | None = None, token: str | None = None, port: int = 0):
        self.token = token or secrets.token_urlsafe(32)
        self.root = Path(root) if root else Path(tempfile.mkdtemp(prefix="cpxl-ui-"))  # mkdtemp: mode 0700
        self.root.chmod(0o700)
        self.port = port
        self.uploads: dict[str, Stored] = {}
        self.downloads: dict[str, Stored] = {}
        self.jobs: dict[str, Job] = {}
        self.lock = threading.Lock()
        self.pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="cpxl-ui-job")

    # -- files -------------------------------------------------------------------------------------------

    def new_dir(self, kind: str) -> tuple[str, Path]:
        ident = secrets.token_urlsafe(12)
        folder = self.root / kind / ident
        folder.mkdir(parents=True, mode=0o700)
        return ident, folder

    def remove_upload(self, ident: str) -> bool:
        with self.lock:
            stored = self.uploads.pop(ident, None)
        if stored is None:
            return False
        shutil.rmtree(stored.path.parent, ignore_errors=True)
        return True

    def clean(self, text: str) -> str:
        """A message without the private folder: files are named as the user knows them."""
        root = re.escape(str(self.root))
        return re.sub(root + r"[/\\][^/\\]+[/\\][^/\\]+[/\\]", "", str(text)).replace(str(self.root), "")

    def close(self) -> None:
        self.pool.shutdown(wait=False, cancel_futures=True)
        shutil.rmtree(self.root, ignore_errors=True)

    # -- jobs --------------------------------------------------------------------------------------------

    def start(self, action: str, files: list[Stored], pdf: bool) -> Job:
        title = {"calc": "计算", "export": "导出报告", "aggregate": "区域汇总"}[action]
        names = "、".join(f.name for f in files[:3]) + (f" 等 {len(files)} 本" if len(files) > 3 else "")
        job = Job(secrets.token_urlsafe(12), action, f"{title}：{names}")
        with self.lock:
            self.jobs[job.id] = job
        self.pool.submit(self._run, job, files, pdf)
        return job

    def _result(self, job: Job, folder: Path, name: str) -> Path:
        path = folder / safe_name(name)
        job.results.append(Stored(secrets.token_urlsafe(16), path.name, path))
        return path

    def _run(self, job: Job, files: list[Stored], pdf: bool) -> None:
        from cpxl import cli

        job.status = "running"
        ident, folder = self.new_dir("results")
        worst = 0
        try:
            if job.action == "calc":
                from cpxl.workbook.engine import calc_workbook

                job.total = len(files)
                for i, f in enumerate(files):
                    job.step, job.done = f"正在计算：{f.name}", i
                    out = self._result(job, folder, f"{Path(f.name).stem}-计算{Path(f.name).suffix}")
                    try:
                        result = calc_workbook(f.path, out)
                    except CpxlError as exc:
                        job.results.pop()
                        job.lines.append(("error", f"{f.name}：{self.clean(exc)}"))
                        worst = max(worst, exc.exit_code)
                        continue
                    job.lines += [(lv, self.clean(tx)) for lv, tx in cli.calc_lines(result, out.name)]
                    worst = max(worst, 1 if result.errors else 0)
            elif job.action == "export":
                from cpxl.report.export import export_report

                job.total = len(files)
                for i, f in enumerate(files):
                    job.step, job.done = f"正在导出报告{'并转换 PDF' if pdf else ''}：{f.name}", i
                    stem = Path(f.name).stem
                    out = folder / safe_name((stem.replace("工作簿", "报告") if "工作簿" in stem else f"{stem}-报告") + ".docx")
                    try:
                        result = export_report(f.path, out, pdf=pdf)
                    except CpxlError as exc:
                        job.lines.append(("error", f"{f.name}：{self.clean(exc)}"))
                        worst = max(worst, exc.exit_code)
                        if out.exists():  # the .docx was written, the PDF failed
                            job.results.append(Stored(secrets.token_urlsafe(16), out.name, out))
                        continue
                    job.results.append(Stored(secrets.token_urlsafe(16), out.name, out))
                    if result.pdf_path:
                        job.results.append(Stored(secrets.token_urlsafe(16), result.pdf_path.name, result.pdf_path))
                    job.lines += [(lv, self.clean(tx)) for lv, tx in cli.export_lines(result)]
                    worst = max(worst, 1 if result.errors else 0)
            elif job.action == "aggregate":
                from cpxl.aggregate import aggregate, export_region_report

                out = folder / "区域汇总工作簿.xlsx"
                report = folder / "区域汇总报告.docx"
                job.total = len(files)

                def progress(done: int, total: int, name: str) -> None:
                    job.done, job.total, job.step = done, total, f"正在汇总：{self.clean(name)}"

                result = aggregate([f.path for f in files], out, jobs=1, progress=progress)
                job.results.append(Stored(secrets.token_urlsafe(16), out.name, out))
                job.lines += [(lv, self.clean(tx)) for lv, tx in cli.aggregate_lines(result, out.name)]
                job.step = "正在导出区域/行业审核报告…"
                export_region_report(out, report)
                job.results.append(Stored(secrets.token_urlsafe(16), report.name, report))
                job.lines.append(("info", cli.region_report_line(report.name)))
                worst = 0 if result.enterprises and not result.failed else 1
            job.done = job.total
            job.status, job.step = "done", "完成"
        except CpxlError as exc:
            job.error, worst = self.clean(exc), exc.exit_code
            job.status, job.step = "failed", "未完成"
        except Exception as exc:  # noqa: BLE001 - the same last line of defence as the command line
            job.error = self.clean(f"内部错误（{type(exc).__name__}：{exc}），未写入任何输出。请将工作簿与此信息反馈给开发者。")
            worst = 3
            job.status, job.step = "failed", "未完成"
        finally:
            job.exit_code = worst
            with self.lock:
                for r in job.results:
                    if r.path.exists():
                        self.downloads[r.id] = r
                job.results = [r for r in job.results if r.id in self.downloads]


# ---- the app ---------------------------------------------------------------------------------------------


def _check_file(path: Path) -> dict:
    from cpxl.workbook.check import check_book
    from cpxl.workbook.read import read_workbook

    book = read_workbook(path)
    findings = check_book(book)
    return {
        "kind": book.kind,
        "findings": [
            {"where": f"{f.sheet}!{f.cell}" if f.cell else f.sheet, "sheet": f.sheet, "cell": f.cell,
             "severity": SEVERITY.get(f.severity, f.severity), "rule": f.rule, "message": f.message}
            for f in findings
        ],
        "errors": sum(f.severity == "error" for f in findings),
        "warnings": sum(f.severity != "error" for f in findings),
    }


def _refuse(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def create_app(session: Session) -> Starlette:
    page = (static_dir() / "index.html").read_text(encoding="utf-8")

    def allowed_hosts() -> set[str]:
        return {f"127.0.0.1:{session.port}", f"localhost:{session.port}"} | (
            {"127.0.0.1", "localhost"} if session.port == 80 else set())

    async def index(request: Request) -> Response:
        html = page.replace("__CPXL_TOKEN__", session.token)
        return HTMLResponse(html, headers={"Cache-Control": "no-store"})

    async def info(request: Request) -> Response:
        from cpxl.report.export import find_soffice

        try:
            find_soffice()
            pdf = True
        except CpxlError:
            pdf = False
        return JSONResponse({"pdf": pdf, "max_bytes": MAX_BYTES, "max_mb": MAX_BYTES // 2**20})

    async def upload(request: Request) -> Response:
        raw_name = request.headers.get("x-file-name", "")
        from urllib.parse import unquote

        name = safe_name(unquote(raw_name), "工作簿.xlsx")
        if Path(name).suffix.lower() not in UPLOAD_SUFFIXES:
            return _refuse(415, f"只接受 Excel 工作簿（.xlsx、.xlsm）：{name}")
        declared = request.headers.get("content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > MAX_BYTES):
            return _refuse(413, f"文件过大（上限 {MAX_BYTES // 2**20} MB）：{name}")
        if len(session.uploads) >= MAX_FILES:
            return _refuse(429, f"已打开 {MAX_FILES} 本工作簿：请先移除一些")
        ident, folder = session.new_dir("uploads")
        path = folder / name
        size = 0
        try:
            with open(path, "wb") as fh:
                async for chunk in request.stream():
                    size += len(chunk)
                    if size > MAX_BYTES:
                        raise OverflowError
                    fh.write(chunk)
        except OverflowError:
            shutil.rmtree(folder, ignore_errors=True)
            return _refuse(413, f"文件过大（上限 {MAX_BYTES // 2**20} MB）：{name}")
        except Exception:  # the browser went away mid-upload
            shutil.rmtree(folder, ignore_errors=True)
            raise
        stored = Stored(ident, name, path)
        with session.lock:
            session.uploads[ident] = stored
        body = {"id": ident, "name": name, "size": size}
        try:
            body.update(await run_in_threadpool(_check_file, path))
        except CpxlError as exc:
            body.update({"kind": None, "findings": [], "errors": 0, "warnings": 0, "error": session.clean(exc)})
        except Exception as exc:  # noqa: BLE001
            body.update({"kind": None, "findings": [], "errors": 0, "warnings": 0,
                         "error": f"内部错误（{type(exc).__name__}：{session.clean(exc)}）"})
        return JSONResponse(body)

    async def remove(request: Request) -> Response:
        if not session.remove_upload(request.path_params["ident"]):
            return _refuse(404, "没有这个文件")
        return JSONResponse({"ok": True})

    async def start_job(request: Request) -> Response:
        try:
            body = await request.json()
        except ValueError:
            return _refuse(400, "请求格式不对")
        action = body.get("action") if isinstance(body, dict) else None
        if action not in ("calc", "export", "aggregate"):
            return _refuse(400, "未知的操作")
        ids = body.get("files") or []
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
            return _refuse(400, "请先选择工作簿")
        files = [session.uploads.get(i) for i in ids]
        if any(f is None for f in files):
            return _refuse(404, "所选工作簿已移除，请重新选择")
        job = session.start(action, files, bool(body.get("pdf")))
        return JSONResponse(job.as_dict())

    async def job_status(request: Request) -> Response:
        job = session.jobs.get(request.path_params["ident"])
        if job is None:
            return _refuse(404, "没有这个任务")
        return JSONResponse(job.as_dict())

    async def download(request: Request) -> Response:
        stored = session.downloads.get(request.path_params["ident"])
        if stored is None or not stored.path.is_file():
            return _refuse(404, "没有这个文件（页面关闭或 cpxl ui 结束后结果即被删除）")
        return FileResponse(stored.path, filename=safe_name(stored.name), headers={"Cache-Control": "no-store"})

    async def guard(scope, receive, send, inner):
        request = Request(scope)
        host = request.headers.get("host", "")
        if host not in allowed_hosts():
            response = _refuse(403, "只接受 127.0.0.1 或 localhost 上的请求")
            return await response(scope, receive, send)
        origin = request.headers.get("origin")
        if origin is not None and origin not in {f"http://{h}" for h in allowed_hosts()}:
            return await _refuse(403, "拒绝来自其他网页的请求")(scope, receive, send)
        if scope["path"].startswith("/api/"):
            given = request.headers.get(TOKEN_HEADER.lower(), "")
            if not secrets.compare_digest(given.encode(), session.token.encode()):
                return await _refuse(403, "缺少或错误的会话令牌：请从 cpxl ui 打开的页面操作")(scope, receive, send)
        return await inner(scope, receive, send)

    @contextlib.asynccontextmanager
    async def lifespan(app):
        try:
            yield
        finally:
            session.close()

    app = Starlette(
        routes=[
            Route("/", index),
            Route("/api/info", info),
            Route("/api/files", upload, methods=["POST"]),
            Route("/api/files/{ident}", remove, methods=["DELETE"]),
            Route("/api/jobs", start_job, methods=["POST"]),
            Route("/api/jobs/{ident}", job_status),
            Route("/download/{ident}", download),
            Mount("/static", StaticFiles(directory=static_dir()), name="static"),
        ],
        lifespan=lifespan,
    )

    class Guarded:
        def __init__(self, inner):
            self.inner = inner

        async def __call__(self, scope, receive, send):
            if scope["type"] != "http":
                return await self.inner(scope, receive, send)
            return await guard(scope, receive, send, self.inner)

    return Guarded(app)


def bind(port: int = 0) -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(("127.0.0.1", port))
    except OSError as exc:
        sock.close()
        raise CpxlError(f"无法在 127.0.0.1:{port} 上提供服务（{exc.strerror or exc}）：请用 --port 换一个端口") from None
    sock.listen(64)
    return sock


def serve(port: int = 0, open_browser: bool = True, *, ready=None, session: Session | None = None) -> None:
    """Serve the page on 127.0.0.1 until Ctrl+C; the private folder is removed at the end.
    ready(url): called once the server listens (tests)."""
    import uvicorn

    from cpxl.console import out

    sock = bind(port)
    port = sock.getsockname()[1]
    session = session or Session(port=port)
    session.port = port
    url = f"http://127.0.0.1:{port}/"
    config = uvicorn.Config(create_app(session), log_level="warning", lifespan="on", access_log=False)
    server = uvicorn.Server(config)

    def announce():
        while not server.started:
            if server.should_exit:
                return
            time.sleep(0.05)
        out.print(f"cpxl 本地页面：{url}（只在本机可访问；按 Ctrl+C 结束，上传的文件和结果随之删除）")
        if ready:
            ready(url, server)
        if open_browser:
            webbrowser.open(url)

    threading.Thread(target=announce, daemon=True).start()
    try:
        server.run(sockets=[sock])
    finally:
        sock.close()
        session.close()
