"""Chapter 5 (数据管理与资源共享): data sharing is a precondition (art. 28)."""

from django.utils.translation import gettext_lazy as _

from itgov.rules.registry import Case, Outcome, register


@register("art28.proposal_data_sharing", article=28,
          title=_("项目建议包含数据资源共享内容"),
          message=_("项目建议须包含数据资源共享内容"),
          parameters=("data_sharing_required_at_proposal",),
          actions=("project.submit_proposal",))
def proposal_data_sharing(case: Case, params) -> Outcome:
    project = case.subject
    if project.classified:
        return Outcome.not_applicable(_("涉密项目按照有关规定执行"))
    if params.get("data_sharing_required_at_proposal") is False:
        return Outcome.not_applicable(_("本级政策未要求"))
    text = (project.data_sharing_intent or "").strip()
    if text:
        return Outcome.met(_("已填写数据共享内容"))
    if project.status == "draft" and case.action != "project.submit_proposal":
        return Outcome.pending(_("提交前须填写数据共享内容"))
    return Outcome.violated(_("数据共享内容为空"), data_sharing_intent=_("须说明产生和使用的数据资源及共享方式"))
