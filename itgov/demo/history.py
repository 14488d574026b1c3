"""The district's recent years, acted out with the clock set back (issue 6's stories: art. 22–25, 12).

The stories of this year (itgov/demo/data.py) cannot show a project accepted a year ago, an evaluation overdue or
a warranty ended: those need years. So each project here lives its life through the services as the roles would
have acted — proposal, the annual plan of its year, approval, budget, construction, trial operation (its system
registered in the catalogue with the resource its application declared, art. 27–30), acceptance, go-live,
evaluation, O&M — with `django.utils.timezone.now` set to the day each step happened (`clock`): every
rule judges the step by its own date, and the audit trail records it then. The days are offsets from the day the
demo loads, so the stories stay as current as the demo.

Projects stay under the supervision threshold (art. 19: no supervisor needed) and are approved without an expert
panel (the profile sets no threshold, art. 28)."""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal
from unittest import mock

from django.db import transaction
from django.utils import timezone

from itgov.core.dates import SHANGHAI, add_months, local_today
from itgov.projects.models import Project

HOUR = 10  # each step at 10:00 Shanghai time


@contextlib.contextmanager
def clock(day: dt.date):
    """`timezone.now()` is 10:00 (Shanghai) on `day` inside the block (auto_now fields and the audit trail
    included)."""
    moment = dt.datetime.combine(day, dt.time(HOUR), tzinfo=SHANGHAI).astimezone(dt.UTC)
    with mock.patch.object(timezone, "now", lambda: moment):
        yield moment


def months_ago(today: dt.date, months: int, day: int = 0) -> dt.date:
    return add_months(today, -months) + dt.timedelta(days=day)


