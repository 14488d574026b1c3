"""Writes of trial operation, acceptance and rectification (art. 22, 23, 20). Each checks the power (403 citing the
article), the input (400), then the one engine — the project's row locked, its state and version (409) and the rules
with the profile in force (422) — and audits what it wrote in the same transaction."""

from __future__ import annotations

import hashlib
from typing import Any

import rules as perms
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from itgov.audit import events
from itgov.audit.services import audit_record, audit_record_now
from itgov.construction.forms import clean_input
from itgov.core.dates import local_today
from itgov.core.errors import Conflict, InvalidInput, NotFound
from itgov.core.workflow import guarded_write, permission_denied, transition
from itgov.projects.choices import ProjectStatus as S
from itgov.projects.models import Project
from itgov.rules.profiles import parameters_in_force

from . import forms as f
from .choices import Result
from .models import (
    Acceptance,
    AcceptanceApplication,
    AcceptanceDocument,
    AcceptanceExpert,
    AcceptanceFiling,
    Asset,
)
from .workflow import APPLY, COMPLETE, FAIL, PASS, REAPPLY

UPLOADABLE = frozenset({S.TRIAL_OPERATION, S.RECTIFYING})
ACCEPTED = frozenset({S.ACCEPTED, S.IN_OPERATION})


def _power(actor, permission: str, project, action: str, rule: str) -> None:
    if not perms.has_perm(permission, actor, project):
        raise permission_denied(actor=actor, obj=project, action=action, power_rule=rule)


# --- trial operation and the application (art. 22) ---------------------------------------------------------------


def trial_start(*, actor, project: Project, data: dict[str, Any], expected_version: int | None = None) -> Project:
    """The unit declares construction complete; trial operation runs from `trial_started_on` (T, art. 22)."""
    _power(actor, COMPLETE.permission, project, COMPLETE.action, COMPLETE.power_rule)
    values = clean_input(f.CompleteForm, data)
    return transition(project, COMPLETE, actor=actor, expected_version=expected_version, data=values)


def document_upload(*, actor, project: Project, data: dict[str, Any], files) -> AcceptanceDocument:
    """A file of the application (art. 22) or of the rectification (art. 23), in trial operation or rectifying."""
    _power(actor, "acceptance.upload", project, "acceptance.upload", "art22.owner_unit_applies")
    form = f.DocumentForm(data=data, files=files)
    if not form.is_valid():
        raise InvalidInput(fields={k: [str(e) for e in v] for k, v in form.errors.items()})
    upload = form.cleaned_data["file"]
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)

    def write(locked, results):
        document = AcceptanceDocument(project=locked, kind=form.cleaned_data["kind"], name=upload.name,
                                      size=upload.size, sha256=digest.hexdigest(), uploaded_by=actor)
        document.file.save(upload.name, upload, save=False)
        document.save()
        audit_record(event_type=events.ACCEPTANCE_DOCUMENT_UPLOADED, actor=actor, obj=document, project_id=locked.pk,
                     after={"kind": document.kind, "name": document.name, "size": document.size,
                            "sha256": document.sha256})
        return document

    return guarded_write("acceptance.upload", project, actor=actor, write=write, states=UPLOADABLE,
                         state_message=_("试运行或验收整改期间方可上传验收材料"))


def document_downloaded(*, actor, project: Project, document: AcceptanceDocument) -> None:
    """A file of the application was downloaded: recorded (art. 25, the trail nobody can edit)."""
    audit_record_now(event_type=events.FILE_DOWNLOADED, actor=actor, obj=document, project_id=project.pk,
                     after={"name": document.name, "sha256": document.sha256})


def acceptance_apply(*, actor, project: Project, data: dict[str, Any],
                     expected_version: int | None = None) -> Project:
    """The unit applies for completion acceptance: from T + `min_trial_run` months; after T +
    `acceptance_window` months it is late and must explain (art. 22); with the documents it must carry; never
    with an unapproved change or deviation (art. 20)."""
    _power(actor, APPLY.permission, project, APPLY.action, APPLY.power_rule)
    values = clean_input(f.ApplyForm, data)
    return transition(project, APPLY, actor=actor, expected_version=expected_version, data={
        "summary": values["summary"].strip(), "late_explanation": values["late_explanation"].strip()})


