"""The demo district's catalogue, sharing and security (art. 3, 18, 27–30), acted out through the services with the
clock set back (`history.clock`, ADR 0011) so each step is judged, and audited, on its own day.

- The existing systems the units registered when the catalogue was compiled (16 months ago), with their resources
  of every class and sharing type — conditional ones with their conditions, the ones not shared with their legal
  basis — items (sensitive ones flagged) and interfaces; DRC published them ten days later. One resource registered
  last week waits for DRC; one system in operation lists no resource (the completeness page shows both).
- Sharing requests: one pending within its period, one overdue, one granted and used twice, one refused with its
  reasons, one withdrawn.
- Security: systems of the second, third and fourth level with their filings; a third-level graded assessment
  due soon and one overdue, a fourth-level one current and one overdue, cryptography assessments; a finding open
  within its deadline, one overdue (raised by the Cyberspace Office) and one remediated.
- A street's proposal that repeats the district's digital urban management platform, for DRC's duplicate check.

Idempotent: made once, when none of its systems exists (the proposal: when no project has its name)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from itgov.core.dates import local_today

from .history import clock, months_ago

COMPILED = 16  # months ago the units registered their systems; DRC published the resources ten days later
PUBLISHED_AFTER = 10  # days
ASSESSOR = "南京安测网络安全测评有限公司"
CRYPTO_ASSESSOR = "江苏密安密码测评技术有限公司"
FILING_AUTHORITY = "南京市公安局鼓楼分局"
EXCHANGE = "https://dsep.gulou.gov.cn/api"  # the district's public data sharing and exchange platform

# Items: (name, data type of the national guide, sensitive).
POPULATION_ITEMS = [("姓名", "C", True), ("公民身份号码", "C", True), ("性别", "C", False), ("出生日期", "D", True),
                    ("民族", "C", False), ("户籍地址", "C", True), ("现居住地址", "C", True),
                    ("联系电话", "C", True), ("所属街道", "C", False)]

# One dict a system, registered as existing (no project) by its owner unit. `level`: graded protection level with
# its filing (number, filed months ago); `assessments`: (kind, months ago, days after, result, score, report
# number, summary). A resource's `interface` is registered with it; `related`: names of resources listed before
# it; `published`: False leaves it for DRC; `registered`: days ago when not with the catalogue's compilation.
SYSTEMS: list[dict[str, Any]] = [
    {
        "name": "鼓楼区人口综合信息库", "owner": "drc",
        "summary": "汇聚公安户籍、卫健出生死亡、民政婚姻和社区网格采集的实有人口信息,形成全区人口基础库,"
                   "为各部门提供身份核验、人口统计和比对服务。",
        "level": 3, "filing": ("32010643101-21001", 48),
        "assessments": [("graded", 12, 15, "mostly", "86.50", "DJCP-32-0117-01", "数据库审计日志保存期限不足六个月。"),
                        ("crypto", 5, 0, "conforms", "91.20", "MP-32-0043", "")],
        "resources": [
            {"name": "人口基础信息", "class": "basic", "format": "database", "type": "conditional",
             "conditions": "限政务部门履行法定职责时使用,按最小必要原则申请信息项,不得向第三方提供,使用情况接受区大数据局审计。",
             "method": "interface", "open": "closed", "cycle": "daily",
             "summary": "全区实有人口的身份、户籍和居住信息。", "items": POPULATION_ITEMS,
             "interface": ("api", "人口基础信息核验接口", f"{EXCHANGE}/population/verify")},
            {"name": "人口统计分析数据", "class": "thematic", "format": "spreadsheet", "type": "unconditional",
             "conditions": "", "method": "exchange", "open": "open", "cycle": "monthly",
             "summary": "按街道统计的常住人口、户籍人口和老年人口数量。",
             "items": [("统计期", "D", False), ("街道", "C", False), ("常住人口数", "N", False),
                       ("户籍人口数", "N", False), ("60岁以上人口数", "N", False)],
             "interface": ("file", "人口统计月报交换目录", "/exchange/drc/population-statistics/"),
             "related": ["人口基础信息"]},
        ],
        # the unit's own assessment found it; remediated within the deadline
        "findings": [{"assessment": "graded", "raised_by": "owner", "severity": "medium", "raised": (12, 22),
                      "due": (12, 112), "description": "数据库审计日志保存期限不足六个月,不满足第三级安全审计要求。",
                      "remediated": (12, 75), "remediation": "已部署数据库审计系统,审计日志保存期限延长至十二个月。"}],
    },
    {
        "name": "鼓楼区数字化城市管理平台", "owner": "urban",
        "summary": "城市管理问题的案件采集、立案、派遣、处置、核查和结案全流程管理,网格化巡查,视频智能识别占道经营、"
                   "暴露垃圾、违规广告等问题,城市部件普查数据管理和考核评价。",
        "level": 2, "filing": ("32010643102-19001", 72), "assessments": [],
        "resources": [
            {"name": "城市管理案件信息", "class": "departmental", "format": "database", "type": "conditional",
             "conditions": "限区级部门和街道用于城市管理问题的协同处置和考核,不得公开举报人信息。",
             "method": "interface", "open": "closed", "cycle": "daily",
             "summary": "城市管理问题案件的类型、位置、处置单位和处置结果。",
             "items": [("案件编号", "C", False), ("问题类型", "C", False), ("发生地址", "C", False),
                       ("经度", "N", False), ("纬度", "N", False), ("上报时间", "T", False),
                       ("处置单位", "C", False), ("处置状态", "C", False), ("举报人联系电话", "C", True)],
             "interface": ("api", "城市管理案件查询接口", f"{EXCHANGE}/urban/cases")},
            {"name": "城市部件普查数据", "class": "thematic", "format": "database", "type": "unconditional",
             "conditions": "", "method": "exchange", "open": "open", "cycle": "yearly",
             "summary": "井盖、路灯、垃圾箱等城市部件的类型、位置和权属单位。",
             "items": [("部件编码", "C", False), ("部件类型", "C", False), ("所属网格", "C", False),
                       ("经度", "N", False), ("纬度", "N", False), ("权属单位", "C", False)],
             "interface": ("file", "城市部件普查数据交换目录", "/exchange/urban/components/")},
        ],
    },
    {
        "name": "鼓楼区中小学学籍管理系统", "owner": "edu",
        "summary": "全区中小学学生的学籍注册、转学、休学复学、毕业和学籍异动管理,学校和班级基本信息维护。",
        "level": 3, "filing": ("32010643103-20001", 60),
        "assessments": [("graded", 13, 0, "mostly", "78.00", "DJCP-32-0089-01", "身份鉴别和访问控制措施不足。"),
                        ("crypto", 10, 0, "mostly", "80.50", "MP-32-0031", "传输通道未全部采用商用密码。")],
        "resources": [
            {"name": "中小学学生学籍信息", "class": "departmental", "format": "database", "type": "not_shared",
             "basis": "《中华人民共和国未成年人保护法》第七十二条:处理不满十八周岁未成年人个人信息应当遵循合法、正当和"
                      "必要的原则;《中华人民共和国个人信息保护法》第二十八条、第三十一条:不满十四周岁未成年人的个人信息"
                      "属于敏感个人信息,须取得监护人同意。学籍信息仅在教育系统内部按规定使用。",
             "open": "closed", "cycle": "realtime", "summary": "学生学籍注册和异动信息。",
             "items": [("学籍号", "C", False), ("姓名", "C", True), ("身份证件号", "C", True),
                       ("就读学校", "C", False), ("年级", "C", False), ("班级", "C", False),
                       ("监护人姓名", "C", True), ("监护人联系电话", "C", True)]},
            {"name": "中小学校基本信息", "class": "basic", "format": "database", "type": "unconditional",
             "conditions": "", "method": "interface", "open": "open", "cycle": "yearly",
             "summary": "全区中小学校的名称、代码、办学类型、地址和规模。",
             "items": [("学校名称", "C", False), ("学校标识码", "C", False), ("办学类型", "C", False),
                       ("学校地址", "C", False), ("在校生数", "N", False), ("教职工数", "N", False)],
             "interface": ("api", "中小学校名录接口", f"{EXCHANGE}/edu/schools")},
        ],
        # the Cyberspace Office's inspection: its deadline passed without a remediation
        "findings": [{"assessment": None, "raised_by": "cyber", "severity": "high", "raised": (0, -75),
                      "due": (0, -15), "description": "学籍管理系统管理后台存在弱口令,未启用双因素身份鉴别。"}],
    },
    {
        "name": "鼓楼区区域全民健康信息平台", "owner": "health",
        "summary": "汇聚区属医疗卫生机构的电子健康档案、电子病历和公共卫生数据,支撑居民健康档案调阅、双向转诊、"
                   "家庭医生签约和卫生健康统计。",
        "level": 3, "filing": ("32010643104-20002", 56),
        "assessments": [("graded", 4, 0, "conforms", "91.00", "DJCP-32-0201-01", ""),
                        ("crypto", 4, 6, "conforms", "90.00", "MP-32-0057", "")],
        "resources": [
            {"name": "居民电子健康档案", "class": "thematic", "format": "database", "type": "conditional",
             "conditions": "限医疗卫生机构诊疗和公共卫生服务使用;其他部门仅可申请健康状况核验结果,不提供档案原文。",
             "method": "interface", "open": "closed", "cycle": "realtime",
             "summary": "居民基本信息、既往病史、过敏史和家庭医生签约情况。",
             "items": [("健康档案编号", "C", False), ("姓名", "C", True), ("公民身份号码", "C", True),
                       ("既往病史", "M", True), ("过敏史", "M", True), ("签约家庭医生", "C", False),
                       ("建档机构", "C", False)],
             "interface": ("api", "居民健康档案调阅接口", f"{EXCHANGE}/health/records")},
            {"name": "医疗卫生机构基本信息", "class": "basic", "format": "database", "type": "unconditional",
             "conditions": "", "method": "interface", "open": "open", "cycle": "quarterly",
             "summary": "区属医院、社区卫生服务中心和诊所的名称、地址、类别和诊疗科目。",
             "items": [("机构名称", "C", False), ("统一社会信用代码", "C", False), ("机构类别", "C", False),
                       ("机构地址", "C", False), ("诊疗科目", "M", False), ("联系电话", "C", False)],
             "interface": ("api", "医疗卫生机构名录接口", f"{EXCHANGE}/health/institutions")},
            {"name": "传染病个案报告信息", "class": "departmental", "format": "database", "type": "not_shared",
             "basis": "《中华人民共和国传染病防治法》第十二条:疾病预防控制机构、医疗机构不得泄露涉及个人隐私的有关信息、"
                      "资料;《中华人民共和国个人信息保护法》第二十八条:医疗健康信息属于敏感个人信息。疫情信息由卫生健康"
                      "主管部门依法统一发布。",
             "open": "closed", "cycle": "realtime", "summary": "法定传染病个案的报告、订正和流行病学调查信息。",
             "items": [("报告卡编号", "C", False), ("患者姓名", "C", True), ("公民身份号码", "C", True),
                       ("疾病名称", "C", True), ("发病日期", "D", True), ("报告单位", "C", False)]},
        ],
    },
    {
        "name": "鼓楼分局视频图像信息综合应用平台", "owner": "police",
        "summary": "全区公共安全视频监控点位的联网汇聚、视频图像解析和智能检索,为治安防控、应急处置提供视频调阅服务。",
        "level": 4, "filing": ("32010643105-18001", 80),
        "assessments": [("graded", 2, 0, "mostly", "88.00", "DJCP-32-0233-01", "视频专网边界访问控制策略过宽。"),
                        ("crypto", 2, 5, "conforms", "89.50", "MP-32-0066", "")],
        "resources": [
            {"name": "公共安全视频监控点位信息", "class": "thematic", "format": "database", "type": "conditional",
             "conditions": "限政务部门因应急处置、城市管理需要调阅点位和实时画面,经区公安分局审批后按需授权。",
             "method": "query", "open": "closed", "cycle": "weekly",
             "summary": "视频监控点位的编号、名称、位置、所属派出所和在线状态。",
             "items": [("点位编号", "C", False), ("点位名称", "C", False), ("经度", "N", False),
                       ("纬度", "N", False), ("所属派出所", "C", False), ("是否在线", "L", False)],
             "interface": ("api", "视频监控点位查询接口", f"{EXCHANGE}/police/cameras")},
            {"name": "视频图像原始资料", "class": "departmental", "format": "stream", "type": "not_shared",
             "basis": "《中华人民共和国个人信息保护法》第二十六条:在公共场所安装图像采集设备所收集的个人图像只能用于维护"
                      "公共安全的目的;《中华人民共和国网络安全法》第二十一条。",
             "open": "closed", "cycle": "realtime", "summary": "公共安全视频监控采集的原始视频图像。",
             "items": [("点位编号", "C", False), ("采集时间", "T", False), ("视频文件", "B", True)]},
        ],
        # from its own assessment two months ago, due next month
        "findings": [{"assessment": "graded", "raised_by": "owner", "severity": "medium", "raised": (2, 7),
                      "due": (0, 25), "description": "视频专网与政务外网边界访问控制策略过宽,未按最小化原则开放端口。"}],
    },
    {
        "name": "鼓楼区医疗保障信息平台", "owner": "medsec",
        "summary": "参保登记、待遇核定、定点医药机构管理和医保基金结算审核,对接省医疗保障信息平台。",
        "level": 4, "filing": ("32010643106-21002", 44),
        "assessments": [("graded", 7, 0, "mostly", "82.00", "DJCP-32-0150-01", "部分终端未安装主机安全防护软件。"),
                        ("crypto", 7, 10, "mostly", "84.00", "MP-32-0049", "")],
        "resources": [
            {"name": "医保参保人员信息", "class": "departmental", "format": "database", "type": "conditional",
             "conditions": "限民政、人社部门办理社会救助和社会保险业务时核验参保状态,不提供缴费明细。",
             "method": "interface", "open": "closed", "cycle": "daily",
             "summary": "参保人员的参保类别、参保状态和参保单位。",
             "items": [("姓名", "C", True), ("公民身份号码", "C", True), ("参保类别", "C", False),
                       ("参保状态", "C", False), ("参保单位", "C", False)],
             "interface": ("api", "参保状态核验接口", f"{EXCHANGE}/medsec/insured")},
        ],
    },
    {
        "name": "鼓楼区市场主体登记注册系统", "owner": "market",
        "summary": "辖区个体工商户和企业的设立、变更、注销登记,经营许可和年度报告公示。",
        "level": 2, "filing": ("32010643107-19002", 70), "assessments": [],
        "resources": [
            {"name": "市场主体登记信息", "class": "basic", "format": "database", "type": "unconditional",
             "conditions": "", "method": "interface", "open": "open", "cycle": "daily",
             "summary": "市场主体的名称、统一社会信用代码、住所、注册资本和登记状态。",
             "items": [("统一社会信用代码", "C", False), ("名称", "C", False), ("法定代表人", "C", False),
                       ("住所", "C", False), ("注册资本", "Y", False), ("成立日期", "D", False),
                       ("经营范围", "M", False), ("登记状态", "C", False)],
             "interface": ("api", "市场主体登记信息接口", f"{EXCHANGE}/market/entities")},
            # registered last week: no interface yet, waits for DRC to publish it
            {"name": "食品经营许可信息", "class": "departmental", "format": "database", "type": "conditional",
             "conditions": "限卫生健康、城市管理、街道用于食品安全协同监管。",
             "method": "interface", "open": "conditional", "cycle": "daily", "registered": 5, "published": False,
             "summary": "食品经营许可证的编号、经营者、经营场所、经营项目和有效期。",
             "items": [("许可证编号", "C", False), ("经营者名称", "C", False), ("经营场所", "C", False),
                       ("经营项目", "M", False), ("有效期至", "D", False)]},
        ],
    },
    {
        # in operation, no resource listed yet: a gap of the unit's catalogue (art. 29)
        "name": "鼓楼区应急值守管理系统", "owner": "emergency",
        "summary": "突发事件信息接报、值班排班、领导批示流转和应急值守日志管理。",
        "level": None, "assessments": [], "resources": [],
    },
]

# (consumer, resource, purpose, items, requested days ago, answer) — answer: None (pending), ("grant", days ago,
# valid for days, uses [(days ago, records, note)]), ("refuse", days ago, reasons), ("withdraw", days ago).
REQUESTS: list[tuple] = [
    ("civil", "人口基础信息", "社会救助家庭经济状况核对,核验申请人及其家庭成员的户籍和居住信息(《社会救助暂行办法》)。",
     "姓名、公民身份号码、户籍地址、现居住地址", 3, None),
    ("emergency", "城市管理案件信息", "汛期排查积水点、井盖缺失等安全隐患,纳入应急值守研判。",
     "问题类型、发生地址、经度、纬度、上报时间、处置状态", 15, None),
    ("medsec", "人口基础信息", "城乡居民医保参保登记时核验参保人身份和户籍信息。", "姓名、公民身份号码、户籍地址", 40,
     ("grant", 36, 365, [(30, 1280, "10月参保登记核验"), (7, 960, "11月参保登记核验")])),
    ("market", "居民电子健康档案", "核查餐饮服务从业人员的健康状况。", "姓名、公民身份号码、既往病史", 25,
     ("refuse", 20, "居民电子健康档案含个人健康敏感信息,申请用途可通过从业人员健康证明核验满足,不同意提供档案信息;"
                    "请改为申请健康证明核验服务。")),
    ("edu", "人口基础信息", "义务教育新生入学时核验适龄儿童的户籍信息。", "姓名、公民身份号码、户籍地址", 12,
     ("withdraw", 10)),
]

# A street proposes a platform the district already runs (鼓楼区数字化城市管理平台): DRC sees it in the duplicate check
# (art. 3, 18: 集约建设).
NEAR_DUPLICATE = {
    "name": "挹江门街道城市管理智慧指挥平台建设项目", "owner": "yijiangmen", "kind": "business_system",
    "construction_type": "new", "classified": False, "estimated_investment": "860000.00",
    "responsible_person": "吴海燕", "responsible_phone": "025-83297716",
    "necessity": "街道城市管理问题主要依靠人工巡查发现,案件派遣、处置、核查和结案缺少统一流程,"
                 "占道经营、暴露垃圾等问题反复出现。",
    "construction_content": "建设城市管理案件采集、立案派遣、处置反馈、核查结案和考核评价模块,"
                            "接入街道视频监控开展占道经营、暴露垃圾、违规广告的智能识别,建设城市部件和网格基础数据库。",
    "data_sharing_intent": "城市管理案件信息按有条件共享编入目录,向区城管局推送。",
    "plan_task": None, "state": "proposed", "return_reason": "", "withdraw_reason": "",
}


def load_catalogue(users, units, gulou) -> tuple[int, list[str]]:
    """The catalogue, sharing and security of the existing systems, in one savepoint, once (when none of its
    systems exists), and the near-duplicate proposal, once; returns how many systems were registered and proposals
    submitted, and why any part was left out (some of its systems exist already, or the services refused a step)."""
    from itgov.catalogue.models import InformationSystem
    from itgov.core.errors import DomainError
    from itgov.projects.models import Project

    from .services import _project

    made, notes = 0, []
    names = [spec["name"] for spec in SYSTEMS]
    existing = set(InformationSystem.objects.filter(jurisdiction=gulou, name__in=names).values_list("name", flat=True))
    if existing and len(existing) < len(names):
        notes.append(f"数据资源目录演示未载入:已有同名信息系统:{'、'.join(n for n in names if n in existing)}")
    elif not existing:
        try:
            with transaction.atomic():
                made += _catalogue(users, local_today())
        except DomainError as exc:
            notes.append(f"数据资源目录演示未载入:{exc.message}{' ' + str(exc.fields) if exc.fields else ''}")
    if not Project.objects.filter(name=NEAR_DUPLICATE["name"]).exists():
        try:
            with transaction.atomic():
                _project(NEAR_DUPLICATE, units, users, tasks={})
            made += 1
        except DomainError as exc:
            notes.append(f"重复建设演示未载入:{exc.message}{' ' + str(exc.fields) if exc.fields else ''}")
    return made, notes


def _owner(users, code: str):
    from .services import OWNER_ALIASES

    return users[OWNER_ALIASES.get(code, code)]


def _catalogue(users, today: dt.date) -> int:
    from itgov.catalogue import services as catalogue

    drc = users["drc"]
    compiled = months_ago(today, COMPILED)
    systems, resources, published = {}, {}, []
    for spec in SYSTEMS:
        owner = _owner(users, spec["owner"])
        with clock(compiled):
            system = catalogue.system_register(actor=owner, data={
                "name": spec["name"], "summary": spec["summary"], "status": "operating"})
            if spec["level"] is not None:
                number, filed = spec["filing"]
                system = _filing(owner, system, spec["level"], number, months_ago(today, filed))
        systems[spec["name"]] = system
        for item in spec["resources"]:
            day = today - dt.timedelta(days=item["registered"]) if "registered" in item else compiled
            with clock(day):
                resource = _resource(owner, system, item, resources)
            resources[item["name"]] = resource
            if item.get("published", True):
                published.append(resource)
    with clock(compiled + dt.timedelta(days=PUBLISHED_AFTER)):
        for resource in published:
            catalogue.resource_publish(actor=drc, resource=resource)
    for spec in SYSTEMS:
        _security(users, spec, systems[spec["name"]], today)
    for request in REQUESTS:
        _request(users, resources, today, *request)
    return len(SYSTEMS)


def _filing(owner, system, level: int, number: str, filed: dt.date):
    from itgov.security import services as security

    return security.filing_record(actor=owner, system=system, data={
        "protection_level": level, "filing_number": number, "filed_on": filed.isoformat(),
        "filing_authority": FILING_AUTHORITY})


def _resource(owner, system, spec: dict, listed: dict):
    from itgov.catalogue import services as catalogue

    shared = spec["type"] != "not_shared"
    resource = catalogue.resource_register(actor=owner, data={
        "system_id": system.pk, "resource_class": spec["class"], "name": spec["name"], "summary": spec["summary"],
        "format": spec["format"], "sharing_type": spec["type"], "sharing_conditions": spec.get("conditions", ""),
        "not_shared_basis": spec.get("basis", ""), "sharing_method": spec["method"] if shared else "",
        "open_type": spec["open"], "update_cycle": spec["cycle"],
        "related_ids": [listed[name].pk for name in spec.get("related", [])],
        "items": [{"name": name, "data_type": kind, "sensitive": sensitive} for name, kind, sensitive in spec["items"]]})
    if "interface" in spec:
        kind, name, address = spec["interface"]
        catalogue.interface_register(actor=owner, resource=resource, data={
            "kind": kind, "name": name, "address": address, "description": "经区公共数据共享交换平台提供。"})
    return resource


def _day(today: dt.date, when: tuple[int, int]) -> dt.date:
    months, days = when
    return months_ago(today, months, days)


def _security(users, spec: dict, system, today: dt.date) -> None:
    """The system's assessments, each recorded on its day, and its findings, raised and remediated on theirs."""
    from itgov.security import services as security

    owner = _owner(users, spec["owner"])
    recorded = {}
    for kind, months, days, result, score, number, summary in spec["assessments"]:
        day = months_ago(today, months, days)
        with clock(day):
            recorded[kind] = security.assessment_record(actor=owner, system=system, data={
                "kind": kind, "assessed_on": day.isoformat(), "assessor": CRYPTO_ASSESSOR if kind == "crypto"
                else ASSESSOR, "result": result, "score": score, "report_number": f"{number}-{day.year % 100:02d}",
                "summary": summary})
    for finding in spec.get("findings", []):
        actor = users["cyber"] if finding["raised_by"] == "cyber" else owner
        source = recorded[finding["assessment"]] if finding["assessment"] else None
        with clock(_day(today, finding["raised"])):
            raised = security.finding_raise(actor=actor, system=system, data={
                "description": finding["description"], "severity": finding["severity"],
                "due_on": _day(today, finding["due"]).isoformat(), "assessment_id": source.pk if source else None})
        if "remediated" in finding:
            day = _day(today, finding["remediated"])
            with clock(day):
                security.finding_remediate(actor=owner, finding=raised, data={
                    "remediated_on": day.isoformat(), "remediation": finding["remediation"]})


