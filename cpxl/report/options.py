"""Options analysed for feasibility in the report (DB4101/T 61—2023 6.8.2.4, 附录B.1 7.2.x): each 中/高费
option's investment, annual saving and economics (NPV, IRR, payback; DB11/T 1156—2022 7.5.5), from the
workbook's derived tables (:mod:`cpxl.report.compute`)."""

from __future__ import annotations

from dataclasses import dataclass

from cpxl.calc import economics
from cpxl.calc import parameters as P
from cpxl.values import money

from .compute import Derived, num, option_classes, text


@dataclass
class OptionEconomics:
    option_id: str
    name: str
    category: str
    investment: float | None
    saving: float | None  # 年运行费用总节省金额 P [万元/a]
    saving_source: str
    life: float
    rate: float
    tax: float
    max_payback: float
    cash_flow: float | None = None
    npv: float | None = None
    irr: float | None = None
    payback: float | None = None
    verdict: str = ""
    content: str = ""
    problem: str = ""
    env_benefit: str = ""
    econ_benefit: str = ""

    @property
    def computed(self) -> bool:
        return self.npv is not None


#: Service life used for depreciation when the workbook gives none [a] (《企业清洁生产审核手册》: 设备寿命期).
DEFAULT_LIFE = 10.0


def feasibility_options(d: Derived) -> list[OptionEconomics]:
    """中/高费 options taken to feasibility analysis (7.2.x): initially feasible ones of D.31 (else D.30),
    with NPV, IRR and payback computed from investment and annual saving (DB11/T 1156—2022 7.5.5)."""
    d30 = {text(r["option_id"]): r for r in d.rows("D.30") if text(r.get("option_id"))}
    classes = option_classes(d)
    ids = [text(r.get("option_id")) for r in d.rows("D.31") if classes.get(text(r.get("option_id"))) == "中/高费"]
    if not ids:
        ids = [k for k, r in d30.items() if text(r.get("cost_class")) == "中/高费"]
    eco = {text(r["option_id"]): r for r in d.rows("ECO.1") if text(r.get("option_id"))}
    sources = {}
    for tid in ("D.34", "D.38"):
        for r in d.rows(tid):
            if num(r.get("econ_benefit")) is not None:
                sources[text(r.get("option_id"))] = (num(r["econ_benefit"]), f"表{tid}经济效益")
    rate = d.param(P.K_DISCOUNT)
    tax = d.param(P.K_TAX)
    max_pb = d.param(P.K_PAYBACK)
    out = []
    seen = set()
    for oid in ids:
        if oid in seen or not oid:
            continue
        seen.add(oid)
        r = d30.get(oid, {})
        d31 = next((x for x in d.rows("D.31") if text(x.get("option_id")) == oid), {})
        inv = num(r.get("investment"))
        if inv is None:
            inv = num(d31.get("investment"))
        saving, src = sources.get(oid, (None, ""))
        if saving is None:
            saving = money(r.get("econ_benefit"))  # 表D.30 经济效益 is free text
            src = "表D.30预期经济效益" if saving is not None else ""
        life = DEFAULT_LIFE
        e = eco.get(oid)
        if e and num(e.get("investment")) is not None and num(e.get("saving")) is not None:
            # 表ECO.1 holds the auditor's economics inputs: I = 总投资 − 补贴, P = 收入增加 + 费用节省
            inv = num(e["investment"]) - (num(e.get("subsidy")) or 0.0)
            saving, src = num(e["saving"]) + (num(e.get("income")) or 0.0), "表ECO.1"
            life = num(e.get("life")) or DEFAULT_LIFE
        o = OptionEconomics(oid, text(r.get("name")) or text(d31.get("name")), text(r.get("category")), inv, saving, src,
                            life, rate, tax, max_pb, content=text(r.get("content")),
                            env_benefit=text(r.get("env_benefit")), econ_benefit=text(r.get("econ_benefit")))
        if inv and inv > 0 and saving is not None:
            try:
                # F = E + D (《企业清洁生产审核手册》); NPV, IRR, N per DB11/T 1156—2022 7.5.5
                o.cash_flow = economics.cash_flow(saving, inv, o.life, tax)
                res = economics.assess(inv, o.cash_flow, int(o.life), rate, max_pb)
                o.npv, o.irr, o.payback, o.verdict = res.npv, res.irr, res.payback, res.verdict
            except ValueError as exc:
                d.note(f"方案{oid}经济评估", exc)
        out.append(o)
    return out
