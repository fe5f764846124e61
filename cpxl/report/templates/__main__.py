"""``python -m cpxl.report.templates``: rewrite the four report templates from code."""

from cpxl.report.templates import write_templates

for path in write_templates():
    print(path.name)