def acceptance_reapply(*, actor, project: Project, data: dict[str, Any],
                       expected_version: int | None = None) -> Project:
    """After rectifying, the unit applies again (art. 23) with its rectification report."""
    _power(actor, REAPPLY.permission, project, REAPPLY.action, REAPPLY.power_rule)
    values = clean_input(f.ReapplyForm, data)
    return transition(project, REAPPLY, actor=actor, expected_version=expected_version,
                      data={"summary": values["summary"].strip(), "late_explanation": "", "reapply": True})


def after_apply(project: Project, actor, data: dict) -> None:
    from itgov.rules.measures.ch4_acceptance import is_late

    today = local_today()
    late = not data.get("reapply") and is_late(
        project.trial_started_on, today, parameters_in_force(project.owner_unit.jurisdiction, today))
    number = (AcceptanceApplication.objects.filter(project=project).aggregate(m=Max("number"))["m"] or 0) + 1
    application = AcceptanceApplication.objects.create(
        project=project, number=number, trial_started_on=project.trial_started_on, applied_on=today, late=late,
        late_explanation=data["late_explanation"] if late else "", summary=data["summary"], applied_by=actor)
    filed = list(AcceptanceDocument.objects.filter(project=project, application__isnull=True)
                 .values_list("pk", flat=True))
    AcceptanceDocument.objects.filter(pk__in=filed).update(application=application)
    audit_record(event_type=events.ACCEPTANCE_APPLICATION_FILED, actor=actor, obj=application,
                 project_id=project.pk, after={"number": number, "late": late, "applied_on": today,
                                              "trial_started_on": project.trial_started_on, "documents": filed})


# --- DRC organises the acceptance (art. 22) ----------------------------------------------------------------------


def _application(locked: Project) -> AcceptanceApplication:
    application = AcceptanceApplication.objects.filter(project=locked).order_by("-number").first()
    if application is None:  # pragma: no cover (an applied project has one)
        raise Conflict(_("尚无竣工验收申请"))
    return application


def _open_acceptance(locked: Project) -> Acceptance:
    acceptance = Acceptance.objects.filter(application=_application(locked)).first()
    if acceptance is None:
        raise Conflict(_("请先安排验收日期"))
    if acceptance.result:
        raise Conflict(_("验收已有结论"))
    return acceptance


def acceptance_schedule(*, actor, project: Project, data: dict[str, Any]) -> Acceptance:
    """DRC sets (or moves) the day and place of the acceptance of the latest application."""
    _power(actor, "acceptance.organise", project, "acceptance.schedule", "art22.drc_organises")
    values = clean_input(f.ScheduleForm, data)
    values["location"] = values["location"].strip()
    values["note"] = values["note"].strip()
    application = AcceptanceApplication.objects.filter(project=project).order_by("-number").first()

    def write(locked, results):
        current = _application(locked)
        acceptance = Acceptance.objects.filter(application=current).first()
        before = None
        if acceptance is None:
            acceptance = Acceptance.objects.create(application=current, project=locked, organised_by=actor, **values)
        else:
            before = {"scheduled_on": acceptance.scheduled_on, "location": acceptance.location}
            for name, value in values.items():
                setattr(acceptance, name, value)
            acceptance.organised_by = actor
            acceptance.version += 1
            acceptance.save()
        audit_record(event_type=events.ACCEPTANCE_SCHEDULED, actor=actor, obj=acceptance, project_id=locked.pk,
                     before=before, after={**values, "application": current.number}, rule_results=results)
        return acceptance

    return guarded_write("acceptance.schedule", project, actor=actor, write=write, states={S.ACCEPTANCE_APPLIED},
                         state_message=_("项目已申请验收、尚无结论时方可安排验收"),
                         data={**values, "applied_on": application.applied_on if application else None})