# One story a project. `approved`: months ago the plan of that year was issued and the project approved (the
# plan is issued on the 10th of January of that year, or the approval month when it is January already); then
# each step `months ago` (fractions as (months, days)). `outcome`: how far it goes.
STORIES: list[dict] = [
    {
        "name": "鼓楼区社区矫正智慧管理平台建设项目", "owner": "justice", "kind": "business_system",
        "construction_type": "new", "estimate": "780000.00", "responsible_person": "韩立军",
        "responsible_phone": "025-83291127",
        "necessity": "社区矫正对象定位核查、报到和教育学习依靠人工台账,监管漏洞难以及时发现。",
        "content": "建设矫正对象电子档案、定位核查、在线报到和教育学习四个模块,对接公安和法院数据。",
        "sharing": "矫正对象基本信息按有条件共享编入目录,向公安、法院部门提供核查接口。",
        "approved": 34, "trial": 26, "applied": 22, "decided": 21, "outcome": "in_operation", "live": 20,
        "warranty_months": 12, "experts": ["顾维民", "陶慧娟"],
        # the self-evaluation window is open (G + 12 … G + 24 months); next year's O&M funds wait for Finance
        "evaluated": None, "funding": [{"at": 1, "year": 1, "amount": "62000.00", "decision": None}],
        # the resource the application declares as produced, registered in the catalogue during the trial (art. 27)
        "resource": {
            "name": "社区矫正对象基本信息", "class": "departmental", "format": "database", "type": "conditional",
            "conditions": "限公安、法院、检察院在办理案件和核查工作中依法使用,经区司法局审核后按需开通信息项。",
            "method": "interface", "open": "closed", "cycle": "daily",
            "summary": "全区社区矫正对象的身份、矫正类别、矫正期限和执行地信息。",
            "items": [("矫正对象编号", "C", False), ("姓名", "C", True), ("公民身份号码", "C", True),
                      ("矫正类别", "C", False), ("矫正起始日期", "D", False), ("矫正终止日期", "D", False),
                      ("执行地司法所", "C", False)],
            "interface": ("api", "社区矫正对象身份核查接口", "https://dsep.gulou.gov.cn/api/justice/corrections/verify"),
        },
    },
    {
        "name": "鼓楼区文化馆数字化服务平台建设项目", "owner": "culture", "kind": "business_system",
        "construction_type": "new", "estimate": "650000.00", "responsible_person": "孔雯",
        "responsible_phone": "025-83291568",
        "necessity": "文化馆活动报名、场馆预约和数字资源分散在多个小程序,群众使用不便,服务数据无法统计。",
        "content": "建设活动报名、场馆预约、数字资源展示和服务统计四个模块,接入区统一身份认证。",
        "sharing": "文化活动和场馆信息按无条件共享编入目录并向社会开放。",
        "approved": 44, "trial": 36, "applied": 32, "decided": 31, "outcome": "in_operation", "live": 30,
        "warranty_months": 24, "experts": [],
        # the window closed six months ago without an evaluation (overdue); this year's O&M funds were granted
        "evaluated": None,
        "funding": [{"at": 10, "year": 0, "amount": "52000.00", "decision": ("approve", "45000.00", "按运维合同核定。")}],
        "resource": {
            "name": "文化活动和场馆信息", "class": "thematic", "format": "database", "type": "unconditional",
            "conditions": "", "method": "interface", "open": "open", "cycle": "daily",
            "summary": "区文化馆举办的公益文化活动、场馆开放时间和预约名额。",
            "items": [("活动名称", "C", False), ("活动类型", "C", False), ("举办场馆", "C", False),
                      ("活动开始时间", "T", False), ("可预约名额", "N", False), ("场馆开放时间", "C", False)],
            "interface": ("api", "文化活动和场馆信息查询接口", "https://dsep.gulou.gov.cn/api/culture/activities"),
        },
    },
    {
        "name": "鼓楼区养老机构视频监管系统建设项目", "owner": "civil", "kind": "business_system",
        "construction_type": "new", "estimate": "540000.00", "responsible_person": "葛慧",
        "responsible_phone": "025-83296618",
        "necessity": "全区养老机构的安全管理依靠现场检查,夜间和节假日的服务质量难以监督。",
        "content": "建设养老机构视频接入、智能预警和监管考核三个模块,接入全区42家养老机构。",
        "sharing": "养老机构监管预警信息按有条件共享编入目录,向应急、消防部门推送。",
        "approved": 30, "trial": 23, "applied": 19, "decided": 18, "outcome": "in_operation", "live": 17,
        "warranty_months": 12, "experts": [],
        # the self-evaluation reported in its window (the PDF); next year's O&M funds refused for a reason
        "evaluated": 2, "funding": [{"at": 3, "year": 1, "amount": "90000.00",
                                     "decision": ("reject", None, "申请金额超出运维合同,请按合同金额重新申请。")}],
        "resource": {
            "name": "养老机构监管预警信息", "class": "departmental", "format": "database", "type": "conditional",
            "conditions": "限应急管理、消防救援部门用于安全隐患处置,按推送方式共享,不得对外公开。",
            "method": "exchange", "open": "closed", "cycle": "realtime",
            "summary": "养老机构视频智能分析产生的消防通道堵塞、老人跌倒、夜间脱岗等预警及处置情况。",
            "items": [("机构名称", "C", False), ("统一社会信用代码", "C", False), ("预警类型", "C", False),
                      ("预警时间", "T", False), ("处置状态", "C", False), ("处置结果", "M", False)],
            "interface": ("file", "养老机构预警信息推送目录", "/exchange/civil/eldercare-alerts/"),
        },
    },
    {
        "name": "鼓楼区市场主体信用监管平台建设项目", "owner": "market", "kind": "business_system",
        "construction_type": "new", "estimate": "920000.00", "responsible_person": "严卫东",
        "responsible_phone": "025-83292245",
        "necessity": "市场主体信用信息分散在登记、检查、处罚等系统中,分级分类监管缺少统一的信用画像。",
        "content": "建设信用档案、信用评价、分级分类监管和联合惩戒四个模块,对接省市场监管信用平台。",
        "sharing": "市场主体信用评价结果按有条件共享编入目录,向相关执法部门提供查询接口。",
        "approved": 14, "trial": 6, "applied": 2, "decided": 1, "outcome": "failed", "rectify_days": 60,
        "findings": "信用评价模型未按批复完成省平台数据对接,联合惩戒模块未通过性能测试。",
        "warranty_months": 12, "experts": ["顾维民"],
        "resource": {
            "name": "市场主体信用评价结果", "class": "departmental", "format": "database", "type": "conditional",
            "conditions": "限相关行政执法部门在日常监管和联合惩戒中查询使用,不得用于行政执法以外的用途。",
            "method": "query", "open": "closed", "cycle": "monthly",
            "summary": "辖区市场主体的信用等级、评价日期和分级分类监管类别。",
            "items": [("统一社会信用代码", "C", False), ("企业名称", "C", False), ("信用等级", "C", False),
                      ("评价日期", "D", False), ("监管类别", "C", False)],
            "interface": ("api", "市场主体信用评价结果查询接口", "https://dsep.gulou.gov.cn/api/market/credit-ratings"),
        },
    },
    {
        "name": "鼓楼区噪声自动监测系统建设项目", "owner": "eco", "kind": "resource_database",
        "construction_type": "new", "estimate": "560000.00", "responsible_person": "彭昊",
        "responsible_phone": "025-83293321",
        "necessity": "噪声投诉逐年上升,现有人工监测无法连续掌握重点区域噪声状况。",
        "content": "建设20个噪声自动监测站点和噪声监测数据库,对接市生态环境监测平台。",
        "sharing": "噪声监测数据按无条件共享编入目录,向城管、住建部门共享。",
        "approved": 26, "trial": 18, "applied": 14, "decided": 13, "outcome": "failed_twice", "rectify_days": 60,
        "reapplied": 12, "redecided": 11,
        "findings": "12个站点数据传输不稳定,监测数据有效率仅71%,未达到批复的95%。",
        "refindings": "整改后站点数据有效率仍为83%,仍未达到批复的95%;数据库未完成与市平台的对接。",
        "warranty_months": 12, "experts": [],
        "resource": {
            "name": "噪声自动监测数据", "class": "thematic", "format": "database", "type": "unconditional",
            "conditions": "", "method": "interface", "open": "open", "cycle": "realtime",
            "summary": "20个噪声自动监测站点的逐时等效声级和超标情况。",
            "items": [("站点编号", "C", False), ("站点名称", "C", False), ("监测时间", "T", False),
                      ("等效声级", "N", False), ("声环境功能区类别", "C", False), ("是否超标", "L", False)],
            "interface": ("api", "噪声自动监测数据接口", "https://dsep.gulou.gov.cn/api/eco/noise"),
        },
    },
    {
        "name": "湖南路街道网格化服务管理系统升级项目", "owner": "hunanlu", "kind": "business_system",
        "construction_type": "upgrade", "estimate": "380000.00", "responsible_person": "魏芳",
        "responsible_phone": "025-83294410",
        "necessity": "街道网格事件上报和处置流程仍在旧系统中运行,不能对接区“一网统管”平台。",
        "content": "升级网格事件上报、分拨处置和考核评价模块,对接区“一网统管”平台。",
        "sharing": "网格事件数据按有条件共享编入目录,向区城管、应急部门推送。",
        "approved": 16, "trial": 7, "outcome": "trial", "warranty_months": 12, "experts": [],
        "resource": {
            "name": "湖南路街道网格事件数据", "class": "departmental", "format": "database", "type": "conditional",
            "conditions": "限区城管、应急部门用于事件分拨处置和考核,按推送方式共享。",
            "method": "exchange", "open": "closed", "cycle": "daily",
            "summary": "网格员上报和群众反映的事件、分拨处置和办结情况。",
            "items": [("事件编号", "C", False), ("事件类型", "C", False), ("发生地点", "C", False),
                      ("上报时间", "T", False), ("上报人联系电话", "C", True), ("处置状态", "C", False)],
            "interface": ("file", "网格事件数据推送目录", "/exchange/hunanlu/grid-events/"),
        },
    },
    {
        "name": "鼓楼区社区卫生服务中心远程会诊系统建设项目", "owner": "health", "kind": "business_system",
        "construction_type": "new", "estimate": "690000.00", "responsible_person": "沈嘉",
        "responsible_phone": "025-83295532",
        "necessity": "社区卫生服务中心缺少上级医院专家支撑,疑难病例转诊率高、群众往返奔波。",
        "content": "建设远程会诊、远程影像诊断和双向转诊三个模块,连通13家社区卫生服务中心和2家区属医院。",
        "sharing": "会诊记录按有条件共享编入目录,向医保部门提供结算核验接口。",
        "approved": 12, "trial": 4, "outcome": "trial_documents", "warranty_months": 12, "experts": [],
        "resource": {
            "name": "远程会诊记录", "class": "departmental", "format": "database", "type": "conditional",
            "conditions": "限区医疗保障局用于医保结算核验,仅提供会诊编号、会诊日期和结算状态,其他信息项须另行申请。",
            "method": "interface", "open": "closed", "cycle": "realtime",
            "summary": "社区卫生服务中心发起的远程会诊、影像诊断和转诊记录。",
            "items": [("会诊编号", "C", False), ("患者姓名", "C", True), ("公民身份号码", "C", True),
                      ("会诊日期", "D", False), ("申请机构", "C", False), ("会诊意见", "M", True),
                      ("结算状态", "C", False)],
            "interface": ("api", "远程会诊结算核验接口", "https://dsep.gulou.gov.cn/api/health/teleconsultation/settlement"),
        },
    },
]

