"""Chapter 3 (立项审批管理, art. 13–17) with art. 23's suspension and art. 28's data-sharing precondition.

The approval rules (scope "approval") judge a project's initiation application: `case.subject` is the
project and `case.data` carries its `application` (with documents, targets, milestones and data resources
prefetched), its `review` (DRC's, or None) and `panel` (the review's members). The services build that
case (approvals.selectors.approval_case); the application page's compliance panel shows the same results.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from itgov.rules.registry import Case, Outcome, register

SUBMIT = "initiation.submit"
APPROVE = "initiation.approve"
DRC_ACTIONS = ("initiation.start_review", "initiation.return", "initiation.reject", APPROVE, "review.update",
               "panel.add", "panel.remove")
OWNER_ACTIONS = ("initiation.edit", SUBMIT, "initiation.upload", "project_code.record", "participant.add",
                 "participant.remove")


def _application(case: Case):
    return case.data.get("application")


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _no_application(case: Case) -> Outcome:
    """No application at all: the art. 14 rules refuse the submission (the others wait for its content)."""
    return _missing(case, _("尚未编制立项申请"), application=_("须先编制立项申请"))


def _missing(case: Case, reason, **fields) -> Outcome:
    """What is missing from an application is pending on the compliance panel, refused on submission."""
    if case.action in (SUBMIT, APPROVE):
        return Outcome.violated(reason, **fields)
    return Outcome.pending(reason)


# --- powers -----------------------------------------------------------------------------------------------


@register("art14.owner_unit_applies", article=14, scope="power",
          title=_("建设单位报送立项申请报告及可行性研究报告"),
          message=_("只有项目的建设单位(联合项目为牵头部门)可以编制和提交立项申请"),
          actions=OWNER_ACTIONS)
def owner_unit_applies(case: Case, params) -> Outcome:
    from itgov.access.scoping import is_owner_user

    if case.actor is not None and is_owner_user(case.actor, case.subject):
        return Outcome.met()
    return Outcome.violated(_("不是本项目的建设单位"))


@register("art16.participant_confirms", article=16, scope="power",
          title=_("参建单位确认联合可行性研究报告"),
          message=_("只有该参建单位可以确认联合申请"),
          actions=("participant.confirm",))
def participant_confirms(case: Case, params) -> Outcome:
    from itgov.access.scoping import unit_in_scope

    participant = case.data.get("participant")
    if case.actor is not None and participant is not None and unit_in_scope(case.actor, participant.unit):
        return Outcome.met()
    return Outcome.violated(_("不是该参建单位的用户"))


@register("art15.drc_approves", article=15, scope="power",
          title=_("区发改委(大数据局)对项目进行立项审批"),
          message=_("只有区发改委(大数据局)可以审查和批复立项"),
          actions=DRC_ACTIONS)
def drc_approves(case: Case, params) -> Outcome:
    from itgov.accounts.choices import Role

    if case.actor is not None and case.actor.has_role(Role.DRC):
        return Outcome.met()
    return Outcome.violated(_("当前用户不具有区发改委(大数据局)审批权限"))


@register("art28.expert_opines", article=28, scope="power",
          title=_("评审专家对其所在专家组的项目提出意见(没有账号的专家由区发改委(大数据局)代为录入)"),
          message=_("只有该项目专家组的专家可以提交评审意见"),
          actions=("panel.opinion",))
def expert_opines(case: Case, params) -> Outcome:
    from itgov.accounts.choices import Role

    member = case.data.get("member")
    expert = getattr(case.actor, "expert", None) if case.actor is not None else None
    if member is not None and expert is not None and member.expert_id == expert.pk:
        return Outcome.met()
    if member is not None and member.expert.user_id is None and case.actor is not None and case.actor.has_role(
            Role.DRC):
        return Outcome.met(_("代为录入没有账号的专家的会议意见"))
    return Outcome.violated(_("不是该专家组成员"))


@register("art15.finance_budgets", article=15, scope="power",
          title=_("区财政局根据立项批复编列项目经费预算"),
          message=_("只有区财政局可以编列项目预算"),
          actions=("budget.record", "budget.revise"))
def finance_budgets(case: Case, params) -> Outcome:
    from itgov.accounts.choices import Role

    if case.actor is not None and case.actor.has_role(Role.FINANCE):
        return Outcome.met()
    return Outcome.violated(_("当前用户不具有区财政局权限"))


@register("art23.drc_suspends", article=23, scope="power",
          title=_("区发改委(大数据局)暂缓或恢复单位的后续项目审批"),
          message=_("只有区发改委(大数据局)可以暂缓或恢复单位的项目审批"),
          actions=("suspension.create", "suspension.lift"))
def drc_suspends(case: Case, params) -> Outcome:
    from itgov.accounts.choices import Role

    if case.actor is not None and case.actor.has_role(Role.DRC):
        return Outcome.met()
    return Outcome.violated(_("当前用户不具有区发改委(大数据局)权限"))


# --- art. 13: nothing is paid or procured before approval -----------------------------------------------------


@register("art13.approved_before_spending", article=13, scope="action",
          title=_("未经立项审批,不得拨付、使用财政资金(前期工作费用除外),不得开展招投标或政府采购"),
          message=_("立项批复前不得拨付、使用财政资金或开展招标采购"),
          actions=("payment.record", "procurement.record", "contract.record"))
def approved_before_spending(case: Case, params) -> Outcome:
    """`case.subject`: the project. `case.data`: `prework` (a payment of pre-work costs, e.g. the feasibility
    study, is allowed before approval) and `on`, the day the money moved or the procurement began (the payment
    date, the announcement, the signature): a record made after the approval of something done before it is
    still spending before approval. Written once here; the construction records call it."""
    project = case.subject
    if case.action == "payment.record" and case.data.get("prework"):
        return Outcome.met(_("项目论证等前期工作费用"))
    field = {"procurement.record": "announced_on", "contract.record": "signed_on"}.get(case.action, "paid_on")
    first = project.baselines.order_by("version").first()
    if first is None:
        return Outcome.violated(_("项目尚未取得立项批复(当前状态:%(s)s)") % {"s": project.get_status_display()},
                                **{"procurement" if case.action == "procurement.record" else "amount":
                                   _("立项批复前不得办理")})
    day = case.data.get("on")
    if day is not None and day < first.approved_on:
        return Outcome.violated(_("%(d)s 早于立项批复日期 %(a)s") % {"d": day, "a": first.approved_on},
                                **{field: _("不得早于立项批复日期")})
    return Outcome.met(_("已批复立项(%(a)s)") % {"a": first.approved_on})


# --- the application (art. 14, 11, 18, 30, 28, 17, 16, 23) --------------------------------------------------


@register("art14.reports_submitted", article=14, scope="approval",
          title=_("报送立项申请报告及可行性研究报告"),
          message=_("须上传立项申请报告和可行性研究报告"),
          actions=(SUBMIT,))
def reports_submitted(case: Case, params) -> Outcome:
    from itgov.approvals.choices import REQUIRED_DOCUMENTS, DocumentKind

    application = _application(case)
    if application is None:
        return _no_application(case)
    present = {d.kind for d in application.documents.all()}
    missing = [k for k in REQUIRED_DOCUMENTS if k not in present]
    if missing:
        names = "、".join(str(DocumentKind(k).label) for k in missing)
        return _missing(case, _("缺少:%(n)s") % {"n": names}, **{f"documents.{k}": _("须上传") for k in missing})
    return Outcome.met(_("两份报告均已上传"))


@register("art14.application_complete", article=14, scope="approval",
          title=_("立项申请包含建设内容、规模、标准、技术路线、投资估算和进度安排"),
          message=_("立项申请内容不完整"),
          actions=(SUBMIT,))
def application_complete(case: Case, params) -> Outcome:
    application = _application(case)
    if application is None:
        return _no_application(case)
    texts = {"construction_content": _("建设内容"), "scale": _("建设规模"), "standards": _("建设标准"),
             "technical_approach": _("技术路线")}
    labels = {**texts, "investment": _("投资估算"), "start_date": _("计划开工"), "end_date": _("计划完工"),
              "milestones": _("进度里程碑")}
    missing = {name: _("必填") for name in texts if _blank(getattr(application, name))}
    if application.total <= 0:
        missing["investment"] = _("投资估算须大于0")
    if application.start_date is None:
        missing["start_date"] = _("必填")
    if application.end_date is None:
        missing["end_date"] = _("必填")
    elif application.start_date and application.end_date < application.start_date:
        missing["end_date"] = _("计划完工不得早于计划开工")
    if not list(application.milestones.all()):
        missing["milestones"] = _("至少填写一个进度里程碑")
    if missing:
        names = "、".join(str(labels[n]) for n in missing)
        return _missing(case, _("缺少或有误:%(n)s") % {"n": names}, **missing)
    return Outcome.met(_("总投资估算 %(t)s 万元") % {"t": application.total_wan})


@register("art11.performance_targets", article=11, scope="approval",
          title=_("设定绩效目标:产出、效益、满意度指标"),
          message=_("绩效目标须包含产出、效益和满意度指标"),
          actions=(SUBMIT,))
def performance_targets(case: Case, params) -> Outcome:
    from itgov.approvals.choices import OUTPUT_CATEGORIES, TargetCategory

    application = _application(case)
    if application is None:
        return Outcome.pending(_("尚未编制立项申请"))
    categories = {t.category for t in application.performance_targets.all()}
    missing = []
    if not categories & OUTPUT_CATEGORIES:
        missing.append(_("产出指标"))
    for category in (TargetCategory.BENEFIT, TargetCategory.SATISFACTION):
        if category not in categories:
            missing.append(TargetCategory(category).label)
    if missing:
        return _missing(case, _("缺少:%(n)s") % {"n": "、".join(str(m) for m in missing)},
                        performance_targets=_("须包含产出、效益和满意度指标"))
    return Outcome.met(_("%(n)d项绩效指标") % {"n": len(application.performance_targets.all())})


@register("art18.shared_platforms", article=18, scope="approval",
          title=_("可行性研究报告说明复用的全区统一平台"),
          message=_("须说明复用的全区统一平台;不复用的须说明理由"),
          actions=(SUBMIT,))
def shared_platforms(case: Case, params) -> Outcome:
    application = _application(case)
    if application is None:
        return Outcome.pending(_("尚未编制立项申请"))
    if application.shared_platforms:
        return Outcome.met(_("复用%(n)d个统一平台") % {"n": len(application.shared_platforms)})
    if not _blank(application.platforms_note):
        return Outcome.met(_("未复用统一平台,已说明理由"))
    return _missing(case, _("未选择复用平台,也未说明理由"), shared_platforms=_("选择复用的平台或说明理由"))


@register("art30.protection_level_planned", article=30, scope="approval",
          title=_("明确拟定的等级保护级别和安全保护措施"),
          message=_("须填写拟定的等级保护级别和安全保护措施"),
          actions=(SUBMIT,))
def protection_level_planned(case: Case, params) -> Outcome:
    application = _application(case)
    if application is None:
        return Outcome.pending(_("尚未编制立项申请"))
    missing = {}
    if application.protection_level is None:
        missing["protection_level"] = _("必填")
    if _blank(application.security_measures):
        missing["security_measures"] = _("必填")
    if missing:
        return _missing(case, _("等级保护级别或安全措施未填写"), **missing)
    return Outcome.met(_("拟定第%(n)d级") % {"n": application.protection_level})


@register("art28.application_data_sharing", article=28, scope="approval",
          title=_("可行性研究报告包含数据资源共享内容(立项审批的必备条件)"),
          message=_("立项申请须包含数据资源共享内容"),
          actions=(SUBMIT, APPROVE))
def application_data_sharing(case: Case, params) -> Outcome:
    application = _application(case)
    if application is None:
        return Outcome.pending(_("尚未编制立项申请"))
    missing = {}
    if _blank(application.data_sharing_summary):
        missing["data_sharing_summary"] = _("须说明共享需求、归集安排和共享方式")
    if not list(application.data_resources.all()):
        missing["data_resources"] = _("至少登记一项产生或使用的数据资源")
    if missing:
        return _missing(case, _("数据资源共享内容缺失或为空"), **missing)
    return Outcome.met(_("%(n)d项数据资源") % {"n": len(application.data_resources.all())})


@register("art17.project_code", article=17, scope="approval",
          title=_("通过省投资项目在线审批监管平台取得项目代码"),
          message=_("须取得有效的项目代码"),
          parameters=("region_code",),
          actions=(SUBMIT, APPROVE, "project_code.record"))
def project_code(case: Case, params) -> Outcome:
    """On `project_code.record` the candidate is `case.data['project_code']`; otherwise the project's own."""
    from itgov.approvals.codes import parse
    from itgov.core.dates import local_today
    from itgov.projects.models import Project

    project = case.subject
    recording = case.action == "project_code.record"
    raw = case.data.get("project_code") if recording else project.project_code
    if _blank(raw) and not recording:
        if case.action in (SUBMIT, APPROVE):
            return Outcome.violated(_("尚未登记项目代码"), project_code=_("请先在省投资项目在线审批监管平台申请项目代码"))
        return Outcome.pending(_("尚未登记项目代码"))
    parsed, why = parse(raw, region=params.get("region_code"), today=case.on or local_today())
    if parsed is None:
        return Outcome.violated(why, project_code=why)
    taken = Project.objects.filter(project_code=parsed.code).exclude(pk=project.pk).first()
    if taken is not None:
        why = _("项目代码已被其他项目使用")
        return Outcome.violated(why, project_code=why)
    return Outcome.met(_("%(c)s(%(t)s赋码)") % {"c": parsed.code, "t": parsed.issued})


