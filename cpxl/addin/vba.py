"""The VBA `install` puts into the add-in on Windows: the ribbon callback, guarded against "no workbook open"."""

from __future__ import annotations

from cpxl.excel import NO_WORKBOOK, TITLE

RIBBON_MODULE = "RibbonMyAddin"
NO_WORKBOOK_MESSAGE = NO_WORKBOOK  # the same text as the Python side of the button (cpxl.excel)


def vba_text(text: str) -> str:
    """A VBA string expression for `text` that survives any system code page: ASCII runs stay literal,
    every other character becomes ``ChrW(n)``."""
    pieces: list[str] = []
    run = ""
    for ch in text:
        if 32 <= ord(ch) < 127:
            run += ch.replace('"', '""')
            continue
        if run:
            pieces.append(f'"{run}"')
            run = ""
        pieces.append(f"ChrW({ord(ch)})")
    if run or not pieces:
        pieces.append(f'"{run}"')
    return " & ".join(pieces)


def ribbon_module_code(title: str = TITLE) -> str:
    """The ribbon callback with a guard in front of the template's two lines (kept verbatim).

    Without a workbook open, xlwings' `RunPython` stops with VBA run-time error 91 (it reads
    `ActiveWorkbook.Worksheets` and `ActiveWorkbook.Name`) before Python starts; the guard shows a
    message instead. Module text is ASCII: Chinese goes through ChrW, whatever the VBA code page."""
    return "\r\n".join([
        "Sub RunMain(control As IRibbonControl)",
        "    ' cpxl: no workbook open -> a message instead of run-time error 91 in RunPython",
        "    If ActiveWorkbook Is Nothing Then",
        f"        MsgBox {vba_text(NO_WORKBOOK_MESSAGE)}, vbInformation, {vba_text(title)}",
        "        Exit Sub",
        "    End If",
        '    mymodule = Left(ThisWorkbook.Name, (InStrRev(ThisWorkbook.Name, ".", -1, vbTextCompare) - 1))',
        '    RunPython "import " & mymodule & ";" & mymodule & ".main()"',
        "End Sub",
        "",
    ])