REVIEW = {"review_notes": "建设内容和规模合理,投资估算基本合理。", "sharing_conclusion": "adequate",
          "sharing_opinion": "数据共享内容完整,按要求编入目录。", "expert_panel_required": False,
          "checklist": {item: {"ok": True, "note": ""} for item in (
              "necessity", "content_scale", "technical", "estimate", "intensive", "security", "performance")}}


def _money(value: Decimal) -> str:
    return f"{value:.2f}"


def _approval_spec(story: dict, code_serial: int) -> dict:
    """An approval story (the shape of data.APPROVALS) from the few facts of a history story: the estimate split
    into hardware 30 %, software 50 %, integration 10 %, services the rest; a year's construction."""
    total = Decimal(story["estimate"])
    hardware, software, integration = ((total * Decimal(p)).quantize(Decimal("0.01")) for p in ("0.3", "0.5", "0.1"))
    services = total - hardware - software - integration
    return {
        "project": story["name"], "state": "budgeted", "code_serial": code_serial, "participants": [],
        "application": {
            "scale": story["content"], "standards": "符合国家和省市相关技术标准,按网络安全等级保护第二级建设。",
            "technical_approach": "部署于区政务云,复用统一身份认证和公共数据共享交换平台。",
            "hardware": _money(hardware), "software": _money(software), "integration": _money(integration),
            "services": _money(services), "supervision_fee": "0.00", "prework": "0.00", "other": "0.00",
            "start": 0, "end": 6, "data_sharing_summary": story["sharing"],
            "shared_platforms": ["gov_cloud", "identity", "data_exchange"], "protection_level": 2,
            "security_measures": "按第二级要求建设,上线前完成等级测评。",
        },
        "milestones": [("完成招标采购", 1), ("系统开发部署完成", 5)],
        "targets": [("output_quantity", "建成业务模块", "个", "4"), ("output_quality", "系统可用率", "%", "≥99"),
                    ("benefit", "业务办理时长缩短", "%", "30"), ("satisfaction", "使用人员满意度", "%", "≥90")],
        "data_resources": [(story["resource"]["name"], "produced", story["resource"]["type"], True, "系统运行产生")],
        "documents": ["application_report", "feasibility_study"],
        "review": REVIEW, "panel": [], "return_reason": "",
        "decision": {"approved_estimate": story["estimate"], "control_indicators": "建设工期6个月。",
                     "opinion": f"同意实施{story['name']},核定总投资概算{total / 10000:.2f}万元,资金由区财政安排。",
                     "copy_to": "区财政局,区审计局"},
        "budget": {"note": "一次安排", "lines": [(0, "general", story["estimate"])]},
    }