@register("art16.joint_study_complete", article=16, scope="approval",
          title=_("联合项目的可行性研究报告包含总体框架、业务流、数据流和系统接口"),
          message=_("联合项目须说明总体框架、业务流、数据流和系统接口"),
          actions=(SUBMIT,))
def joint_study_complete(case: Case, params) -> Outcome:
    application = _application(case)
    project = case.subject
    if not list(project.participants.all()):
        return Outcome.not_applicable(_("非跨部门联合项目"))
    if application is None:
        return Outcome.pending(_("尚未编制立项申请"))
    names = ("joint_framework", "business_flow", "data_flow", "system_interfaces")
    missing = {name: _("必填") for name in names if _blank(getattr(application, name))}
    if missing:
        return _missing(case, _("联合可行性研究内容不完整"), **missing)
    return Outcome.met()


@register("art16.participants_confirmed", article=16, scope="approval",
          title=_("参建单位均已确认联合申请"),
          message=_("联合项目须经全部参建单位确认后方可报送"),
          actions=(SUBMIT,))
def participants_confirmed(case: Case, params) -> Outcome:
    application = _application(case)
    participants = list(case.subject.participants.all())
    if not participants:
        return Outcome.not_applicable(_("非跨部门联合项目"))
    if application is None:
        return Outcome.pending(_("尚未编制立项申请"))
    waiting = [p for p in participants
               if p.confirmed_application_id != application.pk or p.confirmed_version != application.version]
    if waiting:
        names = "、".join(p.unit.name for p in waiting)
        return _missing(case, _("待确认:%(n)s") % {"n": names}, participants=_("%(n)d个参建单位尚未确认") % {
            "n": len(waiting)})
    return Outcome.met(_("%(n)d个参建单位均已确认") % {"n": len(participants)})


