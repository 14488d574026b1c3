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
