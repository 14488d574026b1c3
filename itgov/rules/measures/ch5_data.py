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


# --- the catalogue (art. 27, 29, 5) ------------------------------------------------------------------------------
# `case.subject` is the information system (or, on registration, one being built); `case.data` the input.

CATALOGUE_WRITES = ("catalogue.system_register", "catalogue.system_change", "catalogue.resource_save",
                    "catalogue.interface_save")


def _owns_or_drc(case: Case) -> bool:
    from itgov.access.scoping import unit_in_scope
    from itgov.accounts.choices import Role

    actor = case.actor
    if actor is None:
        return False
    return actor.has_role(Role.DRC) or unit_in_scope(actor, getattr(case.subject, "owner_unit", None), Role.OWNER)


@register("art27.catalogue_curation", article=27, scope="power",
          title=_("政务数据资源归区政府所有,由区发改委(大数据局)统一归集;建设单位登记本单位信息系统及其数据资源"),
          message=_("只有信息系统的建设运维单位或区发改委(大数据局)可以登记、修改该系统及其数据资源"),
          actions=CATALOGUE_WRITES)
def catalogue_curation(case: Case, params) -> Outcome:
    if _owns_or_drc(case):
        return Outcome.met()
    return Outcome.violated(_("不是该信息系统的建设运维单位"))


@register("art27.drc_publishes", article=27, scope="power",
          title=_("区发改委(大数据局)审核发布全区政务数据资源目录"),
          message=_("只有区发改委(大数据局)可以发布数据资源"),
          actions=("catalogue.resource_publish",))
def drc_publishes(case: Case, params) -> Outcome:
    from itgov.accounts.choices import Role

    if case.actor is not None and case.actor.has_role(Role.DRC):
        return Outcome.met()
    return Outcome.violated(_("不是区发改委(大数据局)"))


@register("art5.classified_outside_catalogue", article=5, scope="action",
          title=_("涉密信息系统不纳入政务数据资源目录和共享"),
          message=_("涉密信息系统按照有关规定执行,不在目录中登记数据资源"),
          actions=("catalogue.resource_save", "catalogue.interface_save"))
def classified_outside_catalogue(case: Case, params) -> Outcome:
    if getattr(case.subject, "classified", False):
        return Outcome.violated(_("该系统为涉密信息系统"), system_id=_("涉密信息系统不能登记数据资源"))
    return Outcome.met()


@register("art29.sharing_type_terms", article=29, scope="action",
          title=_("数据资源明确共享类型:有条件共享的写明共享条件,不予共享的写明法律法规或政策依据"),
          message=_("数据资源的共享类型说明不全"),
          actions=("catalogue.resource_save",))
def sharing_type_terms(case: Case, params) -> Outcome:
    """`case.data`: the resource's sharing_type, sharing_conditions, not_shared_basis and sharing_method."""
    data = case.data
    kind = data.get("sharing_type")
    if kind == "conditional" and not str(data.get("sharing_conditions") or "").strip():
        return Outcome.violated(_("有条件共享须写明共享条件"), sharing_conditions=_("有条件共享须写明共享条件"))
    if kind == "not_shared" and not str(data.get("not_shared_basis") or "").strip():
        return Outcome.violated(_("不予共享须写明法律法规或政策依据"),
                                not_shared_basis=_("不予共享须写明法律法规或政策依据"))
    if kind in ("unconditional", "conditional") and not data.get("sharing_method"):
        return Outcome.violated(_("共享的数据资源须明确共享方式"), sharing_method=_("共享的数据资源须明确共享方式"))
    return Outcome.met()


# --- sharing (art. 29) -------------------------------------------------------------------------------------------
# `case.subject` is the resource (on a request) or the request (on an answer).


@register("art29.consumer_requests", article=29, scope="power",
          title=_("使用单位按需申请有条件共享的数据资源,登记使用情况"),
          message=_("只有使用单位可以申请、撤回共享和登记使用"),
          actions=("sharing.request", "sharing.withdraw", "sharing.use"))
def consumer_requests(case: Case, params) -> Outcome:
    from itgov.accounts.choices import Role

    if case.actor is not None and case.actor.has_role(Role.OWNER):
        return Outcome.met()
    return Outcome.violated(_("不是政务部门的用户"))


@register("art29.provider_answers", article=29, scope="power",
          title=_("提供单位对有条件共享申请予以答复"),
          message=_("只有数据资源的提供单位可以答复共享申请"),
          actions=("sharing.grant", "sharing.refuse"))
def provider_answers(case: Case, params) -> Outcome:
    from itgov.access.scoping import unit_in_scope
    from itgov.accounts.choices import Role

    resource = getattr(case.subject, "resource", case.subject)
    if case.actor is not None and unit_in_scope(case.actor, getattr(resource, "provider", None), Role.OWNER):
        return Outcome.met()
    return Outcome.violated(_("不是该数据资源的提供单位"))


@register("art29.request_conditional_only", article=29, scope="action",
          title=_("无条件共享的资源通过共享接口直接使用,有条件共享的资源按申请使用,不予共享的资源不得提供"),
          message=_("该数据资源不受理共享申请"),
          actions=("sharing.request",))
