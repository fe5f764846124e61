"""The demo park (`cpxl demo`): a fictitious chemical industry park, fully filled — 封面信息, B.1–B.4, the
base data of 表P.2 and the 26 indicators of 表P.1 (T/CPPC 工业园区清洁生产审核指南 附件1 附表1), with the
numbers of the sample park worked by hand in tests/test_park_eval.py.

中原新材料化工园区 and every person and figure below are invented."""

from __future__ import annotations

from datetime import date

from cpxl.demo import A
from cpxl.tables import KINDS

PARK_FILE = "示例-中原新材料化工园区-园区审核工作簿.xlsx"

D = date

#: 表P.2 base data: (三年前, y1, y2, y3) or the latest year (as the sample park of the tests).
BASE_DATA = {
    "gdp": 200_000, "hightech_va": 70_000, "industrial_va": (100_000, 110_000, 121_000, 133_100), "employees": 8_000,
    "recycling_va": 13_310, "swu": 8_500, "sw_generated": 9_000, "sw_stock_used": 1_000, "energy": 46_585,
    "renewable_energy": 4_658.5, "green_industrial": 12_000, "new_industrial": 50_000, "incidents": (None, 0, 0, 0),
    "sw_disposed": 10_000, "sw_total": 10_000, "wastewater": 665_500, "sw_inside": 9_000, "good_air_days": 292, "days": 365,
    "green_area": 360_000, "land_area": 2_000_000, "co2": (400_000, None, 380_000, 399_300), "audited": 9,
    "key_enterprises": 12, "campaigns": 4, "env_mgmt_items": 3, "risk_items": 4, "risk_items_total": 5, "disclosed": 10,
    "listed": 10,
}
STATES = {9: "具备", 12: "达标", 22: "具备"}

COVER = {
    "company": "中原新材料化工园区",
    "industry": "化学原料和化学制品制造业",
    "industry_code": "C26",
    "district": "河南省郑州市",
    "products": "化工新材料、精细化学品",
    "main_product": "工业增加值",
    "address": "河南省郑州市中原新材料化工园区纬三路1号",
    "contact": "孙立伟",
    "phone": "0371-60000101",
    "audit_type": "自愿性",
    "round": 1,
    "base_year": 2025,
    "near_year": 2026,
    "far_year": 2028,
    "consultant": "豫清环境技术咨询有限公司",
    "organizer": "中原新材料化工园区管理委员会",
    "version": "送审稿",
    "report_date": D(2026, 9, 30),
    "start_date": D(2026, 3, 10),
}

_LEAD, _WORK = "领导小组", "工作小组"
B1 = [
    {"team": _LEAD, "name": "马国强", "role": "组长", "dept": "园区管委会 主任", "major": "经济管理", "title": "高级经济师", "duty": "统筹审核工作，审定审核重点、目标和方案", "time": "全程"},
    {"team": _LEAD, "name": "孙立伟", "role": "副组长", "dept": "园区管委会 副主任", "major": "环境工程", "title": "高级工程师", "duty": "组织协调园区各部门和入园企业", "time": "全程"},
    {"team": _LEAD, "name": "张慧", "role": "成员", "dept": "经济发展局 局长", "major": "化学工程", "title": "高级工程师", "duty": "产业结构和资源能源数据", "time": "各阶段"},
    {"team": _WORK, "name": "李振华", "role": "组长", "dept": "生态环境分局 副局长", "major": "环境科学", "title": "高级工程师", "duty": "组织现状调查、指标评价和方案筛选", "time": "全程"},
    {"team": _WORK, "name": "王敏", "role": "成员", "dept": "安全生产监管局 科长", "major": "安全工程", "title": "工程师", "duty": "环境风险和应急管理", "time": "各阶段"},
    {"team": _WORK, "name": "周文静", "role": "成员", "dept": "豫清环境技术咨询有限公司 项目负责人", "major": "环境工程", "title": "高级工程师", "duty": "技术咨询、报告编制", "time": "全程"},
]

