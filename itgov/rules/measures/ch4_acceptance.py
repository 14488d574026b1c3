"""Chapter 4 (建设和验收管理), trial operation and acceptance (art. 22): the unit runs the system on trial from day T
and applies for acceptance no earlier than T + `min_trial_run` months; an application after T +
`acceptance_window` months is late and explained. `case.subject` is the project (its `trial_started_on` is T);
`case.data` carries the input."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from itgov.rules.registry import Case, Outcome, register


def _months(params, name: str) -> int | None:
    value = params.get(name)
    return int(value) if value is not None else None


def is_late(trial_started_on: dt.date | None, day: dt.date, params) -> bool:
    """Is an application on `day` after the acceptance window (art. 22: 半年内)?"""
    from itgov.core.dates import add_months

    window = _months(params, "acceptance_window")
    return trial_started_on is not None and window is not None and day > add_months(trial_started_on, window)


@register("art22.owner_unit_applies", article=22, scope="power",
          title=_("项目建设单位完成建设并试运行后提出竣工验收申请"),
          message=_("只有项目的建设单位可以宣布完成建设、申请竣工验收"),
          actions=("acceptance.complete", "acceptance.apply", "acceptance.reapply", "acceptance.upload",
                   "acceptance.refuse_rectification"))
def owner_unit_applies(case: Case, params) -> Outcome:
    from itgov.access.scoping import is_owner_user

    if case.actor is not None and is_owner_user(case.actor, case.subject):
        return Outcome.met()
    return Outcome.violated(_("不是本项目的建设单位"))


@register("art22.trial_after_start", article=22, scope="action",
          title=_("试运行在项目开工建设之后"),
          message=_("试运行开始日期不得早于开工日期"),
          actions=("acceptance.complete",))
def trial_after_start(case: Case, params) -> Outcome:
    from itgov.core.dates import SHANGHAI

    started = case.subject.construction_started_at
    day = case.data["trial_started_on"]
    if started is not None and day < started.astimezone(SHANGHAI).date():
        return Outcome.violated(_("试运行开始日期 %(d)s 早于开工日期 %(s)s") % {
            "d": day, "s": started.astimezone(SHANGHAI).date()}, trial_started_on=_("不得早于开工日期"))
    return Outcome.met(_("试运行自 %(d)s 起") % {"d": day})


@register("art22.min_trial_run", article=22, scope="action",
          title=_("至少试运行三个月以上方可申请竣工验收"),
          message=_("试运行未满规定期限,不得申请竣工验收"),
          parameters=("min_trial_run",),
          actions=("acceptance.apply",))
def min_trial_run(case: Case, params) -> Outcome:
    from itgov.core.dates import add_months

    months, trial = _months(params, "min_trial_run"), case.subject.trial_started_on
    if months is None or trial is None:
        return Outcome.not_applicable(_("未设定最短试运行期"))
    earliest = add_months(trial, months)
    if case.on < earliest:
        return Outcome.violated(_("试运行自 %(t)s 起须满 %(m)d 个月,%(e)s 起方可申请") % {
            "t": trial, "m": months, "e": earliest}, applied_on=_("试运行未满期"))
    return Outcome.met(_("试运行自 %(t)s 起已满 %(m)d 个月") % {"t": trial, "m": months})


@register("art22.late_application_explained", article=22, scope="action",
          title=_("应在试运行后半年内申请竣工验收;逾期申请须说明原因"),
          message=_("已超过申请竣工验收的期限,须说明逾期原因"),
          parameters=("acceptance_window",),
          actions=("acceptance.apply",))
def late_application_explained(case: Case, params) -> Outcome:
    from itgov.core.dates import add_months

    months, trial = _months(params, "acceptance_window"), case.subject.trial_started_on
    if months is None or trial is None:
        return Outcome.not_applicable(_("未设定申请期限"))
    due = add_months(trial, months)
    if case.on <= due:
        return Outcome.met(_("在期限 %(d)s 内") % {"d": due})
    if not (case.data.get("late_explanation") or "").strip():
        return Outcome.violated(_("期限为 %(d)s,已逾期 %(n)d 天") % {"d": due, "n": (case.on - due).days},
                                late_explanation=_("逾期申请须说明原因"))
    return Outcome.met(_("逾期 %(n)d 天,已说明原因") % {"n": (case.on - due).days})


# --- the application's documents (art. 22, 30) ----------------------------------------------------------------

# From this graded protection level a security assessment report is part of the application (art. 30; the
# security issue's own rule on passed assessments joins it there).
SECURITY_ASSESSMENT_LEVEL = 3


def required_documents(*, supervised: bool, protection_level: int | None) -> list[str]:
    """The kinds of document an acceptance application carries (art. 22): the completion, trial-operation, test and
    financial settlement reports; the supervisor's final report for a supervised project (art. 19); the security
    assessment from level 3 (art. 30)."""
    from itgov.acceptance.choices import DocumentKind as K

    kinds = [K.COMPLETION_REPORT, K.TRIAL_REPORT, K.TEST_REPORT, K.SETTLEMENT]
    if supervised:
        kinds.append(K.SUPERVISION_REPORT)
    if protection_level is not None and protection_level >= SECURITY_ASSESSMENT_LEVEL:
        kinds.append(K.SECURITY_ASSESSMENT)
    return [str(k) for k in kinds]


@register("art22.application_documents", article=22, scope="action",
          title=_("竣工验收申请须附竣工、试运行、测试、财务决算报告,实行监理的附监理报告,三级以上系统附等级保护测评报告"),
          message=_("竣工验收申请材料不全"),
          actions=("acceptance.apply", "acceptance.reapply"))
def application_documents(case: Case, params) -> Outcome:
    """`case.data`: `required` (kinds) and `uploaded` (kinds), read under the project's lock."""
    from itgov.acceptance.choices import DocumentKind

    missing = [k for k in case.data.get("required", ()) if k not in set(case.data.get("uploaded", ()))]
    if missing:
        names = str(_("、")).join(str(DocumentKind(k).label) for k in missing)
        return Outcome.violated(_("缺少:%(n)s") % {"n": names}, documents=_("缺少:%(n)s") % {"n": names})
    return Outcome.met(_("材料齐全(%(n)d项)") % {"n": len(case.data.get("required", ()))})