@register("art23.unit_not_suspended", article=23, scope="approval",
          title=_("建设单位未被暂缓项目审批"),
          message=_("建设单位因验收不合格被暂缓后续项目审批"),
          actions=(SUBMIT, APPROVE))
def unit_not_suspended(case: Case, params) -> Outcome:
    from itgov.approvals.selectors import active_suspension

    suspension = active_suspension(case.subject.owner_unit)
    if suspension is None:
        return Outcome.met(_("未被暂缓"))
    return Outcome.violated(_("%(u)s自%(d)s起暂缓审批:%(r)s") % {
        "u": suspension.unit.name, "d": suspension.started_at.date(), "r": suspension.reason},
        owner_unit=_("暂缓审批中"))


# --- DRC's review (art. 28, 15) ---------------------------------------------------------------------------


@register("art28.sharing_assessed", article=28, scope="approval",
          title=_("区发改委(大数据局)对数据资源共享进行评估论证"),
          message=_("批复前须完成数据资源共享评估,且评估结论不得为“不满足”"),
          actions=(APPROVE,))
def sharing_assessed(case: Case, params) -> Outcome:
    from itgov.approvals.choices import SharingConclusion

    review = case.data.get("review")
    if review is None or not review.sharing_conclusion:
        if case.action == APPROVE:
            return Outcome.violated(_("尚未评估数据资源共享"), sharing_conclusion=_("必填"))
        return Outcome.pending(_("待区发改委(大数据局)评估"))
    if review.sharing_conclusion == SharingConclusion.INADEQUATE:
        return Outcome.violated(_("评估结论为不满足共享要求"), sharing_conclusion=_("不满足共享要求"))
    return Outcome.met(review.get_sharing_conclusion_display())