def _project_spec(story: dict) -> dict:
    return {"name": story["name"], "owner": story["owner"], "kind": story["kind"],
            "construction_type": story["construction_type"], "estimated_investment": story["estimate"],
            "responsible_person": story["responsible_person"], "responsible_phone": story["responsible_phone"],
            "necessity": story["necessity"], "construction_content": story["content"],
            "data_sharing_intent": story["sharing"], "plan_task": None, "classified": False, "state": "in_reserve",
            "return_reason": "", "withdraw_reason": ""}


def load_history(users, units, gulou) -> tuple[int, list[str]]:
    """The stories whose projects do not exist yet, all in one savepoint (their years share annual plans); returns
    how many were told and why they were not (a plan of their year exists already, or the services refused a
    step)."""
    from itgov.core.errors import DomainError
    from itgov.planning.models import AnnualPlan

    from .services import _project

    today = local_today()
    stories = [s for s in STORIES if not Project.objects.filter(name=s["name"]).exists()]
    if not stories:
        return 0, []
    years = sorted({months_ago(today, s["approved"]).year for s in stories})
    taken = [y for y in years if AnnualPlan.objects.filter(jurisdiction=gulou, year=y).exists()]
    if taken:
        return 0, [f"历年项目演示未载入:{'、'.join(map(str, taken))}年度已有投资计划"]
    try:
        with transaction.atomic():
            projects = {}
            for story in stories:
                year = months_ago(today, story["approved"]).year
                with clock(dt.date(year - 1, 12, 1)):
                    projects[story["name"]] = _project(_project_spec(story), units, users, tasks={})
            for year in years:
                _plan(users, year, [(projects[s["name"]], s["estimate"]) for s in stories
                                    if months_ago(today, s["approved"]).year == year])
            for story in stories:
                _tell(story, STORIES.index(story), projects[story["name"]], users, units, gulou, today)
    except DomainError as exc:
        return 0, [f"历年项目演示未载入:{exc.message}{' ' + str(exc.fields) if exc.fields else ''}"]
    return len(stories), []


