"""Chapter 4 (建设和验收管理), construction control: the start of construction (art. 19) and the money spent on
it — procurement, contracts and payments checked against the approval (art. 13, 15, 20) and the issued plan
(art. 8). `case.subject` is the project; `case.data` carries the record's input (`amount`, `paid_on`,
`prework`) and, read inside the lock of the project's row, the sums already recorded."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from itgov.rules.registry import Case, Outcome, register

OWNER_RECORDS = ("construction.start", "procurement.record", "contract.record", "supervision.appoint",
                 "monitoring.submit", "milestone.record", "change.submit")
# What a suspended project may not do (art. 21): everything but rectify.
SUSPENDED_BLOCKS = ("procurement.record", "contract.record", "payment.record", "supervision.appoint",
                    "monitoring.submit", "milestone.record", "change.submit")


def _wan(amount: Decimal) -> str:
    from itgov.core.money import format_wan

    return format_wan(amount)


@register("art19.owner_unit_builds", article=19, scope="power",
          title=_("项目建设单位组织实施项目建设(招标采购、合同)"),
          message=_("只有项目的建设单位可以开工、登记采购和合同"),
          actions=OWNER_RECORDS)
def owner_unit_builds(case: Case, params) -> Outcome:
    from itgov.access.scoping import is_owner_user

    if case.actor is not None and is_owner_user(case.actor, case.subject):
        return Outcome.met()
    return Outcome.violated(_("不是本项目的建设单位"))


@register("art19.payment_recorders", article=19, scope="power",
          title=_("建设单位和区财政局登记项目资金支付"),
          message=_("只有项目的建设单位或区财政局可以登记支付"),
          actions=("payment.record",))
def payment_recorders(case: Case, params) -> Outcome:
    from itgov.access.scoping import is_owner_user
    from itgov.accounts.choices import Role

    actor = case.actor
    if actor is not None and (is_owner_user(actor, case.subject) or actor.has_role(Role.FINANCE)):
        return Outcome.met()
    return Outcome.violated(_("不是本项目的建设单位或区财政局"))


@register("art19.planned_approved_budgeted", article=19, scope="action",
          title=_("列入年度投资计划、已批复立项并编列预算的项目方可开工建设"),
          message=_("项目须列入当年已下达的年度投资计划、取得立项批复并编列预算后方可开工"),
          actions=("construction.start",))
def planned_approved_budgeted(case: Case, params) -> Outcome:
    from itgov.approvals.selectors import current_baseline, current_budget
    from itgov.planning.plan_selectors import funding

    project, year = case.subject, case.on.year
    missing = {}
    if current_baseline(project) is None:
        missing["approval"] = _("尚未取得立项批复(第十五条)")
    if current_budget(project) is None:
        missing["budget"] = _("尚未编列项目预算(第十五条)")
    if not [line for line in funding(project, year) if line.line_type == "construction"]:
        missing["plan"] = _("未列入%(y)d年已下达的年度投资计划(第八条)") % {"y": year}
    if missing:
        return Outcome.violated(str(_("；")).join(str(v) for v in missing.values()), **missing)
    return Outcome.met(_("已列入%(y)d年计划,已批复,已编列预算") % {"y": year})


@register("art19.responsible_person", article=19, scope="action",
          title=_("项目建设实行责任人制度"),
          message=_("开工前须明确项目责任人"),
          actions=("construction.start",))
def responsible_person(case: Case, params) -> Outcome:
    name = (case.subject.responsible_person or "").strip()
    if name:
        return Outcome.met(name)
    return Outcome.violated(_("项目责任人未填写"), responsible_person=_("必填"))


@register("art20.contracts_within_estimate", article=20, scope="action",
          title=_("项目合同金额合计不超过批复的总投资概算"),
          message=_("合同金额合计将超过核定的总投资概算;须先按第二十条办理变更或重新审批"),
          actions=("contract.record",))
def contracts_within_estimate(case: Case, params) -> Outcome:
    from itgov.approvals.selectors import current_baseline
    from itgov.construction.selectors import effective_estimate

    baseline = current_baseline(case.subject)
    if baseline is None:
        return Outcome.not_applicable(_("尚无立项批复(第十三条另行拒绝)"))
    total, estimate = case.data["contracted"] + case.data["amount"], effective_estimate(case.subject, baseline)
    if total > estimate:
        return Outcome.violated(_("合同合计 %(t)s 万元,超过核定概算 %(e)s 万元") % {
            "t": _wan(total), "e": _wan(estimate)}, amount=_("超过核定概算"))
    return Outcome.met(_("合同合计 %(t)s 万元,核定概算 %(e)s 万元") % {"t": _wan(total), "e": _wan(estimate)})


@register("art8.payment_in_plan", article=8, scope="action",
          title=_("无计划不安排资金:支付须在项目列入当年已下达的年度投资计划后"),
          message=_("项目未列入支付年度已下达的年度投资计划,不得支付"),
          actions=("payment.record",))
def payment_in_plan(case: Case, params) -> Outcome:
    from itgov.planning.plan_selectors import funding

    year = case.data["paid_on"].year
    lines = funding(case.subject, year)
    if lines:
        return Outcome.met(_("已列入%(y)d年计划(%(c)s类)") % {"y": year, "c": lines[0].plan_class})
    if case.data.get("prework"):
        return Outcome.not_applicable(_("前期工作费用"))
    return Outcome.violated(_("%(y)d年已下达的年度投资计划中没有该项目") % {"y": year}, paid_on=_("该年度无计划安排"))


@register("art15.payment_within_budget", article=15, scope="action",
          title=_("支付不超过当年预算,累计不超过核定的总投资概算"),
          message=_("支付将超过项目当年预算或核定的总投资概算"),
          actions=("payment.record",))
def payment_within_budget(case: Case, params) -> Outcome:
    """`case.data`: `amount`, `paid_on`, `prework`, and the sums already paid: `paid_in_year`, `paid_total`."""
    from itgov.approvals.selectors import current_baseline, current_budget

    project, amount = case.subject, case.data["amount"]
    baseline, budget = current_baseline(project), current_budget(project)
    if baseline is None:
        return Outcome.not_applicable(_("尚无立项批复(前期工作费用见第十三条)"))
    year = case.data["paid_on"].year
    budgeted = sum((line.amount for line in budget.lines.all() if line.year == year), Decimal("0")) if budget else \
        Decimal("0")
    in_year = case.data["paid_in_year"] + amount
    if in_year > budgeted:
        return Outcome.violated(_("%(y)d年累计支付 %(p)s 万元,超过当年预算 %(b)s 万元") % {
            "y": year, "p": _wan(in_year), "b": _wan(budgeted)}, amount=_("超过当年预算"))
    from itgov.construction.selectors import effective_estimate

    total, estimate = case.data["paid_total"] + amount, effective_estimate(project, baseline)
    if total > estimate:
        return Outcome.violated(_("累计支付 %(p)s 万元,超过核定概算 %(e)s 万元") % {
            "p": _wan(total), "e": _wan(estimate)}, amount=_("超过核定概算"))
    return Outcome.met(_("%(y)d年累计 %(p)s 万元 / 预算 %(b)s 万元") % {"y": year, "p": _wan(in_year),
                                                                     "b": _wan(budgeted)})


# --- supervision (art. 19) -------------------------------------------------------------------------------------


def _is_drc(actor) -> bool:
    from itgov.accounts.choices import Role

    return actor is not None and actor.has_role(Role.DRC)


@register("art19.drc_keeps_pool", article=19, scope="power",
          title=_("区发改委(大数据局)每年确定具有相应监理资质的监理单位"),
          message=_("只有区发改委(大数据局)可以确定年度监理单位"),
          actions=("pool.add", "pool.remove"))
def drc_keeps_pool(case: Case, params) -> Outcome:
    return Outcome.met() if _is_drc(case.actor) else Outcome.violated(_("不是区发改委(大数据局)"))


@register("art19.pool_size", article=19, scope="action",
          title=_("每年确定2–3家监理单位"),
          message=_("该年度的监理单位已达上限"),
          parameters=("supervision_pool_size",),
          actions=("pool.add",))
def pool_size(case: Case, params) -> Outcome:
    """`case.data`: `year`, `count` (the firms already in that year's pool, read under the lock)."""
    size = params["supervision_pool_size"] or {}
    limit = size.get("max")
    if limit is None:
        return Outcome.not_applicable(_("未设定监理单位数量"))
    if case.data["count"] >= limit:
        return Outcome.violated(_("%(y)d年已确定 %(n)d 家,上限 %(m)d 家") % {
            "y": case.data["year"], "n": case.data["count"], "m": limit}, firm_id=_("已达上限"))
    return Outcome.met(_("%(y)d年第 %(n)d 家,%(lo)d–%(m)d 家") % {
        "y": case.data["year"], "n": case.data["count"] + 1, "lo": size.get("min", 1), "m": limit})


@register("art19.pool_firm_qualified", article=19, scope="action",
          title=_("备选监理单位须为具有信息系统工程监理资质的监理公司"),
          message=_("监理单位不符合条件"),
          actions=("pool.add",))
def pool_firm_qualified(case: Case, params) -> Outcome:
    """`case.data`: `firm` (a Unit), `year`, `valid_until`. The qualification is valid on the day it is named
    and into the pool's year."""
    import datetime as dt

    from itgov.organizations.choices import UnitKind

    firm, valid_until = case.data["firm"], case.data["valid_until"]
    if firm.kind != UnitKind.SUPERVISION_FIRM:
        return Outcome.violated(_("“%(f)s”不是监理单位") % {"f": firm}, firm_id=_("须为监理单位"))
    needed = max(case.on, dt.date(case.data["year"], 1, 1))
    if valid_until < needed:
        return Outcome.violated(_("资质有效期至 %(d)s,早于 %(n)s") % {"d": valid_until, "n": needed},
                                valid_until=_("资质已过期或不覆盖该年度"))
    return Outcome.met(_("资质有效期至 %(d)s") % {"d": valid_until})


@register("art19.supervisor_from_pool", article=19, scope="action",
          title=_("项目监理从区发改委(大数据局)当年确定的监理单位中选定"),
          message=_("监理单位须为委托当年确定的备选监理单位,且资质在有效期内"),
          actions=("supervision.appoint",))
def supervisor_from_pool(case: Case, params) -> Outcome:
    """`case.data`: `pool_entry` (the firm's entry named), `appointed_on` — not before the approval, so that a
    backdated appointment cannot reach back into last year's pool."""
    from itgov.approvals.selectors import current_baseline

    entry, day = case.data["pool_entry"], case.data["appointed_on"]
    baseline = current_baseline(case.subject)
    if baseline is not None and day < baseline.approved_on:
        return Outcome.violated(_("委托日期 %(d)s 早于立项批复日期 %(a)s") % {"d": day, "a": baseline.approved_on},
                                appointed_on=_("不得早于立项批复"))
    if entry is None or entry.year != day.year:
        return Outcome.violated(_("该单位不在%(y)d年确定的监理单位中") % {"y": day.year},
                                firm_id=_("不在委托当年的备选监理单位中"))
    if entry.valid_until < day:
        return Outcome.violated(_("资质有效期至 %(d)s,已过期") % {"d": entry.valid_until}, firm_id=_("资质已过期"))
    return Outcome.met(_("%(y)d年备选监理单位") % {"y": entry.year})


@register("art19.supervision_fee_in_estimate", article=19, scope="action",
          title=_("监理费用纳入项目总预算"),
          message=_("监理费须在批复概算列支的监理费以内"),
          actions=("supervision.appoint",))
def supervision_fee_in_estimate(case: Case, params) -> Outcome:
    """`case.data`: `fee`. The approved estimate's supervision-fee part (its investment breakdown) bounds it."""
    from itgov.approvals.selectors import current_baseline

    baseline = current_baseline(case.subject)
    if baseline is None:
        return Outcome.violated(_("项目尚未批复立项,概算中没有可列支的监理费"), fee=_("尚未批复立项"))
    budgeted = Decimal(str(baseline.investment_breakdown.get("supervision_fee") or "0"))
    if case.data["fee"] > budgeted:
        return Outcome.violated(_("监理费 %(f)s 万元,批复概算中的监理费 %(b)s 万元") % {
            "f": _wan(case.data["fee"]), "b": _wan(budgeted)}, fee=_("超出概算列支的监理费"))
    return Outcome.met(_("监理费 %(f)s 万元 / 概算 %(b)s 万元") % {"f": _wan(case.data["fee"]), "b": _wan(budgeted)})


@register("art19.supervisor_required", article=19, scope="action",
          title=_("投资额100万元及以上的项目须实行项目监理"),
          message=_("投资额达到监理门槛的项目,开工前须委托监理单位"),
          parameters=("supervision_threshold",),
          actions=("construction.start",))
def supervisor_required(case: Case, params) -> Outcome:
    from itgov.approvals.selectors import current_baseline
    from itgov.construction.models import SupervisionAppointment

    threshold, baseline = params["supervision_threshold"], current_baseline(case.subject)
    if threshold is None or baseline is None:
        return Outcome.not_applicable(_("未设定监理门槛或尚未批复"))
    if baseline.approved_estimate < Decimal(str(threshold)):
        return Outcome.not_applicable(_("核定概算 %(e)s 万元,低于监理门槛 %(t)s 万元") % {
            "e": _wan(baseline.approved_estimate), "t": _wan(Decimal(str(threshold)))})
    appointment = SupervisionAppointment.objects.filter(project=case.subject).select_related("firm").first()
    if appointment is None:
        return Outcome.violated(_("核定概算 %(e)s 万元,达到监理门槛 %(t)s 万元,尚未委托监理单位") % {
            "e": _wan(baseline.approved_estimate), "t": _wan(Decimal(str(threshold)))}, supervision=_("须委托监理"))
    return Outcome.met(_("监理单位:%(f)s") % {"f": appointment.firm})


@register("art19.supervisor_reports", article=19, scope="power",
          title=_("项目监理单位报送监理报告"),
          message=_("只有本项目委托的监理单位可以报送监理报告"),
          actions=("supervision.report",))
def supervisor_reports(case: Case, params) -> Outcome:
    from itgov.access.scoping import unit_in_scope
    from itgov.accounts.choices import Role
    from itgov.construction.models import SupervisionAppointment

    appointment = SupervisionAppointment.objects.filter(project=case.subject).select_related("firm").first()
    if appointment is not None and unit_in_scope(case.actor, appointment.firm, Role.SUPERVISOR):
        return Outcome.met()
    return Outcome.violated(_("不是本项目的监理单位"))


# --- performance monitoring (art. 11, 19) ------------------------------------------------------------------------


def tolerance_of(params) -> Decimal:
    """The profile's tolerance; unset means none: the measures ask a cause for any deviation (art. 19)."""
    value = params.get("performance_tolerance")
    return Decimal(str(value)) if value is not None else Decimal("0")


def beyond_tolerance(deviation: Decimal | None, achieved: bool | None, tolerance: Decimal) -> bool:
    """Does an indicator need its cause analysed (art. 19)? A number beyond the tolerance either way, or a
    target reported as not achieved."""
    if deviation is not None:
        return abs(deviation) > tolerance
    return achieved is False


@register("art19.drc_assesses", article=19, scope="power",
          title=_("区发改委(大数据局)对在建项目进行监督评估"),
          message=_("只有区发改委(大数据局)可以评估项目风险"),
          actions=("risk.assess",))
def drc_assesses(case: Case, params) -> Outcome:
    return Outcome.met() if _is_drc(case.actor) else Outcome.violated(_("不是区发改委(大数据局)"))


@register("art19.deviation_causes", article=19, scope="action",
          title=_("实时进行绩效监控,对与绩效目标存在偏差的指标进行原因分析"),
          message=_("偏差超出容差的绩效指标须说明原因"),
          parameters=("performance_tolerance",),
          actions=("monitoring.submit",))
def deviation_causes(case: Case, params) -> Outcome:
    """`case.data["values"]`: each target's `position`, `indicator`, `deviation`, `achieved`, `cause`."""
    tolerance = tolerance_of(params)
    missing = {f"values.{i}.cause": _("偏差超出容差,须分析原因") for i, v in enumerate(case.data["values"])
               if beyond_tolerance(v["deviation"], v["achieved"], tolerance) and not (v.get("cause") or "").strip()}
    if missing:
        names = [case.data["values"][int(k.split(".")[1])]["indicator"] for k in missing]
        return Outcome.violated(_("容差 %(t)s%%,未说明原因的指标:%(n)s") % {
            "t": f"{tolerance * 100:.2f}".rstrip("0").rstrip("."), "n": str(_("、")).join(names)}, **missing)
    return Outcome.met(_("容差 %(t)s%%") % {"t": f"{tolerance * 100:.2f}".rstrip("0").rstrip(".")})


# --- change control (art. 20) --------------------------------------------------------------------------------------

CONTENT_KINDS = frozenset({"content", "scale", "standards", "technical"})


def classify_change(kinds, increase_ratio: Decimal, params) -> str:
    """Art. 20: an increase of the estimate at or above `reapproval_overrun_ratio` of the approved estimate →
    re-approval; a smaller change of the estimate, or of content, scale, standards or technical approach →
    the change procedure; the schedule alone → recorded."""
    ratio = params.get("reapproval_overrun_ratio")
    if ratio is not None and increase_ratio >= Decimal(str(ratio)):
        return "reapproval"
    if "estimate" in kinds or CONTENT_KINDS & set(kinds):
        return "procedure"
    return "schedule_only"


@register("art20.drc_decides_change", article=20, scope="power",
          title=_("区发改委(大数据局)办理项目变更手续"),
          message=_("只有区发改委(大数据局)可以审批变更申请"),
          actions=("change.decide",))
def drc_decides_change(case: Case, params) -> Outcome:
    return Outcome.met() if _is_drc(case.actor) else Outcome.violated(_("不是区发改委(大数据局)"))


@register("art20.one_open_change", article=20, scope="action",
          title=_("变更逐项办理:上一项变更办结前不得提出新的变更"),
          message=_("项目尚有未办结的变更申请"),
          actions=("change.submit",))
def one_open_change(case: Case, params) -> Outcome:
    from itgov.construction.selectors import open_changes

    pending = open_changes(case.subject)
    if pending:
        return Outcome.violated(_("第%(n)d号变更申请尚未办结(%(s)s)") % {
            "n": pending[0].number, "s": pending[0].get_status_display()})
    return Outcome.met()


@register("art20.reapproval_over_ratio", article=20, scope="action",
          title=_("投资概算超出已批复总投资10%(含)以上的,必须重新立项"),
          message=_("投资概算超出已批复总投资的比例达到重新立项标准,不能按变更手续批准"),
          parameters=("reapproval_overrun_ratio",),
          actions=("change.decide",))
def reapproval_over_ratio(case: Case, params) -> Outcome:
    """`case.data`: `change` (the request), `decision`. Judged again with the profile in force at the decision."""
    change = case.data["change"]
    if case.data.get("decision") != "approve":
        return Outcome.not_applicable(_("不予批准"))
    if classify_change(change.kinds, change.increase_ratio, params) == "reapproval":
        return Outcome.violated(_("增加 %(r)s%%,达到 %(t)s%%") % {
            "r": f"{change.increase_ratio * 100:.2f}",
            "t": f"{Decimal(str(params['reapproval_overrun_ratio'])) * 100:.0f}"})
    return Outcome.met(_("增加 %(r)s%%") % {"r": f"{change.increase_ratio * 100:.2f}"})


@register("art20.no_unapproved_deviation", article=20, scope="project",
          title=_("不得随意变更技术方案和投资规模,否则不予验收"),
          message=_("项目存在未经批准的变更或超概算,不予验收"),
          actions=("acceptance.apply", "acceptance.reapply", "acceptance.pass"))
def no_unapproved_deviation(case: Case, params) -> Outcome:
    from itgov.construction.selectors import deviations

    project = case.subject
    if project.pk is None or not project.baselines.exists():
        return Outcome.not_applicable(_("尚未批复立项"))
    found = deviations(project)
    if found:
        return Outcome.violated(str(_("；")).join(str(d["label"]) for d in found))
    return Outcome.met(_("无未经批准的变更"))


# --- incidents, rectification, suspension (art. 21) -------------------------------------------------------------


@register("art21.owner_unit_reports", article=21, scope="power",
          title=_("项目建设单位及时报告严重逾期、重大损失等问题并整改"),
          message=_("只有项目的建设单位可以报告问题、报送整改情况"),
          actions=("incident.report", "rectification.respond"))
def owner_unit_reports(case: Case, params) -> Outcome:
    from itgov.access.scoping import is_owner_user

    if case.actor is not None and is_owner_user(case.actor, case.subject):
        return Outcome.met()
    return Outcome.violated(_("不是本项目的建设单位"))


@register("art21.competent_bureaus", article=21, scope="power",
          title=_("相关部门依照职能要求项目建设单位整改或暂停项目建设"),
          message=_("只有区发改委(大数据局)或区财政局可以下达整改、暂停或恢复项目建设"),
          actions=("incident.dismiss", "rectification.order", "rectification.review", "construction.suspend",
                   "construction.resume"))
def competent_bureaus(case: Case, params) -> Outcome:
    from itgov.accounts.choices import Role

    actor = case.actor
    if actor is not None and (actor.has_role(Role.DRC) or actor.has_role(Role.FINANCE)):
        return Outcome.met()
    return Outcome.violated(_("不是区发改委(大数据局)或区财政局"))


@register("art21.not_suspended", article=21, scope="action",
          title=_("暂停建设的项目只能整改"),
          message=_("项目已暂停建设,恢复前只能整改"),
          actions=SUSPENDED_BLOCKS)
def not_suspended(case: Case, params) -> Outcome:
    from itgov.projects.choices import ProjectStatus

    if case.subject.status == ProjectStatus.SUSPENDED:
        return Outcome.violated(_("项目暂停建设中"))
    return Outcome.met()
