"""Chapter 2, continued: the annual investment plan (art. 8), its classes A/B/C (art. 9) and its adjustments
(art. 10).

The plan rules judge an edition as a whole: `case.subject` is the plan (an AnnualPlan, saved or not) and
`case.data` may carry its `lines` (PlanLine-like objects, e.g. a prospective edition's) and the projects'
class `history` in earlier issued plans; when absent they are read from the database.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from itgov.rules.registry import Case, Outcome, register

# plan.adjust: the edition an adjustment would issue, judged when it is applied for and when it is consented.
PLAN_CHECKS = ("plan.submit", "plan.cosign", "plan.issue", "plan.adjust")
LINE_EDITS = ("plan.line.add", "plan.line.update")
DRAFT_EDITS = ("plan.update", "plan.compile", "plan.allocate", "plan.line.add", "plan.line.update",
               "plan.line.delete")


def plan_lines(case: Case) -> list:
    lines = case.data.get("lines")
    if lines is None:
        plan = case.subject
        lines = list(plan.lines.select_related("project")) if plan.pk else []
    return lines


def line_key(line, field: str) -> str:
    """The field name of a line's input in a refusal: lines.<id>.<field>, or items.<project id>.<field> for a
    line not saved yet (an adjustment's)."""
    if getattr(line, "pk", None):
        return f"lines.{line.pk}.{field}"
    return f"items.{line.project_id}.{field}"


def _names(lines) -> str:
    names = [f"“{line.project.name}”" for line in lines[:3]]
    more = _("等%(n)d项") % {"n": len(lines)} if len(lines) > 3 else ""
    return "、".join(names) + str(more)


def _wan(amount: Decimal) -> str:
    from itgov.core.money import format_wan

    return format_wan(amount)


# --- powers -----------------------------------------------------------------------------------------------


@register("art8.drc_finance_compile", article=8, scope="power",
          title=_("区发改委(大数据局)会同区财政局编制年度投资计划"),
          message=_("只有区发改委(大数据局)和区财政局可以编制年度投资计划,由区发改委(大数据局)提交"),
          actions=("plan.create", *DRAFT_EDITS, "plan.submit"))
def drc_finance_compile(case: Case, params) -> Outcome:
    from itgov.accounts.choices import Role

    actor = case.actor
    if actor is not None and (actor.has_role(Role.DRC) or (case.action != "plan.submit"
                                                           and actor.has_role(Role.FINANCE))):
        return Outcome.met()
    return Outcome.violated(_("当前用户不能编制年度投资计划"))


@register("art8.finance_cosigns", article=8, scope="power",
          title=_("区财政局会签年度投资计划"),
          message=_("只有区财政局可以会签或退回待会签的年度投资计划"),
          actions=("plan.cosign", "plan.return"))
def finance_cosigns(case: Case, params) -> Outcome:
    from itgov.accounts.choices import Role

    return Outcome.met() if case.actor is not None and case.actor.has_role(Role.FINANCE) else Outcome.violated()


@register("art8.government_approves", article=8, scope="power",
          title=_("区政府审定并下达年度投资计划"),
          message=_("只有区政府可以审定下达或退回年度投资计划"),
          actions=("plan.issue", "plan.return"))
def government_approves(case: Case, params) -> Outcome:
    from itgov.accounts.choices import Role

    return Outcome.met() if case.actor is not None and case.actor.has_role(Role.GOVERNMENT) else Outcome.violated()


@register("art10.unit_applies", article=10, scope="power",
          title=_("项目单位(或其主管部门)提出计划调整申请"),
          message=_("只能为本单位的项目申请调整年度计划;年中安排结余资金由区发改委(大数据局)提出"),
          actions=("adjustment.apply", "adjustment.withdraw"))
def unit_applies(case: Case, params) -> Outcome:
    from itgov.accounts.choices import Role

    actor, adjustment = case.actor, case.subject
    if actor is None:
        return Outcome.violated()
    if getattr(adjustment, "kind", "change") == "release":
        return Outcome.met() if actor.has_role(Role.DRC) else Outcome.violated()
    return Outcome.met() if actor.has_role(Role.OWNER) else Outcome.violated()


@register("art10.drc_finance_review", article=10, scope="power",
          title=_("区发改委(大数据局)、区财政局审核计划调整申请"),
          message=_("计划调整先由区发改委(大数据局)审核,再由区财政局审核"),
          actions=("adjustment.review", "adjustment.finance_review", "adjustment.reject"))
def drc_finance_review(case: Case, params) -> Outcome:
    from itgov.accounts.choices import Role

    role = Role.FINANCE if case.action == "adjustment.finance_review" else Role.DRC
    return Outcome.met() if case.actor is not None and case.actor.has_role(role) else Outcome.violated()


@register("art10.government_consents", article=10, scope="power",
          title=_("区政府同意计划调整"),
          message=_("计划调整须经区政府同意"),
          actions=("adjustment.consent", "adjustment.reject"))
def government_consents(case: Case, params) -> Outcome:
    from itgov.accounts.choices import Role

    return Outcome.met() if case.actor is not None and case.actor.has_role(Role.GOVERNMENT) else Outcome.violated()


# --- the plan's standing -----------------------------------------------------------------------------------


@register("art8.plan_within_capacity", article=8, scope="plan",
          title=_("年度投资计划在财政承受能力范围内"),
          message=_("年度投资计划须在财政承受能力范围内编制"),
          actions=PLAN_CHECKS)
def plan_within_capacity(case: Case, params) -> Outcome:
    plan = case.subject
    capacity = case.data.get("capacity", plan.capacity)
    if capacity is None:
        if case.action in PLAN_CHECKS:
            return Outcome.violated(_("尚未填写财政承受能力"), capacity=_("必填"))
        return Outcome.pending(_("尚未填写财政承受能力"))
    total = sum((line.amount for line in plan_lines(case)), Decimal("0"))
    if total <= capacity:
        return Outcome.met(_("安排资金合计 %(t)s,财政承受能力 %(c)s") % {"t": _wan(total), "c": _wan(capacity)})
    return Outcome.violated(_("安排资金合计 %(t)s 超出财政承受能力 %(c)s,超出 %(d)s 元")
                            % {"t": _wan(total), "c": _wan(capacity), "d": total - capacity},
                            capacity=_("安排资金超出财政承受能力"))


@register("art9.a_class_in_full", article=9, scope="plan",
          title=_("A类项目全额安排且在财政承受能力之内"),
          message=_("A类项目(续建及必须开工的新建项目)须全额安排资金,且合计不得超出财政承受能力"),
          actions=PLAN_CHECKS)
def a_class_in_full(case: Case, params) -> Outcome:
    plan = case.subject
    capacity = case.data.get("capacity", plan.capacity)
    a_lines = [line for line in plan_lines(case) if line.plan_class == "A"]
    short = [line for line in a_lines if line.amount < line.requested_amount]
    if short:
        return Outcome.violated(_("%(names)s未全额安排") % {"names": _names(short)},
                                **{line_key(line, "amount"): _("A类须全额安排(申报 %(r)s)")
                                   % {"r": _wan(line.requested_amount)} for line in short})
    if capacity is None:
        return Outcome.pending(_("尚未填写财政承受能力"))
    total = sum((line.amount for line in a_lines), Decimal("0"))
    if total <= capacity:
        return Outcome.met(_("A类合计 %(t)s,财政承受能力 %(c)s") % {"t": _wan(total), "c": _wan(capacity)})
    return Outcome.violated(_("A类合计 %(t)s 超出财政承受能力 %(c)s,超出 %(d)s 元")
                            % {"t": _wan(total), "c": _wan(capacity), "d": total - capacity},
                            capacity=_("A类项目超出财政承受能力"))


@register("art9.c_prework_only", article=9, scope="plan",
          title=_("C类项目只安排前期工作经费"),
          message=_("C类项目只能安排前期工作(可行性研究等)经费,不得安排建设资金"),
          actions=(*PLAN_CHECKS, *LINE_EDITS))
def c_prework_only(case: Case, params) -> Outcome:
    bad = [line for line in plan_lines(case) if line.plan_class == "C" and line.amount != line.prework_amount]
    om = [line for line in plan_lines(case) if line.plan_class == "C" and line.line_type == "om"]
    if om:
        return Outcome.violated(_("%(names)s是运维计划,不能列为C类") % {"names": _names(om)},
                                **{line_key(line, "plan_class"): _("运维计划不能列为C类") for line in om})
    if bad:
        return Outcome.violated(_("%(names)s含建设资金") % {"names": _names(bad)},
                                **{line_key(line, "prework_amount"): _("C类的年度安排资金须全部为前期工作经费")
                                   for line in bad})
    return Outcome.met()


@register("art9.progressive", article=9, scope="plan",
          title=_("原则上按C类、B类、A类逐步推进"),
          message=_("跨类别安排须记录理由:新建项目直接列入A类须说明必须开工的理由,未列过C类的项目列入B类须说明理由"),
          actions=(*PLAN_CHECKS, *LINE_EDITS))
def progressive(case: Case, params) -> Outcome:
    from itgov.planning.plan_selectors import class_history

    lines = [line for line in plan_lines(case) if line.line_type == "construction"]
    history = case.data.get("history")
    if history is None:
        plan = case.subject
        history = class_history(plan.jurisdiction_id, plan.year, [line.project_id for line in lines])
    fields = {}
    offending = []
    for line in lines:
        earlier = history.get(line.project_id, set())
        if line.plan_class == "A" and not (earlier & {"A", "B"}) and not line.must_start_reason.strip():
            fields[line_key(line, "must_start_reason")] = _("新建项目列入A类须说明必须开工的理由")
            offending.append(line)
        elif line.plan_class == "B" and not earlier and not line.skip_reason.strip():
            fields[line_key(line, "skip_reason")] = _("未列过C类的项目列入B类须说明理由")
            offending.append(line)
    if offending:
        return Outcome.violated(_("%(names)s跨类别安排而未说明理由") % {"names": _names(offending)}, **fields)
    return Outcome.met()


# --- actions -----------------------------------------------------------------------------------------------


@register("art10.issued_plan_unchanged", article=10, scope="action",
          title=_("年度投资计划下达后不得随意变更"),
          message=_("已下达的年度投资计划不得随意变更,增补或调整须按调整程序申请;审核中的计划须退回后修改"),
          actions=DRAFT_EDITS)
def issued_plan_unchanged(case: Case, params) -> Outcome:
    plan = case.subject
    if plan.status == "draft":
        return Outcome.met()
    if plan.status in ("issued", "superseded"):
        return Outcome.violated(_("该版本已下达,不能修改;请提出计划调整申请"), plan=_("已下达的计划不能修改"))
    return Outcome.violated(_("计划正在审核,不能修改"), plan=_("审核中的计划不能修改"))


@register("art9.release_to_b", article=9, scope="action",
          title=_("年中根据A类执行情况和结余资金安排B类项目"),
          message=_("年中结余资金安排只能调减A类、调增B类项目的年度安排资金"),
          actions=("adjustment.apply",))
def release_to_b(case: Case, params) -> Outcome:
    adjustment = case.subject
    if getattr(adjustment, "kind", "change") != "release":
        return Outcome.not_applicable()
    base = {(line.project_id, line.line_type): line for line in case.data.get("base_lines", [])}
    fields = {}
    for item in case.data.get("items", []):
        line = base.get((item.project_id, item.line_type))
        key = f"items.{item.project_id}.amount"
        if line is None or item.remove or item.plan_class != line.plan_class:
            fields[key] = _("年中安排不能增减计划事项或改变类别")
        elif line.plan_class == "A" and item.amount > line.amount:
            fields[key] = _("A类只能调减")
        elif line.plan_class == "B" and item.amount < line.amount:
            fields[key] = _("B类只能调增")
        elif line.plan_class == "C":
            fields[key] = _("C类不参与年中结余资金安排")
    if fields:
        return Outcome.violated(_("%(n)d个事项不符合") % {"n": len(fields)}, **fields)
    return Outcome.met()


# --- the project's standing --------------------------------------------------------------------------------


@register("art8.in_annual_plan", article=8,
          title=_("列入已下达的年度投资计划"),
          message=_("未列入已下达的年度投资计划的项目,不得安排资金"),
          actions=())
def in_annual_plan(case: Case, params) -> Outcome:
    from itgov.core.dates import local_today
    from itgov.planning.plan_selectors import funding

    project = case.subject
    if project.status in ("draft", "proposed", "withdrawn"):
        return Outcome.not_applicable(_("尚未入储备库"))
    year = (case.on or local_today()).year
    lines = funding(project, year)
    if lines:
        return Outcome.met("; ".join(_("%(y)d年度%(c)s类,%(a)s") % {"y": year, "c": line.plan_class,
                                                                   "a": _wan(line.amount)} for line in lines))
    return Outcome.pending(_("未列入%(y)d年度已下达的年度投资计划") % {"y": year})


@register("art10.adjustment_on_current_edition", article=10, scope="action",
          title=_("调整以现行下达版本为基础"),
          message=_("调整申请所依据的计划版本已被新的版本替代,须按现行版本重新申请"),
          actions=("adjustment.apply", "adjustment.review", "adjustment.finance_review", "adjustment.consent"))
def adjustment_on_current_edition(case: Case, params) -> Outcome:
    """An adjustment is applied for, and each of its steps judged, against the edition in force (the issued
    one); once another adjustment has issued a newer edition, this one can only be rejected or withdrawn (and
    applied for again)."""
    base = case.subject.plan
    if base.status == "issued":
        return Outcome.met()
    if base.status == "superseded":
        return Outcome.violated(_("所依据的第%(n)d版已被替代") % {"n": base.edition}, plan=_("已被替代的版本"))
    return Outcome.violated(_("该计划尚未下达,编制中的计划直接修改"), plan=_("尚未下达的计划"))