def _fresh(project: Project) -> Project:
    return Project.objects.select_related("owner_unit__jurisdiction").get(pk=project.pk)


def _plan(users, year: int, lines: list[tuple[Project, str]]) -> None:
    """The annual plan of `year`, issued on the 2nd of January with the lines of that year's stories (class A,
    must start: each is built within the year)."""
    from itgov.planning import plan_services

    drc = users["drc"]
    with clock(dt.date(year, 1, 2)):
        plan = plan_services.annual_plan_create(actor=drc, data={
            "year": year, "capacity": "30000000.00", "note": f"{year}年度政务信息化项目投资计划"})
        for project, amount in lines:
            plan_services.plan_line_add(actor=drc, plan=plan, data={
                "project_id": project.pk, "line_type": "construction", "plan_class": "A", "amount": amount,
                "prework_amount": "0.00", "priority": 80, "must_start_reason": "上级部门明确要求当年建成。",
                "skip_reason": "", "note": ""})
        plan = plan_services.plan_transition(actor=drc, plan=plan, name="submit")
        plan = plan_services.plan_transition(actor=users["finance"], plan=plan, name="cosign")
        plan_services.plan_transition(actor=users["gov"], plan=plan, name="issue", data={
            "document_number": f"鼓政发〔{year}〕6号"})