def expert_add(*, actor, project: Project, data: dict[str, Any]) -> AcceptanceExpert:
    """DRC seats an expert of the pool in the acceptance's group, unless the expert works for a unit of the project
    (art22.expert_independent)."""
    from itgov.approvals.selectors import expert_pool

    _power(actor, "acceptance.organise", project, "acceptance.expert_add", "art22.drc_organises")
    values = clean_input(f.ExpertForm, data)
    expert = expert_pool(project).filter(pk=values["expert_id"]).first()
    if expert is None:
        raise InvalidInput(fields={"expert_id": [_("须为本区专家库中在库的专家")]})

    def write(locked, results):
        acceptance = _open_acceptance(locked)
        if acceptance.experts.filter(expert=expert).exists():
            raise Conflict(_("该专家已在验收专家组中"))
        seat = AcceptanceExpert.objects.create(acceptance=acceptance, expert=expert)
        audit_record(event_type=events.ACCEPTANCE_EXPERT_ADDED, actor=actor, obj=seat, project_id=locked.pk,
                     after={"expert": expert.name, "employer": expert.employer}, rule_results=results)
        return seat

    return guarded_write("acceptance.expert_add", project, actor=actor, write=write, states={S.ACCEPTANCE_APPLIED},
                         data={"expert": expert})


def get_seat(project: Project, seat_id) -> AcceptanceExpert:
    try:
        return (AcceptanceExpert.objects.select_related("expert", "acceptance")
                .get(pk=int(seat_id), acceptance__project=project))
    except (TypeError, ValueError, AcceptanceExpert.DoesNotExist):
        raise NotFound() from None


def expert_remove(*, actor, project: Project, seat: AcceptanceExpert) -> None:
    """DRC takes an expert off the group before the expert has given an opinion."""
    _power(actor, "acceptance.organise", project, "acceptance.expert_remove", "art22.drc_organises")

    def write(locked, results):
        fresh = AcceptanceExpert.objects.select_related("expert").filter(pk=seat.pk).first()
        if fresh is None:
            raise Conflict(_("该专家已不在验收专家组中"))
        if fresh.opinion:
            raise Conflict(_("该专家已提交意见,不能撤换"))
        _open_acceptance(locked)
        audit_record(event_type=events.ACCEPTANCE_EXPERT_REMOVED, actor=actor, obj=fresh, project_id=locked.pk,
                     before={"expert": fresh.expert.name})
        fresh.delete()

    guarded_write("acceptance.expert_remove", project, actor=actor, write=write, states={S.ACCEPTANCE_APPLIED})


def expert_opinion(*, actor, project: Project, seat: AcceptanceExpert, data: dict[str, Any]) -> AcceptanceExpert:
    """The expert's opinion (its own, or recorded by DRC from the meeting); once given it stands."""
    from itgov.accounts.choices import Role

    own = seat.expert.user_id is not None and seat.expert.user_id == getattr(actor, "pk", None)
    if not (own or (actor.has_role(Role.DRC) and perms.has_perm("acceptance.opine", actor, project))):
        raise permission_denied(actor=actor, obj=project, action="acceptance.opinion",
                                power_rule="art22.expert_opines")
    values = clean_input(f.OpinionForm, data)

    def write(locked, results):
        _open_acceptance(locked)
        now = timezone.now()
        if AcceptanceExpert.objects.filter(pk=seat.pk, opinion="").update(
                opinion=values["opinion"], opinion_text=values["opinion_text"].strip(), opinion_at=now,
                recorded_by=actor) != 1:
            raise Conflict(_("该专家已提交意见"))
        fresh = AcceptanceExpert.objects.select_related("expert").get(pk=seat.pk)
        audit_record(event_type=events.ACCEPTANCE_EXPERT_OPINION, actor=actor, obj=fresh, project_id=locked.pk,
                     after={"expert": fresh.expert.name, "opinion": fresh.opinion, "on_behalf": not own},
                     rule_results=results)
        return fresh

    return guarded_write("acceptance.opinion", project, actor=actor, write=write, states={S.ACCEPTANCE_APPLIED})


# --- the decision (art. 22, 23) ----------------------------------------------------------------------------------


def acceptance_pass(*, actor, project: Project, data: dict[str, Any], expected_version: int | None = None) -> Project:
    _power(actor, PASS.permission, project, PASS.action, PASS.power_rule)
    values = clean_input(f.PassForm, data)
    return transition(project, PASS, actor=actor, expected_version=expected_version,
                      data={**values, "findings": values["findings"].strip(), "result": Result.PASSED})


def acceptance_fail(*, actor, project: Project, data: dict[str, Any], expected_version: int | None = None) -> Project:
    """A failure: findings and a rectification deadline (art. 23). The project's second failure suspends the owner
    unit's later approvals."""
    _power(actor, FAIL.permission, project, FAIL.action, FAIL.power_rule)
    values = clean_input(f.FailForm, data)
    return transition(project, FAIL, actor=actor, expected_version=expected_version,
                      data={**values, "findings": values["findings"].strip(), "result": Result.FAILED})


