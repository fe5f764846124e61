"""Atomic output: write to a temporary file beside the target, then rename. A crash leaves the previous
output intact and no partial file behind; the input workbook is never a target.

A process killed while writing (SIGKILL, power cut) cannot remove its temporary file: it stays hidden
(``.<name>.<pid>.<random>.tmp``, the name shortened so that the whole stays within 255 bytes) and the next
write to the same target removes it.

Without ``force`` the finished file is put in place only if nothing has appeared at the target in the
meantime (a hard link, which fails when the name exists): two runs writing one new output cannot both
succeed. Temporary folders (:func:`temp_dir`) carry the writer's process id, are removed on every exit
path that runs Python (:func:`signals_raise` turns SIGTERM into SystemExit), and those of a killed run are
removed by the next one (:func:`sweep_temp_dirs`)."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import shutil
import signal
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from .errors import CpxlError, OutputExists

STALE_SECONDS = 24 * 3600  # where a writer's liveness cannot be checked, a temporary file this old is stale
NAME_MAX = 255  # bytes of one file name on every common file system
_TMP_EXTRA = len(".") + len(".") + 10 + len(".") + 8 + len(".tmp")  # pid (up to 10 digits), mkstemp's 8 random characters


def check_target(target: Path, *, inputs: Sequence[Path] = (), force: bool = False) -> Path:
    target = Path(target)
    for src in inputs:
        # the same path, or the same file reached through a link
        same_file = Path(src).exists() and target.exists() and os.path.samefile(src, target)
        if same_file or Path(src).resolve() == target.resolve():
            raise OutputExists(f"输出文件与输入文件相同：{target}（不会覆盖输入工作簿，请另选输出路径）")
    if target.is_dir():
        raise OutputExists(f"输出路径是一个文件夹：{target}")
    if os.path.lexists(target) and not target.is_file() and not target.is_symlink():
        raise OutputExists(f"输出路径已存在且不是普通文件（如命名管道或设备）：{target}")
    parent = target.parent
    while not parent.exists() and parent != parent.parent:
        parent = parent.parent
    if not parent.is_dir():
        raise OutputExists(f"输出位置无效：{parent} 是一个文件而不是文件夹（{target}）")
    if os.path.lexists(target) and not force:  # a dangling symbolic link is an existing entry too
        raise OutputExists(f"输出文件已存在：{target}（使用 --force 覆盖）")
    return target


def tmp_stem(target: Path) -> str:
    """The target's name as it starts its temporary files: shortened (whole bytes of the file system's
    encoding) so that ``.<stem>.<pid>.<random>.tmp`` fits in NAME_MAX bytes."""
    raw = os.fsencode(Path(target).name)
    room = NAME_MAX - _TMP_EXTRA
    if len(raw) <= room:
        return Path(target).name
    cut = raw[:room]
    try:  # do not end inside a UTF-8 sequence when the name is UTF-8
        cut.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start >= room - 3:
            cut = cut[: exc.start]
    return os.fsdecode(cut)


@contextlib.contextmanager
def atomic_path(target: Path, *, inputs: Sequence[Path] = (), force: bool = False) -> Iterator[Path]:
    """Yield a temporary path to write; on success it replaces `target` in one rename."""
    target = check_target(Path(target), inputs=inputs, force=force)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        _remove_stale(target)
        fd, tmp = tempfile.mkstemp(prefix=f".{tmp_stem(target)}.{os.getpid()}.", suffix=".tmp", dir=target.parent)
        os.close(fd)
    except OSError as exc:
        raise CpxlError(f"无法在输出位置创建文件（{exc.strerror or exc}）：{target}") from None
    tmp_path = Path(tmp)
    try:
        yield tmp_path
        try:
            # mkstemp makes the file private; give it the mode a normal save would (or the old file's)
            os.chmod(tmp_path, target.stat().st_mode & 0o777 if target.exists() else 0o666 & ~_umask())
            with open(tmp_path, "rb+") as fh:  # on disk before the rename, so a power cut cannot leave it empty
                os.fsync(fh.fileno())
            if force:
                os.replace(tmp_path, target)
            else:
                _put_new(tmp_path, target)
        except CpxlError:
            raise
        except OSError as exc:
            raise CpxlError(f"无法写入输出文件（{exc.strerror or exc}），原有文件未改动：{target}") from None
    finally:
        with contextlib.suppress(OSError):
            tmp_path.unlink()


def _put_new(tmp: Path, target: Path) -> None:
    """Give the finished file the target's name only if that name is still free: another run may have
    written the same output since the target was checked."""
    try:
        os.link(tmp, target)  # atomic, and fails if any entry (even a dangling link) has the name
    except FileExistsError:
        raise OutputExists(f"输出文件已存在：{target}（另一个程序刚刚写出了它；使用 --force 覆盖），未写入") from None
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.EOPNOTSUPP, errno.ENOSYS, errno.EXDEV, errno.EMLINK, errno.EACCES):
            raise
        # a file system without hard links: check once more, then rename
        if os.path.lexists(target):
            raise OutputExists(f"输出文件已存在：{target}（另一个程序刚刚写出了它；使用 --force 覆盖），未写入") from None
        os.replace(tmp, target)
        return
    tmp.unlink()


def _remove_stale(target: Path) -> None:
    """Temporary files of `target` left by a writer that was killed."""
    stem = tmp_stem(target)
    for tmp in target.parent.glob(f".{glob_escape(stem)}.*.tmp"):
        pid = tmp.name[len(stem) + 2 :].split(".", 1)[0]
        if not pid.isdigit():
            continue
        try:
            if _alive(int(pid), tmp):
                continue
            tmp.unlink()
        except OSError:
            pass


def _alive(pid: int, path: Path) -> bool:
    """Whether the process that made `path` may still be running."""
    if pid == os.getpid():
        return True
    if os.name == "posix":
        try:
            os.kill(pid, 0)
            return True
        except ProcessLookupError:
            return False
        except PermissionError:
            return True
    return time.time() - path.stat().st_mtime < STALE_SECONDS


# ---- temporary folders ---------------------------------------------------------------------------------

TEMP_PREFIX = "cpxl-"


@contextlib.contextmanager
def temp_dir(kind: str) -> Iterator[Path]:
    """A private temporary folder ``cpxl-<kind>-<pid>-<random>``, removed when the block is left in any
    way (an exception, Ctrl+C, SIGTERM through :func:`signals_raise`)."""
    path = Path(tempfile.mkdtemp(prefix=f"{TEMP_PREFIX}{kind}-{os.getpid()}-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


_TEMP_NAME = re.compile(r"^cpxl-[a-z]+-(\d+)-[^/\\]+$")


def sweep_temp_dirs(root: Path | None = None, *, min_age: float = 60.0) -> list[Path]:
    """Remove this user's cpxl temporary folders whose process is gone (a run killed with SIGKILL or a
    power cut cannot remove its own). Folders younger than `min_age` seconds are left alone."""
    root = Path(root or tempfile.gettempdir())
    removed = []
    try:
        entries = list(os.scandir(root))
    except OSError:
        return removed
    uid = os.getuid() if hasattr(os, "getuid") else None
    now = time.time()
    for entry in entries:
        m = _TEMP_NAME.match(entry.name)
        if not m:
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            if not entry.is_dir(follow_symlinks=False) or (uid is not None and st.st_uid != uid) or now - st.st_mtime < min_age:
                continue
            if _alive(int(m[1]), Path(entry.path)):
                continue
        except OSError:
            continue
        shutil.rmtree(entry.path, ignore_errors=True)
        removed.append(Path(entry.path))
    return removed


def parent_death_signal(sig: int = signal.SIGKILL) -> bool:
    """Ask Linux to send `sig` to this process when its parent dies (prctl PR_SET_PDEATHSIG); False
    elsewhere (the caller then watches the parent's pid itself)."""
    import sys

    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(1, int(sig), 0, 0, 0) == 0  # PR_SET_PDEATHSIG = 1
    except (OSError, AttributeError):
        return False


class Terminated(SystemExit):
    """SIGTERM (or SIGHUP) arrived: unwinds like Ctrl+C so that every ``finally`` and context manager runs."""


def _raise_terminated(signum, frame):
    raise Terminated(128 + signum)


@contextlib.contextmanager
def signals_raise() -> Iterator[None]:
    """While the block runs, SIGTERM and SIGHUP raise :class:`Terminated` and SIGINT raises
    KeyboardInterrupt (Python's default, restored if something changed it); a signal ignored by whoever
    started the process stays ignored; the previous handlers are put back afterwards. Only in the main thread (elsewhere signals cannot be handled)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    wanted = {signal.SIGINT: signal.default_int_handler, signal.SIGTERM: _raise_terminated}
    if hasattr(signal, "SIGHUP"):
        wanted[signal.SIGHUP] = _raise_terminated
    previous = {}
    for sig, handler in wanted.items():
        try:
            if signal.getsignal(sig) == signal.SIG_IGN:  # ignored on purpose (nohup, a background job)
                continue
            previous[sig] = signal.signal(sig, handler)
        except (OSError, ValueError):
            pass
    try:
        yield
    finally:
        for sig, handler in previous.items():
            with contextlib.suppress(OSError, ValueError, TypeError):
                signal.signal(sig, handler if handler is not None else signal.SIG_DFL)


def glob_escape(name: str) -> str:
    return "".join(f"[{ch}]" if ch in "*?[" else ch for ch in name)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