def _request(users, resources, today: dt.date, consumer: str, name: str, purpose: str, items: str, ago: int,
             answer) -> None:
    from itgov.catalogue import services as catalogue

    resource = resources[name]
    actor = _owner(users, consumer)
    with clock(today - dt.timedelta(days=ago)):
        request = catalogue.sharing_request(actor=actor, data={"resource_id": resource.pk, "purpose": purpose,
                                                               "items": items})
    if answer is None:
        return
    provider = _owner(users, resource.provider.code)
    day = today - dt.timedelta(days=answer[1])
    with clock(day):
        if answer[0] == "grant":
            request = catalogue.sharing_grant(actor=provider, request=request, data={
                "valid_until": (day + dt.timedelta(days=answer[2])).isoformat(),
                "reasons": "同意按申请的信息项共享,请严格限定用途并做好使用登记。"})
        elif answer[0] == "refuse":
            catalogue.sharing_refuse(actor=provider, request=request, data={"reasons": answer[2]})
        else:
            catalogue.sharing_withdraw(actor=actor, request=request)
    if answer[0] == "grant":
        for used_ago, records, note in answer[3]:
            used = today - dt.timedelta(days=used_ago)
            with clock(used):
                catalogue.sharing_use(actor=actor, request=request, data={
                    "used_on": used.isoformat(), "records": records, "note": note})