def after_decision(project: Project, actor, data: dict) -> None:
    acceptance = Acceptance.objects.select_for_update().get(application=_application(project))
    acceptance.result = data["result"]
    acceptance.decided_on = data["decided_on"]
    acceptance.findings = data["findings"]
    acceptance.decided_by = actor
    acceptance.rectification_due_on = data.get("rectification_due_on")
    acceptance.version += 1
    acceptance.save()
    if acceptance.result == Result.FAILED and Acceptance.objects.filter(project=project,
                                                                      result=Result.FAILED).count() >= 2:
        _suspend_unit(acceptance, actor, _("项目“%(p)s”整改后仍未通过竣工验收(第二十三条)") % {"p": project.name})


def _suspend_unit(acceptance: Acceptance, actor, reason: str) -> None:
    """Art. 23: the owner unit's later approvals are suspended until DRC lifts it — unless one is already in force
    for the unit (it stays the one)."""
    from itgov.approvals.models import UnitSuspension

    unit = acceptance.project.owner_unit
    if UnitSuspension.objects.filter(unit=unit, lifted_at__isnull=True).exists():
        return
    suspension = UnitSuspension.objects.create(unit=unit, project=acceptance.project, reason=reason,
                                               started_at=timezone.now(), created_by=actor)
    Acceptance.objects.filter(pk=acceptance.pk).update(suspension=suspension)
    acceptance.suspension = suspension
    audit_record(event_type=events.UNIT_SUSPENDED, actor=actor, obj=suspension, project_id=acceptance.project_id,
                 after={"unit": unit.name, "reason": reason, "acceptance": acceptance.pk})


def rectification_refuse(*, actor, project: Project, data: dict[str, Any]) -> Acceptance:
    """The unit declares it will not rectify: recorded, and its later approvals are suspended (art. 23)."""
    _power(actor, "acceptance.refuse_rectification", project, "acceptance.refuse_rectification",
           "art22.owner_unit_applies")
    values = clean_input(f.RefuseForm, data)

    def write(locked, results):
        acceptance = Acceptance.objects.select_for_update().filter(
            application=_application(locked), result=Result.FAILED).first()
        if acceptance is None or acceptance.refused_at is not None:
            raise Conflict(_("已声明拒不整改"))
        acceptance.refused_at = timezone.now()
        acceptance.refusal_reason = values["reason"].strip()
        acceptance.version += 1
        acceptance.save()
        audit_record(event_type=events.ACCEPTANCE_RECTIFICATION_REFUSED, actor=actor, obj=acceptance,
                     project_id=locked.pk, reason=acceptance.refusal_reason, rule_results=results)
        _suspend_unit(acceptance, actor, _("项目“%(p)s”竣工验收未通过,建设单位拒不整改(第二十三条)") % {"p": locked.name})
        return acceptance

    return guarded_write("acceptance.refuse_rectification", project, actor=actor, write=write,
                         states={S.RECTIFYING}, state_message=_("验收整改期间方可声明拒不整改"))


def suspend_overdue_rectifications(today=None) -> int:
    """Art. 23: a failed project not applying again by its rectification deadline has its unit's later approvals
    suspended, the day after the deadline. Run each night; returns how many units it suspended. A unit suspended
    already (by DRC, or for another project) is left as it is, and judged again once that suspension is lifted."""
    from itgov.approvals.models import UnitSuspension

    today = today or local_today()
    count = 0
    overdue = (Acceptance.objects.filter(result=Result.FAILED, rectification_due_on__lt=today, suspension__isnull=True,
                                         refused_at__isnull=True, project__status=S.RECTIFYING)
               .values_list("pk", "project_id"))
    for pk, project_id in overdue:
        with transaction.atomic():
            project = Project.objects.select_for_update().select_related("owner_unit").get(pk=project_id)
            acceptance = Acceptance.objects.select_for_update().select_related("project__owner_unit").get(pk=pk)
            if project.status != S.RECTIFYING or acceptance.suspension_id is not None:
                continue
            if acceptance.application_id != _application(project).pk:  # pragma: no cover (an older failure)
                continue
            if UnitSuspension.objects.filter(unit=project.owner_unit, lifted_at__isnull=True).exists():
                continue  # already suspended: judged again the night after it is lifted
            audit_record(event_type=events.ACCEPTANCE_RECTIFICATION_OVERDUE, actor=None, obj=acceptance,
                         project_id=project.pk, after={"rectification_due_on": acceptance.rectification_due_on})
            _suspend_unit(acceptance, None, _("项目“%(p)s”竣工验收未通过,逾期(%(d)s)未整改(第二十三条)") % {
                "p": project.name, "d": acceptance.rectification_due_on})
            count += Acceptance.objects.filter(pk=pk, suspension__isnull=False).count()
    return count


