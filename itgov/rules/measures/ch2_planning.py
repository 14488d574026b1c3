"""Chapter 2 (计划和资金管理): the development plan (art. 6) and the reserve library (art. 7)."""

from django.utils.translation import gettext_lazy as _

from itgov.rules.registry import Case, Outcome, register

FIELD_LABELS = {
    "name": _("项目名称"),
    "owner_unit": _("建设单位"),
    "kind": _("项目类别"),
    "construction_type": _("建设性质"),
    "estimated_investment": _("估算总投资"),
    "responsible_person": _("项目责任人"),
    "responsible_phone": _("联系电话"),
    "necessity": _("建设必要性"),
    "construction_content": _("主要建设内容"),
    "data_sharing_intent": _("数据共享内容"),
}
CLASSIFIED_EXEMPT = {"necessity", "construction_content", "data_sharing_intent"}


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@register("art6.serves_plan_task", article=6,
          title=_("项目服务于发展规划的任务"),
          message=_("入库项目应关联政务信息化发展规划的任务;未关联的须记录入库理由"),
          actions=("project.admit",))
def serves_plan_task(case: Case, params) -> Outcome:
    project = case.subject
    if project.plan_task_id:
        return Outcome.met(_("已关联规划任务"))
    reason = (case.data.get("no_task_reason") or getattr(project, "reserve_no_task_reason", "") or "").strip()
    if reason:
        return Outcome.met(_("未关联规划任务,入库理由:%(r)s") % {"r": reason})
    if case.action == "project.admit":
        return Outcome.violated(_("未关联发展规划任务,请填写入库理由"), no_task_reason=_("必填"))
    return Outcome.pending(_("尚未关联发展规划任务"))


@register("art7.owner_unit_proposes", article=7, scope="power",
          title=_("建设单位研究提出并申报本单位项目"),
          message=_("只有项目的建设单位可以编辑、申报或撤回本项目"),
          actions=("project.create", "project.update", "project.submit_proposal", "project.withdraw"))
def owner_unit_proposes(case: Case, params) -> Outcome:
    from itgov.access.scoping import is_owner_user, unit_in_scope
    from itgov.accounts.choices import Role

    actor, project = case.actor, case.subject
    if actor is None or not actor.has_role(Role.OWNER):
        return Outcome.violated(_("当前用户不是建设单位用户"))
    if project is None:
        return Outcome.met()
    unit_ok = is_owner_user(actor, project) if project.owner_unit_id else unit_in_scope(actor, None)
    return Outcome.met() if unit_ok else Outcome.violated(_("不是本单位的项目"))


@register("art7.proposal_complete", article=7,
          title=_("入库申请内容完整"),
          message=_("入库申请内容不完整"),
          parameters=("proposal_required_fields",),
          actions=("project.submit_proposal",))
def proposal_complete(case: Case, params) -> Outcome:
    project = case.subject
    required = params.get("proposal_required_fields") or []
    missing = {}
    for name in required:
        if project.classified and name in CLASSIFIED_EXEMPT:
            continue
        value = getattr(project, f"{name}_id", None) if name == "owner_unit" else getattr(project, name, None)
        if _blank(value):
            missing[name] = _("%(f)s为必填项") % {"f": FIELD_LABELS.get(name, name)}
    if missing:
        names = "、".join(str(FIELD_LABELS.get(n, n)) for n in missing)
        if project.status == "draft" and case.action != "project.submit_proposal":
            return Outcome.pending(_("提交前须填写:%(f)s") % {"f": names})
        return Outcome.violated(_("缺少:%(f)s") % {"f": names}, **missing)
    return Outcome.met(_("必填内容齐全"))


@register("art7.return_with_reasons", article=7, scope="action",
          title=_("退回或撤回须说明理由"),
          message=_("退回修改或撤回项目须写明理由"),
          actions=("project.return_for_revision", "project.withdraw"))
def return_with_reasons(case: Case, params) -> Outcome:
    if case.action not in ("project.return_for_revision", "project.withdraw"):
        return Outcome.not_applicable()
    if _blank(case.data.get("reason")):
        return Outcome.violated(_("理由不能为空"), reason=_("必填"))
    return Outcome.met()


