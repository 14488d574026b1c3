"""Chapter 4 (建设和验收管理), construction control: the start of construction (art. 19) and the money spent on
it — procurement, contracts and payments checked against the approval (art. 13, 15, 20) and the issued plan
(art. 8). `case.subject` is the project; `case.data` carries the record's input (`amount`, `paid_on`,
`prework`) and, read inside the lock of the project's row, the sums already recorded."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from itgov.rules.registry import Case, Outcome, register

OWNER_RECORDS = ("construction.start", "procurement.record", "contract.record")


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

    baseline = current_baseline(case.subject)
    if baseline is None:
        return Outcome.not_applicable(_("尚无立项批复(第十三条另行拒绝)"))
    total = case.data["contracted"] + case.data["amount"]
    if total > baseline.approved_estimate:
        return Outcome.violated(_("合同合计 %(t)s 万元,超过核定概算 %(e)s 万元") % {
            "t": _wan(total), "e": _wan(baseline.approved_estimate)}, amount=_("超过核定概算"))
    return Outcome.met(_("合同合计 %(t)s 万元,核定概算 %(e)s 万元") % {
        "t": _wan(total), "e": _wan(baseline.approved_estimate)})


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
    total = case.data["paid_total"] + amount
    if total > baseline.approved_estimate:
        return Outcome.violated(_("累计支付 %(p)s 万元,超过核定概算 %(e)s 万元") % {
            "p": _wan(total), "e": _wan(baseline.approved_estimate)}, amount=_("超过核定概算"))
    return Outcome.met(_("%(y)d年累计 %(p)s 万元 / 预算 %(b)s 万元") % {"y": year, "p": _wan(in_year),
                                                                     "b": _wan(budgeted)})
