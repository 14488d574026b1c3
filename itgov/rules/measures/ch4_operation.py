"""Chapter 3–4, operation (art. 12, 23, 24): go-live only after acceptance, the self-evaluation window, O&M funding
after acceptance and the warranty. `case.subject` is the locked project; `case.data` carries the input and what the
service read for the rule (the passed acceptance, the contracts' warranties)."""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from itgov.rules.registry import Case, Outcome, register


def evaluation_window(operation_started_on: dt.date | None, params) -> tuple[dt.date | None, dt.date | None]:
    """(opens, closes): the self-evaluation is submitted from G + `self_evaluation_window.min` months and on time
    until G + `self_evaluation_window.max` months, both days included (art. 24: 投入运行后12–24个月内)."""
    from itgov.core.dates import add_months

    window = params.get("self_evaluation_window") if params else None
    if operation_started_on is None or not window:
        return None, None
    return (add_months(operation_started_on, int(window["min"])), add_months(operation_started_on, int(window["max"])))


def suggested_om_amount(estimate: Decimal | None, params) -> Decimal | None:
    """The total investment × `om_funding_rate` (art. 12: 根据项目投资总额), to the fen; None where the profile sets no
    rate (the measures give none: Finance enters the amount)."""
    rate = params.get("om_funding_rate") if params else None
    if rate is None or estimate is None:
        return None
    return (Decimal(estimate) * Decimal(str(rate))).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --- powers -------------------------------------------------------------------------------------------------


@register("art24.owner_unit_operates", article=24, scope="power",
          title=_("政务信息化项目建成后的运行维护管理实行项目建设单位负责制"),
          message=_("只有项目的建设单位可以投入运行、登记运行维护安排、报送绩效自评价"),
          actions=("operation.go_live", "operation.self_evaluate", "operation.arrange"))
def owner_unit_operates(case: Case, params) -> Outcome:
    from itgov.access.scoping import is_owner_user

    if case.actor is not None and is_owner_user(case.actor, case.subject):
        return Outcome.met()
    return Outcome.violated(_("不是本项目的建设单位"))


@register("art12.owner_unit_requests_om", article=12, scope="power",
          title=_("项目建设单位在项目竣工验收后申请质保期后的运行维护经费"),
          message=_("只有项目的建设单位可以申请运行维护经费"),
          actions=("operation.om_request",))
def owner_unit_requests_om(case: Case, params) -> Outcome:
    from itgov.access.scoping import is_owner_user

    if case.actor is not None and is_owner_user(case.actor, case.subject):
        return Outcome.met()
    return Outcome.violated(_("不是本项目的建设单位"))


@register("art12.finance_budgets_om", article=12, scope="power",
          title=_("区财政局根据项目投资总额将运行维护经费列入年度预算"),
          message=_("只有区财政局可以审核运行维护经费"),
          actions=("operation.om_decide",))
def finance_budgets_om(case: Case, params) -> Outcome:
    from itgov.accounts.choices import Role

    if case.actor is not None and case.actor.has_role(Role.FINANCE):
        return Outcome.met()
    return Outcome.violated(_("不是区财政局"))


# --- go-live (art. 23) --------------------------------------------------------------------------------------


@register("art23.accepted_before_operation", article=23, scope="action",
          title=_("未通过竣工验收的项目不得投入正式运行"),
          message=_("项目未通过竣工验收,不得投入正式运行"),
          actions=("operation.go_live",))
def accepted_before_operation(case: Case, params) -> Outcome:
    """`case.data`: `passed` (a passed acceptance on record, read under the lock) and `operation_started_on` (G),
    not before the day acceptance was passed."""
    from itgov.projects.choices import ProjectStatus

    project = case.subject
    if project.status != ProjectStatus.ACCEPTED or not case.data.get("passed"):
        return Outcome.violated(_("当前状态“%(s)s”,尚无通过的竣工验收") % {"s": project.get_status_display()},
                                operation_started_on=_("须先通过竣工验收"))
    day, accepted = case.data.get("operation_started_on"), project.accepted_on
    if day is not None and accepted is not None and day < accepted:
        return Outcome.violated(_("投入运行日期 %(d)s 早于验收通过日期 %(a)s") % {"d": day, "a": accepted},
                                operation_started_on=_("不得早于验收通过日期"))
    return Outcome.met(_("%(a)s 通过竣工验收") % {"a": accepted})


# --- the self-evaluation (art. 24) ----------------------------------------------------------------------------


@register("art24.self_evaluation_window", article=24, scope="action",
          title=_("项目通过验收并投入运行后12至24个月内开展绩效自评价,向区财政局、区发改委(大数据局)报送"),
          message=_("尚未到绩效自评价的报送期"),
          parameters=("self_evaluation_window",),
          actions=("operation.self_evaluate",))
def self_evaluation_window(case: Case, params) -> Outcome:
    """Refused before G + min months; after G + max months it is taken and marked late (the service marks it)."""
    opens, closes = evaluation_window(case.subject.operation_started_on, params)
    if opens is None:
        return Outcome.not_applicable(_("未设定自评价期限或尚未投入运行"))
    if case.on < opens:
        return Outcome.violated(_("投入运行于 %(g)s,%(o)s 起方可报送") % {
            "g": case.subject.operation_started_on, "o": opens}, submitted_on=_("未到报送期"))
    if case.on > closes:
        return Outcome.met(_("报送期限为 %(c)s,逾期 %(n)d 天") % {"c": closes, "n": (case.on - closes).days})
    return Outcome.met(_("在报送期 %(o)s 至 %(c)s 内") % {"o": opens, "c": closes})


# --- O&M funding (art. 12) -----------------------------------------------------------------------------------


@register("art12.om_after_acceptance", article=12, scope="action",
          title=_("经区发改委(大数据局)审批并通过竣工验收的项目方可申请运行维护经费"),
          message=_("未经审批或未通过竣工验收的项目,不安排运行维护经费"),
          actions=("operation.om_request",))
def om_after_acceptance(case: Case, params) -> Outcome:
    """`case.data`: `approved` (a baseline: DRC approved it) and `passed` (a passed acceptance)."""
    if not case.data.get("approved"):
        return Outcome.violated(_("项目未经区发改委(大数据局)审批"), project=_("未经审批"))
    if not case.data.get("passed"):
        return Outcome.violated(_("项目尚未通过竣工验收"), project=_("尚未通过竣工验收"))
    return Outcome.met(_("已批复立项并通过竣工验收"))


@register("art12.om_after_warranty", article=12, scope="action",
          title=_("运行维护经费用于质保期后"),
          message=_("项目仍在质保期内,质保期满后方可申请运行维护经费"),
          actions=("operation.om_request",))
def om_after_warranty(case: Case, params) -> Outcome:
    """`case.data['warranties']`: [(contract title, warranty_ends_on)] of the contracts that record one. In
    warranty through its last day; a contract without a warranty date holds none."""
    running = sorted(((end, title) for title, end in case.data.get("warranties") or () if end >= case.on),
                     reverse=True)
    if running:
        end, title = running[0]
        return Outcome.violated(_("合同“%(t)s”质保期至 %(d)s") % {"t": title, "d": end},
                                warranty_ends_on=_("质保期至 %(d)s") % {"d": end})
    return Outcome.met(_("质保期已满或未约定质保期"))