B2 = [
    {"no": 1, "phase": "筹划和组织", "action": "成立审核小组", "content": "印发园区清洁生产审核工作方案，召开启动会", "end": D(2026, 3, 20), "owner": "孙立伟", "dept": "管委会办公室", "participants": "各部门负责人", "output": "工作方案、启动会纪要"},
    {"no": 2, "phase": "筹划和组织", "action": "宣传培训", "content": "园区及重点企业清洁生产培训2场", "end": D(2026, 4, 10), "owner": "李振华", "dept": "生态环境分局", "participants": "重点企业负责人", "output": "培训记录"},
    {"no": 3, "phase": "初步审核", "action": "现状调查和指标评价", "content": "收集2022—2025年基础数据，计算26项评价指标", "end": D(2026, 5, 31), "owner": "李振华", "dept": "经济发展局、生态环境分局", "participants": "咨询小组", "output": "基础数据表、指标评价结果"},
    {"no": 4, "phase": "初步审核", "action": "确定审核重点和目标", "content": "从园区、行业、企业三个层面筛选审核重点，设置目标", "end": D(2026, 6, 20), "owner": "孙立伟", "dept": "管委会", "participants": "审核小组", "output": "审核重点和目标"},
    {"no": 5, "phase": "重点审核", "action": "问题诊断", "content": "固废综合利用、绿化和碳排放等短板原因分析", "end": D(2026, 7, 31), "owner": "李振华", "dept": "生态环境分局", "participants": "咨询小组、重点企业", "output": "问题清单"},
    {"no": 6, "phase": "方案产生和筛选", "action": "方案汇总和筛选", "content": "汇总园区、行业、企业层面方案，筛选可行方案", "end": D(2026, 8, 31), "owner": "孙立伟", "dept": "管委会", "participants": "审核小组", "output": "方案汇总表"},
    {"no": 7, "phase": "结论和建议", "action": "编制审核报告", "content": "编制园区清洁生产审核报告和持续清洁生产计划", "end": D(2026, 9, 30), "owner": "周文静", "dept": "咨询单位", "participants": "审核小组", "output": "审核报告"},
]

B3 = [
    {"no": 1, "level": "园区层面", "name": "园区固废资源化利用中心", "owner": "园区管委会", "summary": "建设一般工业固废分拣和资源化利用中心", "investment": 2800, "env_benefit": "固废综合利用率提高至95%", "econ_benefit": "年收益约420万元", "schedule": "2026—2027年", "status": "拟实施"},
    {"no": 2, "level": "园区层面", "name": "工业用地绿化提升", "owner": "园区管委会", "summary": "新建工业用地配套绿地", "investment": 650, "env_benefit": "绿化覆盖率提高至20%以上", "econ_benefit": "—", "schedule": "2026年", "status": "实施中"},
    {"no": 3, "level": "园区层面", "name": "分布式光伏", "owner": "园区能源公司", "summary": "标准厂房屋顶分布式光伏20 MW", "investment": 7600, "env_benefit": "年发电2200万kWh，减排CO₂约1.17万t", "econ_benefit": "年收益约1100万元", "schedule": "2026—2027年", "status": "拟实施"},
    {"no": 4, "level": "行业层面", "name": "精细化工VOCs源头替代", "owner": "精细化工企业", "summary": "推广低VOCs溶剂和密闭化生产", "investment": 1200, "env_benefit": "VOCs减排约35 t/a", "econ_benefit": "年节约溶剂约150万元", "schedule": "2026年", "status": "实施中"},
    {"no": 5, "level": "企业层面", "name": "重点企业清洁生产审核全覆盖", "owner": "3家未审核重点企业", "summary": "组织剩余3家重点企业开展清洁生产审核", "investment": 90, "env_benefit": "重点企业审核比例达到100%", "econ_benefit": "—", "schedule": "2026—2027年", "status": "拟实施"},
    {"no": 6, "level": "企业层面", "name": "循环冷却水系统节水改造", "owner": "化工企业", "summary": "循环水旁滤和浓缩倍数提升", "investment": 380, "env_benefit": "节水约18万t/a", "econ_benefit": "年节约约80万元", "schedule": "2026年", "status": "已实施"},
]

B4 = [
    {"item": "完善组织机制和管理制度", "content": "保留园区清洁生产审核领导小组，建立年度考核制度", "time": "2026年12月", "dept": "园区管委会"},
    {"item": "落实清洁生产方案", "content": "按计划实施固废资源化利用中心、分布式光伏等方案，季度调度", "time": "2026—2027年", "dept": "经济发展局"},
    {"item": "开展清洁生产培训", "content": "每年组织入园企业清洁生产培训不少于2次", "time": "每年", "dept": "生态环境分局"},
    {"item": "筹划下一次审核", "content": "2029年启动第二轮园区清洁生产审核", "time": "2029年", "dept": "园区管委会"},
]

