"""Chapter 4, oversight (art. 25, with art. 4's audit bureau): the audit bureau audits the projects; the owner unit
accepts the oversight and cooperates, providing the project's documents and facts truthfully — it may not refuse,
hide or misreport (不得拒绝、隐匿、瞒报). The powers (who opens a case, who answers, who exports a project's dossier)
are enforced by itgov/oversight/policies.py and cited here; a request's deadline is a rule of the action.
`case.subject` is the project; `case.data` the input."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from itgov.rules.registry import Case, Outcome, register


@register("art25.audit_bureau_audits", article=25, scope="power",
          title=_("区审计局负责政务信息化项目的审计监督:立项审计、调阅资料、结案"),
          message=_("只有区审计局可以开展审计:立项、增加被审计项目、发出调阅要求和结案"),
          actions=("oversight.case_open", "oversight.case_add_project", "oversight.request_send",
                   "oversight.case_close"))
def audit_bureau_audits(case: Case, params) -> Outcome:
    from itgov.accounts.choices import Role

    if case.actor is not None and case.actor.has_role(Role.AUDIT):
        return Outcome.met()
    return Outcome.violated(_("当前用户不是区审计局"))


@register("art25.unit_cooperates", article=25, scope="power",
          title=_("项目建设单位配合审计,如实提供建设项目有关资料和情况,不得拒绝、隐匿、瞒报"),
          message=_("只有被调阅的项目建设单位可以报送审计资料;报送后不得撤回或修改,只能补充"),
          actions=("oversight.answer_submit",))
def unit_cooperates(case: Case, params) -> Outcome:
    from itgov.access.scoping import is_owner_user

    if case.actor is not None and is_owner_user(case.actor, case.subject):
        return Outcome.met()
    return Outcome.violated(_("不是被调阅的项目建设单位"))


@register("art25.dossier_readers", article=25, scope="power",
          title=_("项目档案(全部记录、材料和事件)供审计监督导出:区审计局、区发改委(大数据局)和项目建设单位"),
          message=_("只有区审计局、区发改委(大数据局)和项目建设单位可以导出项目档案"),
          actions=("oversight.dossier_export",))
def dossier_readers(case: Case, params) -> Outcome:
    from itgov.access.scoping import is_owner_user
    from itgov.accounts.choices import Role

    actor = case.actor
    if actor is not None and (actor.has_role(Role.AUDIT) or actor.has_role(Role.DRC)
                              or is_owner_user(actor, case.subject)):
        return Outcome.met()
    return Outcome.violated(_("当前用户不能导出项目档案"))


@register("art25.request_deadline", article=25, scope="action",
          title=_("审计调阅要求须规定今天以后的报送期限"),
          message=_("报送期限须晚于今天"),
          actions=("oversight.request_send",))
def request_deadline(case: Case, params) -> Outcome:
    due = case.data.get("due_on")
    if due is None:
        return Outcome.not_applicable()
    if due <= case.on:
        return Outcome.violated(_("报送期限 %(d)s 不晚于今天 %(t)s") % {"d": due, "t": case.on},
                                due_on=_("须晚于今天"))
    return Outcome.met(_("报送期限 %(d)s") % {"d": due})