def _tell(story: dict, position: int, project: Project, users, units, gulou, today: dt.date) -> None:
    from itgov.acceptance import services as acceptance
    from itgov.construction import services as construction

    from .services import OWNER_ALIASES, _approval

    owner = users[OWNER_ALIASES.get(story["owner"], story["owner"])]
    drc = users["drc"]
    approved = months_ago(today, story["approved"])
    with clock(approved):
        _approval(_approval_spec(story, 900 + position), _fresh(project), users, units, gulou, approved,
                  letter=False)
    started = approved + dt.timedelta(days=14)
    trial = months_ago(today, story["trial"])
    with clock(started):
        construction.construction_start(actor=owner, project=_fresh(project))
        contract = construction.contract_record(actor=owner, project=_fresh(project), data={
            "title": f"{story['name'].removeprefix('鼓楼区')}建设合同", "supplier": "南京智汇信息技术有限公司",
            "amount": story["estimate"], "signed_on": started.isoformat(),
            "deliverables": story["content"],
            "warranty_ends_on": add_months(trial, story["warranty_months"]).isoformat()})
        construction.payment_record(actor=owner, project=_fresh(project), data={
            "amount": _money(Decimal(story["estimate"]) * Decimal("0.3")), "paid_on": started.isoformat(),
            "purpose": "合同预付款(30%)", "contract_id": contract.pk})
    with clock(trial):
        acceptance.trial_start(actor=owner, project=_fresh(project), data={"trial_started_on": trial.isoformat()})
    _catalogue(story, position, project, owner, drc, trial)
    if story["outcome"] == "trial":
        return
    with clock(trial + dt.timedelta(days=30)):
        for kind in ("completion_report", "trial_report", "test_report"):
            _upload(owner, project, kind)
    if story["outcome"] == "trial_documents":
        return
    _apply_and_decide(story, project, owner, drc, users, gulou, today, "applied", "decided", "findings")
    if story["outcome"] == "failed_twice":
        with clock(months_ago(today, story["reapplied"], -5)):
            _upload(owner, project, "rectification_report")
        with clock(months_ago(today, story["reapplied"])):
            acceptance.acceptance_reapply(actor=owner, project=_fresh(project), data={
                "summary": "已按验收意见更换站点传输设备并完成数据库对接测试。"})
        _apply_and_decide(story, project, owner, drc, users, gulou, today, None, "redecided", "refindings")
    if story["outcome"] != "in_operation":
        return
    decided = months_ago(today, story["decided"])
    with clock(decided + dt.timedelta(days=7)):
        acceptance.filing_record(actor=owner, project=_fresh(project), data={
            "filed_on": (decided + dt.timedelta(days=7)).isoformat(),
            "document_number": f"{units[story['owner']].short_name}〔{decided.year}〕{position + 3}号"})
        acceptance.asset_register(actor=owner, project=_fresh(project), data={
            "name": "应用服务器", "category": "hardware", "quantity": 2,
            "value": _money(Decimal(story["estimate"]) * Decimal("0.2")),
            "custodian_unit_id": units[story["owner"]].pk, "location": "区政务云机房"})
        acceptance.asset_register(actor=owner, project=_fresh(project), data={
            "name": f"{story['name'].removeprefix('鼓楼区').removesuffix('建设项目')}应用软件", "category": "software",
            "quantity": 1, "value": _money(Decimal(story["estimate"]) * Decimal("0.5")),
            "custodian_unit_id": units[story["owner"]].pk, "location": "区政务云"})
    with clock(decided + dt.timedelta(days=10)):
        acceptance.filing_receive(actor=users["finance"], project=_fresh(project))
    _operate(story, project, owner, users, today)


def system_name(story: dict) -> str:
    """The name of the system a story's project builds: the project's, without its 建设项目 / 升级项目."""
    return story["name"].removesuffix("建设项目").removesuffix("升级项目").removesuffix("项目")


def _catalogue(story: dict, position: int, project: Project, owner, drc, trial: dt.date) -> None:
    """In the trial run the unit registers the system its project built, lists the resource its application declared
    as produced (art. 27, 28: the acceptance checks it is in the catalogue), registers its sharing interface and
    records the system's graded protection filing (second level, art. 30); DRC publishes the resource."""
    from itgov.approvals.selectors import current_baseline
    from itgov.catalogue import services as catalogue
    from itgov.security import services as security

    spec = story["resource"]
    declared = next(r for r in current_baseline(_fresh(project)).application.data_resources.all()
                    if r.direction == "produced" and r.name == spec["name"])
    registered = trial + dt.timedelta(days=20)
    with clock(registered):
        system = catalogue.system_register(actor=owner, data={
            "name": system_name(story), "project_id": project.pk, "summary": story["content"]})
        resource = catalogue.resource_register(actor=owner, data={
            "system_id": system.pk, "declared_id": declared.pk, "resource_class": spec["class"], "name": spec["name"],
            "summary": spec["summary"], "format": spec["format"], "sharing_type": spec["type"],
            "sharing_conditions": spec["conditions"], "not_shared_basis": "", "sharing_method": spec["method"],
            "open_type": spec["open"], "update_cycle": spec["cycle"],
            "items": [{"name": name, "data_type": kind, "sensitive": sensitive}
                      for name, kind, sensitive in spec["items"]]})
        kind, name, address = spec["interface"]
        catalogue.interface_register(actor=owner, resource=resource, data={
            "kind": kind, "name": name, "address": address, "description": "经区公共数据共享交换平台提供。"})
        filed = trial + dt.timedelta(days=15)
        security.filing_record(actor=owner, system=system, data={
            "protection_level": 2, "filing_number": f"32010643{position + 1:03d}-{filed.year % 100:02d}001",
            "filed_on": filed.isoformat(), "filing_authority": FILING_AUTHORITY})
    with clock(registered + dt.timedelta(days=5)):
        catalogue.resource_publish(actor=drc, resource=resource)


