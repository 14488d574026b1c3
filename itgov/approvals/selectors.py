"""Reads of the approval records. Objects are fetched through the project's permission-checked accessor
(projects.selectors.access_project_by_id), so a missing and a forbidden object look the same (404)."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from itgov.core.errors import NotFound

from .models import (
    ApplicationDocument,
    ApprovalReview,
    Baseline,
    Budget,
    InitiationApplication,
    PanelMember,
    UnitSuspension,
)


def application_queryset() -> QuerySet[InitiationApplication]:
    return InitiationApplication.objects.select_related("project__owner_unit").prefetch_related(
        Prefetch("documents", queryset=ApplicationDocument.objects.select_related("uploaded_by")),
        "milestones", "performance_targets", "data_resources")


def current_application(project) -> InitiationApplication | None:
    """The project's latest application (number 1, or the re-approval's), with what the rules read."""
    return application_queryset().filter(project=project).order_by("-number").first()


def review_of(application) -> ApprovalReview | None:
    if application is None:
        return None
    return ApprovalReview.objects.filter(application=application).select_related("reviewer").first()


def panel_of(review) -> list[PanelMember]:
    if review is None:
        return []
    return list(review.panel.select_related("expert__employer_unit"))


def approval_case(project) -> dict:
    """What the approval rules read beside the project (rules.measures.ch3_approval): its application, DRC's
    review and the panel."""
    application = current_application(project)
    review = review_of(application)
    return {"application": application, "review": review, "panel": panel_of(review)}


def current_baseline(project) -> Baseline | None:
    return (Baseline.objects.filter(project=project).select_related("issuing_unit", "approved_by")
            .order_by("-version").first())


def baselines_of(project) -> QuerySet[Baseline]:
    return Baseline.objects.filter(project=project).select_related("issuing_unit", "approved_by").order_by("-version")


def current_budget(project) -> Budget | None:
    return (Budget.objects.filter(project=project).select_related("baseline", "recorded_by")
            .prefetch_related("lines").order_by("-revision").first())


def budgets_of(project) -> QuerySet[Budget]:
    return (Budget.objects.filter(project=project).select_related("baseline", "recorded_by")
            .prefetch_related("lines").order_by("-revision"))


def active_suspension(unit) -> UnitSuspension | None:
    """The suspension in force on `unit` or a unit above it (art. 23: a suspension covers the subtree)."""
    ancestors = [p for p in unit.path.strip("/").split("/") if p]
    return (UnitSuspension.objects.filter(lifted_at__isnull=True, unit__code__in=ancestors)
            .select_related("unit").order_by("started_at").first())


def suspensions_visible_to(user) -> QuerySet[UnitSuspension]:
    """Bureaus see every suspension; a unit sees its own (and its sub-units')."""
    from itgov.access.scoping import is_bureau_user, scope_q

    qs = UnitSuspension.objects.select_related("unit", "project", "created_by", "lifted_by")
    if is_bureau_user(user):
        return qs
    own = scope_q(user, "unit")
    return qs.filter(own) if own is not None else qs.none()


def access_suspension_by_id(user, suspension_id) -> UnitSuspension:
    try:
        pk = int(suspension_id)
    except (TypeError, ValueError):
        raise NotFound() from None
    suspension = suspensions_visible_to(user).filter(pk=pk).first()
    if suspension is None:
        raise NotFound()
    return suspension


def panel_member_for(user, project) -> PanelMember | None:
    """The user's own seat on the project's current panel (an expert), or None."""
    expert = getattr(user, "expert", None) if getattr(user, "is_authenticated", False) else None
    if expert is None:
        return None
    return (PanelMember.objects.filter(expert=expert, review__application__project=project)
            .select_related("review__application", "expert").order_by("-review__application__number").first())


def panels_of_expert(user) -> QuerySet[PanelMember]:
    """My review assignments (an expert's to-do list)."""
    from itgov.accounts.models import User

    if not isinstance(user, User) or not user.pk:
        return PanelMember.objects.none()
    return (PanelMember.objects.filter(expert__user=user)
            .select_related("review__application__project__owner_unit", "expert")
            .order_by("opinion_at", "-added_at"))


def expert_pool(project) -> QuerySet:
    """Experts of the project's jurisdiction that can be asked (active), their employer loaded."""
    from itgov.organizations.models import Expert

    return (Expert.objects.filter(jurisdiction=project.owner_unit.jurisdiction, is_active=True)
            .select_related("employer_unit").order_by("specialty", "name"))


def projects_awaiting_approval_q(user) -> Q:
    """What waits for this user in the approval stage (我的待办): DRC the submitted and reviewed applications,
    Finance the approved projects to budget, a participating unit the joint applications it has not confirmed
    as they stand now, an expert the panels still waiting for its opinion."""
    from django.db.models import Exists, OuterRef, Subquery

    from itgov.access.scoping import scope_q
    from itgov.accounts.choices import Role
    from itgov.projects.choices import ProjectStatus
    from itgov.projects.models import ProjectParticipant

    waiting = Q(pk__in=[])
    if user.has_role(Role.DRC):
        waiting |= Q(status__in=[ProjectStatus.INITIATION_SUBMITTED, ProjectStatus.UNDER_REVIEW])
    if user.has_role(Role.FINANCE):
        waiting |= Q(status=ProjectStatus.APPROVED)
    mine = scope_q(user, "unit")
    if mine is not None:
        latest = InitiationApplication.objects.filter(project=OuterRef("project")).order_by("-number")
        unconfirmed = (ProjectParticipant.objects.filter(mine, project=OuterRef("pk"))
                       .exclude(confirmed_application=Subquery(latest.values("pk")[:1]),
                                confirmed_version=Subquery(latest.values("version")[:1])))
        applied = InitiationApplication.objects.filter(project=OuterRef("pk"))
        waiting |= Q(Exists(unconfirmed), Exists(applied), status=ProjectStatus.PLANNED)
    if user.has_role(Role.EXPERT):
        seat = PanelMember.objects.filter(expert__user=user, opinion="", review__application__project=OuterRef("pk"))
        waiting |= Q(Exists(seat), status=ProjectStatus.UNDER_REVIEW)
    return waiting
