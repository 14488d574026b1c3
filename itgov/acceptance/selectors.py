"""Reads of trial operation and acceptance (art. 22, 23): the dates that govern the application, the documents it
carries, the acceptance of the latest application and its expert group."""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch

from .choices import DocumentKind, Result
from .models import Acceptance, AcceptanceApplication, AcceptanceDocument, AcceptanceExpert


def acceptance_dates(project, params: dict, today: dt.date) -> dict:
    """Day T, the first day the unit may apply (T + `min_trial_run` months), the last day before it is late
    (T + `acceptance_window` months), and where today stands."""
    from itgov.core.dates import add_months
    from itgov.rules.measures.ch4_acceptance import is_late

    trial = project.trial_started_on
    if trial is None:
        return {"trial_started_on": None, "earliest": None, "due": None, "may_apply": False, "late": False}
    earliest = add_months(trial, int(params["min_trial_run"])) if params.get("min_trial_run") else trial
    due = add_months(trial, int(params["acceptance_window"])) if params.get("acceptance_window") else None
    return {"trial_started_on": trial, "earliest": earliest, "due": due, "may_apply": today >= earliest,
            "late": is_late(trial, today, params)}


def applications_of(project) -> list[AcceptanceApplication]:
    return list(AcceptanceApplication.objects.filter(project=project).select_related("applied_by"))


def required_kinds(project) -> list[str]:
    """What this project's application must carry (art. 22, 19, 30)."""
    from itgov.approvals.selectors import current_baseline
    from itgov.construction.models import SupervisionAppointment
    from itgov.rules.measures.ch4_acceptance import required_documents

    baseline = current_baseline(project)
    return required_documents(supervised=SupervisionAppointment.objects.filter(project=project).exists(),
                              protection_level=baseline.protection_level if baseline is not None else None)


def documents_of(project) -> list[AcceptanceDocument]:
    """Every file uploaded, newest first within a kind (nothing is ever deleted)."""
    return list(AcceptanceDocument.objects.filter(project=project).select_related("uploaded_by", "application"))


def document_checklist(project, documents: list[AcceptanceDocument] | None = None) -> list[dict]:
    """Each kind with the newest file of it and whether the application requires it."""
    documents = documents_of(project) if documents is None else documents
    required = set(required_kinds(project))
    newest: dict[str, AcceptanceDocument] = {}
    for doc in documents:
        newest.setdefault(doc.kind, doc)
    return [{"kind": kind, "label": label, "required": kind in required, "document": newest.get(kind)}
            for kind, label in DocumentKind.choices if kind in required or kind in newest
            or kind == DocumentKind.RECTIFICATION_REPORT]


def document_case(project) -> dict:
    """What art22.application_documents and art23.rectified_before_reapply look at, read under the lock: the kinds
    required, the kinds uploaded, and whether a rectification report waits to be filed with the next application."""
    uploaded = set(AcceptanceDocument.objects.filter(project=project).values_list("kind", flat=True))
    pending_report = AcceptanceDocument.objects.filter(project=project, application__isnull=True,
                                                       kind=DocumentKind.RECTIFICATION_REPORT).exists()
    return {"required": required_kinds(project), "uploaded": sorted(uploaded),
            "rectification_reported": pending_report}


def latest_application(project) -> AcceptanceApplication | None:
    return AcceptanceApplication.objects.filter(project=project).order_by("-number").first()


def acceptances_of(project) -> list[Acceptance]:
    """Every acceptance of the project, newest first, with its application, group and filing."""
    return list(Acceptance.objects.filter(project=project)
                .select_related("application", "organised_by", "decided_by", "suspension", "filing__filed_by",
                                "filing__received_by")
                .prefetch_related(Prefetch("experts", queryset=AcceptanceExpert.objects.select_related(
                    "expert__employer_unit", "recorded_by")))
                .order_by("-application__number"))


def current_acceptance(project) -> Acceptance | None:
    """The acceptance of the latest application (None when it is not organised yet)."""
    application = latest_application(project)
    if application is None:
        return None
    return (Acceptance.objects.filter(application=application)
            .select_related("application", "organised_by", "decided_by", "suspension")
            .prefetch_related(Prefetch("experts", queryset=AcceptanceExpert.objects.select_related(
                "expert__employer_unit", "recorded_by"))).first())


def passed_acceptance(project) -> Acceptance | None:
    return (Acceptance.objects.filter(project=project, result=Result.PASSED)
            .select_related("application").order_by("-application__number").first())


def decision_case(project) -> dict:
    """What the decision's rules look at, read under the lock."""
    application = latest_application(project)
    acceptance = Acceptance.objects.filter(application=application).first() if application else None
    if acceptance is None:
        return {"scheduled_on": None, "waiting": []}
    waiting = [seat.expert.name for seat in acceptance.experts.select_related("expert") if not seat.opinion]
    return {"scheduled_on": acceptance.scheduled_on, "waiting": waiting}


def seat_for(user, project) -> AcceptanceExpert | None:
    """The seat `user` holds in the group of the project's current acceptance (an expert's own)."""
    if not getattr(user, "is_authenticated", False):
        return None
    application = latest_application(project)
    return (AcceptanceExpert.objects.filter(acceptance__application=application, expert__user=user)
            .select_related("expert").first()) if application else None


# --- DRC's acceptance calendar (art. 22, 23) ---------------------------------------------------------------------

CALENDAR_KINDS = ("acceptance", "may_apply", "application_due", "rectification_due")