@register("art28.expert_assessment", article=28, scope="approval",
          title=_("投资额较大或经标记的项目组织专家评估论证"),
          message=_("该项目须经专家组评审,且全部专家提交意见后方可批复"),
          parameters=("expert_review_threshold",),
          actions=(APPROVE,))
def expert_assessment(case: Case, params) -> Outcome:
    application, review = _application(case), case.data.get("review")
    threshold = params.get("expert_review_threshold")
    reasons = []
    if review is not None and review.expert_panel_required:
        reasons.append(str(_("区发改委(大数据局)标记须专家评审")))
    if threshold is not None and application is not None and application.total >= Decimal(str(threshold)):
        reasons.append(str(_("投资估算达到专家评审标准")))
    panel = list(case.data.get("panel") or [])
    if not reasons:
        if panel:
            done = sum(1 for m in panel if m.opinion)
            return Outcome.met(_("自愿组织专家评审,%(d)d/%(n)d位已提交意见") % {"d": done, "n": len(panel)})
        return Outcome.not_applicable(_("无须专家评审(本级未设定投资额标准,亦未标记)") if threshold is None
                                      else _("无须专家评审"))
    why = ";".join(reasons)
    if not panel:
        return _missing(case, _("%(w)s,尚未组建专家组") % {"w": why}, panel=_("须组建专家组"))
    waiting = [m.expert.name for m in panel if not m.opinion]
    if waiting:
        return _missing(case, _("%(w)s;待提交意见:%(n)s") % {"w": why, "n": "、".join(waiting)},
                               panel=_("尚有专家未提交意见"))
    return Outcome.met(_("%(w)s;%(n)d位专家均已提交意见") % {"w": why, "n": len(panel)})


