"""Chapter 2, art. 6: DRC compiles the district IT development plan — multi-year, with numbered key tasks,
published in versions. A published edition is never changed in place: a revision is a new edition that
supersedes it when published."""

from django.utils.translation import gettext_lazy as _

from itgov.rules.registry import Case, Outcome, register

DEVPLAN_WRITES = ("devplan.create", "devplan.update", "devplan.publish", "devplan.revise", "devplan.task.add",
                  "devplan.task.update", "devplan.task.remove")


@register("art6.drc_compiles_plan", article=6, scope="power",
          title=_("区发改委(大数据局)编制政务信息化发展规划"),
          message=_("只有区发改委(大数据局)可以编制、发布或修订发展规划"),
          actions=DEVPLAN_WRITES)
def drc_compiles_plan(case: Case, params) -> Outcome:
    from itgov.accounts.choices import Role

    if case.actor is not None and case.actor.has_role(Role.DRC):
        return Outcome.met()
    return Outcome.violated(_("当前用户不具有区发改委(大数据局)权限"))


@register("art6.published_plan_read_only", article=6, scope="action",
          title=_("已发布的发展规划不得直接修改,调整须修订为新版本"),
          message=_("发展规划已发布,不能直接修改;如需调整,请发起修订(生成新版本)"),
          actions=("devplan.update", "devplan.task.add", "devplan.task.update", "devplan.task.remove"))
def published_plan_read_only(case: Case, params) -> Outcome:
    """`case.subject`: the plan (a task's edit is judged on its plan)."""
    plan = case.subject
    if plan.status == "draft":
        return Outcome.met(_("草稿可以修改"))
    return Outcome.violated(_("当前为“%(s)s”版本") % {"s": plan.get_status_display()},
                            status=_("已发布或已被替代的版本只读"))


@register("art6.plan_has_tasks", article=6, scope="action",
          title=_("发展规划须列明重点任务"),
          message=_("发展规划至少应有一项重点任务才能发布"),
          actions=("devplan.publish",))
def plan_has_tasks(case: Case, params) -> Outcome:
    count = case.subject.tasks.count()
    if count:
        return Outcome.met(_("共%(n)d项重点任务") % {"n": count})
    return Outcome.violated(_("尚未添加重点任务"), tasks=_("请至少添加一项重点任务"))