# --- DRC organises the acceptance (art. 22) -------------------------------------------------------------------


@register("art22.drc_organises", article=22, scope="power",
          title=_("区发改委(大数据局)组织竣工验收,必要时组成专家工作组"),
          message=_("只有区发改委(大数据局)可以组织竣工验收、作出验收结论"),
          actions=("acceptance.schedule", "acceptance.expert_add", "acceptance.expert_remove", "acceptance.pass",
                   "acceptance.fail"))
def drc_organises(case: Case, params) -> Outcome:
    from itgov.accounts.choices import Role

    if case.actor is not None and case.actor.has_role(Role.DRC):
        return Outcome.met()
    return Outcome.violated(_("不是区发改委(大数据局)"))


@register("art22.expert_opines", article=22, scope="power",
          title=_("验收专家组成员提出验收意见"),
          message=_("只有本项目验收专家组的专家(或代为录入的区发改委人员)可以提交验收意见"),
          actions=("acceptance.opinion",))
def expert_opines(case: Case, params) -> Outcome:
    """The service gives the seat's own expert (or DRC recording the meeting) the power; this names who may."""
    from itgov.accounts.choices import Role

    if case.actor is not None and (case.actor.has_role(Role.EXPERT) or case.actor.has_role(Role.DRC)):
        return Outcome.met()
    return Outcome.violated(_("不是验收专家组的专家或区发改委(大数据局)"))


@register("art22.acceptance_after_application", article=22, scope="action",
          title=_("验收在项目建设单位提出申请之后组织"),
          message=_("验收日期不得早于验收申请日期"),
          actions=("acceptance.schedule",))
def acceptance_after_application(case: Case, params) -> Outcome:
    applied_on, day = case.data.get("applied_on"), case.data.get("scheduled_on")
    if applied_on is None or day is None:
        return Outcome.not_applicable()
    if day < applied_on:
        return Outcome.violated(_("验收日期 %(d)s 早于申请日期 %(a)s") % {"d": day, "a": applied_on},
                                scheduled_on=_("不得早于申请日期"))
    return Outcome.met(_("申请于 %(a)s,验收定于 %(d)s") % {"a": applied_on, "d": day})


