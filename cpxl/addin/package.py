"""The add-in file cpxl.xlam as a ZIP of parts: reading and writing it, its config sheet, and the copy
`install` writes with this computer's settings.

The config sheet is the one the template's VBA reads its settings from (see :mod:`cpxl.addin`).
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Iterable, Sequence
from pathlib import Path
from xml.sax.saxutils import escape

ADDIN_NAME = "cpxl.xlam"
CONFIG_SHEET = "myaddin.conf"  # PROJECT_NAME in the template's VBA + ".conf"
SHEET_PART = "xl/worksheets/sheet1.xml"
STRINGS_PART = "xl/sharedStrings.xml"
VBA_PART = "xl/vbaProject.bin"
CUSTOM_UI_PART = "customUI/customUI.xml"
UDF_MODULE = "cpxl.udfs"

# Settings every installation shares. The workbook's folder stays off sys.path: cpxl is an installed
# package, and a stray cpxl.py beside an audit workbook must not replace it. Keys with an empty value
# are pinned: the VBA takes the add-in's row before a `myaddin.conf` file beside the workbook or in the
# home folder, so such a file cannot add paths to sys.path, run a conda activation script or switch on
# embedded code. (A sheet named `myaddin.conf` inside the active workbook still wins: xlwings' design.)
BASE_CONFIG: tuple[tuple[str, str], ...] = (
    ("UDF Modules", UDF_MODULE),
    ("ADD_WORKBOOK_TO_PYTHONPATH", "false"),
    ("PYTHONPATH", ""),
    ("Conda Path", ""),
    ("Conda Env", ""),
    ("LICENSE_KEY", ""),
)
SHEET_NOTE = (
    "cpxl 加载项设置：xlwings 读取 A、B 两列（A 列连续非空的各行）；B 列为空表示该项为空，且不再从其他位置读取。"
    "解释器一行由 cpxl addin install 写入。"
)

# Fixed ZIP timestamp: the same inputs give the same file.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def packaged_addin() -> Path:
    """The add-in shipped inside the package (built by addin/build_addin.py)."""
    return Path(__file__).resolve().parents[1] / "data" / ADDIN_NAME


def read_parts(source: Path | bytes) -> list[tuple[str, bytes]]:
    """The parts of an xlam, in ZIP order."""
    import io

    data = source if isinstance(source, bytes) else Path(source).read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return [(info.filename, zf.read(info)) for info in zf.infolist()]


def package_bytes(parts: Iterable[tuple[str, bytes]]) -> bytes:
    """A ZIP of `parts` with fixed timestamps and attributes (deterministic for a given zlib)."""
    import io

    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name, data in parts:
            info = zipfile.ZipInfo(name, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 0
            info.external_attr = 0
            zf.writestr(info, data)
    return buf.getvalue()


def _cell_text(value: str) -> str:
    space = ' xml:space="preserve"' if value != value.strip() else ""
    return f"<t{space}>{escape(value)}</t>"


def config_sheet(sheet_xml: bytes, rows: Sequence[tuple[str, str]]) -> tuple[bytes, bytes]:
    """Rewrite the add-in's config sheet to hold `rows` (key in A, value in B) and a note in D1.

    Returns the new sheet XML and the shared-strings part. Everything else in the sheet (its code name,
    which the VBA project refers to, view, margins) is kept.
    """
    strings: list[str] = []
    uses = 0

    def sst(text: str) -> int:
        nonlocal uses
        uses += 1
        if text not in strings:
            strings.append(text)
        return strings.index(text)

    xml_rows = []
    for r, (key, value) in enumerate(rows, start=1):
        cells = f'<c r="A{r}" s="1" t="s"><v>{sst(key)}</v></c>'
        if value:
            cells += f'<c r="B{r}" s="1" t="s"><v>{sst(value)}</v></c>'
        if r == 1:
            cells += f'<c r="D1" s="1" t="s"><v>{sst(SHEET_NOTE)}</v></c>'
        xml_rows.append(f'<row r="{r}">{cells}</row>')
    text = sheet_xml.decode("utf-8")
    text, n_dim = re.subn(r"<dimension [^>]*/>", f'<dimension ref="A1:D{max(len(rows), 1)}"/>', text, count=1)
    cols = (
        '<cols><col min="1" max="1" width="30" style="1" customWidth="1"/>'
        '<col min="2" max="2" width="60" style="1" customWidth="1"/>'
        '<col min="3" max="16384" width="8.875" style="1"/></cols>'
    )
    text, n_cols = re.subn(r"<cols>.*?</cols>", cols, text, count=1, flags=re.S)
    text, n_data = re.subn(
        r"<sheetData\s*/>|<sheetData>.*?</sheetData>", f"<sheetData>{''.join(xml_rows)}</sheetData>", text, count=1, flags=re.S
    )
    if (n_dim, n_cols, n_data) != (1, 1, 1):
        raise ValueError("加载项模板的配置工作表结构与预期不同（缺少 dimension/cols/sheetData）")
    items = "".join(f"<si>{_cell_text(s)}</si>" for s in strings)
    shared = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{uses}" uniqueCount="{len(strings)}">{items}</sst>'
    )
    return text.encode("utf-8"), shared.encode("utf-8")


def read_config(parts: Sequence[tuple[str, bytes]]) -> dict[str, str]:
    """The key/value rows of an xlam's config sheet, as the VBA reads them (keys upper-cased)."""
    from defusedxml import ElementTree

    ns = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
    found = dict(parts)
    strings = ["".join(t.text or "" for t in si.iter(f"{{{ns['m']}}}t"))
               for si in ElementTree.fromstring(found[STRINGS_PART]).findall("m:si", ns)]
    cells: dict[str, str] = {}
    for c in ElementTree.fromstring(found[SHEET_PART]).iterfind(".//m:sheetData/m:row/m:c", ns):
        v = c.find("m:v", ns)
        if v is not None and v.text is not None:
            cells[c.get("r", "")] = strings[int(v.text)] if c.get("t") == "s" else v.text
    config = {}
    r = 1
    while cells.get(f"A{r}"):
        config[cells[f"A{r}"].upper()] = cells.get(f"B{r}", "")
        r += 1
    return config


def addin_xlwings_version(parts: Sequence[tuple[str, bytes]]) -> str | None:
    """The xlwings version whose VBA the add-in carries (recorded in its keywords when built)."""
    core = dict(parts).get("docProps/core.xml", b"").decode("utf-8")
    match = re.search(r"<cp:keywords>[^<]*xlwings (\d[\w.]*)", core)
    return match.group(1) if match else None


def merged_config(rows: Sequence[tuple[str, str]]) -> list[tuple[str, str]]:
    """`rows` first, then the base settings they do not replace (keys compare as the VBA does: case-blind;
    a repeated key would stop the VBA from reading the sheet)."""
    given = {key.upper() for key, _ in rows}
    return [*rows, *((key, value) for key, value in BASE_CONFIG if key.upper() not in given)]


def installed_bytes(rows: Sequence[tuple[str, str]], source: Path | None = None) -> bytes:
    """The packaged add-in with this computer's settings `rows` in its config sheet."""
    parts = read_parts(source or packaged_addin())
    found = dict(parts)
    sheet, shared = config_sheet(found[SHEET_PART], merged_config(rows))
    replace = {SHEET_PART: sheet, STRINGS_PART: shared}
    return package_bytes((name, replace.get(name, data)) for name, data in parts)