def calendar_entries(user, first: dt.date, last: dt.date) -> list[dict]:
    """What falls due between `first` and `last` (inclusive) on the projects `user` sees, in date order: the
    acceptances scheduled (`acceptance`), the first day a project on trial may apply (`may_apply`, T +
    `min_trial_run`) and the last day it applies on time (`application_due`, T + `acceptance_window`), and the
    rectification deadlines of failed acceptances (`rectification_due`). Each: {date, kind, project, acceptance}."""
    from django.db.models import Q

    from itgov.core.dates import add_months
    from itgov.organizations.models import Jurisdiction
    from itgov.projects.choices import ProjectStatus as S
    from itgov.projects.models import Project
    from itgov.projects.policies import visible_projects_q
    from itgov.rules.profiles import parameters_in_force

    visible = Project.objects.filter(visible_projects_q(user))
    entries: list[dict] = []
    scheduled = (Acceptance.objects.filter(project__in=visible, scheduled_on__range=(first, last))
                 .select_related("project__owner_unit", "application"))
    entries += [{"date": a.scheduled_on, "kind": "acceptance", "project": a.project, "acceptance": a}
                for a in scheduled]
    failed = (Acceptance.objects.filter(project__in=visible, result=Result.FAILED, project__status=S.RECTIFYING,
                                        rectification_due_on__range=(first, last))
              .select_related("project__owner_unit", "application"))
    entries += [{"date": a.rectification_due_on, "kind": "rectification_due", "project": a.project, "acceptance": a}
                for a in failed]
    # Only the projects whose T + `min_trial_run` or T + `acceptance_window` can fall in the range are read: per
    # jurisdiction, T from (first − the longer span − 3 days: month ends) to (last − the shorter span + 3 days).
    on_trial_all = visible.filter(status=S.TRIAL_OPERATION, trial_started_on__isnull=False)
    params_of: dict[int, dict] = {}
    window = Q(pk__in=[])
    slack = dt.timedelta(days=3)
    for jurisdiction in Jurisdiction.objects.filter(pk__in=on_trial_all.values("owner_unit__jurisdiction")):
        params = params_of[jurisdiction.pk] = parameters_in_force(jurisdiction, first)
        spans = [int(params[name]) for name in ("min_trial_run", "acceptance_window") if params.get(name)]
        if spans:
            window |= Q(owner_unit__jurisdiction=jurisdiction,
                        trial_started_on__range=(add_months(first, -max(spans)) - slack,
                                                 add_months(last, -min(spans)) + slack))
    for project in on_trial_all.filter(window).select_related("owner_unit__jurisdiction"):
        params = params_of[project.owner_unit.jurisdiction_id]
        for kind, name in (("may_apply", "min_trial_run"), ("application_due", "acceptance_window")):
            if params.get(name):
                day = add_months(project.trial_started_on, int(params[name]))
                if first <= day <= last:
                    entries.append({"date": day, "kind": kind, "project": project, "acceptance": None})
    entries.sort(key=lambda e: (e["date"], CALENDAR_KINDS.index(e["kind"]), e["project"].pk))
    return entries


# --- 我的待办 (art. 22, 23) ----------------------------------------------------------------------------------------


def awaiting_acceptance_q(user):
    """The projects whose acceptance step waits for `user`: its units' projects on trial (to apply), rectifying
    (to rectify and apply again) or accepted without the filing with Finance; for DRC those applied (to organise and
    decide); for an expert those whose group waits for its opinion; for Finance the filings to confirm."""
    from django.db.models import Exists, OuterRef, Q

    from itgov.access.scoping import scope_q
    from itgov.accounts.choices import Role
    from itgov.projects.choices import ProjectStatus as S

    from .models import AcceptanceFiling

    waiting = Q(pk__in=[])
    own = scope_q(user, "owner_unit", Role.OWNER)
    if own is not None:
        unfiled = ~Q(Exists(AcceptanceFiling.objects.filter(acceptance__project=OuterRef("pk"))))
        waiting |= own & (Q(status__in=[S.TRIAL_OPERATION, S.RECTIFYING])
                          | (Q(status__in=[S.ACCEPTED, S.IN_OPERATION]) & unfiled))
    if user.has_role(Role.DRC):
        waiting |= Q(status=S.ACCEPTANCE_APPLIED)
    if user.has_role(Role.EXPERT):
        waiting |= Q(Exists(AcceptanceExpert.objects.filter(acceptance__project=OuterRef("pk"), expert__user=user,
                                                            opinion="", acceptance__result="")))
    if user.has_role(Role.FINANCE):
        waiting |= Q(Exists(AcceptanceFiling.objects.filter(acceptance__project=OuterRef("pk"),
                                                            received_at__isnull=True)))
    return waiting


def with_acceptance_marks(qs):
    """Annotate what 我的待办 needs to name the acceptance step: `acceptance_filed`, `filing_unreceived`,
    `acceptance_open` (organised, not decided)."""
    from django.db.models import Exists, OuterRef

    from .models import AcceptanceFiling

    return qs.annotate(
        acceptance_open=Exists(Acceptance.objects.filter(project=OuterRef("pk"), result="")),
        acceptance_filed=Exists(AcceptanceFiling.objects.filter(acceptance__project=OuterRef("pk"))),
        filing_unreceived=Exists(AcceptanceFiling.objects.filter(acceptance__project=OuterRef("pk"),
                                                                 received_at__isnull=True)))
