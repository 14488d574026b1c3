"""Chapter 1 (总则): scope (art. 2), powers (art. 4), classified projects (art. 5)."""

from django.utils.translation import gettext_lazy as _

from itgov.rules.registry import Case, Outcome, register
from itgov.rules.scope import ConstructionType, ProjectKind

CLASSIFIED_CONTENT_FIELDS = ("necessity", "construction_content", "data_sharing_intent")


@register("art2.kind_and_construction_type", article=2,
          title=_("项目类别和建设性质属于办法适用范围"),
          message=_("项目类别和建设性质须为办法第二条规定的类型"),
          actions=("project.create", "project.update", "project.submit_proposal"))
def kind_and_construction_type(case: Case, params) -> Outcome:
    project = case.subject
    fields = {}
    if project.kind not in ProjectKind.values:
        fields["kind"] = _("须为第二条所列七类之一")
    if project.construction_type not in ConstructionType.values:
        fields["construction_type"] = _("须为新建、改造或升级")
    if fields:
        return Outcome.violated(_("类别或建设性质不在适用范围内"), **fields)
    return Outcome.met(f"{project.get_kind_display()} · {project.get_construction_type_display()}")


@register("art4.drc_reviews_reserve", article=4, scope="power",
          title=_("区发改委(大数据局)审核项目入库"),
          message=_("只有区发改委(大数据局)可以审核项目入库"),
          actions=("project.admit", "project.return_for_revision"))
def drc_reviews_reserve(case: Case, params) -> Outcome:
    from itgov.accounts.choices import Role

    if case.actor is not None and case.actor.has_role(Role.DRC):
        return Outcome.met()
    return Outcome.violated(_("当前用户不具有区发改委(大数据局)审核权限"))


@register("art4.audit_oversight", article=4, scope="power",
          title=_("区审计局负责审计监督:只读全部项目(涉密除外)与审计记录"),
          message=_("只有区审计局可以检索和导出审计记录"),
          actions=("audit.search", "audit.export"))
def audit_oversight(case: Case, params) -> Outcome:
    from itgov.accounts.choices import Role

    if case.actor is not None and case.actor.has_role(Role.AUDIT):
        return Outcome.met()
    return Outcome.violated(_("当前用户不具有审计监督权限"))


@register("art5.classified_visibility", article=5, scope="power",
          title=_("涉密项目仅建设单位和(申报后)区发改委(大数据局)可见"),
          message=_("涉密项目按照有关规定执行,仅建设单位和区发改委(大数据局)可见"),
          actions=("project.view",))
def classified_visibility(case: Case, params) -> Outcome:
    from itgov.access.scoping import is_owner_user
    from itgov.accounts.choices import Role

    project = case.subject
    if not project.classified:
        return Outcome.not_applicable()
    if case.actor is None:
        return Outcome.violated()
    if is_owner_user(case.actor, project):
        return Outcome.met(_("建设单位"))
    if case.actor.has_role(Role.DRC) and project.status != "draft":
        return Outcome.met(_("已申报,区发改委(大数据局)可见"))
    return Outcome.violated()


@register("art5.classified_minimal_metadata", article=5,
          title=_("涉密项目在本系统中只登记最少元数据"),
          message=_("涉密项目不得在本系统中填写建设内容等涉密信息"),
          actions=("project.create", "project.update", "project.submit_proposal"))
def classified_minimal_metadata(case: Case, params) -> Outcome:
    project = case.subject
    if not project.classified:
        return Outcome.not_applicable(_("非涉密项目"))
    filled = {name: _("涉密项目不填写此项") for name in CLASSIFIED_CONTENT_FIELDS if getattr(project, name, "")}
    if filled:
        return Outcome.violated(_("涉密项目的审批、建设等按照有关规定执行"), **filled)
    return Outcome.met(_("仅登记名称、单位、类别和投资额"))