# --- filing with Finance, assets (art. 22) -----------------------------------------------------------------------


def filing_record(*, actor, project: Project, data: dict[str, Any]) -> AcceptanceFiling:
    """The unit reports the passed acceptance's result to Finance for filing (art. 22)."""
    from .selectors import passed_acceptance

    _power(actor, "acceptance.file", project, "acceptance.file", "art22.unit_files_result")
    values = clean_input(f.FilingForm, data)

    def write(locked, results):
        acceptance = passed_acceptance(locked)
        if AcceptanceFiling.objects.filter(acceptance=acceptance).exists():
            raise Conflict(_("验收结果已报送备案"))
        if values["filed_on"] < acceptance.decided_on:
            raise InvalidInput(fields={"filed_on": [_("不得早于验收结论日期 %(d)s") % {"d": acceptance.decided_on}]})
        filing = AcceptanceFiling.objects.create(acceptance=acceptance, filed_by=actor, filed_on=values["filed_on"],
                                                 document_number=values["document_number"].strip(),
                                                 note=values["note"].strip())
        audit_record(event_type=events.ACCEPTANCE_FILED, actor=actor, obj=filing, project_id=locked.pk,
                     after={"filed_on": filing.filed_on, "document_number": filing.document_number})
        return filing

    return guarded_write("acceptance.file", project, actor=actor, write=write, states=ACCEPTED,
                         state_message=_("通过竣工验收后方可报送备案"))


def filing_receive(*, actor, project: Project) -> AcceptanceFiling:
    """Finance records that it received the filing."""
    _power(actor, "acceptance.receive_filing", project, "acceptance.receive_filing", "art22.finance_receives_filing")

    def write(locked, results):
        filing = AcceptanceFiling.objects.filter(acceptance__project=locked).order_by("-id").first()
        if filing is None:
            raise Conflict(_("建设单位尚未报送备案"))
        if AcceptanceFiling.objects.filter(pk=filing.pk, received_at__isnull=True).update(
                received_at=timezone.now(), received_by=actor) != 1:
            raise Conflict(_("已确认备案"))
        fresh = AcceptanceFiling.objects.get(pk=filing.pk)
        audit_record(event_type=events.ACCEPTANCE_FILING_RECEIVED, actor=actor, obj=fresh, project_id=locked.pk,
                     after={"received_at": fresh.received_at})
        return fresh

    return guarded_write("acceptance.receive_filing", project, actor=actor, write=write, states=ACCEPTED)


def asset_register(*, actor, project: Project, data: dict[str, Any]) -> Asset:
    """An asset of the accepted project, with its custodian unit and location (art. 22)."""
    from itgov.organizations.models import Unit

    from .selectors import passed_acceptance

    _power(actor, "acceptance.register_asset", project, "asset.register", "art22.unit_files_result")
    values = clean_input(f.AssetForm, data)
    unit = Unit.objects.filter(pk=values.pop("custodian_unit_id"),
                               jurisdiction_id=project.owner_unit.jurisdiction_id).first()
    if unit is None:
        raise InvalidInput(fields={"custodian_unit_id": [_("须为本区的单位")]})

    def write(locked, results):
        asset = Asset.objects.create(project=locked, acceptance=passed_acceptance(locked), custodian_unit=unit,
                                     registered_by=actor, **{**values, "name": values["name"].strip(),
                                                             "location": values["location"].strip()})
        audit_record(event_type=events.ASSET_REGISTERED, actor=actor, obj=asset, project_id=locked.pk,
                     after={**values, "custodian_unit": unit.name})
        return asset

    return guarded_write("asset.register", project, actor=actor, write=write, states=ACCEPTED,
                         state_message=_("通过竣工验收后方可登记资产"))