# 附件 stays for the auditor: the meeting minutes, training photos and letters that only the park holds.
SECTION_TEXTS = {
    "1": ("中原新材料化工园区为省级化工园区，2025年园区工业增加值13.31亿元。为推动园区绿色低碳发展，园区管理委员会于2026年3月启动首轮园区清洁生产审核，"
          "委托豫清环境技术咨询有限公司提供技术服务，审核内容包括现状调查、评价指标对标、审核重点确定、方案产生和筛选。"),
    "2": "按照《工业园区清洁生产审核指南》要求，园区以资源能源高效利用和污染物减排为目标，于2026年3月至9月完成审核工作。",
    "3.1": "园区主要领导担任领导小组组长，召开启动会、座谈会各1次，落实审核经费90万元。",
    "3.2": A + "\n审核小组由园区管委会主要领导牵头，成员来自经济发展、生态环境、安全生产等部门，咨询单位项目负责人全程参与。",
    "3.3": A + "\n工作计划经领导小组审定后印发，由工作小组按月调度进度。",
    "3.4": "2026年3—4月组织园区及12家重点企业清洁生产培训2场，参训约150人次。",
    "4.1": ("园区主导产业为化工新材料和精细化学品。\n" + A +
            "\n园区建有污水集中处理设施，重点污染源稳定达标排放；能源以化石能源为主，可再生能源使用比例为10%。"),
    "4.2": "评价指标按化工园区类型、依附件1 附表1的选取要求确定是否参评。\n" + A,
    "4.3": ("综合评价结果，确定资源再生利用和固体废物综合利用、绿色建筑和绿化、碳排放控制为园区层面审核重点，"
            "精细化工VOCs治理为行业层面审核重点，重点企业清洁生产审核全覆盖为企业层面审核重点。"),
    "4.4": ("近期（2026年）目标：一般工业固体废物综合利用率达到90%，绿化覆盖率达到20%；中期（2028年）目标：可再生能源使用比例达到15%，"
            "新建工业建筑中绿色建筑比例达到30%，重点企业清洁生产审核实施率达到100%。"),
    "5.1": "园区现有重点企业12家，已开展清洁生产审核9家；一般工业固体废物综合利用率85%，新建工业建筑中绿色建筑比例24%，绿化覆盖率18%。",
    "5.2": "主要问题：固废资源化利用设施不足；新建工业建筑绿色建筑比例低、配套绿化滞后；能源结构以化石能源为主，二氧化碳排放总量增长5.08%。",
    "5.3": "建议建设园区固废资源化利用中心，推进绿化提升和屋顶光伏，推动精细化工企业VOCs源头替代，组织未审核重点企业开展清洁生产审核。",
    "6.1": A + "\n方案来源于现状调查和指标评价发现的短板、重点企业座谈和专家咨询，按园区、行业、企业三个层面汇总。",
    "6.2": ("审核小组从技术、环境、经济三方面对方案逐项评估，6项方案均纳入实施计划：已实施的循环冷却水系统节水改造年节水约18万t，"
            "固废资源化利用中心、分布式光伏等园区层面方案列入2026—2027年计划。"),
    "7": "本轮审核的主要结论、重点成果和存在的问题见7.1，改进建议和持续清洁生产工作计划见7.2。",
    "7.1": "本轮审核建立了园区清洁生产组织机制，完成参评指标评价，形成6项清洁生产方案。",
    "7.2": (A + "\n建议园区重点推进固废资源化利用中心和分布式光伏建设，督促3家未开展审核的重点企业完成清洁生产审核，"
            "完善环境管理能力和环境风险防范体系建设。"),
}


def park_data() -> dict[str, object]:
    """build_workbook("park", …) data of the demo park."""
    from cpxl.calc import park_eval
    from cpxl.calc.park import PARK_INDICATORS
    from cpxl.tables.park import PARK_INPUTS

    p2 = [{f"v_{j}": x for j, x in enumerate(park_eval._series(BASE_DATA, key))} for key, _l, _u, _used in PARK_INPUTS if key]
    p1 = [{"state": STATES[p.no]} if p.no in STATES else {} for p in PARK_INDICATORS]
    return {"封面信息": COVER, "B.1": B1, "B.2": B2, "B.3": B3, "B.4": B4, "P.1": p1, "P.2": p2, "章节文字": KINDS["park"].section_text_rows(SECTION_TEXTS)}
