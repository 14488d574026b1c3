"""The policy parameters a jurisdiction's profile sets (RULES.md), each with its type and article.

A profile is data: a new jurisdiction or a new version of the measures is a new PolicyProfile row whose
parameters are validated here. A parameter the measures leave open may be null (not set)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext_lazy as _

MONTH_DAY = re.compile(r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$")


def _decimal(value: Any) -> Decimal:
    try:
        d = Decimal(str(value))
    except InvalidOperation as exc:
        raise ValueError(_("须为数值")) from exc
    if not d.is_finite() or d < 0:
        raise ValueError(_("须为非负数"))
    return d


def _positive_int(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(_("须为正整数"))
    return value


def _int_range(value: Any) -> dict:
    if not isinstance(value, dict) or set(value) != {"min", "max"}:
        raise ValueError(_("须为 {min, max}"))
    lo, hi = _positive_int(value["min"]), _positive_int(value["max"])
    if lo > hi:
        raise ValueError(_("min 不得大于 max"))
    return value


def _window(value: Any) -> dict:
    if not isinstance(value, dict) or set(value) != {"start", "end"}:
        raise ValueError(_("须为 {start, end},格式 MM-DD"))
    if not all(isinstance(value[k], str) and MONTH_DAY.match(value[k]) for k in ("start", "end")):
        raise ValueError(_("日期格式须为 MM-DD"))
    if value["start"] > value["end"]:
        raise ValueError(_("开始日期不得晚于结束日期"))
    return value


def _ratio(value: Any) -> str:
    d = _decimal(value)
    if d > 1:
        raise ValueError(_("须在 0 到 1 之间"))
    return str(value)


def _bool(value: Any) -> bool:
    if not isinstance(value, bool):
        raise ValueError(_("须为 true 或 false"))
    return value


def _field_list(value: Any) -> list:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(_("须为字段名列表"))
    return value


def _region_code(value: Any) -> str:
    if not isinstance(value, str) or not re.fullmatch(r"\d{6}", value):
        raise ValueError(_("须为6位行政区划代码"))
    return value


def _level_months(value: Any) -> dict:
    """{"3": 12, "4": 6}: months between assessments per graded protection level (1–5); a level not listed has no
    periodic requirement."""
    if not isinstance(value, dict) or not value or not set(value) <= {"1", "2", "3", "4", "5"}:
        raise ValueError(_("须为 {级别: 月数},级别为1至5"))
    for months in value.values():
        _positive_int(months)
    return value


def _level(value: Any) -> int:
    if _positive_int(value) > 5:
        raise ValueError(_("须为1至5的等级保护级别"))
    return value


def _day_list(value: Any) -> list:
    if not isinstance(value, list) or not value or not all(
            isinstance(v, int) and not isinstance(v, bool) and v >= 0 for v in value):
        raise ValueError(_("须为非负整数天数的列表"))
    return value


@dataclass(frozen=True)
class Parameter:
    name: str
    article: int
    description: Any
    validate: Callable[[Any], Any]


PARAMETERS: dict[str, Parameter] = {
    p.name: p
    for p in [
        Parameter("region_code", 17, _("本级行政区划代码(项目代码第二段)"), _region_code),
        Parameter("proposal_required_fields", 7, _("入库申请必填内容"), _field_list),
        Parameter("data_sharing_required_at_proposal", 28, _("项目建议须包含数据共享内容"), _bool),
        Parameter("declaration_window", 8, _("年度集中申报窗口(每年第三季度)"), _window),
        Parameter("expert_review_threshold", 28, _("须组织专家评审的投资估算(元)(办法未规定)"),
                  lambda v: str(_decimal(v))),
        Parameter("supervision_threshold", 19, _("须实行监理的投资额(元)"), lambda v: str(_decimal(v))),
        Parameter("supervision_pool_size", 19, _("每年确定的监理单位数量"), _int_range),
        Parameter("reapproval_overrun_ratio", 20, _("须重新立项的概算超出比例"), _ratio),
        Parameter("performance_tolerance", 19, _("绩效指标偏差容差(超出须分析原因;未设定时任何偏差均须分析)"), _ratio),
        Parameter("monitoring_interval", 19, _("绩效监控报告周期(月)(办法未规定)"), _positive_int),
        Parameter("incident_schedule_slippage", 21, _("预警工程严重逾期的进度偏差率(办法未规定)"),
                  lambda v: str(_decimal(v))),
        Parameter("incident_cost_overrun", 21, _("预警投资重大损失的成本偏差率(办法未规定)"),
                  lambda v: str(_decimal(v))),
        Parameter("min_trial_run", 22, _("最短试运行期(月)"), _positive_int),
        Parameter("acceptance_window", 22, _("试运行后申请验收期限(月)"), _positive_int),
        Parameter("self_evaluation_window", 24, _("验收运行后绩效自评价期限(月)"), _int_range),
        Parameter("om_funding_rate", 12, _("运维经费占投资总额比例(办法未规定)"), _ratio),
        Parameter("duplicate_similarity_flag", 3, _("提示区发改委判断重复建设的相似度(0–1)(办法未规定)"), _ratio),
        Parameter("sharing_answer_days", 29, _("有条件共享申请的答复期限(天)(办法未规定)"), _positive_int),
        Parameter("protection_assessment_interval", 30, _("各等级保护级别的等级测评周期(月)"), _level_months),
        Parameter("crypto_assessment_level", 30, _("须开展密码应用安全性评估的最低等级保护级别"), _level),
        Parameter("crypto_assessment_interval", 30, _("密码应用安全性评估周期(月)"), _positive_int),
        Parameter("reminder_lead_days", 30, _("到期提醒的提前天数(最大者为“即将到期”的范围)"), _day_list),
    ]
}


def validate_parameters(values: Any) -> dict[str, list[str]]:
    """Errors by parameter name (empty when the profile is valid). Null means 'not set'."""
    if not isinstance(values, dict):
        return {"parameters": [str(_("须为对象"))]}
    errors: dict[str, list[str]] = {}
    for name, value in values.items():
        param = PARAMETERS.get(name)
        if param is None:
            errors[name] = [str(_("未知参数"))]
            continue
        if value is None:
            continue
        try:
            param.validate(value)
        except ValueError as exc:
            errors[name] = [str(exc)]
    return errors
