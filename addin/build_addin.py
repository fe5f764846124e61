"""Build cpxl.xlam from the ribbon add-in template xlwings ships (`xlwings quickstart --addin --ribbon`).

    python addin/build_addin.py          # writes addin/cpxl.xlam and cpxl/data/cpxl.xlam
    python addin/build_addin.py --check  # exit 1 when the committed files are stale

Only XML parts change; xl/vbaProject.bin (xlwings' VBA, which Excel alone can edit) is copied byte for
byte. Changed: the ribbon (customUI/customUI.xml), the config sheet (renamed from `_myaddin.conf` to
`myaddin.conf`, the name the VBA reads, and filled with cpxl's settings), the document properties (title
and description shown in Excel's add-in list, and the xlwings version the VBA comes from), and the
template author's folder path is dropped from xl/workbook.xml. Rebuild after upgrading xlwings: the VBA
must match the xlwings version of the Python that runs it.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import xlwings

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from cpxl.addin.package import (  # noqa: E402
    ADDIN_NAME,
    BASE_CONFIG,
    CONFIG_SHEET,
    CUSTOM_UI_PART,
    SHEET_PART,
    STRINGS_PART,
    config_sheet,
    package_bytes,
    read_parts,
)
from cpxl.safeio import atomic_path  # noqa: E402

TEMPLATE = Path(xlwings.__file__).resolve().parent / "quickstart_addin_ribbon.xlam"
OUTPUTS = (ROOT / "addin" / ADDIN_NAME, ROOT / "cpxl" / "data" / ADDIN_NAME)

# The template's VBA has one ribbon callback, RibbonMyAddin.RunMain; it runs `import cpxl; cpxl.main()`
# because the add-in file is named cpxl.xlam. Every button must use it.
CALLBACK = "RibbonMyAddin.RunMain"

CUSTOM_UI = f"""<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui">
  <ribbon>
    <tabs>
      <tab id="cpxlTab" label="清洁生产审核">
        <group id="cpxlReportGroup" label="报告">
          <button id="cpxlExportReport" label="导出报告" size="large" imageMso="ExportWord"
                  screentip="导出审核报告"
                  supertip="检查当前工作簿（须先保存），并在同一文件夹生成 Word 报告：工作簿名-审核报告.docx（验收、园区、区域/行业工作簿相应命名）。工作簿本身不会被修改。"
                  onAction="{CALLBACK}"/>
        </group>
      </tab>
    </tabs>
  </ribbon>
</customUI>
"""

CORE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" \
xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" \
xmlns:dcmitype="http://purl.org/dc/dcmitype/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\
<dc:title>清洁生产审核（cpxl）</dc:title>\
<dc:subject>清洁生产审核 Excel 加载项</dc:subject>\
<dc:creator>cpxl</dc:creator>\
<cp:keywords>cpxl; xlwings {version}</cp:keywords>\
<dc:description>功能区「清洁生产审核」：检查当前审核工作簿并导出 Word 报告；单元格函数 CP_*。</dc:description>\
<cp:lastModifiedBy>cpxl</cp:lastModifiedBy>\
<dcterms:created xsi:type="dcterms:W3CDTF">2026-01-01T00:00:00Z</dcterms:created>\
<dcterms:modified xsi:type="dcterms:W3CDTF">2026-01-01T00:00:00Z</dcterms:modified>\
</cp:coreProperties>"""


def _workbook_xml(data: bytes) -> bytes:
    text = data.decode("utf-8")
    old = 'name="_myaddin.conf"'
    if old not in text:
        raise SystemExit(f"模板的 xl/workbook.xml 中没有 {old}：xlwings 模板已变化，请检查本脚本")
    text = text.replace(old, f'name="{CONFIG_SHEET}"')
    # the template author's folder (x15ac:absPath) is machine-specific and unused
    start = text.find("<mc:AlternateContent")
    if start != -1 and "absPath" in text[start : text.find("</mc:AlternateContent>", start)]:
        end = text.index("</mc:AlternateContent>", start) + len("</mc:AlternateContent>")
        text = text[:start] + text[end:]
    return text.encode("utf-8")


def build_parts(template: Path = TEMPLATE) -> list[tuple[str, bytes]]:
    """The add-in's parts, in the template's order."""
    parts = read_parts(template)
    found = dict(parts)
    for name in (CUSTOM_UI_PART, SHEET_PART, STRINGS_PART, "xl/workbook.xml", "docProps/core.xml"):
        if name not in found:
            raise SystemExit(f"模板中缺少 {name}：xlwings 模板已变化，请检查本脚本")
    sheet, shared = config_sheet(found[SHEET_PART], BASE_CONFIG)
    replace = {
        CUSTOM_UI_PART: CUSTOM_UI.encode("utf-8"),
        SHEET_PART: sheet,
        STRINGS_PART: shared,
        "xl/workbook.xml": _workbook_xml(found["xl/workbook.xml"]),
        "docProps/core.xml": CORE.format(version=xlwings.__version__).encode("utf-8"),
    }
    return [(name, replace.get(name, data)) for name, data in parts]


def stale_outputs(parts: list[tuple[str, bytes]] | None = None) -> list[Path]:
    """Committed add-in files whose parts differ from a fresh build."""
    parts = parts if parts is not None else build_parts()
    return [p for p in OUTPUTS if not p.is_file() or read_parts(p) != parts]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="从 xlwings 模板生成 cpxl.xlam")
    parser.add_argument("--check", action="store_true", help="只检查已提交的文件是否过期")
    args = parser.parse_args(argv)
    parts = build_parts()
    if args.check:
        stale = stale_outputs(parts)
        for path in stale:
            print(f"过期：{path.relative_to(ROOT)}（运行 python addin/build_addin.py 重新生成）")
        return 1 if stale else 0
    data = package_bytes(parts)
    for path in OUTPUTS:
        path.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(path, force=True) as tmp:
            tmp.write_bytes(data)
        print(f"已生成：{path.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