def request_conditional_only(case: Case, params) -> Outcome:
    kind = getattr(case.subject, "sharing_type", None)
    if kind == "unconditional":
        return Outcome.violated(_("无条件共享的资源直接通过共享接口使用,无需申请"), resource_id=_("无需申请"))
    if kind == "not_shared":
        return Outcome.violated(_("不予共享的资源不能申请"), resource_id=_("不予共享"))
    return Outcome.met()


@register("art29.refusal_reasons", article=29, scope="action",
          title=_("提供单位不同意共享的,须说明理由"),
          message=_("不同意共享须说明理由"),
          actions=("sharing.refuse",))
def refusal_reasons(case: Case, params) -> Outcome:
    if str(case.data.get("reasons") or "").strip():
        return Outcome.met()
    return Outcome.violated(_("未说明理由"), reasons=_("须说明不同意共享的理由和依据"))


# --- a project's data resources in the catalogue (art. 27, 28) --------------------------------------------------

ACCEPTANCE_ACTIONS = ("acceptance.apply", "acceptance.reapply", "acceptance.pass")
# The project statuses before the approval (nothing declared yet to check), and those after it but before the trial
# run (the resources are registered by the acceptance: pending until then).
UNAPPROVED = ("draft", "proposed", "in_reserve", "planned", "initiation_submitted", "under_review",
              "initiation_rejected", "withdrawn")
BEFORE_TRIAL = ("approved", "budgeted", "in_construction", "suspended")


def uncatalogued(project) -> list[str]:
    """The names of the resources the approved application said the project produces for the district catalogue
    (art. 28) that none of its systems lists in the catalogue (art. 27) — matched by the declaration it was
    registered from, or by name."""
    from itgov.approvals.selectors import current_baseline
    from itgov.catalogue.models import CatalogueResource

    baseline = current_baseline(project)
    if baseline is None:
        return []
    declared = [r for r in baseline.application.data_resources.all() if r.direction == "produced" and r.into_catalogue]
    if not declared:
        return []
    listed = CatalogueResource.objects.filter(system__project=project).values_list("declared_id", "name")
    ids, names = {d for d, _n in listed}, {n.strip() for _d, n in listed}
    return [r.name for r in declared if r.pk not in ids and r.name.strip() not in names]


@register("art27.produced_resources_catalogued", article=27, scope="project",
          title=_("项目产生的数据资源纳入全区政务数据资源目录(验收时核查)"),
          message=_("立项申请中产生的数据资源尚未登记到全区政务数据资源目录"),
          actions=ACCEPTANCE_ACTIONS)
def produced_resources_catalogued(case: Case, params) -> Outcome:
    project = case.subject
    if project.classified:
        return Outcome.not_applicable(_("涉密项目按照有关规定执行"))
    if project.pk is None or project.status in UNAPPROVED:
        return Outcome.not_applicable(_("尚未批复立项"))
    missing = uncatalogued(project)
    if missing:
        names = str(_("、")).join(missing)
        if project.status in BEFORE_TRIAL and case.action not in ACCEPTANCE_ACTIONS:
            return Outcome.pending(_("验收前须登记:%(n)s") % {"n": names})
        return Outcome.violated(_("未登记:%(n)s") % {"n": names}, data_resources=_("未登记:%(n)s") % {"n": names})
    return Outcome.met(_("产生的数据资源均已登记"))


# --- intensive construction (art. 3, 18) -------------------------------------------------------------------------

# From the proposal to the approval the question is open; once approved, DRC has judged it.
BEFORE_APPROVAL = ("proposed", "in_reserve", "planned", "initiation_submitted", "under_review")


@register("art3.intensive_construction", article=3, scope="project",
          title=_("统筹规划、集约建设,避免重复建设:与已有项目、信息系统和数据资源相似的,由区发改委(大数据局)判断"),
          message=_("发现相似的已有项目、信息系统或数据资源,须由区发改委(大数据局)判断是否重复建设"),
          parameters=("duplicate_similarity_flag",))
def intensive_construction(case: Case, params) -> Outcome:
    """Pending (for DRC's judgement) while a submitted, not yet approved project has indexed look-alikes scoring at
    least the profile's `duplicate_similarity_flag`; the reason gives counts only (the names are DRC's to see, on the
    project page). The measures set no score: without one the rule does not apply."""
    from itgov.catalogue import similarity
    from itgov.catalogue.models import SimilarityKind

    project = case.subject
    if project.classified:
        return Outcome.not_applicable(_("涉密项目按照有关规定执行"))
    if project.pk is None or project.status not in BEFORE_APPROVAL:
        return Outcome.not_applicable(_("尚未申报或已批复立项"))
    threshold = params.get("duplicate_similarity_flag")
    if threshold is None:
        return Outcome.not_applicable(_("本级政策未设定"))
    found = similarity.similar_to(kind=SimilarityKind.PROJECT, obj=project, min_score=float(threshold), limit=50)
    if found:
        return Outcome.pending(_("发现%(n)d个相似度不低于%(t)s的已有项目、系统或数据资源(最高%(top).2f),请区发改委判断")
                               % {"n": len(found), "t": threshold, "top": found[0]["score"]})
    return Outcome.met(_("未发现相似度不低于%(t)s的已有项目、系统或数据资源") % {"t": threshold})
