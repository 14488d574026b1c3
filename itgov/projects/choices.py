from django.db import models
from django.utils.translation import gettext_lazy as _

from itgov.rules.scope import ConstructionType, ProjectKind  # noqa: F401  (art. 2's closed lists)


class ProjectStatus(models.TextChoices):
    """The project's lifecycle (LIFECYCLE.md). Later stages are added by the issues that build them."""

    DRAFT = "draft", _("草稿")
    PROPOSED = "proposed", _("已申报入库")
    IN_RESERVE = "in_reserve", _("已入储备库")
    PLANNED = "planned", _("已列入年度计划")
    INITIATION_SUBMITTED = "initiation_submitted", _("已提交立项申请")
    UNDER_REVIEW = "under_review", _("立项审查中")
    APPROVED = "approved", _("已批复立项")
    BUDGETED = "budgeted", _("已编列预算")
    INITIATION_REJECTED = "initiation_rejected", _("立项不予批复")
    IN_CONSTRUCTION = "in_construction", _("建设中")
    SUSPENDED = "suspended", _("暂停建设")
    TRIAL_OPERATION = "trial_operation", _("试运行")
    ACCEPTANCE_APPLIED = "acceptance_applied", _("已申请验收")
    RECTIFYING = "rectifying", _("验收整改中")
    ACCEPTED = "accepted", _("已通过验收")
    IN_OPERATION = "in_operation", _("运行中")
    WITHDRAWN = "withdrawn", _("已撤回")


# The stepper on the project page: the main line of the life, in order.
MAIN_LINE = [ProjectStatus.DRAFT, ProjectStatus.PROPOSED, ProjectStatus.IN_RESERVE, ProjectStatus.PLANNED,
             ProjectStatus.INITIATION_SUBMITTED, ProjectStatus.UNDER_REVIEW, ProjectStatus.APPROVED,
             ProjectStatus.BUDGETED, ProjectStatus.IN_CONSTRUCTION, ProjectStatus.TRIAL_OPERATION,
             ProjectStatus.ACCEPTANCE_APPLIED, ProjectStatus.ACCEPTED, ProjectStatus.IN_OPERATION]
# Statuses off the main line, shown at a place on it: a suspended project is still in construction (art. 21).
# A project rectifying after a failed acceptance applies again (art. 23).
ON_LINE_AS = {ProjectStatus.SUSPENDED: ProjectStatus.IN_CONSTRUCTION,
              ProjectStatus.RECTIFYING: ProjectStatus.ACCEPTANCE_APPLIED}
# A construction plan may be declared for a reserve project, and for one continuing towards construction
# (art. 9: class A funds continuing projects in full).
CONSTRUCTION_DECLARABLE = frozenset({ProjectStatus.IN_RESERVE, ProjectStatus.PLANNED, ProjectStatus.INITIATION_SUBMITTED,
                                     ProjectStatus.UNDER_REVIEW, ProjectStatus.APPROVED, ProjectStatus.BUDGETED,
                                     ProjectStatus.IN_CONSTRUCTION, ProjectStatus.SUSPENDED})
