"""Report kinds and table conditions, each declared once: what differs between the audit, acceptance,
park and regional workbooks and reports (:class:`Kind`), and when a table applies (:class:`Condition`).

Audit and acceptance: DB4101/T 61—2023 (附录B.1, 附录B.2); park: T/CPPC 工业园区清洁生产审核指南 附件2;
regional/industry: 京津冀清洁生产协同审核导则 附录A.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal

from cpxl.values import filled

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
    #: Other report kinds a workbook of this kind can export (an acceptance workbook holds the whole audit).
    also_reports: tuple[str, ...] = ()
    #: The report ends with a 附件 section where its frame has none: the full lists its body summarises
    #: (京津冀导则 附录A has no annex of its own).
    annex: bool = False
    #: Endings of the report's organiser, a body named after its subject: with none of them, the cover's name
    #: followed by the last (附件2 1.1 (3) 园区管委会名称); empty: the cover's name as it is. Used when
    #: 封面信息 names no organiser.
    organizer: tuple[str, ...] = ()

    def organizer_of(self, name: str) -> str:
        """The organiser a report names for the subject `name` (see :attr:`organizer`)."""
        if not name or not self.organizer or name.endswith(self.organizer):
            return name
        return f"{name}{self.organizer[-1]}"

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
    also_reports=("audit",),
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
    organizer=("管委会", "管理委员会"),
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
    annex=True,
)

#: The report kinds by id, in the order they are offered.
KINDS: dict[str, Kind] = {k.id: k for k in (AUDIT, ACCEPTANCE, PARK, REGION)}


def _yes(answer) -> bool:
    return str(answer or "").strip() == "是"


def _later_round(answer) -> bool:
    return (answer or 1) > 1


@dataclass(frozen=True)
class Condition:
    """When a table applies: always, on an answer of `封面信息`, or in one report kind only.

    A table names its condition by id (``Table.applies``); the workbook's index, `cpxl check` and the
    report all read this one object.
    """

    id: str
    label: str  # the index's 适用条件 column
    cover_key: str | None = None  # the `封面信息` field that decides it
    question: str = ""  # that field, named when it is blank: “封面信息未填写{question}”
    reason: str = ""  # opens the finding when the table applies but is empty: “{reason}表D.9…未填写”
    sentence: str = "{what}不适用。"  # the report's sentence in place of the table when it does not apply
    answer: Callable[[object], bool] = _yes  # whether the cover field's value means “applies”
    kind: str | None = None  # decided by the report kind: the table belongs to that kind's report only

    def holds(self, cover: Mapping, kind: str) -> bool:
        """Whether a table of this condition applies to a `kind` workbook with `cover` (封面信息 values)."""
        if self.kind is not None:
            return kind == self.kind
        return self.cover_key is None or self.answer(cover.get(self.cover_key))

    def in_kind(self, kind: str) -> bool:
        """False when the condition reserves the table for another report kind."""
        return self.kind in (None, kind)

    def not_applicable(self, what: str, cover: Mapping) -> str:
        """The report's sentence in place of the table `what` (its quoted title) that does not apply; when
        the cover field is blank the condition is unknown, not “否”: say so and assume nothing."""
        if self.cover_key is not None and not filled(cover.get(self.cover_key)):
            return f"（封面信息未填写{self.question}，{what}未列入，请补充后重新导出。）"
        return self.sentence.format(what=what)


#: Conditions by id. DB4101/T 61—2023 6.5.1.2.4 c) (双有: 表D.9), 6.7.1 (专家: 表D.29, 表E.3), 第7章
#: (acceptance: 表D.38–D.43, 表E.4 and the ACC tables).
CONDITIONS: dict[str, Condition] = {c.id: c for c in (
    Condition("always", "均需填写"),
    Condition("双有", "“双有”企业", "double_toxic", "是否为“双有”企业", "本企业为“双有”企业，",
              "企业不属于“双有”企业，{what}不适用。"),
    Condition("双超", "“双超”企业", "double_exceed", "是否为“双超”企业", "本企业为“双超”企业，",
              "企业不属于“双超”企业，{what}不适用。"),
    Condition("超能耗限额", "超能耗限额企业", "energy_limit", "是否超能耗限额", "",
              "企业不属于超能耗限额企业，{what}不适用。"),
    Condition("上一轮", "非首轮审核", "round", "审核轮次", "", "本轮为企业首轮清洁生产审核，{what}不适用。",
              answer=_later_round),
    Condition("专家", "聘请行业专家时", "expert", "是否聘请行业专家", "已聘请行业专家，",
              "本轮审核未聘请行业专家，{what}不适用。"),
    Condition("acceptance", "验收报告", sentence="{what}仅用于审核验收报告。", kind="acceptance"),
)}
