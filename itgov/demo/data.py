"""Demo data for itgov: units, experts, the development plan, 60 project proposals, the annual investment
plan of Gulou District and the initiation approvals of some of its projects.

Pure Python, no Django imports, deterministic. Every name of a person, company and expert here is
invented; unit names follow the district's real organisation. Amounts are Decimal yuan as strings with
two decimals. Years are relative to the day the demo loads: the annual investment plan is the current
year's, the declaration round and the draft plan the next year's. ``validate()`` at the bottom checks the invariants the demo loader relies on.

Unit tree: every unit is a root (``parent`` None). A role grant covers the subtree of its unit, so
hanging departments under 鼓楼区人民政府 would silently widen every grant on the government unit.
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal, InvalidOperation

# ---------------------------------------------------------------------------------------------------
# Units (art. 4: the bureaus; art. 2, 18: owner units; art. 19: supervision firms)
# ---------------------------------------------------------------------------------------------------

UNITS: list[dict] = [
    # The five bureaus of art. 4 (and the district government, which approves the annual plan).
    {"code": "drc", "name": "区发展和改革委员会(区大数据管理局)", "short_name": "区发改委(大数据局)",
     "kind": "bureau", "bureau_role": "drc", "parent": None},
    {"code": "finance", "name": "区财政局", "short_name": "区财政局",
     "kind": "bureau", "bureau_role": "finance", "parent": None},
    {"code": "audit", "name": "区审计局", "short_name": "区审计局",
     "kind": "bureau", "bureau_role": "audit", "parent": None},
    {"code": "cyber", "name": "区委网络安全和信息化委员会办公室", "short_name": "区委网信办",
     "kind": "bureau", "bureau_role": "cyberspace", "parent": None},
    {"code": "gov", "name": "鼓楼区人民政府(办公室)", "short_name": "区政府办",
     "kind": "bureau", "bureau_role": "government", "parent": None},
    # District departments (owner units).
    {"code": "edu", "name": "区教育局", "short_name": "区教育局",
     "kind": "department", "bureau_role": None, "parent": None},
    {"code": "health", "name": "区卫生健康委员会", "short_name": "区卫健委",
     "kind": "department", "bureau_role": None, "parent": None},
    {"code": "police", "name": "南京市公安局鼓楼分局", "short_name": "区公安分局",
     "kind": "department", "bureau_role": None, "parent": None},
    {"code": "civil", "name": "区民政局", "short_name": "区民政局",
     "kind": "department", "bureau_role": None, "parent": None},
    {"code": "hrss", "name": "区人力资源和社会保障局", "short_name": "区人社局",
     "kind": "department", "bureau_role": None, "parent": None},
    {"code": "housing", "name": "区住房和城乡建设局", "short_name": "区住建局",
     "kind": "department", "bureau_role": None, "parent": None},
    {"code": "market", "name": "区市场监督管理局", "short_name": "区市场监管局",
     "kind": "department", "bureau_role": None, "parent": None},
    {"code": "urban", "name": "区城市管理局", "short_name": "区城管局",
     "kind": "department", "bureau_role": None, "parent": None},
    {"code": "emergency", "name": "区应急管理局", "short_name": "区应急局",
     "kind": "department", "bureau_role": None, "parent": None},
    {"code": "govservice", "name": "区政务服务管理办公室", "short_name": "区政务办",
     "kind": "department", "bureau_role": None, "parent": None},
    {"code": "culture", "name": "区文化和旅游局", "short_name": "区文旅局",
     "kind": "department", "bureau_role": None, "parent": None},
    {"code": "eco", "name": "南京市鼓楼生态环境局", "short_name": "鼓楼生态环境局",
     "kind": "department", "bureau_role": None, "parent": None},
    {"code": "justice", "name": "区司法局", "short_name": "区司法局",
     "kind": "department", "bureau_role": None, "parent": None},
    {"code": "medsec", "name": "区医疗保障局", "short_name": "区医保局",
     "kind": "department", "bureau_role": None, "parent": None},
    # The 13 streets (街道) of Gulou District.
    {"code": "ninghailu", "name": "鼓楼区宁海路街道办事处", "short_name": "宁海路街道",
     "kind": "street", "bureau_role": None, "parent": None},
    {"code": "huaqiaolu", "name": "鼓楼区华侨路街道办事处", "short_name": "华侨路街道",
     "kind": "street", "bureau_role": None, "parent": None},
    {"code": "hunanlu", "name": "鼓楼区湖南路街道办事处", "short_name": "湖南路街道",
     "kind": "street", "bureau_role": None, "parent": None},
    {"code": "zhongyangmen", "name": "鼓楼区中央门街道办事处", "short_name": "中央门街道",
     "kind": "street", "bureau_role": None, "parent": None},
    {"code": "yijiangmen", "name": "鼓楼区挹江门街道办事处", "short_name": "挹江门街道",
     "kind": "street", "bureau_role": None, "parent": None},
    {"code": "jiangdong", "name": "鼓楼区江东街道办事处", "short_name": "江东街道",
     "kind": "street", "bureau_role": None, "parent": None},
    {"code": "fenghuang", "name": "鼓楼区凤凰街道办事处", "short_name": "凤凰街道",
     "kind": "street", "bureau_role": None, "parent": None},
    {"code": "yuejianglou", "name": "鼓楼区阅江楼街道办事处", "short_name": "阅江楼街道",
     "kind": "street", "bureau_role": None, "parent": None},
    {"code": "rehenanlu", "name": "鼓楼区热河南路街道办事处", "short_name": "热河南路街道",
     "kind": "street", "bureau_role": None, "parent": None},
    {"code": "mufushan", "name": "鼓楼区幕府山街道办事处", "short_name": "幕府山街道",
     "kind": "street", "bureau_role": None, "parent": None},
    {"code": "jianninglu", "name": "鼓楼区建宁路街道办事处", "short_name": "建宁路街道",
     "kind": "street", "bureau_role": None, "parent": None},
    {"code": "baotaqiao", "name": "鼓楼区宝塔桥街道办事处", "short_name": "宝塔桥街道",
     "kind": "street", "bureau_role": None, "parent": None},
    {"code": "xiaoshi", "name": "鼓楼区小市街道办事处", "short_name": "小市街道",
     "kind": "street", "bureau_role": None, "parent": None},
    # Supervision firms (art. 19: the DRC names 2–3 each year). Invented companies.
    {"code": "huiheng", "name": "江苏汇衡信息工程监理有限公司", "short_name": "汇衡监理",
     "kind": "supervision_firm", "bureau_role": None, "parent": None},
    {"code": "zhenghong", "name": "南京正弘信息系统监理咨询有限公司", "short_name": "正弘监理",
     "kind": "supervision_firm", "bureau_role": None, "parent": None},
    {"code": "zhongxinda", "name": "江苏中信达信息工程监理有限公司", "short_name": "中信达监理",
     "kind": "supervision_firm", "bureau_role": None, "parent": None},
]

# The issuing-body prefix of a unit's document numbers (GB/T 9704): DRC's approval letters read
# 鼓发改审〔YYYY〕N号 (art. 15).
DOCUMENT_PREFIXES: dict[str, str] = {"drc": "鼓发改审", "audit": "鼓审"}

# ---------------------------------------------------------------------------------------------------
# Expert pool (art. 22, 28). Invented people.
# ---------------------------------------------------------------------------------------------------

EXPERTS: list[dict] = [
    {"name": "顾维民", "specialty": "信息系统架构", "employer": "东南大学计算机科学与工程学院", "title": "教授"},
    {"name": "沈立峰", "specialty": "网络安全", "employer": "南京邮电大学网络空间安全学院", "title": "教授"},
    {"name": "陶慧娟", "specialty": "数据治理", "employer": "南京大学信息管理学院", "title": "副教授"},
    {"name": "钱国栋", "specialty": "投资评审", "employer": "江苏恒正工程咨询有限公司", "title": "正高级工程师"},
    {"name": "许文斌", "specialty": "软件工程", "employer": "南京理工大学计算机科学与工程学院", "title": "副教授"},
    {"name": "周雅琴", "specialty": "电子政务", "employer": "南京市信息中心", "title": "正高级工程师"},
    {"name": "戴明远", "specialty": "云计算与数据中心", "employer": "江苏云端数智科技有限公司", "title": "高级工程师"},
    {"name": "蒋晓燕", "specialty": "密码应用", "employer": "江苏省密码应用技术研究所", "title": "高级工程师"},
    {"name": "汤振华", "specialty": "信息系统工程监理", "employer": "南京数衡信息技术咨询有限公司", "title": "高级工程师"},
    {"name": "严嘉禾", "specialty": "数据安全", "employer": "南京信息工程大学计算机学院", "title": "教授"},
    {"name": "葛红梅", "specialty": "财务与绩效评价", "employer": "江苏中和信会计师事务所有限公司", "title": "高级会计师"},
    {"name": "邵启航", "specialty": "物联网与智慧城市", "employer": "河海大学物联网工程学院", "title": "副教授"},
    {"name": "冯立群", "specialty": "医疗卫生信息化", "employer": "区卫生健康委员会信息中心", "title": "高级工程师"},
]

# An expert employed by a district unit stands aside from that unit's projects, and from the joint projects it
# takes part in (art. 15): expert name → unit code.
EXPERT_EMPLOYER_UNITS: dict[str, str] = {"冯立群": "health"}
# The expert who signs in (role expert) and sees only the projects on its panels (art. 28): username → expert.
EXPERT_LOGINS: dict[str, str] = {"expert": "顾维民"}

# ---------------------------------------------------------------------------------------------------
# Development plan (art. 6) and its key tasks.
# ---------------------------------------------------------------------------------------------------

DEVELOPMENT_PLAN: dict = {
    "name": "鼓楼区“十四五”政务信息化发展规划",
    "start_year": 2021,
    "end_year": 2025,
    "tasks": [
        {"number": "1", "title": "政务云与网络基础设施",
         "description": "推进区政务云平台扩容和电子政务外网改造升级,引导各部门系统迁移上云,"
                        "原则上不再新建部门独立机房。",
         "lead_unit": "drc"},
        {"number": "2", "title": "数据资源体系",
         "description": "完善全区政务数据资源目录,建设公共数据共享交换平台,实现政务数据统一归集、按需共享。",
         "lead_unit": "drc"},
        {"number": "3", "title": "政务服务“一网通办”",
         "description": "深化政务服务事项标准化,推进线上线下融合办理,实现高频事项“一网通办”“跨省通办”。",
         "lead_unit": "govservice"},
        {"number": "4", "title": "城市运行“一网统管”",
         "description": "整合城管、环保、住建等领域感知数据,建设城市运行监测和联动处置体系。",
         "lead_unit": "urban"},
        {"number": "5", "title": "网络安全保障",
         "description": "落实网络安全等级保护和商用密码应用安全性评估,提升全区政务网络安全防护和应急处置能力。",
         "lead_unit": "cyber"},
        {"number": "6", "title": "智慧教育",
         "description": "建设区级教育云平台和教育数据中心,推进中小学校数字化校园和教育治理数字化。",
         "lead_unit": "edu"},
        {"number": "7", "title": "智慧医疗",
         "description": "升级全民健康信息平台,推进基层医疗卫生机构信息化一体化建设,发展“互联网+医疗健康”服务。",
         "lead_unit": "health"},
        {"number": "8", "title": "基层治理",
         "description": "依托区级统一平台推进街道、社区网格化治理和智慧社区建设,减轻基层数据填报负担。",
         "lead_unit": "civil"},
        {"number": "9", "title": "智慧应急与平安鼓楼",
         "description": "建设应急指挥信息化体系,完善安全生产、防汛防台、森林防火等风险监测预警能力。",
         "lead_unit": "emergency"},
        {"number": "10", "title": "智慧监管与营商环境",
         "description": "推进市场监管、劳动保障等领域非现场监管和信用监管,优化营商环境。",
         "lead_unit": "market"},
    ],
}

# ---------------------------------------------------------------------------------------------------
# Project proposals. States: draft, proposed (submitted to the reserve), in_reserve (admitted),
# planned (admitted, then given a construction line of the current year's annual investment plan, which the
# loader issues: ANNUAL_PLAN below), returned (DRC sent it back for revision; it is in draft again with a
# reason), withdrawn.
# ---------------------------------------------------------------------------------------------------

PROJECTS: list[dict] = [
    # ---- 区教育局 (edu) ----
    {
        "name": "鼓楼区智慧教育云平台二期建设项目",
        "owner": "edu", "kind": "business_system", "construction_type": "upgrade",
        "estimated_investment": "4860000.00",
        "responsible_person": "王振宇", "responsible_phone": "025-83326518",
        "necessity": "一期平台已覆盖全区62所中小学,但资源应用、教学评价等功能仍较薄弱,各校自建系统数据标准不一。"
                     "建设二期平台可实现教学、管理、评价全流程数字化,支撑“双减”政策落地和教育优质均衡发展。",
        "construction_content": "扩展课程资源中心、作业管理、学生综合素质评价和教师研修四个应用模块;"
                                "部署于区政务云,新增计算资源120核、存储200TB;"
                                "统一身份认证对接全区师生约9.6万个账号,改造一期平台数据接口。",
        "data_sharing_intent": "产生学生学籍、综合素质评价和教师专业发展数据,经脱敏后按有条件共享类型编入全区政务数据资源目录,"
                               "通过区公共数据共享交换平台向民政、卫健等部门提供接口。",
        "plan_task": "6", "classified": False, "state": "in_reserve",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2024,
    },
    {
        "name": "鼓楼区中小学校园网络安全防护能力提升项目",
        "owner": "edu", "kind": "security_infrastructure", "construction_type": "upgrade",
        "estimated_investment": "928000.00",
        "responsible_person": "刘晓琳", "responsible_phone": "13951786204",
        "necessity": "全区中小学校园网出口分散,部分学校防火墙设备已超期服役,2023年检查中发现多起弱口令和漏洞未修复问题。"
                     "项目按等级保护二级要求统一提升校园网安全防护能力。",
        "construction_content": "为28所学校更换下一代防火墙,建设区教育城域网统一安全态势感知平台1套;"
                                "部署终端准入与日志审计系统,开展全区学校网络资产梳理和漏洞扫描。",
        "data_sharing_intent": "安全态势、资产和漏洞数据按不予共享类型登记目录,仅向区委网信办实时推送安全事件告警。",
        "plan_task": "5", "classified": False, "state": "planned",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2025,
    },
    {
        "name": "鼓楼区教育数据资源中心建设项目",
        "owner": "edu", "kind": "resource_database", "construction_type": "new",
        "estimated_investment": "960000.00",
        "responsible_person": "王振宇", "responsible_phone": "025-83326518",
        "necessity": "教育局现有学籍、人事、装备、招生等11个业务系统数据分散存储,统计口径不一,难以支撑决策分析。"
                     "建设教育数据资源中心可实现教育数据统一归集和治理。",
        "construction_content": "建设学生、教师、学校、资产四大主题库和数据治理工具;"
                                "完成11个存量系统约1800万条数据的清洗、归集;建设教育质量监测分析驾驶舱。",
        "data_sharing_intent": "四大主题库作为区级基础数据来源编入全区政务数据资源目录,学校基本信息无条件共享,"
                               "学生和教师信息有条件共享,统一通过区公共数据共享交换平台提供服务。",
        "plan_task": "6", "classified": False, "state": "proposed",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2025,
    },
    {
        "name": "鼓楼区义务教育入学服务平台升级改造项目",
        "owner": "edu", "kind": "business_system", "construction_type": "upgrade",
        "estimated_investment": "385000.00",
        "responsible_person": "陈思远", "responsible_phone": "13813962075",
        "necessity": "每年新生入学报名量约1.2万人次,现有平台仍需家长线下提交房产、户籍证明材料。"
                     "升级后可通过数据共享实现入学材料“免提交”,减少家长跑腿。",
        "construction_content": "改造报名、审核、派位三个模块;对接公安户籍、不动产登记、社保缴纳数据核验接口;"
                                "增加移动端报名入口并接入“我的南京”App。",
        "data_sharing_intent": "调用户籍、不动产和社保数据完成核验,产生的新生入学结果数据按有条件共享编入目录,供卫健部门预防接种查验使用。",
        "plan_task": "3", "classified": False, "state": "proposed",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2026,
    },
    {
        "name": "鼓楼区中小学智慧食堂监管系统建设项目",
        "owner": "edu", "kind": "business_system", "construction_type": "new",
        "estimated_investment": "620000.00",
        "responsible_person": "陈思远", "responsible_phone": "13813962075",
        "necessity": "全区中小学食堂食材采购、加工过程主要依靠人工巡查,家长对校园餐食品安全关注度高。"
                     "建设智慧食堂监管系统可实现食材溯源和后厨过程可视化监管。",
        "construction_content": "建设食材采购溯源、出入库管理、营养配餐和“明厨亮灶”视频接入四个模块;"
                                "接入41所学校食堂后厨视频约260路,实现AI识别未戴口罩帽、鼠患等行为。",
        "data_sharing_intent": "食材溯源和后厨违规告警数据共享至区市场监管局食品安全智慧监管平台,按有条件共享编入目录。",
        "plan_task": "6", "classified": False, "state": "draft",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2026,
    },
    {
        "name": "鼓楼区教育系统机房集约化改造项目",
        "owner": "edu", "kind": "egov_infrastructure", "construction_type": "renovation",
        "estimated_investment": "1750000.00",
        "responsible_person": "刘晓琳", "responsible_phone": "13951786204",
        "necessity": "教育局中心机房建于2012年,空调、UPS等配套设施老化,存在供电和散热隐患。"
                     "改造后可提升机房运行可靠性,满足教育业务系统运行需要。",
        "construction_content": "改造机房配电、精密空调和UPS系统,新建微模块机柜12台;"
                                "采购服务器16台、存储设备2套,建设机房动环监控系统。",
        "data_sharing_intent": "本项目为基础设施,不直接产生业务数据;承载系统的数据按各系统共享要求编入目录。",
        "plan_task": "1", "classified": False, "state": "returned",
        "return_reason": "拟自建教育专用机房并采购服务器、存储,与区政务云平台存在重复建设。"
                         "请说明业务系统迁移上云的可行性及现有设备复用情况,压减硬件购置内容后重新申报。",
        "withdraw_reason": "", "year_proposed": 2025,
    },
    # ---- 区卫生健康委员会 (health) ----
    {
        "name": "鼓楼区全民健康信息平台升级改造项目",
        "owner": "health", "kind": "resource_database", "construction_type": "upgrade",
        "estimated_investment": "3680000.00",
        "responsible_person": "赵明华", "responsible_phone": "025-83615072",
        "necessity": "区全民健康信息平台建于2016年,居民电子健康档案与电子病历尚未完全互通,不满足国家医疗健康信息互联互通成熟度四级甲等要求。"
                     "升级后可实现区属医疗机构诊疗数据统一汇聚和调阅。",
        "construction_content": "升级居民电子健康档案库、电子病历共享库和全员人口库;"
                                "按互联互通四级甲等标准改造平台交换服务;"
                                "接入区属13家社区卫生服务中心和2家区属医院,建设健康档案调阅和卫生统计分析功能。",
        "data_sharing_intent": "居民健康档案和诊疗数据按有条件共享编入全区政务数据资源目录,向医保、民政部门提供经授权的查询接口;"
                               "同时向市全民健康信息平台上报。",
        "plan_task": "7", "classified": False, "state": "planned",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2024,
    },
    {
        "name": "鼓楼区基层医疗卫生机构信息系统一体化建设项目",
        "owner": "health", "kind": "business_system", "construction_type": "new",
        "estimated_investment": "5460000.00",
        "responsible_person": "赵明华", "responsible_phone": "025-83615072",
        "necessity": "区内社区卫生服务中心使用的HIS、LIS、PACS等系统分属不同厂商,版本陈旧、数据难以互通。"
                     "统一建设基层医疗卫生机构信息系统,可实现区域内检查检验结果互认和双向转诊。",
        "construction_content": "建设云化的基层HIS、LIS、PACS、公共卫生管理系统,部署于区政务云;"
                                "建设区域影像中心和检验中心;为13家社区卫生服务中心配套终端及网络改造。",
        "data_sharing_intent": "门诊、检验、影像数据统一汇入区全民健康信息平台,按有条件共享编入目录,支撑医保智能监管和家庭医生签约服务。",
        "plan_task": "7", "classified": False, "state": "in_reserve",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2025,
    },
    {
        "name": "鼓楼区“互联网+家庭医生签约服务”系统建设项目",
        "owner": "health", "kind": "business_system", "construction_type": "new",
        "estimated_investment": "780000.00",
        "responsible_person": "孙丽萍", "responsible_phone": "13770615938",
        "necessity": "全区家庭医生签约居民约21万人,签约、随访主要依靠纸质和电话方式,服务效率不高。"
                     "建设线上签约服务系统可方便居民签约、咨询和预约。",
        "construction_content": "建设居民端小程序和医生端App,提供在线签约、健康咨询、预约转诊、慢病随访功能;"
                                "对接区全民健康信息平台健康档案接口和基层HIS系统。",
        "data_sharing_intent": "签约关系和随访数据汇入区全民健康信息平台,签约统计数据按无条件共享编入目录,个人随访记录不予共享。",
        "plan_task": "7", "classified": False, "state": "proposed",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2026,
    },
    {
        "name": "鼓楼区卫生健康统一身份认证与电子签名支撑系统建设项目",
        "owner": "health", "kind": "support_system", "construction_type": "new",
        "estimated_investment": "268000.00",
        "responsible_person": "孙丽萍", "responsible_phone": "13770615938",
        "necessity": "电子病历和处方按规定须使用可靠电子签名,目前各社区卫生服务中心分别采购数字证书,管理分散。"
                     "统一建设身份认证和电子签名支撑系统可降低成本并满足密码应用要求。",
        "construction_content": "建设统一身份认证平台和电子签名服务,配置签名验签服务器2台、时间戳服务器1台;"
                                "为约900名医务人员签发数字证书,对接基层HIS和电子病历系统。",
        "data_sharing_intent": "医务人员身份和执业信息按有条件共享编入目录,签名日志仅用于审计,不予共享。",
        "plan_task": "7", "classified": False, "state": "draft",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2026,
    },
    {
        "name": "鼓楼区社区卫生服务中心网络安全等级保护整改项目",
        "owner": "health", "kind": "security_infrastructure", "construction_type": "renovation",
        "estimated_investment": "886000.00",
        "responsible_person": "周建国", "responsible_phone": "025-83615109",
        "necessity": "2024年等级保护测评中,部分社区卫生服务中心HIS系统在边界防护、入侵防范、数据备份方面存在高风险问题。"
                     "须按等级保护三级要求完成整改。",
        "construction_content": "为13家社区卫生服务中心部署边界防火墙和入侵防御设备;"
                                "建设集中日志审计和数据库审计系统;建设数据异地备份,开展整改后复测。",
        "data_sharing_intent": "安全审计和告警数据不予共享,按要求向区委网信办报送安全事件信息。",
        "plan_task": "5", "classified": False, "state": "proposed",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2025,
    },
    {
        "name": "鼓楼区公共卫生应急指挥调度系统建设项目",
        "owner": "health", "kind": "business_system", "construction_type": "new",
        "estimated_investment": "2350000.00",
        "responsible_person": "周建国", "responsible_phone": "025-83615109",
        "necessity": "突发公共卫生事件处置中,流调、隔离、物资等信息分散在多个部门,指挥调度依赖人工汇总。"
                     "拟建设区级公共卫生应急指挥调度系统,提升快速响应能力。",
        "construction_content": "建设传染病监测预警、流调溯源、应急资源调度和指挥大屏四个模块;配置视频会商终端15套。",
        "data_sharing_intent": "传染病监测统计数据按有条件共享向区应急局提供,个案数据不予共享。",
        "plan_task": "7", "classified": False, "state": "withdrawn",
        "return_reason": "",
        "withdraw_reason": "市卫生健康委统一建设全市公共卫生应急指挥平台并向各区开放使用,本项目主要建设内容已被覆盖,经研究撤回申报。",
        "year_proposed": 2024,
    },
    # ---- 区发改委(大数据局) (drc): district-wide platforms, art. 18 ----
    {
        "name": "鼓楼区政务云平台扩容建设项目",
        "owner": "drc", "kind": "egov_infrastructure", "construction_type": "upgrade",
        "estimated_investment": "11860000.00",
        "responsible_person": "吴志刚", "responsible_phone": "025-83208716",
        "necessity": "区政务云平台已承载全区46个部门约190个业务系统,计算和存储资源使用率均超过80%,难以满足新增系统上云需求。"
                     "扩容建设是落实集约建设、避免各部门重复建设机房的基础条件。",
        "construction_content": "新增计算资源2400核、内存19TB、分布式存储1.2PB;"
                                "建设同城灾备资源池和云管理平台;建设云安全资源池并通过等级保护三级测评和商用密码应用安全性评估。",
        "data_sharing_intent": "云资源使用和运维数据按无条件共享在区内部门间公开,供各部门掌握资源配额;平台本身不产生业务数据。",
        "plan_task": "1", "classified": False, "state": "planned",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2024,
    },
    {
        "name": "鼓楼区公共数据资源目录与共享交换平台升级项目",
        "owner": "drc", "kind": "support_system", "construction_type": "upgrade",
        "estimated_investment": "2960000.00",
        "responsible_person": "吴志刚", "responsible_phone": "025-83208716",
        "necessity": "现有共享交换平台仅支持库表交换,接口服务和数据质量管理能力不足,各部门数据共享需求响应周期长。"
                     "升级平台是落实办法第二十七条至第二十九条数据统一归集、共享要求的支撑。",
        "construction_content": "升级政务数据资源目录管理系统,支持共享类型、更新周期和接口登记;"
                                "建设API网关、数据质量检测和共享申请审批流程;对接省、市公共数据平台。",
        "data_sharing_intent": "平台汇聚全区各部门目录和共享数据,目录本身按无条件共享向各部门开放,"
                               "各数据资源按其登记的共享类型提供服务。",
        "plan_task": "2", "classified": False, "state": "planned",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2025,
    },
    {
        "name": "鼓楼区电子政务外网改造升级项目",
        "owner": "drc", "kind": "network_platform", "construction_type": "upgrade",
        "estimated_investment": "6750000.00",
        "responsible_person": "郑海燕", "responsible_phone": "13605183427",
        "necessity": "区电子政务外网核心设备于2015年部署,已停止厂商维保,不支持IPv6,带宽无法满足视频会商和云上业务需求。"
                     "改造升级是全区各部门业务系统互联互通的基础。",
        "construction_content": "更换核心、汇聚交换机及路由设备,骨干带宽由1G提升至10G;"
                                "完成全区各部门及13个街道接入点IPv6改造;建设外网统一运维管理和安全准入系统。",
        "data_sharing_intent": "网络拓扑和运行监测数据按有条件共享向区委网信办和各接入单位提供。",
        "plan_task": "1", "classified": False, "state": "proposed",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2026,
    },
    {
        "name": "鼓楼区政务信息化标准规范体系编制项目",
        "owner": "drc", "kind": "standards", "construction_type": "new",
        "estimated_investment": "450000.00",
        "responsible_person": "郑海燕", "responsible_phone": "13605183427",
        "necessity": "全区政务信息化项目在数据元、接口、上云等方面缺少统一的区级技术规范,项目间对接成本高。"
                     "编制标准规范体系可为项目审批和验收提供依据。",
        "construction_content": "编制政务数据元规范、系统接口规范、政务云上云规范、项目验收规范等8项区级标准;"
                                "开展标准宣贯培训,并在3个试点项目中验证应用。",
        "data_sharing_intent": "形成的标准规范文本按无条件共享在全区政务数据资源目录和门户公开。",
        "plan_task": "2", "classified": False, "state": "in_reserve",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2024,
    },
    # ---- 区公安分局 (police) ----
    {
        "name": "鼓楼区公共安全视频监控联网共享平台扩容项目",
        "owner": "police", "kind": "egov_infrastructure", "construction_type": "upgrade",
        "estimated_investment": "8600000.00",
        "responsible_person": "何建军", "responsible_phone": "025-84421637",
        "necessity": "全区重点区域视频监控点位覆盖仍有盲区,现有联网共享平台存储容量不足,视频保存期限达不到30天要求。"
                     "扩容后可满足治安防控和城市管理共享需要。",
        "construction_content": "新建高清视频监控点位480个,利旧改造点位620个;"
                                "扩容视频存储2.4PB;升级视频联网共享平台,按权限向城管、应急、街道推送视频资源。",
        "data_sharing_intent": "视频资源目录按有条件共享编入全区政务数据资源目录,经审批后通过视频共享平台向城管、应急及各街道开放调阅。",
        "plan_task": "9", "classified": False, "state": "planned",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2024,
    },
    {
        "name": "某涉密业务系统改造项目",
        "owner": "police", "kind": "business_system", "construction_type": "renovation",
        "estimated_investment": "1380000.00",
        "responsible_person": "何建军", "responsible_phone": "025-84421637",
        "necessity": "根据有关规定对现有业务系统进行改造,具体情况按涉密项目管理要求另行报送。",
        "construction_content": "建设内容按涉密项目管理要求另行报送。",
        "data_sharing_intent": "本项目涉密,数据不纳入全区政务数据资源目录,按有关保密规定管理。",
        "plan_task": None, "classified": True, "state": "proposed",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2025,
    },
    {
        "name": "鼓楼区智慧社区警务数据应用系统建设项目",
        "owner": "police", "kind": "business_system", "construction_type": "new",
        "estimated_investment": "1650000.00",
        "responsible_person": "马骏", "responsible_phone": "13952063718",
        "necessity": "社区民警人均管辖人口约4000人,实有人口、出租房屋等基础信息采集更新不及时。"
                     "建设社区警务数据应用系统可提升基础信息采集和风险预警能力。",
        "construction_content": "建设实有人口管理、出租房屋管理、重点场所巡查三个模块;"
                                "配置移动警务终端120台;对接街道网格化治理平台。",
        "data_sharing_intent": "与街道网格系统共享实有人口和出租房屋数据。",
        "plan_task": "8", "classified": False, "state": "returned",
        "return_reason": "数据资源共享内容不完整:未列明共享数据项、共享类型、更新周期及与区公共数据共享交换平台的接口方式。"
                         "请按办法第二十八条要求补充数据资源共享章节后重新申报。",
        "withdraw_reason": "", "year_proposed": 2025,
    },
    # ---- 区民政局 (civil) ----
    {
        "name": "鼓楼区智慧养老服务综合平台建设项目",
        "owner": "civil", "kind": "business_system", "construction_type": "new",
        "estimated_investment": "2180000.00",
        "responsible_person": "张玉兰", "responsible_phone": "025-83730254",
        "necessity": "全区60周岁以上户籍老年人口约17万人,老龄化率超过25%,居家养老服务需求大但供需对接不畅。"
                     "建设智慧养老平台可统一管理养老服务资源,精准对接服务需求。",
        "construction_content": "建设老年人信息库、养老服务机构管理、居家上门服务派单、补贴发放和监管五个模块;"
                                "为1500户特殊困难老人安装紧急呼叫和烟感等智能设备。",
        "data_sharing_intent": "老年人基础信息和服务记录按有条件共享编入目录,向卫健部门共享失能评估结果,向街道共享辖区服务数据。",
        "plan_task": "8", "classified": False, "state": "planned",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2024,
    },
    {
        "name": "鼓楼区社会救助家庭经济状况核对系统升级项目",
        "owner": "civil", "kind": "business_system", "construction_type": "upgrade",
        "estimated_investment": "356000.00",
        "responsible_person": "张玉兰", "responsible_phone": "025-83730254",
        "necessity": "现有核对系统核对项目少,车辆、公积金、工商登记等信息需人工函询,核对周期长达15个工作日。"
                     "升级后可缩短低保等救助审核时间。",
        "construction_content": "新增车辆、公积金、市场主体登记、个税等8类信息在线核对接口;"
                                "建设核对报告自动生成和异常预警功能。",
        "data_sharing_intent": "通过区公共数据共享交换平台调用公安、住建、市场监管等部门数据;核对结果不予共享,救助对象名单按有条件共享。",
        "plan_task": "8", "classified": False, "state": "proposed",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2026,
    },
    {
        "name": "鼓楼区社区工作者管理信息系统建设项目",
        "owner": "civil", "kind": "business_system", "construction_type": "new",
        "estimated_investment": "168000.00",
        "responsible_person": "黄志强", "responsible_phone": "13851752960",
        "necessity": "全区社区工作者约1300人,招聘、考核、薪酬等仍以表格方式管理,数据更新不及时。"
                     "建设管理信息系统可实现社区工作者全周期管理。",
        "construction_content": "建设社工档案、招聘考录、年度考核、薪酬等级四个模块,提供街道、社区两级填报入口。",
        "data_sharing_intent": "社区工作者基础信息按有条件共享向各街道提供,统计数据无条件共享。",
        "plan_task": "8", "classified": False, "state": "draft",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2026,
    },
    # ---- 区人社局 (hrss) ----
    {
        "name": "鼓楼区就业创业公共服务平台升级项目",
        "owner": "hrss", "kind": "business_system", "construction_type": "upgrade",
        "estimated_investment": "585000.00",
        "responsible_person": "林国庆", "responsible_phone": "025-83247681",
        "necessity": "现有就业服务平台岗位信息更新慢,与高校、企业对接不足,重点群体就业帮扶缺少精准手段。"
                     "升级平台可提升就业服务精准度。",
        "construction_content": "建设岗位智能匹配、零工市场、创业担保贷款申办三个模块;对接省就业创业信息系统和社保数据。",
        "data_sharing_intent": "岗位和招聘会信息无条件共享,求职人员信息按有条件共享编入目录。",
        "plan_task": "3", "classified": False, "state": "returned",
        "return_reason": "绩效目标设置不够具体,缺少可量化的产出和效益指标(如服务人次、岗位匹配率等)。"
                         "请按区财政绩效管理要求完善绩效目标表后重新申报。",
        "withdraw_reason": "", "year_proposed": 2025,
    },
    {
        "name": "鼓楼区劳动保障监察智能预警系统建设项目",
        "owner": "hrss", "kind": "business_system", "construction_type": "new",
        "estimated_investment": "428000.00",
        "responsible_person": "林国庆", "responsible_phone": "025-83247681",
        "necessity": "拖欠农民工工资等劳动保障投诉主要依靠事后受理,缺少事前预警手段。"
                     "建设智能预警系统可实现欠薪风险早发现、早处置。",
        "construction_content": "建设在建工程项目工资专户监测、欠薪风险评分和线索派单模块;"
                                "对接区住建局建筑工地智慧监管平台的实名制考勤数据。",
        "data_sharing_intent": "调用住建实名制考勤和市场监管企业登记数据;欠薪预警结果按有条件共享向住建部门推送。",
        "plan_task": "10", "classified": False, "state": "draft",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2026,
    },
    # ---- 区住建局 (housing) ----
    {
        "name": "鼓楼区建筑工地智慧监管平台建设项目",
        "owner": "housing", "kind": "business_system", "construction_type": "new",
        "estimated_investment": "1460000.00",
        "responsible_person": "杨立新", "responsible_phone": "025-83567420",
        "necessity": "全区在建工地约90个,扬尘、塔吊、实名制等监管主要依靠现场检查,监管人员不足。"
                     "建设智慧监管平台可实现工地非现场监管。",
        "construction_content": "建设工地扬尘监测、塔吊安全监测、劳务实名制和视频监控接入模块;"
                                "接入工地扬尘监测设备90套、视频约360路;建设监管指挥大屏。",
        "data_sharing_intent": "扬尘监测数据共享至生态环境部门,实名制考勤数据共享至人社部门,均按有条件共享编入目录。",
        "plan_task": "4", "classified": False, "state": "planned",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2024,
    },
    {
        "name": "鼓楼区既有住宅加装电梯管理系统建设项目",
        "owner": "housing", "kind": "business_system", "construction_type": "new",
        "estimated_investment": "198000.00",
        "responsible_person": "杨立新", "responsible_phone": "025-83567420",
        "necessity": "既有住宅加装电梯申请量逐年增加,审批、补贴发放和后续维保信息缺少统一管理。",
        "construction_content": "建设加装电梯申请受理、进度跟踪、补贴发放和维保管理模块。",
        "data_sharing_intent": "加装电梯项目清单按无条件共享向各街道提供。",
        "plan_task": None, "classified": False, "state": "withdrawn",
        "return_reason": "",
        "withdraw_reason": "经核实,市住房保障和房产局已上线全市既有住宅加装电梯管理系统,本单位可直接使用,撤回本项目申报。",
        "year_proposed": 2025,
    },
    # ---- 区市场监管局 (market) ----
    {
        "name": "鼓楼区食品安全智慧监管平台建设项目",
        "owner": "market", "kind": "business_system", "construction_type": "new",
        "estimated_investment": "1920000.00",
        "responsible_person": "徐红霞", "responsible_phone": "025-83694158",
        "necessity": "全区持证食品经营主体约1.4万户,监管人员人均监管对象超过300户,日常检查覆盖率低。"
                     "建设智慧监管平台可实现风险分级和精准检查。",
        "construction_content": "建设食品经营主体风险分级、“明厨亮灶”视频汇聚、快检数据管理和移动检查模块;"
                                "接入餐饮单位和学校食堂后厨视频约1200路。",
        "data_sharing_intent": "食品经营主体风险等级和检查结果按有条件共享编入目录,向教育、卫健部门共享学校和医院食堂监管数据。",
        "plan_task": "10", "classified": False, "state": "planned",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2025,
    },
    {
        "name": "鼓楼区市场主体信用信息库建设项目",
        "owner": "market", "kind": "resource_database", "construction_type": "new",
        "estimated_investment": "690000.00",
        "responsible_person": "徐红霞", "responsible_phone": "025-83694158",
        "necessity": "市场主体行政许可、行政处罚、抽查检查等信用信息分散在各业务系统,难以支撑信用分级分类监管。"
                     "建设信用信息库是推进“双随机、一公开”和信用监管的基础。",
        "construction_content": "建设市场主体基础库、信用记录库和信用评价模型;"
                                "归集约6.8万户市场主体登记、许可、处罚和抽查信息;建设信用画像查询功能。",
        "data_sharing_intent": "市场主体登记信息无条件共享,信用评价结果按有条件共享编入目录,供人社、住建等部门开展联合惩戒。",
        "plan_task": "10", "classified": False, "state": "proposed",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2026,
    },
    {
        "name": "鼓楼区特种设备安全监管系统升级项目",
        "owner": "market", "kind": "business_system", "construction_type": "upgrade",
        "estimated_investment": "236000.00",
        "responsible_person": "曹文杰", "responsible_phone": "13913874502",
        "necessity": "全区在用电梯约1.1万台,现有监管系统无法接入电梯物联网监测数据,维保质量监管手段不足。",
        "construction_content": "升级特种设备台账和检验管理模块,新增电梯维保监管和困人故障统计功能。",
        "data_sharing_intent": "电梯台账数据按有条件共享向街道和住建部门提供。",
        "plan_task": "10", "classified": False, "state": "returned",
        "return_reason": "项目建设内容与省特种设备安全监管平台功能重叠。"
                         "请说明与省级平台的数据对接方式,仅保留本区特色监管功能,并相应核减投资后重新申报。",
        "withdraw_reason": "", "year_proposed": 2025,
    },
    # ---- 区城管局 (urban) ----
    {
        "name": "鼓楼区数字城管平台升级改造项目",
        "owner": "urban", "kind": "business_system", "construction_type": "upgrade",
        "estimated_investment": "2650000.00",
        "responsible_person": "钱卫东", "responsible_phone": "025-83180947",
        "necessity": "数字城管平台运行已满8年,案件处置流程固化,无法接入物联感知和视频智能分析事件。"
                     "升级改造是建设城市运行“一网统管”的重要组成部分。",
        "construction_content": "重构案件受理、派遣、处置、核查、结案流程引擎;"
                                "接入视频智能分析和物联感知事件源;建设城市部件库更新和绩效考评模块,对接区“一网统管”平台。",
        "data_sharing_intent": "城市部件和城管案件数据按有条件共享编入目录,向各街道和住建、生态环境部门开放。",
        "plan_task": "4", "classified": False, "state": "planned",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2024,
    },
    {
        "name": "鼓楼区市政设施物联感知网络建设项目",
        "owner": "urban", "kind": "egov_infrastructure", "construction_type": "new",
        "estimated_investment": "3280000.00",
        "responsible_person": "钱卫东", "responsible_phone": "025-83180947",
        "necessity": "窨井盖、路灯、排水管网等市政设施问题主要依靠人工巡查和群众投诉发现,响应滞后。"
                     "建设物联感知网络可实现设施状态实时监测。",
        "construction_content": "安装智能井盖传感器3000个、易涝点水位监测设备80套、路灯单灯控制器4500个;"
                                "建设物联网接入管理平台,部署于区政务云。",
        "data_sharing_intent": "感知设备台账和监测数据按有条件共享编入目录,易涝点水位数据向区应急局和相关街道实时共享。",
        "plan_task": "4", "classified": False, "state": "proposed",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2026,
    },
    {
        "name": "鼓楼区户外广告招牌信息库建设项目",
        "owner": "urban", "kind": "resource_database", "construction_type": "new",
        "estimated_investment": "145000.00",
        "responsible_person": "许丽娜", "responsible_phone": "13775283416",
        "necessity": "全区户外广告和店招标牌底数不清,安全隐患排查缺少基础数据。",
        "construction_content": "对全区约2.3万处户外广告招牌开展普查采集,建设包含位置、尺寸、设置单位和照片的信息库。",
        "data_sharing_intent": "招牌信息按有条件共享向各街道和市场监管部门提供。",
        "plan_task": "4", "classified": False, "state": "draft",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2026,
    },
    # ---- 区应急局 (emergency) ----
    {
        "name": "鼓楼区应急指挥信息化平台建设项目",
        "owner": "emergency", "kind": "business_system", "construction_type": "new",
        "estimated_investment": "3950000.00",
        "responsible_person": "韩建华", "responsible_phone": "025-83412579",
        "necessity": "区级应急指挥仍以电话和微信群为主,缺少统一的指挥调度和信息汇聚手段。"
                     "建设应急指挥信息化平台可实现多部门联动和扁平化指挥。",
        "construction_content": "建设应急值守、预案管理、资源一张图、融合通信调度四个模块;"
                                "改造区应急指挥中心大屏和视频会商系统;配置单兵和无人机图传设备各10套。",
        "data_sharing_intent": "应急资源和救援队伍数据按有条件共享编入目录;调用公安视频、城管感知和气象数据。",
        "plan_task": "9", "classified": False, "state": "planned",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2024,
    },
    {
        "name": "鼓楼区危险化学品企业安全风险监测预警系统建设项目",
        "owner": "emergency", "kind": "business_system", "construction_type": "new",
        "estimated_investment": "860000.00",
        "responsible_person": "韩建华", "responsible_phone": "025-83412579",
        "necessity": "辖区内危险化学品经营、储存企业及加油站点分布在居民区周边,风险隐患监测主要依靠定期检查。"
                     "建设监测预警系统可实现重大危险源实时监测。",
        "construction_content": "为重点企业接入储罐液位、可燃气体浓度和视频监测数据;"
                                "建设风险分级、预警处置和执法检查模块,对接省危险化学品安全风险监测预警系统。",
        "data_sharing_intent": "企业风险等级和预警数据按有条件共享向相关街道和消防部门推送。",
        "plan_task": "9", "classified": False, "state": "proposed",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2025,
    },
    {
        "name": "鼓楼区应急物资储备管理系统建设项目",
        "owner": "emergency", "kind": "business_system", "construction_type": "new",
        "estimated_investment": "126000.00",
        "responsible_person": "朱海涛", "responsible_phone": "15850619723",
        "necessity": "区、街道两级应急物资储备库台账分散,物资调拨和临期更新缺少信息化管理。",
        "construction_content": "建设物资入库、出库调拨、临期预警和储备库分布地图功能,覆盖区级储备库和13个街道储备点。",
        "data_sharing_intent": "",
        "plan_task": "9", "classified": False, "state": "draft",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2026,
    },
    # ---- 区政务办 (govservice) ----
    {
        "name": "鼓楼区政务服务“一网通办”平台升级项目",
        "owner": "govservice", "kind": "business_system", "construction_type": "upgrade",
        "estimated_investment": "2480000.00",
        "responsible_person": "罗晓梅", "responsible_phone": "025-83290316",
        "necessity": "区政务服务事项网上可办率虽已达到95%,但“全程网办”比例不足60%,材料重复提交问题突出。"
                     "升级平台可推动高频事项“免证办”“一件事一次办”。",
        "construction_content": "建设“一件事一次办”主题服务、电子证照调用、智能预审三个模块;"
                                "梳理上线30项“一件事”;对接省政务服务平台和市电子证照库。",
        "data_sharing_intent": "办件信息和电子证照调用记录按有条件共享编入目录,办件统计数据无条件共享。",
        "plan_task": "3", "classified": False, "state": "planned",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2024,
    },
    {
        "name": "鼓楼区政务服务事项标准化及办事指南规范编制项目",
        "owner": "govservice", "kind": "standards", "construction_type": "new",
        "estimated_investment": "320000.00",
        "responsible_person": "罗晓梅", "responsible_phone": "025-83290316",
        "necessity": "同一事项在区、街道两级的申请材料和办理流程表述不一致,群众办事体验差。"
                     "编制标准化规范可实现同一事项无差别受理、同标准办理。",
        "construction_content": "梳理区、街道两级约1600项政务服务事项要素,编制事项标准化规范和办事指南编写规范;"
                                "形成标准化事项库并导入“一网通办”平台。",
        "data_sharing_intent": "标准化事项清单和办事指南按无条件共享编入目录并向社会公开。",
        "plan_task": "3", "classified": False, "state": "in_reserve",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2025,
    },
    {
        "name": "鼓楼区12345热线工单智能分析系统建设项目",
        "owner": "govservice", "kind": "business_system", "construction_type": "new",
        "estimated_investment": "730000.00",
        "responsible_person": "方志远", "responsible_phone": "13705172846",
        "necessity": "区级每年承办12345热线工单约28万件,派单和诉求分析依靠人工,重复诉求和热点问题难以及时发现。"
                     "建设智能分析系统可提升派单准确率和诉求预警能力。",
        "construction_content": "建设工单智能分类派单、重复诉求识别、热点问题预警和诉求分析报告模块;"
                                "基于近三年工单数据训练分类模型。",
        "data_sharing_intent": "工单统计和热点分析结果按无条件共享向各部门、街道开放,工单明细按有条件共享。",
        "plan_task": "3", "classified": False, "state": "proposed",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2026,
    },
    # ---- 区文旅局 (culture) ----
    {
        "name": "鼓楼区智慧文旅公共服务平台建设项目",
        "owner": "culture", "kind": "business_system", "construction_type": "new",
        "estimated_investment": "980000.00",
        "responsible_person": "金晓东", "responsible_phone": "025-83305281",
        "necessity": "辖区内阅江楼、颐和路等文旅资源丰富,但景区客流监测、文化场馆预约分散在不同渠道。"
                     "建设统一的文旅公共服务平台可提升游客服务和客流管理水平。",
        "construction_content": "建设文旅资源地图、文化场馆预约、景区客流监测和文旅活动发布模块;"
                                "在主要景区出入口部署客流统计设备20套。",
        "data_sharing_intent": "景区客流数据按有条件共享向公安、应急部门实时提供,文旅资源和活动信息无条件共享。",
        "plan_task": None, "classified": False, "state": "in_reserve",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2025,
    },
    {
        "name": "鼓楼区文物建筑数字化档案库建设项目",
        "owner": "culture", "kind": "resource_database", "construction_type": "new",
        "estimated_investment": "310000.00",
        "responsible_person": "金晓东", "responsible_phone": "025-83305281",
        "necessity": "辖区不可移动文物和历史建筑数量多,档案资料以纸质为主,保护修缮缺少精确的数字化依据。",
        "construction_content": "对60处重点文物建筑开展三维扫描和影像采集,建设文物建筑数字化档案库和查询系统。",
        "data_sharing_intent": "",
        "plan_task": None, "classified": False, "state": "draft",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2026,
    },
    # ---- 鼓楼生态环境局 (eco) ----
    {
        "name": "鼓楼区生态环境监测监控数据平台建设项目",
        "owner": "eco", "kind": "resource_database", "construction_type": "new",
        "estimated_investment": "1560000.00",
        "responsible_person": "卢振邦", "responsible_phone": "025-83460915",
        "necessity": "大气微站、水质自动站、污染源在线监控数据分属市、区不同系统,难以开展综合分析和精准溯源。"
                     "建设统一的监测监控数据平台可支撑污染防治攻坚。",
        "construction_content": "建设空气质量、水环境、污染源三类监测数据库;"
                                "接入区内大气微站65个、水质自动站6个、重点排污单位在线监控点28个;建设污染溯源分析模块。",
        "data_sharing_intent": "空气质量和水质监测数据无条件共享,污染源监控数据按有条件共享向城管、住建部门提供。",
        "plan_task": "4", "classified": False, "state": "planned",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2025,
    },
    {
        "name": "鼓楼区餐饮油烟在线监控系统升级项目",
        "owner": "eco", "kind": "business_system", "construction_type": "upgrade",
        "estimated_investment": "265000.00",
        "responsible_person": "卢振邦", "responsible_phone": "025-83460915",
        "necessity": "餐饮油烟扰民投诉占环境信访量的三成以上,现有油烟监控设备覆盖不足且数据传输不稳定。",
        "construction_content": "新增和更换餐饮油烟在线监测设备150套,升级监控平台数据接收和超标预警功能。",
        "data_sharing_intent": "油烟超标预警数据按有条件共享向城管部门和街道推送。",
        "plan_task": "4", "classified": False, "state": "returned",
        "return_reason": "投资估算依据不足,油烟监测设备单价明显高于同类项目市场价格。"
                         "请补充不少于三家供应商询价材料和设备清单,核实后重新申报。",
        "withdraw_reason": "", "year_proposed": 2025,
    },
    # ---- 区司法局 (justice) ----
    {
        "name": "某涉密网络安全保密防护升级项目",
        "owner": "justice", "kind": "security_infrastructure", "construction_type": "upgrade",
        "estimated_investment": "540000.00",
        "responsible_person": "宋建平", "responsible_phone": "025-83514726",
        "necessity": "根据有关保密规定对现有涉密网络防护措施进行升级,具体情况按涉密项目管理要求另行报送。",
        "construction_content": "建设内容按涉密项目管理要求另行报送。",
        "data_sharing_intent": "本项目涉密,数据不纳入全区政务数据资源目录,按有关保密规定管理。",
        "plan_task": None, "classified": True, "state": "in_reserve",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2024,
    },
    {
        "name": "鼓楼区公共法律服务智能化平台建设项目",
        "owner": "justice", "kind": "business_system", "construction_type": "new",
        "estimated_investment": "460000.00",
        "responsible_person": "宋建平", "responsible_phone": "025-83514726",
        "necessity": "区、街道、社区三级公共法律服务站点服务记录分散,人民调解案件统计依靠手工报表。"
                     "建设智能化平台可实现法律服务统一受理和调解案件全流程管理。",
        "construction_content": "建设法律咨询、法律援助申请、人民调解案件管理和普法宣传模块;"
                                "为13个街道公共法律服务工作站配置远程视频咨询终端。",
        "data_sharing_intent": "人民调解案件统计数据无条件共享,矛盾纠纷线索按有条件共享向街道网格化治理平台推送。",
        "plan_task": "8", "classified": False, "state": "proposed",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2026,
    },
    # ---- 区医保局 (medsec) ----
    {
        "name": "鼓楼区医保基金智能监管系统建设项目",
        "owner": "medsec", "kind": "business_system", "construction_type": "new",
        "estimated_investment": "1080000.00",
        "responsible_person": "谢雨晴", "responsible_phone": "025-83718362",
        "necessity": "辖区定点医药机构约420家,欺诈骗保手段日趋隐蔽,现有人工抽查方式覆盖面有限。"
                     "建设智能监管系统可实现医保基金使用全过程监控。",
        "construction_content": "建设医保结算数据分析、违规规则库、疑点筛查和稽核办案模块;"
                                "接入定点医药机构视频监控和进销存数据。",
        "data_sharing_intent": "调用卫健诊疗数据和市场监管药店登记数据;疑点线索按有条件共享向卫健、市场监管部门推送。",
        "plan_task": "7", "classified": False, "state": "planned",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2025,
    },
    {
        "name": "鼓楼区医保经办服务“一站式”结算系统改造项目",
        "owner": "medsec", "kind": "business_system", "construction_type": "renovation",
        "estimated_investment": "380000.00",
        "responsible_person": "谢雨晴", "responsible_phone": "025-83718362",
        "necessity": "困难群众医疗救助需在医保结算后另行申请,群众往返跑腿。拟改造结算系统实现“一站式”结算。",
        "construction_content": "改造医疗救助结算模块,对接民政救助对象数据,实现基本医保、大病保险、医疗救助同步结算。",
        "data_sharing_intent": "调用民政救助对象名单,结算结果按有条件共享向民政部门反馈。",
        "plan_task": "7", "classified": False, "state": "withdrawn",
        "return_reason": "",
        "withdraw_reason": "医疗救助“一站式”结算功能已由省医疗保障信息平台统一承载,区级不再单独建设,撤回申报。",
        "year_proposed": 2025,
    },
    # ---- 街道 (streets) ----
    {
        "name": "宁海路街道“一网统管”基层治理平台建设项目",
        "owner": "ninghailu", "kind": "business_system", "construction_type": "new",
        "estimated_investment": "860000.00",
        "responsible_person": "冯静", "responsible_phone": "025-83716204",
        "necessity": "街道辖区高校和历史街区集中,网格事件、12345工单和城管案件分散在多个系统处置。"
                     "依托区级平台建设街道基层治理应用可实现事件一口受理、统一派单。",
        "construction_content": "在区级“一网统管”平台上建设街道事件受理、网格派单、联动处置和考核模块;"
                                "配置网格员移动终端150台,改造街道指挥中心大屏。",
        "data_sharing_intent": "网格事件和处置数据汇入区级“一网统管”平台,按有条件共享编入目录。",
        "plan_task": "8", "classified": False, "state": "planned",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2024,
    },
    {
        "name": "华侨路街道智慧社区综合服务平台建设项目",
        "owner": "huaqiaolu", "kind": "business_system", "construction_type": "new",
        "estimated_investment": "420000.00",
        "responsible_person": "石海波", "responsible_phone": "13813827561",
        "necessity": "街道下辖社区老旧小区多、老年居民比例高,社区服务预约和居民诉求反映渠道不畅。",
        "construction_content": "建设社区服务预约、居民议事、志愿服务积分和社区公告四个模块;在9个社区配置自助服务终端。",
        "data_sharing_intent": "社区服务和志愿活动数据按有条件共享向区民政局提供,居民诉求转入区级“一网统管”平台。",
        "plan_task": "8", "classified": False, "state": "proposed",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2026,
    },
    {
        "name": "湖南路街道商圈智慧管理系统建设项目",
        "owner": "hunanlu", "kind": "business_system", "construction_type": "new",
        "estimated_investment": "1260000.00",
        "responsible_person": "梁文涛", "responsible_phone": "025-83310972",
        "necessity": "湖南路商圈节假日客流高峰超过20万人次,人流疏导、消防通道和店铺经营秩序管理压力大。"
                     "建设商圈智慧管理系统可实现客流预警和精细化管理。",
        "construction_content": "建设商圈客流监测、商户信息管理、停车诱导和应急广播联动模块;"
                                "部署客流统计摄像机40路、停车诱导屏12块。",
        "data_sharing_intent": "商圈客流数据按有条件共享向公安、应急部门实时推送,商户信息共享至市场监管部门。",
        "plan_task": "4", "classified": False, "state": "in_reserve",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2025,
    },
    {
        "name": "中央门街道网格化社会治理系统升级项目",
        "owner": "zhongyangmen", "kind": "business_system", "construction_type": "upgrade",
        "estimated_investment": "285000.00",
        "responsible_person": "潘丽君", "responsible_phone": "13951607348",
        "necessity": "街道现有网格系统未与区级平台打通,网格员需在多个系统重复录入。",
        "construction_content": "改造网格事件上报和走访模块,对接区级“一网统管”平台接口,实现一次录入、多方复用。",
        "data_sharing_intent": "网格走访和事件数据统一汇入区级平台,按有条件共享编入目录。",
        "plan_task": "8", "classified": False, "state": "draft",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2026,
    },
    {
        "name": "挹江门街道政务外网接入改造项目",
        "owner": "yijiangmen", "kind": "network_platform", "construction_type": "renovation",
        "estimated_investment": "158000.00",
        "responsible_person": "唐国华", "responsible_phone": "025-83582013",
        "necessity": "街道及下辖社区政务外网接入带宽仅为20M,部分社区仍通过互联网VPN访问业务系统,存在安全隐患。",
        "construction_content": "改造街道至区电子政务外网的接入链路,带宽提升至200M;为11个社区新建外网接入点并部署安全接入网关。",
        "data_sharing_intent": "本项目为网络接入改造,不产生业务数据;接入点台账报送区发改委(大数据局)统一管理。",
        "plan_task": "1", "classified": False, "state": "in_reserve",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2025,
    },
    {
        "name": "江东街道数字化网格管理系统建设项目",
        "owner": "jiangdong", "kind": "business_system", "construction_type": "new",
        "estimated_investment": "765000.00",
        "responsible_person": "邓晓军", "responsible_phone": "13770906152",
        "necessity": "街道辖区新建住宅小区多、流动人口多,网格管理对象变化快,现有人工台账难以及时更新。",
        "construction_content": "建设网格人口、房屋、单位、事件四类管理模块和街道指挥大屏;配置网格员移动终端120台。",
        "data_sharing_intent": "网格基础数据和事件数据按有条件共享编入目录,向公安、民政部门提供。",
        "plan_task": "8", "classified": False, "state": "returned",
        "return_reason": "与区级“一网统管”基层治理平台功能重复,街道不宜单独建设网格管理系统。"
                         "请调整为依托区级平台的应用扩展,明确复用的区级组件后重新申报。",
        "withdraw_reason": "", "year_proposed": 2025,
    },
    {
        "name": "凤凰街道老年人智慧助餐服务系统建设项目",
        "owner": "fenghuang", "kind": "business_system", "construction_type": "new",
        "estimated_investment": "96000.00",
        "responsible_person": "彭小燕", "responsible_phone": "15951738420",
        "necessity": "街道已建成5个社区助餐点,用餐登记和补贴结算依靠纸质签到,补贴核算工作量大。",
        "construction_content": "建设刷脸(刷卡)用餐登记、助餐补贴自动核算和助餐点运营统计功能,为5个助餐点配置智能终端。",
        "data_sharing_intent": "",
        "plan_task": "8", "classified": False, "state": "draft",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2026,
    },
    {
        "name": "阅江楼街道防汛防台智能监测预警系统建设项目",
        "owner": "yuejianglou", "kind": "business_system", "construction_type": "new",
        "estimated_investment": "648000.00",
        "responsible_person": "蔡志明", "responsible_phone": "025-58802631",
        "necessity": "街道沿江岸线长,辖区内下穿通道和低洼片区较多,汛期积水内涝风险突出,现有监测手段以人工巡查为主。",
        "construction_content": "在沿江堤防、下穿通道和低洼片区布设水位、雨量监测站点32个和视频监控12路;"
                                "建设防汛预警和人员转移管理模块,对接区应急指挥信息化平台。",
        "data_sharing_intent": "水位、雨量监测数据按无条件共享编入目录,实时推送至区应急局和区城管局。",
        "plan_task": "9", "classified": False, "state": "in_reserve",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2025,
    },
    {
        "name": "热河南路街道城市管理视频智能分析系统建设项目",
        "owner": "rehenanlu", "kind": "business_system", "construction_type": "new",
        "estimated_investment": "376000.00",
        "responsible_person": "袁立军", "responsible_phone": "13605196378",
        "necessity": "街道主次干道占道经营、乱堆乱放等问题反复出现,依靠城管队员巡查发现不及时。",
        "construction_content": "利用公安视频共享资源80路,建设占道经营、垃圾满溢、违规停车等8类事件智能识别算法,识别结果自动推送数字城管平台。",
        "data_sharing_intent": "调用公安视频共享资源;识别事件数据推送区数字城管平台,按有条件共享编入目录。",
        "plan_task": "4", "classified": False, "state": "proposed",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2026,
    },
    {
        "name": "幕府山街道森林防火智能监测系统建设项目",
        "owner": "mufushan", "kind": "business_system", "construction_type": "new",
        "estimated_investment": "698000.00",
        "responsible_person": "蒋红军", "responsible_phone": "025-85513807",
        "necessity": "幕府山风景区林地面积大、游客多,秋冬季森林火险等级高,瞭望监测主要依靠人工。"
                     "建设智能监测系统可实现火情早发现、早处置。",
        "construction_content": "在制高点部署双光谱热成像监测摄像机8套,建设烟火智能识别和火情预警模块;"
                                "对接区应急指挥信息化平台实现火情一键上报。",
        "data_sharing_intent": "火情预警数据按有条件共享实时推送至区应急局,监测点位信息编入目录。",
        "plan_task": "9", "classified": False, "state": "in_reserve",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2024,
    },
    {
        "name": "幕府山街道政务办公网络安全加固项目",
        "owner": "mufushan", "kind": "security_infrastructure", "construction_type": "upgrade",
        "estimated_investment": "80000.00",
        "responsible_person": "蒋红军", "responsible_phone": "025-85513807",
        "necessity": "街道办公网络终端未统一安装杀毒和准入软件,2024年曾发生终端感染勒索病毒事件。",
        "construction_content": "为街道及社区约260台办公终端部署统一终端安全管理软件,配置上网行为管理设备1台。",
        "data_sharing_intent": "终端安全告警数据不予共享,按要求向区委网信办报送安全事件。",
        "plan_task": "5", "classified": False, "state": "draft",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2026,
    },
    {
        "name": "建宁路街道便民服务中心自助终端建设项目",
        "owner": "jianninglu", "kind": "egov_infrastructure", "construction_type": "new",
        "estimated_investment": "215000.00",
        "responsible_person": "叶建新", "responsible_phone": "13951826073",
        "necessity": "街道便民服务中心日均办件量约300件,高峰期排队时间长,部分事项可通过自助办理分流。",
        "construction_content": "在街道便民服务中心和8个社区配置政务服务自助终端10台,接入“一网通办”平台自助事项。",
        "data_sharing_intent": "自助办件数据汇入区“一网通办”平台,按有条件共享编入目录。",
        "plan_task": "3", "classified": False, "state": "withdrawn",
        "return_reason": "",
        "withdraw_reason": "区政务服务管理办公室将统一为各街道便民服务中心配置自助终端,本项目不再单独实施,撤回申报。",
        "year_proposed": 2025,
    },
    {
        "name": "宝塔桥街道企业服务数据库建设项目",
        "owner": "baotaqiao", "kind": "resource_database", "construction_type": "new",
        "estimated_investment": "136000.00",
        "responsible_person": "段海鹰", "responsible_phone": "025-85603914",
        "necessity": "街道辖区内科技园区和楼宇企业约2600家,企业走访、诉求和政策兑现信息分散在走访人员手中。",
        "construction_content": "建设辖区企业基础信息、走访记录、诉求办理和政策享受四类数据库,提供移动端走访录入功能。",
        "data_sharing_intent": "调用市场监管企业登记数据;企业诉求和走访数据按有条件共享向区发改委(大数据局)和区市场监管局提供。",
        "plan_task": None, "classified": False, "state": "draft",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2026,
    },
    {
        "name": "小市街道社区事务数据治理项目",
        "owner": "xiaoshi", "kind": "resource_database", "construction_type": "new",
        "estimated_investment": "240000.00",
        "responsible_person": "程雪梅", "responsible_phone": "13851963825",
        "necessity": "社区需向上级部门填报的报表超过40种,同一数据多次采集,基层负担重。"
                     "开展数据治理可实现“一次采集、多方复用”。",
        "construction_content": "梳理社区填报事项和数据项,建设社区基础数据库,完成约5.6万条人口、房屋数据的清洗比对;"
                                "通过区公共数据共享交换平台回流部门数据,实现报表自动生成。",
        "data_sharing_intent": "社区基础数据按有条件共享编入目录,同时申请回流民政、卫健、人社等部门数据。",
        "plan_task": "2", "classified": False, "state": "draft",
        "return_reason": "", "withdraw_reason": "", "year_proposed": 2026,
    },
]

# ---------------------------------------------------------------------------------------------------
# The annual investment plan of the current year (art. 8–10), issued, adjusted once, with two adjustments
# in progress; and next year's draft compiled from the declarations. Projects by name; amounts in yuan.
# No earlier plan is in the system, so every A line states why it must start and every B line why it skips
# C (art. 9, progressive). B lines carry their request; the allocation helper sets their amounts.
# ---------------------------------------------------------------------------------------------------

ANNUAL_PLAN: dict = {
    "capacity": "32000000.00",
    "note": "{year}年度区级政务信息化项目投资计划:A类续建及必须开工项目全额安排,B类按优先级评分在剩余额度内安排,"
            "C类只安排前期工作经费。",
    "document_number": "鼓政发〔{year}〕12号",
    "lines": [
        # A: continuing, or new and must start this year (funded in full)
        {"project": "鼓楼区政务云平台扩容建设项目", "plan_class": "A", "amount": "6800000.00",
         "prework_amount": "0.00", "priority": 95,
         "must_start_reason": "续建项目:扩容工程已用上一年度资金完成设备招标并开工建设,剩余计算和存储资源须在上半年到货部署;"
                              "全区41个部门业务系统的迁移上云合同以此为前提,停建将导致合同无法履行。",
         "skip_reason": "", "note": "续建"},
        {"project": "鼓楼区公共安全视频监控联网共享平台扩容项目", "plan_class": "A", "amount": "5200000.00",
         "prework_amount": "0.00", "priority": 92,
         "must_start_reason": "续建项目:一期点位已建成,二期与一期共用汇聚节点和存储,须连续实施;"
                              "全市公共安全视频联网考核要求年底前重点区域覆盖率达到100%。",
         "skip_reason": "", "note": "续建"},
        {"project": "鼓楼区应急指挥信息化平台建设项目", "plan_class": "A", "amount": "3950000.00",
         "prework_amount": "0.00", "priority": 90,
         "must_start_reason": "列入全市防汛防台和安全生产能力提升三年行动,须在汛期前建成区级应急指挥调度平台并接入市级平台,"
                              "属上级明确时限的必须开工项目。",
         "skip_reason": "", "note": "新建,必须开工"},
        {"project": "鼓楼区政务服务“一网通办”平台升级项目", "plan_class": "A", "amount": "2480000.00",
         "prework_amount": "0.00", "priority": 88,
         "must_start_reason": "省政务服务一体化平台统一身份认证和电子证照对接须于9月底前完成;现有平台已停止厂商维保,"
                              "不升级将影响全区高频事项办理。",
         "skip_reason": "", "note": "新建,必须开工"},
        # B: ready to start this year (the helper funds them by priority score within what A and C leave)
        {"project": "鼓楼区公共数据资源目录与共享交换平台升级项目", "plan_class": "B", "amount": "2960000.00",
         "prework_amount": "0.00", "priority": 90, "must_start_reason": "",
         "skip_reason": "可行性研究报告和初步设计已由区发改委(大数据局)批复,前期工作已完成,具备当年开工条件。",
         "note": ""},
        {"project": "鼓楼区数字城管平台升级改造项目", "plan_class": "B", "amount": "2650000.00",
         "prework_amount": "0.00", "priority": 85, "must_start_reason": "",
         "skip_reason": "升级改造项目沿用原平台架构,需求调研和技术方案已通过专家评审,无需单独安排前期工作经费。",
         "note": ""},
        {"project": "鼓楼区智慧养老服务综合平台建设项目", "plan_class": "B", "amount": "2180000.00",
         "prework_amount": "0.00", "priority": 80, "must_start_reason": "",
         "skip_reason": "前期工作已由区民政局以部门预算经费完成,可行性研究报告已通过专家评审,具备开工条件。",
         "note": ""},
        {"project": "鼓楼区食品安全智慧监管平台建设项目", "plan_class": "B", "amount": "1920000.00",
         "prework_amount": "0.00", "priority": 75, "must_start_reason": "",
         "skip_reason": "依托市级食品安全智慧监管平台建设区级节点,技术方案已由市市场监管局统一论证,不需单独开展前期工作。",
         "note": ""},
        {"project": "宁海路街道“一网统管”基层治理平台建设项目", "plan_class": "B", "amount": "860000.00",
         "prework_amount": "0.00", "priority": 70, "must_start_reason": "",
         "skip_reason": "依托区级“一网统管”平台扩展应用,建设内容简单,实施方案已通过区发改委(大数据局)审查。",
         "note": ""},
        {"project": "鼓楼区建筑工地智慧监管平台建设项目", "plan_class": "B", "amount": "1460000.00",
         "prework_amount": "0.00", "priority": 65, "must_start_reason": "",
         "skip_reason": "按市住房和城乡建设局统一下发的技术规范建设,实施方案已完成专家论证。",
         "note": ""},
        {"project": "鼓楼区医保基金智能监管系统建设项目", "plan_class": "B", "amount": "1080000.00",
         "prework_amount": "0.00", "priority": 60, "must_start_reason": "",
         "skip_reason": "省医疗保障局统一提供智能监管规则库和接口标准,区级系统实施方案已完成论证,具备开工条件。",
         "note": ""},
        # C: pre-work only (feasibility study, preliminary design); amount == prework_amount
        {"project": "鼓楼区全民健康信息平台升级改造项目", "plan_class": "C", "amount": "300000.00",
         "prework_amount": "300000.00", "priority": 60, "must_start_reason": "", "skip_reason": "",
         "note": "互联互通四级甲等改造的可行性研究和初步设计"},
        {"project": "鼓楼区中小学校园网络安全防护能力提升项目", "plan_class": "C", "amount": "80000.00",
         "prework_amount": "80000.00", "priority": 55, "must_start_reason": "", "skip_reason": "",
         "note": "等级保护差距分析和实施方案编制"},
        {"project": "鼓楼区生态环境监测监控数据平台建设项目", "plan_class": "C", "amount": "120000.00",
         "prework_amount": "120000.00", "priority": 50, "must_start_reason": "", "skip_reason": "",
         "note": "可行性研究,论证与市级生态环境监测平台的数据对接方案"},
    ],
    # The B line the helper leaves waiting with 0 (what A and C leave after the better-scored B lines).
    "waiting": ["鼓楼区医保基金智能监管系统建设项目"],
    # Art. 10: a unit's adjustment through all three steps; the consent issues edition 2.
    "adjustment": {
        "applicant": "edu",
        "reason": "网络安全检查发现部分学校存在高危漏洞,需在可行性研究中增加全区学校网络资产测绘和渗透测试,"
                  "前期工作经费相应增加。",
        "items": [{"project": "鼓楼区中小学校园网络安全防护能力提升项目", "plan_class": "C",
                   "amount": "150000.00", "prework_amount": "150000.00"}],
        "drc_reason": "增加内容属前期工作范围,同意。",
        "finance_reason": "调整后安排资金合计在财政承受能力范围内,同意。",
        "document_number": "鼓政发〔{year}〕58号",
    },
    # Art. 10: a unit's adjustment applied, awaiting DRC's review.
    "pending_adjustment": {
        "applicant": "health",
        "reason": "省卫生健康委要求明年底前完成基层医疗卫生机构信息系统一体化建设,须在年内启动可行性研究和初步设计,"
                  "申请增列前期工作经费。",
        "items": [{"project": "鼓楼区基层医疗卫生机构信息系统一体化建设项目", "plan_class": "C",
                   "amount": "400000.00", "prework_amount": "400000.00"}],
    },
    # Art. 9: DRC's mid-year release of A's surplus to the waiting B line, reviewed by DRC, awaiting Finance.
    "release": {
        "reason": "政务云平台扩容设备集中采购结余60万元,结合年度计划剩余额度,安排等待资金的B类项目(第九条)。",
        "items": [{"project": "鼓楼区政务云平台扩容建设项目", "plan_class": "A",
                   "amount": "6200000.00", "prework_amount": "0.00"},
                  {"project": "鼓楼区医保基金智能监管系统建设项目", "plan_class": "B",
                   "amount": "1080000.00", "prework_amount": "0.00"}],
        "drc_reason": "A类执行结余属实,B类项目已具备开工条件,报区财政局审核。",
    },
}

# Next year's draft, compiled from the declarations of next year's round.
NEXT_YEAR_PLAN: dict = {
    "capacity": "35000000.00",
    "note": "汇总各单位{year}年度申报,编制中。",
}

# ---------------------------------------------------------------------------------------------------
# Initiation approval (art. 13–17, 23, 28): projects of this year's issued plan taken through the approval
# by the roles that would act — the owner unit, the DRC, the expert who signs in, Finance. `state`:
#   drafting      the application partly filled (the compliance panel lists what is missing), not submitted
#   submitted     complete, submitted, waiting for DRC
#   under_review  DRC has accepted it; the review (and any panel) as given
#   returned      DRC sent it back with reasons (the project is planned again, decision "returned")
#   approved      a baseline and its letter 鼓发改审〔YYYY〕N号
#   budgeted      approved, then budgeted by Finance by year and fund source
# Dates are month offsets from the month the demo loads ("start"/"end", milestones); budget years are offsets
# from this year. A project code is 〈YYMM of loading〉-〈region〉-65-01-〈serial〉 (GB/T 40058; the first free
# serial from `code_serial`). `application` holds the ApplicationForm fields; the construction content is
# the proposal's. Amounts are yuan; a complete application's breakdown adds up to the proposal's estimate.
# Only the expert who signs in (EXPERT_LOGINS) can record an opinion; the other seats stay pending.
# ---------------------------------------------------------------------------------------------------

APPROVAL_STATES = ("drafting", "submitted", "under_review", "returned", "approved", "budgeted")

APPROVALS: list[dict] = [
    {
        "project": "鼓楼区全民健康信息平台升级改造项目", "state": "drafting", "code_serial": None,
        "participants": [],
        # A C line of the plan: the unit is writing its feasibility study with the pre-work money. Standards,
        # technical approach, milestones, benefit and satisfaction targets, security measures, the feasibility
        # study and the project code are still missing.
        "application": {
            "scale": "接入区属13家社区卫生服务中心和2家区属医院,服务常住人口约94万人,归集电子健康档案约88万份。",
            "hardware": "820000.00", "software": "1960000.00", "integration": "450000.00",
            "start": 4, "end": 16,
            "data_sharing_summary": "居民电子健康档案和电子病历共享数据按有条件共享编入全区政务数据资源目录,"
                                    "通过区公共数据共享交换平台向医保、民政部门提供经授权的查询接口,并向市全民健康信息平台上报。",
            "shared_platforms": ["gov_cloud", "data_exchange", "identity"],
            "protection_level": 3,
        },
        "milestones": [],
        "targets": [("output_quantity", "接入医疗卫生机构数量", "家", "15"),
                    ("output_quality", "互联互通成熟度测评等级", "", "四级甲等")],
        "data_resources": [("居民电子健康档案", "produced", "conditional", True, "各医疗卫生机构诊疗和公共卫生服务产生")],
        "documents": ["application_report"],
        "review": None, "panel": [], "return_reason": "", "decision": None, "budget": None,
    },
    {
        "project": "鼓楼区食品安全智慧监管平台建设项目", "state": "submitted", "code_serial": 101,
        "participants": [],
        "application": {
            "scale": "覆盖全区约1.4万户持证食品经营主体,接入餐饮单位和学校食堂后厨视频约1200路,配备移动检查终端60台。",
            "standards": "符合食品安全风险分级管理和“互联网+明厨亮灶”相关技术要求,按网络安全等级保护第二级建设。",
            "technical_approach": "依托市级食品安全智慧监管平台建设区级节点,部署于区政务云;后厨视频经区视频资源共享平台汇聚,"
                                  "移动检查使用统一身份认证。",
            "hardware": "380000.00", "software": "980000.00", "services": "160000.00", "integration": "240000.00",
            "supervision_fee": "60000.00", "prework": "60000.00", "other": "40000.00",
            "start": 2, "end": 11,
            "data_sharing_summary": "食品经营主体风险等级和检查结果按有条件共享编入全区目录,经区公共数据共享交换平台"
                                    "向教育、卫健部门共享学校和医院食堂监管数据;使用市场主体登记数据。",
            "shared_platforms": ["gov_cloud", "data_exchange", "identity", "video"],
            "protection_level": 2,
            "security_measures": "按等级保护第二级要求建设,视频数据加密传输,移动终端统一准入管理,上线前完成等级测评。",
        },
        "milestones": [("完成招标采购", 3), ("风险分级和移动检查模块上线", 7), ("系统初步验收", 11)],
        "targets": [("output_quantity", "接入后厨视频路数", "路", "1200"),
                    ("output_timeliness", "系统上线时间", "月", "≤9"),
                    ("benefit", "食品经营主体风险分级覆盖率", "%", "100"),
                    ("satisfaction", "监管人员使用满意度", "%", "≥90")],
        "data_resources": [("食品经营主体风险等级信息", "produced", "conditional", True, "风险分级评定产生"),
                           ("市场主体登记信息", "consumed", "unconditional", False, "区市场主体信用信息库")],
        "documents": ["application_report", "feasibility_study"],
        "review": None, "panel": [], "return_reason": "", "decision": None, "budget": None,
    },
    {
        "project": "鼓楼区应急指挥信息化平台建设项目", "state": "under_review", "code_serial": 102,
        "participants": [],
        "application": {
            "scale": "建设应急值守、预案管理、资源一张图、融合通信调度4个模块;改造区应急指挥中心大屏1套、视频会商终端15套;"
                     "配置单兵和无人机图传设备各10套。",
            "standards": "符合应急管理信息化建设相关标准规范,按网络安全等级保护第三级建设。",
            "technical_approach": "部署于区政务云,经电子政务外网接入各部门和13个街道;融合通信对接公安视频、城管感知和气象数据,"
                                  "与市级应急指挥平台级联。",
            "hardware": "1450000.00", "software": "1280000.00", "services": "320000.00", "integration": "560000.00",
            "supervision_fee": "120000.00", "prework": "150000.00", "other": "70000.00",
            "start": 1, "end": 8,
            "data_sharing_summary": "应急资源和救援队伍数据按有条件共享编入全区目录;经区视频资源共享平台调用公安视频,"
                                    "经共享交换平台使用城管感知和气象数据,处置信息向市级平台上报。",
            "shared_platforms": ["gov_cloud", "egov_network", "data_exchange", "video", "gis"],
            "protection_level": 3,
            "security_measures": "按第三级要求建设,指挥调度数据加密传输,上线前完成等级测评和商用密码应用安全性评估。",
        },
        "milestones": [("完成招标采购", 2), ("汛期前指挥调度模块上线", 6), ("与市级平台级联并初步验收", 8)],
        "targets": [("output_quantity", "接入部门和街道数量", "个", "32"),
                    ("output_timeliness", "指挥调度模块上线", "月", "≤6"),
                    ("benefit", "突发事件信息汇聚时间缩短", "%", "50"),
                    ("satisfaction", "联动部门满意度", "%", "≥90")],
        "data_resources": [("应急资源和救援队伍信息", "produced", "conditional", True, "应急值守和资源管理产生"),
                           ("公共安全视频资源", "consumed", "conditional", False, "区视频资源共享平台")],
        "documents": ["application_report", "feasibility_study"],
        # DRC marked it for the expert panel (art. 28); one opinion is in, one is awaited.
        "review": {
            "review_notes": "与市级平台的级联方案已明确;融合通信和视频会商终端数量须结合现有设备复核。",
            "sharing_conclusion": "adequate",
            "sharing_opinion": "应急资源数据纳入全区目录,视频和感知数据经统一平台调用,满足共享要求。",
            "expert_panel_required": True,
            "checklist": {"necessity": {"ok": True, "note": "列入全市防汛防台和安全生产能力提升三年行动"},
                          "content_scale": {"ok": None, "note": "视频会商终端数量待复核"},
                          "intensive": {"ok": True, "note": "复用政务云、视频资源共享平台和地理信息公共平台"},
                          "security": {"ok": True, "note": ""}},
        },
        "panel": [{"expert": "顾维民", "opinion": "agree_with_changes",
                   "opinion_text": "方案总体可行;建议利旧现有视频会商终端、核减新增数量,并补充与市级平台的接口清单。"},
                  {"expert": "沈立峰", "opinion": "", "opinion_text": ""}],
        "return_reason": "", "decision": None, "budget": None,
    },
    {
        "project": "鼓楼区数字城管平台升级改造项目", "state": "returned", "code_serial": 103,
        "participants": [],
        "application": {
            "scale": "重构案件流程引擎,接入视频智能分析点位约600路和物联感知事件源3类,更新城市部件约42万个。",
            "standards": "符合数字化城市管理信息系统相关国家标准,按网络安全等级保护第二级建设。",
            "technical_approach": "在原平台上重构流程引擎,部署于区政务云;视频智能分析自建算法平台,与区“一网统管”平台对接。",
            "hardware": "380000.00", "software": "1350000.00", "services": "300000.00", "integration": "420000.00",
            "supervision_fee": "80000.00", "prework": "70000.00", "other": "50000.00",
            "start": 2, "end": 11,
            "data_sharing_summary": "城市部件和城管案件数据按有条件共享编入全区目录,向各街道和住建、生态环境部门开放。",
            "shared_platforms": ["gov_cloud", "data_exchange", "video"],
            "protection_level": 2,
            "security_measures": "按第二级要求建设,上线前完成等级测评。",
        },
        "milestones": [("完成招标采购", 3), ("流程引擎上线", 7), ("系统初步验收", 11)],
        "targets": [("output_quantity", "接入视频智能分析点位", "路", "600"),
                    ("benefit", "案件平均处置时长缩短", "%", "30"),
                    ("satisfaction", "市民投诉处置满意度", "%", "≥90")],
        "data_resources": [("城管案件信息", "produced", "conditional", True, "案件受理和处置产生"),
                           ("城市部件信息", "produced", "conditional", True, "部件普查和更新产生")],
        "documents": ["application_report", "feasibility_study"],
        "review": {
            "review_notes": "软件开发费用缺少功能点估算依据;自建视频智能分析算法平台与区“一网统管”平台已有能力重复。",
            "checklist": {"estimate": {"ok": False, "note": "软件开发费用未按功能点测算"},
                          "intensive": {"ok": False, "note": "视频智能分析应调用区级平台能力(第十八条)"}},
        },
        "panel": [],
        "return_reason": "投资估算中软件开发费用未按功能点测算;视频智能分析拟自建算法平台,与区“一网统管”平台已有能力重复"
                         "(第十八条)。请补充功能点估算依据,改为调用区级平台的视频分析能力并相应核减投资后重新报送。",
        "decision": None, "budget": None,
    },
    {
        "project": "鼓楼区政务服务“一网通办”平台升级项目", "state": "approved", "code_serial": 104,
        "participants": [],
        "application": {
            "scale": "梳理上线30项“一件事一次办”主题服务,对接省政务服务平台和市电子证照库,"
                     "支撑区、街道两级约1600项政务服务事项网上办理。",
            "standards": "符合全国一体化政务服务平台相关国家标准和省政务服务平台对接规范,按网络安全等级保护第三级建设。",
            "technical_approach": "在现有平台上扩展主题服务、电子证照调用和智能预审三个模块,部署于区政务云;"
                                  "统一身份认证和电子证照经省、市平台调用。",
            "hardware": "260000.00", "software": "1520000.00", "services": "280000.00", "integration": "240000.00",
            "supervision_fee": "75000.00", "prework": "65000.00", "other": "40000.00",
            "start": 1, "end": 10,
            "data_sharing_summary": "办件信息和电子证照调用记录按有条件共享编入全区目录,办件统计数据无条件共享;"
                                    "经共享交换平台使用户籍、社保、不动产登记等数据,实现“免证办”。",
            "shared_platforms": ["gov_cloud", "identity", "e_license", "data_exchange", "gov_service"],
            "protection_level": 3,
            "security_measures": "按第三级要求建设,个人信息加密存储、脱敏展示,电子证照调用留痕审计,"
                                 "上线前完成等级测评和商用密码应用安全性评估。",
        },
        "milestones": [("完成招标采购", 2), ("“一件事”主题服务上线", 6), ("系统初步验收", 10)],
        "targets": [("output_quantity", "上线“一件事一次办”主题服务", "项", "30"),
                    ("output_quality", "高频事项全程网办率", "%", "≥80"),
                    ("benefit", "群众办事提交材料减少", "%", "40"),
                    ("satisfaction", "办事群众满意度", "%", "≥95")],
        "data_resources": [("政务服务办件信息", "produced", "conditional", True, "事项受理和办理产生"),
                           ("电子证照", "consumed", "conditional", False, "市电子证照库")],
        "documents": ["application_report", "feasibility_study"],
        "review": {
            "review_notes": "建设内容和规模合理;其他费用中的宣传推广费不列入项目投资。",
            "sharing_conclusion": "adequate",
            "sharing_opinion": "共享内容完整;电子证照经市级库调用,不新建证照库。",
            "expert_panel_required": True,
            "checklist": {item: {"ok": True, "note": ""} for item in (
                "necessity", "content_scale", "technical", "estimate", "intensive", "security", "performance")},
        },
        "panel": [{"expert": "顾维民", "opinion": "agree", "opinion_text": "技术方案可行,省、市平台复用充分。"}],
        "return_reason": "",
        "decision": {
            "approved_estimate": "2436000.00",
            "control_indicators": "建设工期10个月;软件开发费用按功能点复核,不超过152万元;"
                                  "按第三级要求完成等级测评和商用密码应用安全性评估。",
            "opinion": "同意实施鼓楼区政务服务“一网通办”平台升级项目。核定总投资概算243.60万元(审减其他费用中的宣传推广费"
                       "4.40万元),资金由区财政安排。项目须按批复的建设内容、规模和标准组织实施,不得擅自变更。",
            "copy_to": "区财政局,区审计局,区委网信办",
        },
        "budget": None,
    },
    {
        "project": "鼓楼区建筑工地智慧监管平台建设项目", "state": "budgeted", "code_serial": 105,
        "participants": [],
        "application": {
            "scale": "接入全区约90个在建工地的扬尘监测设备90套、视频约360路、塔吊监测设备40套,"
                     "实名制考勤覆盖建筑工人约1.2万人。",
            "standards": "按市住房和城乡建设局统一下发的建筑工地智慧监管技术规范建设,按网络安全等级保护第二级建设。",
            "technical_approach": "部署于区政务云,物联设备经运营商专网接入,视频经区视频资源共享平台汇聚;"
                                  "实名制考勤数据经共享交换平台提供给人社部门。",
            "hardware": "420000.00", "software": "610000.00", "services": "130000.00", "integration": "180000.00",
            "supervision_fee": "45000.00", "prework": "45000.00", "other": "30000.00",
            "start": 1, "end": 9,
            "data_sharing_summary": "扬尘监测数据向生态环境部门、实名制考勤数据向人社部门共享,均按有条件共享编入全区目录。",
            "shared_platforms": ["gov_cloud", "data_exchange", "video"],
            "protection_level": 2,
            "security_measures": "按第二级要求建设,物联设备统一接入认证,上线前完成等级测评。",
        },
        "milestones": [("完成招标采购", 2), ("工地设备接入完成", 6), ("系统初步验收", 9)],
        "targets": [("output_quantity", "接入在建工地数量", "个", "90"),
                    ("output_cost", "单个工地接入成本", "万元", "≤1.6"),
                    ("benefit", "扬尘超标处置时间缩短", "%", "50"),
                    ("satisfaction", "监管人员满意度", "%", "≥90")],
        "data_resources": [("建筑工地扬尘监测数据", "produced", "conditional", True, "工地监测设备采集"),
                           ("建筑工人实名制考勤信息", "produced", "conditional", True, "劳务实名制模块产生")],
        "documents": ["application_report", "feasibility_study"],
        # No panel: DRC did not mark it and the profile sets no investment threshold (art. 28).
        "review": {
            "review_notes": "按市级统一技术规范建设,内容简单;硬件购置核减4万元。",
            "sharing_conclusion": "adequate",
            "sharing_opinion": "监测和考勤数据分别向生态环境、人社部门共享,满足共享要求。",
            "expert_panel_required": False,
            "checklist": {item: {"ok": True, "note": ""} for item in (
                "necessity", "content_scale", "technical", "estimate", "intensive", "security", "performance")},
        },
        "panel": [],
        "return_reason": "",
        "decision": {
            "approved_estimate": "1420000.00",
            "control_indicators": "建设工期9个月;硬件购置不超过38万元。",
            "opinion": "同意实施鼓楼区建筑工地智慧监管平台建设项目,核定总投资概算142.00万元(审减硬件购置4.00万元)。"
                       "项目须按批复的建设内容、规模和标准组织实施。",
            "copy_to": "区财政局,区审计局",
        },
        "budget": {"lines": [(0, "general", "860000.00"), (1, "general", "440000.00"), (1, "transfer", "120000.00")],
                   "note": "按批复概算分两年安排;次年含市级建筑工地智慧监管专项补助12万元。"},
    },
    {
        # The joint project (art. 16): civil affairs leads, the health commission takes part and has confirmed.
        "project": "鼓楼区智慧养老服务综合平台建设项目", "state": "under_review", "code_serial": 106,
        "participants": [{"unit": "health", "role_description": "提供失能评估和家庭医生签约数据接口,开展医养结合服务对接"}],
        "application": {
            "scale": "建立全区约17万名60周岁以上户籍老年人信息库,接入养老服务机构86家,"
                     "为1500户特殊困难老人安装紧急呼叫和烟感等智能设备。",
            "standards": "符合智慧健康养老服务平台相关标准和省养老服务信息系统数据标准,按网络安全等级保护第三级建设。",
            "technical_approach": "部署于区政务云;老年人信息经共享交换平台与卫健部门的失能评估、家庭医生签约数据交换;"
                                  "居民端接入“我的南京”App,使用统一身份认证。",
            "hardware": "540000.00", "software": "920000.00", "services": "260000.00", "integration": "230000.00",
            "supervision_fee": "65000.00", "prework": "85000.00", "other": "80000.00",
            "start": 2, "end": 12,
            "data_sharing_summary": "老年人基础信息和服务记录按有条件共享编入全区目录;向卫健部门共享补贴对象名单,"
                                    "使用卫健部门的失能评估结果;向街道共享辖区服务数据。",
            "shared_platforms": ["gov_cloud", "identity", "data_exchange"],
            "protection_level": 3,
            "security_measures": "按第三级要求建设,老年人个人信息加密存储、最小授权访问,上线前完成等级测评。",
            "joint_framework": "“一库两端多应用”:区级老年人信息库,管理端(民政、卫健、街道)和服务端(老人及家属、服务机构),"
                               "按部门分设业务应用。",
            "business_flow": "老人或家属线上申请 → 街道评估受理 → 民政核定补贴 → 服务机构派单上门 → "
                             "卫健部门为失能老人提供医养结合服务 → 回访评价。",
            "data_flow": "卫健部门的失能评估、签约数据经共享交换平台每日推送至老年人信息库;民政的补贴对象名单按月共享至卫健部门;"
                         "街道按辖区调阅。",
            "system_interfaces": "与区全民健康信息平台的失能评估查询接口、家庭医生签约接口(REST,统一身份认证);"
                                 "与省养老服务信息系统的数据上报接口。",
        },
        "milestones": [("完成招标采购", 3), ("老年人信息库和补贴模块上线", 8), ("系统初步验收", 12)],
        "targets": [("output_quantity", "安装智能设备户数", "户", "1500"),
                    ("output_quality", "老年人信息库数据准确率", "%", "≥98"),
                    ("benefit", "居家上门服务响应时间", "小时", "≤24"),
                    ("satisfaction", "服务对象满意度", "%", "≥90")],
        "data_resources": [("老年人基础信息", "produced", "conditional", True, "户籍和民政业务产生"),
                           ("失能评估结果", "consumed", "conditional", False, "区卫生健康委员会")],
        "documents": ["application_report", "feasibility_study"],
        "review": {
            "sharing_conclusion": "needs_improvement",
            "sharing_opinion": "补贴对象名单的更新周期和卫健数据的调用频次尚未列明,请在专家评审后完善。",
            "expert_panel_required": True,
            "checklist": {"necessity": {"ok": True, "note": "老龄化率超过25%"}},
        },
        # Both seats await their opinion: the expert who signs in has this one to do.
        "panel": [{"expert": "顾维民", "opinion": "", "opinion_text": ""},
                  {"expert": "陶慧娟", "opinion": "", "opinion_text": ""}],
        "return_reason": "", "decision": None, "budget": None,
    },
    # The three projects the construction stories build on (CONSTRUCTION below): approved and budgeted here.
    {
        "project": "鼓楼区公共数据资源目录与共享交换平台升级项目", "state": "budgeted", "code_serial": 107,
        "participants": [],
        "application": {
            "scale": "接入全区41个部门和13个街道的数据目录约3200项,建设API网关1套、数据质量检测规则库约600条,"
                     "对接省、市公共数据平台各1个。",
            "standards": "符合政务信息资源目录编制指南和公共数据共享交换相关国家标准,按网络安全等级保护第三级建设。",
            "technical_approach": "在现有平台上升级目录管理系统,新建API网关和数据质量检测引擎,部署于区政务云;"
                                  "共享申请审批流程使用统一身份认证。",
            "hardware": "420000.00", "software": "1560000.00", "services": "260000.00", "integration": "480000.00",
            "supervision_fee": "90000.00", "prework": "80000.00", "other": "70000.00",
            "start": -3, "end": 9,
            "data_sharing_summary": "目录本身按无条件共享向各部门开放;平台汇聚的各数据资源按其登记的共享类型提供服务,"
                                    "共享申请经数源部门审核后通过API网关提供。",
            "shared_platforms": ["gov_cloud", "egov_network", "identity", "data_exchange"],
            "protection_level": 3,
            "security_measures": "按第三级要求建设,API调用统一鉴权和留痕审计,敏感字段脱敏,上线前完成等级测评和商用密码应用"
                                 "安全性评估。",
        },
        "milestones": [("完成招标采购", -2), ("目录管理系统和API网关上线", 3), ("对接省市平台并初步验收", 9)],
        "targets": [("output_quantity", "接入共享交换平台的部门数量", "个", "41"),
                    ("output_quality", "共享数据质量检测覆盖率", "%", "≥95"),
                    ("benefit", "共享申请平均办理时长缩短", "%", "50"),
                    ("satisfaction", "部门使用满意度", "%", "≥90")],
        "data_resources": [("全区政务数据资源目录", "produced", "unconditional", True, "各部门目录编制汇聚"),
                           ("共享申请和调用记录", "produced", "conditional", True, "共享申请审批和API调用产生")],
        "documents": ["application_report", "feasibility_study"],
        "review": {
            "review_notes": "落实办法第二十七条至第二十九条的支撑平台,建设内容和投资合理。",
            "sharing_conclusion": "adequate",
            "sharing_opinion": "目录无条件共享,各资源按登记的共享类型提供,满足共享要求。",
            "expert_panel_required": False,
            "checklist": {item: {"ok": True, "note": ""} for item in (
                "necessity", "content_scale", "technical", "estimate", "intensive", "security", "performance")},
        },
        "panel": [],
        "return_reason": "",
        "decision": {
            "approved_estimate": "2960000.00",
            "control_indicators": "建设工期12个月;按第三级要求完成等级测评和商用密码应用安全性评估。",
            "opinion": "同意实施鼓楼区公共数据资源目录与共享交换平台升级项目,核定总投资概算296.00万元。"
                       "项目须按批复的建设内容、规模和标准组织实施。",
            "copy_to": "区财政局,区审计局,区委网信办",
        },
        "budget": {"lines": [(0, "general", "1800000.00"), (1, "general", "1160000.00")],
                   "note": "按批复概算分两年安排。"},
    },
    {
        "project": "鼓楼区公共安全视频监控联网共享平台扩容项目", "state": "budgeted", "code_serial": 108,
        "participants": [],
        "application": {
            "scale": "新建高清视频监控点位480个,利旧改造点位620个;扩容视频存储2.4PB;升级视频联网共享平台1套。",
            "standards": "符合公共安全视频监控联网系统信息传输、交换、控制技术要求等国家标准,按网络安全等级保护第三级建设。",
            "technical_approach": "二期点位接入一期汇聚节点,存储扩容部署于区视频专网数据中心;"
                                  "共享平台按权限经视频资源共享平台向城管、应急和各街道推送视频资源。",
            "hardware": "4860000.00", "software": "1180000.00", "services": "620000.00", "integration": "1280000.00",
            "supervision_fee": "260000.00", "prework": "210000.00", "other": "190000.00",
            "start": -8, "end": 2,
            "data_sharing_summary": "视频资源目录按有条件共享编入全区目录,经审批后通过视频资源共享平台向城管、应急及各街道开放调阅。",
            "shared_platforms": ["egov_network", "video", "gis"],
            "protection_level": 3,
            "security_measures": "按第三级要求建设,视频调阅分级授权并全程留痕,视频专网与外网安全隔离。",
        },
        "milestones": [("二期点位招标采购完成", -6), ("存储扩容设备到货部署", -5), ("视频联网共享平台升级上线", 2)],
        "targets": [("output_quantity", "新建高清视频监控点位", "个", "480"),
                    ("output_quality", "视频存储保存期限", "天", "≥30"),
                    ("benefit", "重点区域视频覆盖率", "%", "100"),
                    ("satisfaction", "共享调阅部门满意度", "%", "≥90")],
        "data_resources": [("公共安全视频资源目录", "produced", "conditional", True, "视频点位建设和联网产生")],
        "documents": ["application_report", "feasibility_study"],
        "review": {
            "review_notes": "续建项目,与一期共用汇聚节点和存储;其他费用核减15万元。",
            "sharing_conclusion": "adequate",
            "sharing_opinion": "视频资源经统一平台按权限共享,满足共享要求。",
            "expert_panel_required": False,
            "checklist": {item: {"ok": True, "note": ""} for item in (
                "necessity", "content_scale", "technical", "estimate", "intensive", "security", "performance")},
        },
        "panel": [],
        "return_reason": "",
        "decision": {
            "approved_estimate": "8450000.00",
            "control_indicators": "建设工期10个月;视频保存期限不少于30天。",
            "opinion": "同意实施鼓楼区公共安全视频监控联网共享平台扩容项目,核定总投资概算845.00万元(审减其他费用15.00万元)。"
                       "项目须按批复的建设内容、规模和标准组织实施。",
            "copy_to": "区财政局,区审计局,区委网信办",
        },
        "budget": {"lines": [(0, "general", "5200000.00"), (1, "general", "3250000.00")],
                   "note": "按年度计划安排当年520万元,余额次年安排。"},
    },
    {
        "project": "宁海路街道“一网统管”基层治理平台建设项目", "state": "budgeted", "code_serial": 109,
        "participants": [],
        "application": {
            "scale": "建设事件受理、网格派单、联动处置和考核4个模块;配置网格员移动终端150台;改造街道指挥中心大屏1套。",
            "standards": "按区级“一网统管”平台接入规范建设,按网络安全等级保护第二级建设。",
            "technical_approach": "作为区级“一网统管”平台的街道应用部署于区政务云,移动终端使用统一身份认证。",
            "hardware": "390000.00", "software": "290000.00", "services": "60000.00", "integration": "70000.00",
            "prework": "30000.00", "other": "20000.00",
            "start": -2, "end": 8,
            "data_sharing_summary": "网格事件和处置数据汇入区级“一网统管”平台,按有条件共享编入全区目录。",
            "shared_platforms": ["gov_cloud", "identity", "data_exchange"],
            "protection_level": 2,
            "security_measures": "按第二级要求建设,移动终端统一准入管理,上线前完成等级测评。",
        },
        "milestones": [("完成设备和软件采购", -1), ("事件受理和网格派单模块上线", 3), ("系统初步验收", 8)],
        "targets": [("output_quantity", "配置网格员移动终端", "台", "150"),
                    ("output_quality", "网格事件按时办结率", "%", "≥95"),
                    ("benefit", "网格事件平均处置时长缩短", "%", "30"),
                    ("satisfaction", "辖区居民满意度", "%", "≥90")],
        "data_resources": [("网格事件和处置信息", "produced", "conditional", True, "事件受理和处置产生")],
        "documents": ["application_report", "feasibility_study"],
        "review": {
            "review_notes": "依托区级平台扩展应用,内容简单;投资额低于100万元,不实行项目监理(第十九条)。",
            "sharing_conclusion": "adequate",
            "sharing_opinion": "事件数据汇入区级平台,满足共享要求。",
            "expert_panel_required": False,
            "checklist": {item: {"ok": True, "note": ""} for item in (
                "necessity", "content_scale", "technical", "estimate", "intensive", "security", "performance")},
        },
        "panel": [],
        "return_reason": "",
        "decision": {
            "approved_estimate": "860000.00",
            "control_indicators": "建设工期10个月。",
            "opinion": "同意实施宁海路街道“一网统管”基层治理平台建设项目,核定总投资概算86.00万元。",
            "copy_to": "区财政局,区审计局",
        },
        "budget": {"lines": [(0, "general", "860000.00")], "note": "当年全额安排。"},
    },
]

# Art. 23: a suspension DRC recorded and later lifted, kept for the history. None is left active: the
# projects above must be approvable.
SUSPENSIONS: list[dict] = [
    {"unit": "hrss",
     "reason": "该单位前期建设的劳动保障信息系统竣工验收不合格,经责令限期整改,逾期仍未整改到位,暂缓其后续项目审批(第二十三条)。",
     "lift_reason": "整改已完成,经区发改委(大数据局)组织复验合格,恢复该单位后续项目审批。"},
]

# ---------------------------------------------------------------------------------------------------
# Construction control (art. 19–21). The supervision pool DRC names each year (2–3 firms; `year` is an
# offset from this year; the qualification is valid until (year offset, month, day)): last year's pool kept
# for the history, this year's with room for one more firm. Then the projects of the stories above that
# were budgeted, built by the roles that would act: the owner unit appoints its supervisor from this year's
# pool (from 100万元, art. 19) and starts; the supervisor (by login) reports; the unit records milestones
# (days from the planned date) and files monitoring reports (for the month `period` months from this one,
# each target's actual value by indicator, with the cause of a deviation); DRC assesses the risk; the unit
# asks for changes (an estimate as a total, an end date as a month offset); DRC orders rectification of the
# incident the system proposed and suspends. Dates are relative to the day the demo loads.
# ---------------------------------------------------------------------------------------------------

SUPERVISION_POOL: list[dict] = [
    {"year": -1, "firm": "huiheng", "qualification": "信息系统工程监理甲级", "certificate_number": "JL-XX-0231",
     "valid_until": (2, 6, 30)},
    {"year": -1, "firm": "zhongxinda", "qualification": "信息系统工程监理乙级", "certificate_number": "JL-XX-0418",
     "valid_until": (0, 12, 31)},
    {"year": 0, "firm": "huiheng", "qualification": "信息系统工程监理甲级", "certificate_number": "JL-XX-0231",
     "valid_until": (2, 6, 30)},
    {"year": 0, "firm": "zhenghong", "qualification": "信息系统工程监理甲级", "certificate_number": "JL-XX-0175",
     "valid_until": (3, 3, 31)},
]

DATA_PLATFORM = "鼓楼区公共数据资源目录与共享交换平台升级项目"
VIDEO_PLATFORM = "鼓楼区公共安全视频监控联网共享平台扩容项目"
NINGHAI_GRID = "宁海路街道“一网统管”基层治理平台建设项目"

CONSTRUCTION: list[dict] = [
    {
        # On track: supervised, reported on, monitored (two indicators behind, with their causes), assessed by DRC;
        # a change of content and estimate (+5 %, the change procedure) waits for DRC.
        "project": DATA_PLATFORM,
        "supervisor": {"firm": "huiheng", "fee": "85000.00"},
        # The money, dated the day the demo approves the project (nothing is procured or paid before, art. 13).
        "records": {
            "procurements": [{"title": "目录管理系统升级及API网关建设", "method": "open_tender",
                              "supplier": "江苏数云科技有限公司", "amount": "2380000.00"}],
            "contracts": [{"title": "目录管理系统升级及API网关建设合同", "supplier": "江苏数云科技有限公司",
                           "amount": "2380000.00", "deliverables": "目录管理系统、API网关、数据质量检测引擎及部署实施",
                           "procurement": 0},
                          {"title": "项目监理服务合同", "supplier": "江苏汇衡信息工程监理有限公司",
                           "amount": "85000.00", "deliverables": "建设全过程监理", "procurement": None}],
            "payments": [{"amount": "714000.00", "purpose": "合同预付款(30%)", "contract": 0},
                         {"amount": "25500.00", "purpose": "监理费首期", "contract": 1}],
        },
        "supervision_reports": [
            {"by": "supervisor", "month": -2, "progress": "完成招标采购和需求调研,目录管理系统完成设计评审。",
             "quality": "需求规格说明书和概要设计经评审通过,符合合同要求。", "issues_found": "",
             "recommendations": "尽早落实各部门前置机部署条件。"},
            {"by": "supervisor", "month": -1, "progress": "目录管理系统开发完成60%,API网关完成选型和部署。",
             "quality": "单元测试覆盖率82%,未发现重大质量问题。",
             "issues_found": "6个部门前置机因等级保护整改推迟部署,影响数据接入进度。",
             "recommendations": "建设单位协调相关部门明确前置机部署时间,必要时调整接入顺序。"},
        ],
        "milestones": [("完成招标采购", -3)],
        "monitoring": [
            {"period": -1, "completion": 35, "forecast_cost": "2960000.00",
             "summary": "目录管理系统和API网关按计划建设,部门数据接入进度略低于预期。",
             "values": {"接入共享交换平台的部门数量": ("35", "6个部门的前置机因等级保护整改推迟部署,已列入下季度接入计划。"),
                        "共享数据质量检测覆盖率": ("96", ""),
                        "共享申请平均办理时长缩短": ("38", "共享申请审批流程在第二阶段上线,本期仅统计库表共享申请。"),
                        "部门使用满意度": ("92", "")}},
        ],
        "risk": {"score": 4, "comment": "进度和投资总体受控;部门数据接入略有滞后,建设单位已提出措施。"},
        "changes": [
            {"kinds": ["content", "estimate"],
             "description": "增加与市公共数据平台的实时接口和数据质量规则库扩充(约200条),总投资增加14.80万元。",
             "reason": "市公共数据平台于今年调整接口规范,原批复的批量交换方式须改为实时接口。",
             "proposed_estimate": "3108000.00", "end": None},
        ],
        "rectification": None, "suspension": None,
    },
    {
        # In trouble: the storage milestone is months late, the system proposed a serious delay (art. 21); the
        # completion date was moved (recorded), monitoring is overdue; DRC ordered rectification and suspended it.
        "project": VIDEO_PLATFORM,
        "supervisor": {"firm": "zhenghong", "fee": "240000.00"},
        "records": {
            "procurements": [{"title": "二期前端点位及存储扩容设备采购", "method": "open_tender",
                              "supplier": "南京视联智能科技有限公司", "amount": "6820000.00"}],
            "contracts": [{"title": "二期前端点位及存储扩容设备采购合同", "supplier": "南京视联智能科技有限公司",
                           "amount": "6820000.00", "deliverables": "高清前端点位480个、存储扩容2.4PB及联网平台升级",
                           "procurement": 0}],
            "payments": [{"amount": "2046000.00", "purpose": "合同预付款(30%)", "contract": 0}],
        },
        "supervision_reports": [
            {"by": "zhenghong", "month": -1, "progress": "二期点位完成施工160个;存储扩容设备仍未到货。",
             "quality": "已完工点位抽检合格率96%。",
             "issues_found": "存储设备供货商延迟交货已超过4个月,视频保存期限仍不足30天。",
             "recommendations": "建设单位督促供货商履约,必要时启动合同违约处理程序并报告区发改委。"},
        ],
        "milestones": [("二期点位招标采购完成", 0)],
        "monitoring": [
            {"period": -4, "completion": 30, "forecast_cost": "8450000.00",
             "summary": "二期点位分批施工;存储扩容设备尚未到货。",
             "values": {"新建高清视频监控点位": ("130", "二期点位按施工计划分批建设,本期完成第一批。"),
                        "视频存储保存期限": ("15", "存储扩容设备未到货,保存期限仍为一期容量下的15天。"),
                        "重点区域视频覆盖率": ("86", "二期点位未全部建成。"),
                        "共享调阅部门满意度": ("90", "")}},
        ],
        "risk": {"score": 2, "comment": "存储扩容严重滞后,视频保存期限达不到要求,风险较高。"},
        "changes": [
            {"kinds": ["schedule"], "description": "完工日期顺延3个月。",
             "reason": "存储扩容设备供货延迟,设备到货后需完成部署和联调。", "proposed_estimate": None, "end": 5},
        ],
        "rectification": {"incident": "serious_delay", "deadline_days": 30,
                          "requirements": "督促供货商限期交货,报送赶工计划和存储临时扩容措施,确保视频保存期限达到30天。"},
        "suspension": {"incident": "serious_delay",
                       "reason": "存储扩容严重逾期,视频保存期限不达标;整改到位前暂停项目建设(第二十一条)。"},
    },
    {
        # Below the supervision threshold (no supervisor); the forecast exceeds the estimate by 12 %, the system
        # proposed a major investment loss, and the estimate change (+12 % ≥ 10 %) sent it back to initiation:
        # planned again, with application number 2 to complete and submit (art. 20).
        "project": NINGHAI_GRID,
        "supervisor": None,
        "supervision_reports": [],
        "milestones": [("完成设备和软件采购", -2)],
        "monitoring": [
            {"period": -1, "completion": 40, "forecast_cost": "963200.00",
             "summary": "设备采购完成;指挥中心大屏改造因场地结构加固,投资预计增加10.32万元。",
             "values": {"配置网格员移动终端": ("150", ""), "网格事件按时办结率": ("95", ""),
                        "网格事件平均处置时长缩短": ("30", ""), "辖区居民满意度": ("91", "")}},
        ],
        "risk": None,
        "changes": [
            {"kinds": ["estimate", "scale"],
             "description": "街道指挥中心场地结构加固,大屏由46英寸拼接屏改为LED小间距屏,总投资增加10.32万元。",
             "reason": "原指挥中心楼板承重不足,须加固后安装;LED屏功耗和维护成本更低。",
             "proposed_estimate": "963200.00", "end": None},
        ],
        "rectification": None, "suspension": None,
    },
]

# ---------------------------------------------------------------------------------------------------
# Self-check
# ---------------------------------------------------------------------------------------------------

UNIT_KINDS = ("bureau", "department", "street", "supervision_firm")
BUREAU_ROLES = ("drc", "finance", "audit", "cyberspace", "government")
PROJECT_KINDS = ("network_platform", "business_system", "resource_database", "security_infrastructure",
                 "egov_infrastructure", "standards", "support_system")
CONSTRUCTION_TYPES = ("new", "renovation", "upgrade")
PROJECT_STATES = ("draft", "proposed", "in_reserve", "planned", "returned", "withdrawn")
EXPECTED_STATE_COUNTS = {"draft": 12, "proposed": 14, "in_reserve": 10, "planned": 14, "returned": 6,
                         "withdrawn": 4}
PLAN_CLASSES = ("A", "B", "C")

_PHONE_RE = re.compile(r"^(025-[58]\d{7}|1[3-9]\d{9})$")
_SLUG_RE = re.compile(r"^[a-z][a-z0-9_-]{1,31}$")


def validate() -> None:
    """Assert the invariants of the demo data; raises AssertionError on the first violation."""
    # Units
    codes = [u["code"] for u in UNITS]
    assert len(codes) == len(set(codes)), "duplicate unit code"
    assert len({u["name"] for u in UNITS}) == len(UNITS), "duplicate unit name"
    by_code = {u["code"]: u for u in UNITS}
    for u in UNITS:
        assert set(u) == {"code", "name", "short_name", "kind", "bureau_role", "parent"}, u["code"]
        assert _SLUG_RE.match(u["code"]), u["code"]
        assert u["name"] and u["short_name"] and len(u["name"]) <= 100 and len(u["short_name"]) <= 40, u["code"]
        assert u["kind"] in UNIT_KINDS, u["code"]
        assert u["parent"] is None or u["parent"] in by_code, u["code"]
        assert (u["bureau_role"] in BUREAU_ROLES) if u["kind"] == "bureau" else u["bureau_role"] is None, u["code"]
    kinds = Counter(u["kind"] for u in UNITS)
    assert kinds["bureau"] == 5 and kinds["street"] == 13 and kinds["supervision_firm"] == 3, kinds
    assert 12 <= kinds["department"] <= 16, kinds
    assert {u["bureau_role"]: u["code"] for u in UNITS if u["kind"] == "bureau"} == {
        "drc": "drc", "finance": "finance", "audit": "audit", "cyberspace": "cyber", "government": "gov"}
    assert by_code["edu"]["kind"] == "department" and by_code["health"]["kind"] == "department"

    # Experts
    assert 10 <= len(EXPERTS) <= 15
    assert len({e["name"] for e in EXPERTS}) == len(EXPERTS), "duplicate expert"
    for e in EXPERTS:
        assert set(e) == {"name", "specialty", "employer", "title"} and all(e.values()), e

    # Development plan
    plan = DEVELOPMENT_PLAN
    assert plan["start_year"] == 2021 and plan["end_year"] == 2025
    numbers = [t["number"] for t in plan["tasks"]]
    assert numbers == [str(i) for i in range(1, len(numbers) + 1)], numbers
    for t in plan["tasks"]:
        assert t["title"] and t["description"] and t["lead_unit"] in by_code, t

    # Projects
    assert len(PROJECTS) == 60, len(PROJECTS)
    assert len({p["name"] for p in PROJECTS}) == 60, "duplicate project name"
    keys = {"name", "owner", "kind", "construction_type", "estimated_investment", "responsible_person",
            "responsible_phone", "necessity", "construction_content", "data_sharing_intent", "plan_task",
            "classified", "state", "return_reason", "withdraw_reason", "year_proposed"}
    task_numbers = set(numbers)
    for p in PROJECTS:
        name = p["name"]
        assert set(p) == keys, name
        owner = by_code.get(p["owner"])
        assert owner is not None, name
        assert owner["kind"] in ("department", "street") or owner["code"] == "drc", name
        assert p["kind"] in PROJECT_KINDS and p["construction_type"] in CONSTRUCTION_TYPES, name
        try:
            amount = Decimal(p["estimated_investment"])
        except InvalidOperation:
            raise AssertionError(f"bad amount: {name}") from None
        assert amount.as_tuple().exponent == -2 and Decimal("80000.00") <= amount <= Decimal("12000000.00"), name
        assert p["responsible_person"] and _PHONE_RE.match(p["responsible_phone"]), name
        assert p["necessity"] and p["construction_content"], name
        assert p["plan_task"] is None or p["plan_task"] in task_numbers, name
        assert isinstance(p["classified"], bool) and p["year_proposed"] in (2024, 2025, 2026), name
        assert p["state"] in PROJECT_STATES, name
        assert bool(p["return_reason"]) == (p["state"] == "returned"), name
        assert bool(p["withdraw_reason"]) == (p["state"] == "withdrawn"), name
        assert p["data_sharing_intent"] or p["state"] == "draft", name
        if p["classified"]:
            assert p["state"] in ("proposed", "in_reserve") and p["name"].startswith("某涉密"), name

    states = Counter(p["state"] for p in PROJECTS)
    assert dict(states) == EXPECTED_STATE_COUNTS, states
    assert sum(p["classified"] for p in PROJECTS) == 2
    assert sum(1 for p in PROJECTS if not p["data_sharing_intent"]) == 3
    assert sum(1 for p in PROJECTS if p["plan_task"] is None) == 6
    owners = Counter(p["owner"] for p in PROJECTS)
    assert owners["drc"] == 4 and owners["edu"] == 6 and owners["health"] == 6, owners
    for code in ("edu", "health"):
        own_states = {p["state"] for p in PROJECTS if p["owner"] == code}
        assert {"draft", "proposed", "in_reserve"} <= own_states, code
    large = sum(1 for p in PROJECTS if Decimal(p["estimated_investment"]) >= Decimal("1000000.00"))
    assert 18 <= large <= 24, large  # about 35 %: art. 19 supervision applies at 100万元 and above
    assert set(Counter(p["kind"] for p in PROJECTS)) == set(PROJECT_KINDS), "every kind should appear"
    _validate_annual_plan({p["name"]: p for p in PROJECTS})
    _validate_approvals({p["name"]: p for p in PROJECTS})
    _validate_construction()


def _money(text: str, what: str) -> Decimal:
    try:
        amount = Decimal(text)
    except InvalidOperation:
        raise AssertionError(f"bad amount: {what}") from None
    assert amount.as_tuple().exponent == -2 and amount >= 0, what
    return amount


def _validate_annual_plan(projects: dict[str, dict]) -> None:
    spec = ANNUAL_PLAN
    capacity = _money(spec["capacity"], "capacity")
    assert Decimal("30000000.00") <= capacity <= Decimal("50000000.00"), capacity  # 3,000–5,000万元
    assert "{year}" in spec["document_number"] and "{year}" in spec["adjustment"]["document_number"]
    lines = spec["lines"]
    assert 10 <= len(lines) <= 14, len(lines)
    names = [line["project"] for line in lines]
    assert len(set(names)) == len(names), "a project twice in the plan"
    keys = {"project", "plan_class", "amount", "prework_amount", "priority", "must_start_reason", "skip_reason",
            "note"}
    totals = Counter()
    for line in lines:
        name = line["project"]
        assert set(line) == keys, name
        project = projects.get(name)
        # every line is a construction line of a reserve project, which the issue makes "planned"
        assert project is not None and not project["classified"] and project["state"] == "planned", name
        amount, prework = _money(line["amount"], name), _money(line["prework_amount"], name)
        assert line["plan_class"] in PLAN_CLASSES and 0 <= line["priority"] <= 100 and prework <= amount, name
        # art. 9 progressive, with no earlier plan in the system
        assert bool(line["must_start_reason"]) == (line["plan_class"] == "A"), name
        assert bool(line["skip_reason"]) == (line["plan_class"] == "B"), name
        if line["plan_class"] == "C":
            assert amount == prework > 0, name
        else:
            assert prework == 0, name
        totals[line["plan_class"]] += amount
    assert {p["name"] for p in projects.values() if p["state"] == "planned"} == set(names)
    by_class = Counter(line["plan_class"] for line in lines)
    assert by_class["A"] >= 3 and by_class["B"] >= 5 and by_class["C"] >= 2, by_class
    # A and C fit; the B requests do not all fit, so the helper leaves some waiting
    assert totals["A"] + totals["C"] < capacity < totals["A"] + totals["B"] + totals["C"], totals
    by_name = {line["project"]: line for line in lines}
    assert spec["waiting"] and all(by_name[name]["plan_class"] == "B" for name in spec["waiting"])

    owner_of = {name: projects[name]["owner"] for name in projects}
    change = spec["adjustment"]
    assert change["reason"] and change["drc_reason"] and change["finance_reason"]
    for item in change["items"]:  # a unit raises one of its own lines
        line = by_name[item["project"]]
        assert owner_of[item["project"]] == change["applicant"], item
        assert item["plan_class"] == line["plan_class"] and _money(item["amount"], "item") > _money(line["amount"], "")
    pending = spec["pending_adjustment"]
    for item in pending["items"]:  # a unit adds one of its reserve projects
        project = projects[item["project"]]
        assert item["project"] not in by_name and project["state"] == "in_reserve", item
        assert project["owner"] == pending["applicant"] and not project["classified"], item
        assert item["plan_class"] == "C" and item["amount"] == item["prework_amount"], item
    release = spec["release"]
    for item in release["items"]:  # A only down, the waiting B up (art. 9)
        line = by_name[item["project"]]
        assert item["plan_class"] == line["plan_class"] in ("A", "B"), item
        if line["plan_class"] == "A":
            assert _money(item["amount"], "item") < _money(line["amount"], "line"), item
        else:
            assert item["project"] in spec["waiting"] and _money(item["amount"], "item") > 0, item
    assert "{year}" in NEXT_YEAR_PLAN["note"] and _money(NEXT_YEAR_PLAN["capacity"], "next capacity") > 0


APPROVAL_KEYS = {"project", "state", "code_serial", "participants", "application", "milestones", "targets",
                 "data_resources", "documents", "review", "panel", "return_reason", "decision", "budget"}
INVESTMENT_ITEMS = ("hardware", "software", "services", "integration", "supervision_fee", "prework", "other")


def _validate_approvals(projects: dict[str, dict]) -> None:
    """The approval stories: each on a different project of the issued plan that stays clear of the mid-year
    release; every state once (the joint project besides); what the rules will ask for is there."""
    units = {u["code"]: u for u in UNITS}
    experts = {e["name"] for e in EXPERTS}
    assert set(DOCUMENT_PREFIXES) <= set(units) and all(DOCUMENT_PREFIXES.values())
    assert set(EXPERT_EMPLOYER_UNITS) <= experts and set(EXPERT_EMPLOYER_UNITS.values()) <= set(units)
    assert set(EXPERT_LOGINS.values()) <= experts and len(set(EXPERT_LOGINS.values())) == len(EXPERT_LOGINS)
    signs_in = set(EXPERT_LOGINS.values())
    plan_lines = {line["project"] for line in ANNUAL_PLAN["lines"]}
    released = {item["project"] for item in ANNUAL_PLAN["release"]["items"]}
    names = [spec["project"] for spec in APPROVALS]
    assert len(set(names)) == len(names), "a project in two approval stories"
    assert {spec["state"] for spec in APPROVALS} == set(APPROVAL_STATES)
    assert sum(1 for spec in APPROVALS if spec["participants"]) == 1, "one joint project"
    serials = [spec["code_serial"] for spec in APPROVALS if spec["code_serial"] is not None]
    assert len(set(serials)) == len(serials) and all(0 < s < 1_000_000 for s in serials)
    for spec in APPROVALS:
        name, state = spec["project"], spec["state"]
        assert set(spec) == APPROVAL_KEYS, name
        project = projects[name]
        assert name in plan_lines and name not in released and not project["classified"], name
        assert state in APPROVAL_STATES, name
        complete = state != "drafting"
        assert (spec["code_serial"] is not None) == complete, name
        application = spec["application"]
        total = sum(_money(application.get(item, "0.00"), name) for item in INVESTMENT_ITEMS)
        estimate = Decimal(project["estimated_investment"])
        assert total == estimate if complete else 0 < total <= estimate, name
        for participant in spec["participants"]:
            assert participant["unit"] in units and participant["unit"] != project["owner"], name
            assert units[participant["unit"]]["kind"] in ("department", "street"), name
        involved = {project["owner"], *(p["unit"] for p in spec["participants"])}
        reviewed = state in ("under_review", "returned", "approved", "budgeted")
        assert (spec["review"] is not None) == reviewed, name
        for seat in spec["panel"]:
            assert seat["expert"] in experts and EXPERT_EMPLOYER_UNITS.get(seat["expert"]) not in involved, name
            assert not seat["opinion"] or seat["expert"] in signs_in, f"only an expert who signs in opines: {name}"
            assert seat["opinion"] in ("", "agree", "agree_with_changes", "disagree"), name
        assert bool(spec["return_reason"]) == (state == "returned"), name
        assert (spec["decision"] is not None) == (state in ("approved", "budgeted")), name
        assert (spec["budget"] is not None) == (state == "budgeted"), name
        if spec["decision"]:
            review = spec["review"]
            assert review["sharing_conclusion"] in ("adequate", "needs_improvement"), name
            if review.get("expert_panel_required"):
                assert spec["panel"] and all(seat["opinion"] for seat in spec["panel"]), name
            approved = _money(spec["decision"]["approved_estimate"], name)
            assert 0 < approved <= total, name
            if spec["budget"]:
                lines = spec["budget"]["lines"]
                assert len({(year, source) for year, source, _ in lines}) == len(lines), name
                assert sum(_money(amount, name) for _, _, amount in lines) <= approved, name
    for suspension in SUSPENSIONS:
        assert units[suspension["unit"]]["kind"] in ("department", "street")
        assert suspension["unit"] not in {projects[name]["owner"] for name in names}, "its projects are approved"
        assert suspension["reason"] and suspension["lift_reason"]


SUPERVISION_THRESHOLD = Decimal("1000000.00")  # the profile's supervision_threshold (art. 19)
CHANGE_KINDS = ("content", "scale", "standards", "estimate", "schedule", "technical")


def _validate_construction() -> None:
    """The pool and the construction stories: each on a budgeted approval story; a supervisor from this year's
    pool exactly when the approved estimate reaches the threshold, its fee inside the estimate's supervision fee;
    what is recorded lies in the past; one story of each kind of change, one suspension."""
    units = {u["code"]: u for u in UNITS}
    years = Counter(entry["year"] for entry in SUPERVISION_POOL)
    assert set(years) == {-1, 0} and all(2 <= n <= 3 for n in years.values()), years
    assert len({(e["year"], e["firm"]) for e in SUPERVISION_POOL}) == len(SUPERVISION_POOL)
    for entry in SUPERVISION_POOL:
        assert units[entry["firm"]]["kind"] == "supervision_firm", entry
        assert entry["qualification"] and entry["certificate_number"] and entry["valid_until"][0] >= 0, entry
    this_year = {e["firm"] for e in SUPERVISION_POOL if e["year"] == 0}
    approvals = {spec["project"]: spec for spec in APPROVALS}
    names = [story["project"] for story in CONSTRUCTION]
    assert len(set(names)) == len(names), "a project in two construction stories"
    classes = Counter()
    for story in CONSTRUCTION:
        name = story["project"]
        approval = approvals[name]
        assert approval["state"] == "budgeted", name
        estimate = _money(approval["decision"]["approved_estimate"], name)
        supervisor = story["supervisor"]
        assert (supervisor is not None) == (estimate >= SUPERVISION_THRESHOLD), name
        if supervisor:
            assert supervisor["firm"] in this_year, name
            assert 0 < _money(supervisor["fee"], name) <= _money(approval["application"]["supervision_fee"], name)
        for report in story["supervision_reports"]:
            assert supervisor and report["by"] in (supervisor["firm"], "supervisor") and report["month"] <= -1, name
            assert report["progress"] and report["quality"], name
        planned = dict(approval["milestones"])
        for milestone, days in story["milestones"]:
            assert planned[milestone] <= -1 and days <= 0, name  # recorded: done, in the past
        targets = {indicator for _category, indicator, _unit, _target in approval["targets"]}
        periods = [report["period"] for report in story["monitoring"]]
        assert len(set(periods)) == len(periods) and all(p <= -1 for p in periods), name
        for report in story["monitoring"]:
            assert set(report["values"]) == targets and 0 <= report["completion"] <= 100, name
            assert _money(report["forecast_cost"], name) > 0 and report["summary"], name
        assert story["risk"] is None or 1 <= story["risk"]["score"] <= 5, name
        for change in story["changes"]:
            kinds = set(change["kinds"])
            assert kinds and kinds <= set(CHANGE_KINDS) and change["description"] and change["reason"], name
            assert (change["proposed_estimate"] is not None) == ("estimate" in kinds), name
            assert (change["end"] is not None) == ("schedule" in kinds), name
            if change["end"] is not None:
                assert change["end"] > approval["application"]["end"], name
            if "estimate" in kinds:
                ratio = (_money(change["proposed_estimate"], name) - estimate) / estimate
                assert ratio > 0, name
                classes["reapproval" if ratio >= Decimal("0.10") else "procedure"] += 1
            else:
                classes["procedure" if kinds - {"schedule"} else "schedule_only"] += 1
        assert (story["rectification"] is None) == (story["suspension"] is None), name
    assert classes == {"reapproval": 1, "procedure": 1, "schedule_only": 1}, classes
    assert sum(1 for story in CONSTRUCTION if story["suspension"]) == 1
