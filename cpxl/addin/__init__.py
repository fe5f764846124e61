"""The ribbon add-in cpxl.xlam: its config sheet, and `cpxl addin install|remove|status`.

The add-in is xlwings' ribbon add-in template (`xlwings quickstart --addin --ribbon`) with our ribbon and
settings; its VBA is xlwings' own, unchanged (see addin/README.md). What that VBA fixes for us:

- the ribbon button calls `RibbonMyAddin.RunMain`, which runs `import <file stem>; <file stem>.main()`,
  so the add-in must be named ``cpxl.xlam`` for the button to run :func:`cpxl.main`;
- settings are read from a sheet named ``myaddin.conf`` (the VBA's project name is ``myaddin``): first in
  the active workbook, then in the add-in, then a ``myaddin.conf`` file beside the workbook, then
  ``~/.myaddin/myaddin.conf``. The add-in's own sheet carries our settings, and `install` writes this
  computer's Python interpreter into the installed copy, so no shared per-user file is involved.

`install` also records the interpreter and ``UDF Modules = cpxl.udfs`` in the xlwings user config
(``~/.xlwings/xlwings.conf``), used by the standard xlwings add-in's 「Import Functions」.

On Windows `install` then makes the CP_ functions work without a visit to the VBA editor (steps in
:func:`~cpxl.addin.commands.install`; everything that touches Excel or the registry goes through
:class:`cpxl.excelhost.ExcelHost`): it turns on 「信任对 VBA 工程对象模型的访问」 with the user's consent, puts
xlwings' DLL where the VBA loads it from, imports the wrappers into the installed add-in with xlwings' own
``import_udfs``, guards the ribbon button against "no workbook open", and checks the result by computing
one CP_ function in Excel.

Modules:

- :mod:`~cpxl.addin.package`: the xlam's parts, its config sheet, the copy written with this computer's settings;
- :mod:`~cpxl.addin.computer`: this computer — Excel's start-up folder, the interpreter, the xlwings user config;
- :mod:`~cpxl.addin.vba`: the ribbon callback `install` puts into the add-in;
- :mod:`~cpxl.addin.dlls`: xlwings' DLL, found and placed where the VBA loads it from (Windows);
- :mod:`~cpxl.addin.commands`: the typer commands, the user's consent, the install record.
"""

from cpxl.addin.commands import addin_app

__all__ = ["addin_app"]