FILING_AUTHORITY = "南京市公安局鼓楼分局"


def _upload(owner, project: Project, kind: str) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from itgov.acceptance import services as acceptance
    from itgov.acceptance.choices import DocumentKind

    from .services import _pdf

    content = _pdf(["itgov demo district", f"Acceptance document: {kind}", f"Project #{project.pk}",
                    "Placeholder of the report the owner unit uploads (art. 22)."])
    acceptance.document_upload(actor=owner, project=_fresh(project), data={"kind": kind}, files={
        "file": SimpleUploadedFile(f"{project.name}-{DocumentKind(kind).label}.pdf", content, "application/pdf")})


def _apply_and_decide(story, project, owner, drc, users, gulou, today, applied_key, decided_key, findings_key):
    """The application (the first one: its remaining documents, then apply), DRC's acceptance with its experts
    (the expert who signs in gives the opinion itself; DRC records the others' from the meeting), the decision."""
    from itgov.acceptance import services as acceptance
    from itgov.acceptance.selectors import current_acceptance
    from itgov.organizations.models import Expert

    decided = months_ago(today, story[decided_key])
    if applied_key is not None:
        applied = months_ago(today, story[applied_key])
        with clock(applied - dt.timedelta(days=3)):
            _upload(owner, project, "settlement")
        with clock(applied):
            late = applied > add_months(months_ago(today, story["trial"]), 6)
            acceptance.acceptance_apply(actor=owner, project=_fresh(project), data={
                "summary": "建设内容已按批复全部完成,系统试运行稳定。",
                "late_explanation": "等级测评机构排期推迟,测评报告晚于计划出具。" if late else ""})
    scheduled = decided - dt.timedelta(days=7)
    with clock(scheduled - dt.timedelta(days=10)):
        acceptance.acceptance_schedule(actor=drc, project=_fresh(project), data={
            "scheduled_on": scheduled.isoformat(), "location": "区大数据管理局302会议室",
            "note": "请建设单位、承建单位和使用部门代表参加。"})
        for name in story["experts"]:
            expert = Expert.objects.get(jurisdiction=gulou, name=name)
            acceptance.expert_add(actor=drc, project=_fresh(project), data={"expert_id": expert.pk})
    result = "passed" if story["outcome"] == "in_operation" else "failed"
    with clock(scheduled):
        for seat in current_acceptance(_fresh(project)).experts.select_related("expert__user"):
            actor = seat.expert.user if seat.expert.user_id else drc
            acceptance.expert_opinion(actor=actor, project=_fresh(project), seat=seat, data={
                "opinion": result, "opinion_text": "同意通过验收。" if result == "passed" else story[findings_key]})
    with clock(decided):
        if result == "passed":
            acceptance.acceptance_pass(actor=drc, project=_fresh(project), data={
                "decided_on": decided.isoformat(), "findings": "项目按批复完成建设内容,试运行稳定,同意通过竣工验收。"})
        else:
            acceptance.acceptance_fail(actor=drc, project=_fresh(project), data={
                "decided_on": decided.isoformat(), "findings": story[findings_key],
                "rectification_due_on": (decided + dt.timedelta(days=story["rectify_days"])).isoformat()})