# --- art. 8: the Q3 declaration of next year's plans ---------------------------------------------------------


def declaration_window(year: int, params) -> tuple | None:
    """The window for plan year `year`: the profile's MM-DD start and end, in year `year - 1`, both days
    included (Asia/Shanghai). None when the profile sets no window."""
    import datetime as dt

    window = (params or {}).get("declaration_window")
    if not window:
        return None
    start = dt.date.fromisoformat(f"{year - 1}-{window['start']}")
    end = dt.date.fromisoformat(f"{year - 1}-{window['end']}")
    return start, end


@register("art8.drc_runs_declaration", article=8, scope="power",
          title=_("区发改委(大数据局)组织年度集中申报"),
          message=_("只有区发改委(大数据局)可以发起年度申报或批准申报例外"),
          actions=("declaration.open_round", "declaration.grant_exception"))
def drc_runs_declaration(case: Case, params) -> Outcome:
    from itgov.accounts.choices import Role

    if case.actor is not None and case.actor.has_role(Role.DRC):
        return Outcome.met()
    return Outcome.violated(_("当前用户不具有区发改委(大数据局)权限"))


@register("art8.units_declare", article=8, scope="power",
          title=_("各部门向区发改委(大数据局)申报本单位的建设及运维计划"),
          message=_("只有项目的建设单位可以申报或撤回本项目的年度计划"),
          actions=("declaration.declare", "declaration.withdraw"))
def units_declare(case: Case, params) -> Outcome:
    from itgov.access.scoping import is_owner_user

    project = getattr(case.subject, "project", None)
    if case.actor is not None and project is not None and is_owner_user(case.actor, project):
        return Outcome.met()
    return Outcome.violated(_("不是本单位的项目"))


@register("art8.declaration_window", article=8, scope="action",
          title=_("每年第三季度集中申报下一年度计划"),
          message=_("不在年度集中申报期内,且没有区发改委(大数据局)批准的例外"),
          parameters=("declaration_window",),
          actions=("declaration.declare", "declaration.withdraw"))
def declaration_window_open(case: Case, params) -> Outcome:
    """Met inside the window (by the day in Asia/Shanghai), or before the deadline of an exception DRC
    granted the declaring unit (case.data['exception'])."""
    line = case.subject
    window = declaration_window(line.round.year, params)
    if window is None:
        return Outcome.pending(_("本级政策未设定申报期"))
    start, end = window
    if start <= case.on <= end:
        return Outcome.met(_("申报期 %(s)s 至 %(e)s") % {"s": start, "e": end})
    exception = case.data.get("exception")
    if exception is not None and case.at is not None and case.at <= exception.deadline:
        return Outcome.met(_("依例外申报,截止 %(d)s") % {"d": exception.deadline})
    return Outcome.violated(_("申报期为 %(s)s 至 %(e)s,今天是 %(t)s") % {"s": start, "e": end, "t": case.on},
                            round=_("不在申报期内"))


@register("art8.declared_project_eligible", article=8, scope="action",
          title=_("建设计划申报储备库项目,运维计划申报已运行项目"),
          message=_("该项目不能申报此类计划"),
          actions=("declaration.declare", "plan.line.add"))
def declared_project_eligible(case: Case, params) -> Outcome:
    """`case.subject` (or, where the subject is the plan, `case.data['line']`): a line naming a project and a
    line type."""
    line = case.data.get("line", case.subject)
    project = line.project
    if project.classified:
        return Outcome.violated(_("涉密项目按照有关规定执行(第五条)"), project_id=_("涉密项目不在本系统申报"))
    if line.line_type == "construction":
        from itgov.projects.choices import CONSTRUCTION_DECLARABLE

        if project.status in CONSTRUCTION_DECLARABLE:
            return Outcome.met(_("储备库项目") if project.status == "in_reserve" else project.get_status_display())
        return Outcome.violated(_("建设计划只能申报已纳入储备库的项目(第七条)"), project_id=_("项目未入储备库"))
    if project.status == "in_operation":
        return Outcome.met(_("已投入运行"))
    return Outcome.violated(_("运维计划只能申报已投入运行的项目"), project_id=_("项目尚未投入运行"))
