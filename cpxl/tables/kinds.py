"""Report kinds and table conditions, each declared once: what differs between the audit, acceptance,
park and regional workbooks and reports (:class:`Kind`), and when a table applies (:class:`Condition`).

Audit and acceptance: DB4101/T 61—2023 (附录B.1, 附录B.2); park: T/CPPC 工业园区清洁生产审核指南 附件2;
regional/industry: 京津冀清洁生产协同审核导则 附录A.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from . import frames
from .frames import Section


@dataclass(frozen=True)
class Kind:
    """One report kind: a workbook template, the tables it holds and the frame of its report.

    The report side finds the kind's generated analysis by its id (``cpxl.report.analysis.<id>``), so the
    registry does not depend on the report.
    """

    id: str
    name: str  # 清洁生产审核: the workbook is the “{name}工作簿”
    report_title: str  # on the report's cover and in its document properties
    report_name: str  # the report written beside a workbook is “<workbook>-{report_name}.docx”
    workbook_file: str  # the blank workbook committed in xlsx_templates/
    report_template: str  # the report template in cpxl/report/templates/
    #: What is audited: one enterprise, an industrial park, or the enterprises of a region or industry.
    subject: Literal["enterprise", "park", "region"]
    #: Where its tables are declared, in sheet order: (module of cpxl.tables, list in it).
    sources: tuple[tuple[str, str], ...]
    frame: tuple[Section, ...]  # the prescribed chapters and sections of the report
    figures: tuple[str, ...] = ()  # the 附图 slots, in order
    marker: str | None = None  # a table whose sheet tells a workbook of this kind (None: the default kind)

    def section_rows(self) -> tuple[tuple[str, str, str], ...]:
        """Rows of the `章节文字` sheet: (章节号, 标题, 编写要求); an enterprise report adds 7.2.1–7.2.8 for
        the options' feasibility analyses."""
        rows: list[tuple[str, str, str]] = []
        for s in self.frame:
            rows.append((s.number, s.title, s.requirement))
            if s.number == "7.2" and self.subject == "enterprise":
                rows += frames.option_rows()
        return tuple(rows)

    def section_text_rows(self, texts: Mapping[str, str]) -> list[dict]:
        """`章节文字` rows as build data, each with the text `texts` gives for its 章节号 (or title)."""
        rows = []
        for number, title, requirement in self.section_rows():
            row = {"number": number, "title": title, "requirement": requirement}
            text = texts.get(number or title)
            rows.append({**row, "text": text} if text else row)
        return rows


_ENTERPRISE_TABLES = (("enterprise", "TABLES"), ("balances", "BALANCE_TABLES"))

AUDIT = Kind(
    id="audit",
    name="清洁生产审核",
    report_title="清洁生产审核报告",
    report_name="审核报告",
    workbook_file="清洁生产审核工作簿.xlsx",
    report_template="audit.docx",
    subject="enterprise",
    sources=_ENTERPRISE_TABLES,
    frame=frames.AUDIT,
    figures=frames.AUDIT_FIGURES,
)
ACCEPTANCE = Kind(
    id="acceptance",
    name="清洁生产审核验收",
    report_title="清洁生产审核验收报告",
    report_name="验收报告",
    workbook_file="清洁生产审核验收工作簿.xlsx",
    report_template="acceptance.docx",
    subject="enterprise",
    sources=(*_ENTERPRISE_TABLES, ("balances", "ACCEPTANCE_TABLES")),
    frame=frames.ACCEPTANCE,
    figures=frames.ACCEPTANCE_FIGURES,
    marker="ACC.1",
)
PARK = Kind(
    id="park",
    name="园区清洁生产审核",
    report_title="园区清洁生产审核报告",
    report_name="园区审核报告",
    workbook_file="园区清洁生产审核工作簿.xlsx",
    report_template="park.docx",
    subject="park",
    sources=(("park", "PARK_TABLES"),),
    frame=frames.PARK,
    marker="P.1",
)
REGION = Kind(
    id="region",
    name="区域/行业清洁生产审核",
    report_title="区域/行业清洁生产审核报告",
    report_name="区域行业审核报告",
    workbook_file="区域行业清洁生产审核工作簿.xlsx",
    report_template="region.docx",
    subject="region",
    sources=(("region", "REGION_TABLES"),),
    frame=frames.REGION,
    marker="R.1",
)

#: The report kinds by id, in the order they are offered.
KINDS: dict[str, Kind] = {k.id: k for k in (AUDIT, ACCEPTANCE, PARK, REGION)}