def _operate(story, project, owner, users, today) -> None:
    """Go-live, the O&M arrangement, the self-evaluation and O&M funding (art. 23, 24, 12)."""
    from itgov.operation import services as operation
    from itgov.operation.selectors import evaluation_targets

    live = months_ago(today, story["live"])
    with clock(live):
        operation.go_live(actor=owner, project=_fresh(project), data={"operation_started_on": live.isoformat()})
        operation.arrangement_record(actor=owner, project=_fresh(project), data={
            "mode": "contractor", "provider": "南京智汇信息技术有限公司", "period_start": live.isoformat(),
            "period_end": (add_months(live, 36) - dt.timedelta(days=1)).isoformat(),
            "security_officer": story["responsible_person"],
            "security_measures": "运维人员签订保密协议,账号实名、最小授权,操作全程审计;每年开展一次等级测评。"})
    if story["evaluated"] is not None:
        with clock(months_ago(today, story["evaluated"])):
            operation.self_evaluation_submit(actor=owner, project=_fresh(project), data={
                "score": "88.5", "summary": "系统运行稳定,主要绩效目标均已实现。",
                "problems": "部分机构网络条件较差,视频接入率未达到目标。",
                "improvements": "协调运营商改善网络,明年一季度完成剩余机构接入。",
                "values": [{"target_id": target.pk, "actual": actual, "achieved": achieved}
                           for target, (actual, achieved) in zip(evaluation_targets(project), (
                               ("3", False), ("99.6", True), ("35", True), ("93", True)), strict=True)]})
    for funding in story["funding"]:
        day = months_ago(today, funding["at"])
        with clock(day):
            request = operation.funding_request(actor=owner, project=_fresh(project), data={
                "year": day.year + funding["year"], "requested_amount": funding["amount"],
                "justification": "质保期已满,申请软硬件运维、安全服务和等级测评费用。"})
        if funding["decision"] is not None:
            decision, amount, reason = funding["decision"]
            with clock(day + dt.timedelta(days=12)):
                operation.funding_decide(actor=users["finance"], project=_fresh(project), request=request, data={
                    "decision": decision, **({"amount": amount} if amount else {}), "reason": reason})


AUDIT_CASE = {
    "title": "政务信息化项目建设和运行绩效专项审计",
    "scope": "审计已投入运行的政务信息化项目的建设程序、资金使用、资产管理和运行绩效(第二十五条)。",
    "opened": 40,  # days ago
    "projects": ["鼓楼区社区矫正智慧管理平台建设项目", "鼓楼区文化馆数字化服务平台建设项目"],
    # (project, kind, subject, text, sent days ago, due days after sending, answer days after sending or None)
    "requests": [
        ("鼓楼区社区矫正智慧管理平台建设项目", "documents", "调阅合同和支付凭证",
         "请提供项目建设合同、支付凭证和竣工验收资料。", 38, 14, 9),
        ("鼓楼区文化馆数字化服务平台建设项目", "explanation", "说明绩效自评价未报送的原因",
         "项目投入运行已满两年,请说明未报送绩效自评价报告的原因及补报安排。", 30, 10, None),
    ],
}


def load_audit_case(users) -> int:
    """The audit bureau's case on two operating projects of the recent years: one request answered with a file,
    one overdue (art. 25). Made once: not when a case with its title exists."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from itgov.oversight import services as oversight
    from itgov.oversight.models import AuditCase

    from .services import _pdf

    if AuditCase.objects.filter(title=AUDIT_CASE["title"]).exists():
        return 0
    projects = {p.name: p for p in Project.objects.filter(name__in=AUDIT_CASE["projects"])}
    if len(projects) != len(AUDIT_CASE["projects"]):
        return 0
    today, auditor = local_today(), users["audit"]
    with transaction.atomic():
        with clock(today - dt.timedelta(days=AUDIT_CASE["opened"])):
            case = oversight.case_open(actor=auditor, data={
                "title": AUDIT_CASE["title"], "scope": AUDIT_CASE["scope"],
                "project_ids": [projects[name].pk for name in AUDIT_CASE["projects"]]})
        for name, kind, subject, text, sent, due, answered in AUDIT_CASE["requests"]:
            sent_on = today - dt.timedelta(days=sent)
            with clock(sent_on):
                request = oversight.request_send(actor=auditor, case=case, data={
                    "project_id": projects[name].pk, "kind": kind, "subject": subject, "text": text,
                    "due_on": (sent_on + dt.timedelta(days=due)).isoformat()})
            if answered is not None:
                owner = users[projects[name].owner_unit.code]
                content = _pdf(["itgov demo district", "Contracts and payment vouchers", f"Project #{projects[name].pk}"])
                with clock(sent_on + dt.timedelta(days=answered)):
                    oversight.answer_submit(actor=owner, request=request, data={
                        "text": "现报送项目建设合同、三笔支付凭证和竣工验收资料,请审阅。"}, files=[
                        SimpleUploadedFile("合同及支付凭证.pdf", content, "application/pdf")])
    return 1