@register("art22.expert_independent", article=22, scope="action",
          title=_("验收专家回避:建设单位和参建单位的人员不得验收本项目"),
          message=_("该专家所在单位是本项目的建设单位或参建单位,应当回避"),
          actions=("acceptance.expert_add",))
def expert_independent(case: Case, params) -> Outcome:
    """The conflict of interest of art. 15's panels, for the acceptance's expert group."""
    from .ch3_approval import expert_independent as panel_independent

    return panel_independent(case, params)


@register("art22.opinions_before_decision", article=22, scope="action",
          title=_("组织专家验收的,专家组全部意见提交后方可作出验收结论"),
          message=_("验收尚未组织,或专家组尚有专家未提交意见"),
          actions=("acceptance.pass", "acceptance.fail"))
def opinions_before_decision(case: Case, params) -> Outcome:
    """`case.data`: `scheduled_on` (None when not organised), `waiting` (names of experts without an opinion) and
    `decided_on`."""
    scheduled = case.data.get("scheduled_on")
    if scheduled is None:
        return Outcome.violated(_("尚未安排验收"), decided_on=_("请先安排验收日期"))
    decided = case.data.get("decided_on")
    if decided is not None and decided < scheduled:
        return Outcome.violated(_("结论日期 %(d)s 早于验收日期 %(s)s") % {"d": decided, "s": scheduled},
                                decided_on=_("不得早于验收日期"))
    waiting = case.data.get("waiting") or []
    if waiting:
        return Outcome.violated(_("待提交意见:%(n)s") % {"n": str(_("、")).join(waiting)},
                                experts=_("尚有专家未提交意见"))
    return Outcome.met(_("验收于 %(s)s 组织,专家意见齐全") % {"s": scheduled})


# --- failure, rectification and the unit's suspension (art. 23) ------------------------------------------------


@register("art23.rectification_terms", article=23, scope="action",
          title=_("未通过验收的,写明验收意见并限期整改"),
          message=_("整改期限须晚于验收结论日期"),
          actions=("acceptance.fail",))
def rectification_terms(case: Case, params) -> Outcome:
    """The findings and the deadline are required input (the form's 400); the rule judges the deadline."""
    due, decided = case.data["rectification_due_on"], case.data["decided_on"]
    if due <= decided:
        return Outcome.violated(_("整改期限 %(d)s 不晚于结论日期 %(c)s") % {"d": due, "c": decided},
                                rectification_due_on=_("整改期限须晚于结论日期"))
    return Outcome.met(_("限 %(d)s 前整改") % {"d": due})


@register("art23.rectified_before_reapply", article=23, scope="action",
          title=_("整改后应重新申请验收,并附整改报告"),
          message=_("重新申请验收须先上传验收整改报告"),
          actions=("acceptance.reapply",))
def rectified_before_reapply(case: Case, params) -> Outcome:
    """`case.data['rectification_reported']`: a rectification report uploaded after the failure."""
    if not case.data.get("rectification_reported"):
        return Outcome.violated(_("未见验收不通过之后上传的整改报告"), documents=_("须上传验收整改报告"))
    return Outcome.met(_("已上传整改报告"))


# --- filing with Finance and the asset register (art. 22) ------------------------------------------------------


@register("art22.unit_files_result", article=22, scope="power",
          title=_("项目建设单位将验收结果报财政局备案,并做好资产登记"),
          message=_("只有项目的建设单位可以报送验收结果备案、登记项目资产"),
          actions=("acceptance.file", "asset.register"))
def unit_files_result(case: Case, params) -> Outcome:
    from itgov.access.scoping import is_owner_user

    if case.actor is not None and is_owner_user(case.actor, case.subject):
        return Outcome.met()
    return Outcome.violated(_("不是本项目的建设单位"))


@register("art22.finance_receives_filing", article=22, scope="power",
          title=_("财政局接受竣工验收结果备案"),
          message=_("只有区财政局可以确认验收结果备案"),
          actions=("acceptance.receive_filing",))
def finance_receives_filing(case: Case, params) -> Outcome:
    from itgov.accounts.choices import Role

    if case.actor is not None and case.actor.has_role(Role.FINANCE):
        return Outcome.met()
    return Outcome.violated(_("不是区财政局"))