@register("art15.expert_independent", article=15, scope="action",
          title=_("评审专家回避:建设单位和参建单位的人员不得评审本项目"),
          message=_("该专家所在单位是本项目的建设单位或参建单位,应当回避"),
          actions=("panel.add",))
def expert_independent(case: Case, params) -> Outcome:
    """`case.data['expert']`: the candidate. Employer and project unit in one line of the unit tree (the same
    unit, one above the other) is a conflict of interest."""
    expert = case.data.get("expert")
    if expert is None:
        return Outcome.not_applicable()
    employer = expert.employer_unit
    if employer is None:
        return Outcome.met(_("非本区单位人员"))
    project = case.subject
    for unit in [project.owner_unit, *(p.unit for p in project.participants.all())]:
        if unit.path.startswith(employer.path) or employer.path.startswith(unit.path):
            return Outcome.violated(_("%(e)s任职于%(u)s") % {"e": expert.name, "u": employer.name},
                                    expert_id=_("应当回避"))
    return Outcome.met(_("与建设单位、参建单位无任职关系"))


@register("art15.decision_with_reasons", article=15, scope="action",
          title=_("退回修改或不予批复须写明理由"),
          message=_("退回修改或不予批复须写明理由"),
          actions=("initiation.return", "initiation.reject"))
def decision_with_reasons(case: Case, params) -> Outcome:
    if _blank(case.data.get("reason")):
        return Outcome.violated(_("理由不能为空"), reason=_("必填"))
    return Outcome.met()


@register("art15.budget_within_estimate", article=15, scope="action",
          title=_("项目预算不超过批复的总投资概算"),
          message=_("项目预算合计超过批复的总投资概算"),
          actions=("budget.record", "budget.revise"))
def budget_within_estimate(case: Case, params) -> Outcome:
    """`case.data`: the `baseline` in force and the budget's `total`."""
    from itgov.core.money import format_wan

    baseline, total = case.data.get("baseline"), case.data.get("total")
    if baseline is None:
        return Outcome.violated(_("项目尚无立项批复"), lines=_("须先取得立项批复"))
    if total > baseline.approved_estimate:
        return Outcome.violated(_("预算合计 %(t)s 万元,超过核定总投资概算 %(e)s 万元") % {
            "t": format_wan(total), "e": format_wan(baseline.approved_estimate)}, lines=_("超过批复概算"))
    return Outcome.met(_("预算 %(t)s 万元,概算 %(e)s 万元") % {"t": format_wan(total),
                                                            "e": format_wan(baseline.approved_estimate)})
