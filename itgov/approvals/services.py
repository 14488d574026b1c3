"""Writes of the initiation approval (art. 13–17, 23, 28). Each one: the power (403 citing the article),
the input's shape (400 with the field), the state and version (409), the rules with the profile in force
(422 with rule and article), then the write and its audit event in one transaction. Status changes go
through the engine (core.workflow) with the transitions of `workflow`."""

from __future__ import annotations

import hashlib
from decimal import Decimal
from typing import Any

import rules as perms
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from itgov.audit import events
from itgov.audit.services import audit_record, audit_record_now
from itgov.core.dates import local_today
from itgov.core.errors import Conflict, InvalidInput, NotFound, RuleViolation
from itgov.core.workflow import permission_denied, transition
from itgov.organizations.models import Expert, Unit
from itgov.projects.choices import ProjectStatus
from itgov.projects.models import Project, ProjectParticipant
from itgov.rules.profiles import parameters_in_force
from itgov.rules.registry import Case, enforce

from . import forms as f
from .choices import Decision
from .models import (
    INVESTMENT_FIELDS,
    ApplicationDocument,
    ApprovalReview,
    Baseline,
    Budget,
    BudgetLine,
    DataResource,
    InitiationApplication,
    Milestone,
    PanelMember,
    PerformanceTarget,
    UnitSuspension,
)
from .selectors import approval_case, current_application
from .workflow import APPROVE, RECORD_BUDGET, REJECT, RETURN, REVISE_BUDGET, START_REVIEW, SUBMIT

# The unit prepares its application while the project waits in the annual plan (or was returned to it).
EDITABLE = frozenset({ProjectStatus.PLANNED})
# A project code is recorded before the application is in DRC's hands (art. 17: before approval).
CODE_EDITABLE = frozenset({ProjectStatus.DRAFT, ProjectStatus.PROPOSED, ProjectStatus.IN_RESERVE,
                           ProjectStatus.PLANNED})
# Participants join a joint project while it is prepared (art. 16).
PARTICIPANTS_EDITABLE = frozenset({ProjectStatus.DRAFT, ProjectStatus.IN_RESERVE, ProjectStatus.PLANNED})
APPLICATION_SCALARS = tuple(f.ApplicationForm.Meta.fields)


def _power(actor, perm: str, obj, action: str, rule: str, project=None) -> None:
    if not perms.has_perm(perm, actor, obj):
        raise permission_denied(actor=actor, obj=project if project is not None else obj, action=action,
                                power_rule=rule)


def _check(action: str, project: Project, actor, data: dict | None = None) -> list[dict]:
    """The rules bound to `action` (profile in force today); a refusal is audited."""
    case = Case(subject=project, actor=actor, action=action, data=data or {}, on=local_today(), at=timezone.now())
    try:
        return enforce(action, case, parameters_in_force(project.owner_unit.jurisdiction, case.on))
    except RuleViolation as exc:
        audit_record_now(event_type=events.RULE_REFUSED, actor=actor, obj=project, reason=action,
                         rule_results=exc.violations or [{"rule": exc.rule, "article": exc.article}])
        raise


def _state(project: Project, allowed, message) -> None:
    if project.status not in allowed:
        raise Conflict(message % {"s": project.get_status_display()})


def _hold(project: Project, allowed) -> None:
    """Inside the caller's transaction: the project must still be in one of `allowed` (locks its row on
    PostgreSQL, takes SQLite's write lock); otherwise someone changed it meanwhile — 409."""
    if Project.objects.filter(pk=project.pk, status__in=list(allowed)).update(updated_at=timezone.now()) != 1:
        raise Conflict(_("项目状态已变化,请刷新后重试"))


def _cas(model, obj, expected_version: int | None, **changes) -> None:
    version = obj.version if expected_version is None else expected_version
    if model.objects.filter(pk=obj.pk, version=version).update(version=F("version") + 1, **changes) != 1:
        raise Conflict(_("对象已被他人修改,请刷新后重试"))


# --- the application (art. 14, 11, 18, 28, 30, 16) ---------------------------------------------------------


def application_snapshot(application: InitiationApplication | None) -> dict[str, Any]:
    if application is None:
        return {}
    data = {name: getattr(application, name) for name in APPLICATION_SCALARS}
    data["milestones"] = [{"name": m.name, "due_date": m.due_date} for m in application.milestones.all()]
    data["performance_targets"] = [{"category": t.category, "indicator": t.indicator, "unit": t.unit,
                                    "target": t.target} for t in application.performance_targets.all()]
    data["data_resources"] = [{"name": r.name, "direction": r.direction, "sharing_type": r.sharing_type,
                               "into_catalogue": r.into_catalogue, "source_or_use": r.source_or_use}
                              for r in application.data_resources.all()]
    data["version"] = application.version
    return data


def application_save(*, actor, project: Project, data: dict[str, Any], expected_version: int | None = None
                     ) -> InitiationApplication:
    """Create or edit the project's application. Fields left out keep their values; a list given
    (milestones, performance_targets, data_resources) replaces the old one. Any change asks the
    participants of a joint project to confirm again (their confirmation names the version)."""
    _power(actor, "approvals.edit_application", project, "initiation.edit", "art14.owner_unit_applies")
    _state(project, EDITABLE, _("当前状态“%(s)s”不能编制立项申请;须已列入年度投资计划,且未提交或已退回"))
    application = current_application(project)
    before = application_snapshot(application)
    scalars = {k: v for k, v in data.items() if k in APPLICATION_SCALARS}
    unknown = sorted(set(data) - set(APPLICATION_SCALARS) - set(f.ROW_FORMS))
    if unknown:
        raise InvalidInput(fields={name: _("不允许的字段") for name in unknown})
    if application is None:
        merged = dict.fromkeys(INVESTMENT_FIELDS, "0")
    else:
        merged = {name: "" if before.get(name) is None else before[name] for name in APPLICATION_SCALARS}
    merged.update({k: ("" if v is None else v) for k, v in scalars.items()})
    form = f.ApplicationForm(data=merged)
    errors = f.form_errors(form) if not form.is_valid() else {}
    rows: dict[str, list[dict]] = {}
    for key, form_class in f.ROW_FORMS.items():
        if key in data:
            rows[key], row_errors = f.clean_rows(key, data[key], form_class)
            errors.update(row_errors)
    if errors:
        raise InvalidInput(fields=errors)
    if application is not None and expected_version is not None and application.version != expected_version:
        raise Conflict(_("立项申请已被他人修改(当前版本%(v)d),请刷新后重试") % {"v": application.version})
    values = {name: form.cleaned_data[name] for name in APPLICATION_SCALARS}
    with transaction.atomic():
        _hold(project, EDITABLE)
        if application is None:
            try:
                with transaction.atomic():
                    application = InitiationApplication.objects.create(project=project, number=1, created_by=actor,
                                                                       **values)
            except IntegrityError:
                raise Conflict(_("立项申请已由他人创建,请刷新后重试")) from None
        else:
            _cas(InitiationApplication, application, expected_version, updated_at=timezone.now(), **values)
        _replace_rows(application, rows)
        fresh = current_application(project)
        after = application_snapshot(fresh)
        changed = {k for k in after if before.get(k) != after.get(k)}
        audit_record(event_type=events.APPLICATION_SAVED, actor=actor, obj=fresh, project_id=project.pk,
                     before={k: v for k, v in before.items() if k in changed},
                     after={k: v for k, v in after.items() if k in changed})
    return fresh


def _replace_rows(application: InitiationApplication, rows: dict[str, list[dict]]) -> None:
    models = {"milestones": Milestone, "performance_targets": PerformanceTarget, "data_resources": DataResource}
    for key, clean in rows.items():
        model = models[key]
        model.objects.filter(application=application).delete()
        model.objects.bulk_create([model(application=application, **row) for row in clean])


def document_upload(*, actor, project: Project, data: dict[str, Any], files) -> ApplicationDocument:
    """A report file (art. 14). The application must exist; the upload is a change participants confirm."""
    _power(actor, "approvals.edit_application", project, "initiation.upload", "art14.owner_unit_applies")
    _state(project, EDITABLE, _("当前状态“%(s)s”不能上传申请材料"))
    form = f.UploadForm(data=data, files=files)
    if not form.is_valid():
        raise InvalidInput(fields=f.form_errors(form))
    upload = form.cleaned_data["file"]
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    with transaction.atomic():
        _hold(project, EDITABLE)
        application = current_application(project)
        if application is None:
            application = InitiationApplication.objects.create(project=project, number=1, created_by=actor)
        _cas(InitiationApplication, application, None, updated_at=timezone.now())
        document = ApplicationDocument(application=application, kind=form.cleaned_data["kind"], name=upload.name,
                                       size=upload.size, sha256=digest.hexdigest(), uploaded_by=actor)
        document.file.save(upload.name, upload, save=False)
        document.save()
        audit_record(event_type=events.APPLICATION_DOCUMENT_UPLOADED, actor=actor, obj=document,
                     project_id=project.pk, after={"kind": document.kind, "name": document.name,
                                                   "size": document.size, "sha256": document.sha256})
    return document


def document_downloaded(*, actor, project: Project, document: ApplicationDocument) -> None:
    audit_record_now(event_type=events.FILE_DOWNLOADED, actor=actor, obj=document, project_id=project.pk,
                     after={"name": document.name, "sha256": document.sha256})


# --- the project code (art. 17) --------------------------------------------------------------------------


def project_code_record(*, actor, project: Project, data: dict[str, Any], expected_version: int | None = None
                        ) -> Project:
    from .codes import normalise

    _power(actor, "approvals.record_project_code", project, "project_code.record", "art14.owner_unit_applies")
    form = f.ProjectCodeForm(data=data)
    if not form.is_valid():
        raise InvalidInput(fields=f.form_errors(form))
    _state(project, CODE_EDITABLE, _("当前状态“%(s)s”不能修改项目代码;立项申请提交后项目代码即固定"))
    code = normalise(form.cleaned_data["project_code"])
    results = _check("project_code.record", project, actor, {"project_code": code})
    return _set_code(project, code, actor=actor, status=project.project_code_status, results=results,
                     expected_version=expected_version)


def _set_code(project: Project, code: str, *, actor, status: str, results, expected_version=None,
              source: str = "unit") -> Project:
    before = {"project_code": project.project_code, "project_code_status": project.project_code_status}
    try:
        with transaction.atomic():
            version = project.version if expected_version is None else expected_version
            updated = Project.objects.filter(pk=project.pk, version=version, status__in=list(CODE_EDITABLE)).update(
                project_code=code, project_code_status=status[:40], project_code_recorded_at=timezone.now(),
                version=F("version") + 1, updated_at=timezone.now())
            if updated != 1:
                raise Conflict()
            fresh = Project.objects.select_related("owner_unit").get(pk=project.pk)
            audit_record(event_type=events.PROJECT_CODE_RECORDED, actor=actor, obj=fresh, before=before,
                         after={"project_code": code, "project_code_status": fresh.project_code_status,
                                "source": source}, rule_results=results)
    except IntegrityError:
        raise Conflict(_("项目代码已被其他项目使用")) from None
    return fresh


# --- joint projects (art. 16) ----------------------------------------------------------------------------


def participant_add(*, actor, project: Project, data: dict[str, Any]) -> ProjectParticipant:
    _power(actor, "approvals.manage_participants", project, "participant.add", "art14.owner_unit_applies")
    form = f.ParticipantForm(data=data)
    if not form.is_valid():
        raise InvalidInput(fields=f.form_errors(form))
    _state(project, PARTICIPANTS_EDITABLE, _("当前状态“%(s)s”不能调整参建单位"))
    unit = Unit.objects.filter(pk=form.cleaned_data["unit_id"], is_active=True, kind__in=["department", "street"],
                               jurisdiction=project.owner_unit.jurisdiction_id).first()
    if unit is None:
        raise InvalidInput(fields={"unit_id": _("须为本区的部门或街道")})
    if unit.pk == project.owner_unit_id:
        raise InvalidInput(fields={"unit_id": _("牵头部门不能同时是参建单位")})
    try:
        with transaction.atomic():
            _hold(project, PARTICIPANTS_EDITABLE)
            participant = ProjectParticipant.objects.create(
                project=project, unit=unit, role_description=form.cleaned_data["role_description"].strip(),
                added_at=timezone.now())
            audit_record(event_type=events.PARTICIPANT_ADDED, actor=actor, obj=participant, project_id=project.pk,
                         after={"unit": unit.name, "role_description": participant.role_description})
    except IntegrityError:
        raise Conflict(_("该单位已是参建单位")) from None
    return participant


def participant_remove(*, actor, project: Project, participant: ProjectParticipant) -> None:
    _power(actor, "approvals.manage_participants", project, "participant.remove", "art14.owner_unit_applies")
    _state(project, PARTICIPANTS_EDITABLE, _("当前状态“%(s)s”不能调整参建单位"))
    with transaction.atomic():
        _hold(project, PARTICIPANTS_EDITABLE)
        if ProjectParticipant.objects.filter(pk=participant.pk).delete()[0] != 1:
            raise Conflict()
        audit_record(event_type=events.PARTICIPANT_REMOVED, actor=actor, obj=project,
                     before={"unit": participant.unit.name})


def participant_confirm(*, actor, project: Project, participant: ProjectParticipant,
                        expected_version: int | None = None) -> ProjectParticipant:
    """The participant confirms the joint application as it stands now (`expected_version`: the application
    version it read, so it never confirms a text it has not seen)."""
    if not perms.has_perm("approvals.confirm_participation", actor, participant):
        raise permission_denied(actor=actor, obj=project, action="participant.confirm",
                                power_rule="art16.participant_confirms")
    _state(project, EDITABLE, _("当前状态“%(s)s”不能确认联合申请"))
    application = current_application(project)
    if application is None:
        raise Conflict(_("牵头部门尚未编制立项申请"))
    if expected_version is not None and expected_version != application.version:
        raise Conflict(_("联合申请已被修改(当前版本%(v)d),请阅读后再确认") % {"v": application.version})
    with transaction.atomic():
        _hold(project, EDITABLE)
        if InitiationApplication.objects.filter(pk=application.pk, version=application.version).update(
                updated_at=F("updated_at")) != 1:
            raise Conflict(_("联合申请已被修改,请阅读后再确认"))
        ProjectParticipant.objects.filter(pk=participant.pk).update(
            confirmed_at=timezone.now(), confirmed_application=application, confirmed_version=application.version,
            confirmed_by=actor)
        fresh = ProjectParticipant.objects.select_related("unit").get(pk=participant.pk)
        audit_record(event_type=events.PARTICIPANT_CONFIRMED, actor=actor, obj=fresh, project_id=project.pk,
                     after={"unit": fresh.unit.name, "application": application.pk,
                            "application_version": application.version})
    return fresh


# --- submission and DRC's review (art. 14, 15, 28) ---------------------------------------------------------


def initiation_submit(*, actor, project: Project, expected_version: int | None = None) -> Project:
    return transition(project, SUBMIT, actor=actor, expected_version=expected_version)


def after_submit(project: Project, actor, data: dict) -> None:
    application = data["application"]
    InitiationApplication.objects.filter(pk=application.pk).update(
        submitted_at=timezone.now(), decision="", decision_reason="", decided_at=None)


def initiation_start_review(*, actor, project: Project, expected_version: int | None = None) -> Project:
    return transition(project, START_REVIEW, actor=actor, expected_version=expected_version)


def after_start_review(project: Project, actor, data: dict) -> None:
    ApprovalReview.objects.get_or_create(application=data["application"], defaults={"reviewer": actor})


def _review_for_edit(project: Project, actor, action: str) -> ApprovalReview:
    _power(actor, "approvals.review", project, action, "art15.drc_approves")
    _state(project, {ProjectStatus.UNDER_REVIEW}, _("当前状态“%(s)s”不在审查中"))
    review = approval_case(project)["review"]
    if review is None:
        raise Conflict(_("尚未受理"))
    return review


def review_update(*, actor, project: Project, data: dict[str, Any], expected_version: int | None = None
                  ) -> ApprovalReview:
    """DRC's checklist, notes, the data-sharing assessment (art. 28) and whether experts must review."""
    review = _review_for_edit(project, actor, "review.update")
    current = {"review_notes": review.review_notes, "sharing_conclusion": review.sharing_conclusion,
               "sharing_opinion": review.sharing_opinion, "expert_panel_required": review.expert_panel_required}
    form = f.ReviewForm(data={**current, **{k: v for k, v in data.items() if k in current}})
    errors = f.form_errors(form) if not form.is_valid() else {}
    unknown = sorted(set(data) - set(current) - {"checklist"})
    errors.update({name: [_("不允许的字段")] for name in unknown})
    checklist = dict(review.checklist or {})
    if "checklist" in data:
        clean, checklist_errors = f.clean_checklist(data["checklist"])
        errors.update(checklist_errors)
        checklist.update(clean)
    if errors:
        raise InvalidInput(fields=errors)
    values = {**form.cleaned_data, "checklist": checklist}
    values["review_notes"] = values["review_notes"].strip()
    values["sharing_opinion"] = values["sharing_opinion"].strip()
    if values["sharing_conclusion"] != review.sharing_conclusion or values["sharing_opinion"] != review.sharing_opinion:
        values["assessed_at"] = timezone.now() if values["sharing_conclusion"] else None
    with transaction.atomic():
        _hold(project, {ProjectStatus.UNDER_REVIEW})
        _cas(ApprovalReview, review, expected_version, updated_at=timezone.now(), reviewer=actor, **values)
        fresh = ApprovalReview.objects.get(pk=review.pk)
        before = {**current, "checklist": review.checklist}
        after = {k: getattr(fresh, k) for k in before}
        audit_record(event_type=events.INITIATION_REVIEW_CHANGED, actor=actor, obj=fresh, project_id=project.pk,
                     before={k: v for k, v in before.items() if after[k] != v},
                     after={k: v for k, v in after.items() if before[k] != v})
    return fresh


def panel_add(*, actor, project: Project, data: dict[str, Any]) -> PanelMember:
    review = _review_for_edit(project, actor, "panel.add")
    form = f.PanelAddForm(data=data)
    if not form.is_valid():
        raise InvalidInput(fields=f.form_errors(form))
    expert = (Expert.objects.filter(pk=form.cleaned_data["expert_id"], is_active=True,
                                    jurisdiction=project.owner_unit.jurisdiction)
              .select_related("employer_unit").first())
    if expert is None:
        raise InvalidInput(fields={"expert_id": _("须为本区专家库中在库的专家")})
    results = _check("panel.add", project, actor, {"expert": expert})
    try:
        with transaction.atomic():
            _hold(project, {ProjectStatus.UNDER_REVIEW})
            member = PanelMember.objects.create(review=review, expert=expert)
            audit_record(event_type=events.PANEL_MEMBER_ADDED, actor=actor, obj=member, project_id=project.pk,
                         after={"expert": expert.name, "employer": expert.employer}, rule_results=results)
    except IntegrityError:
        raise Conflict(_("该专家已在专家组中")) from None
    return member


def panel_remove(*, actor, project: Project, member: PanelMember) -> None:
    _review_for_edit(project, actor, "panel.remove")
    if member.opinion:
        raise Conflict(_("专家已提交评审意见,不能撤换"))
    with transaction.atomic():
        _hold(project, {ProjectStatus.UNDER_REVIEW})
        if PanelMember.objects.filter(pk=member.pk, opinion="").delete()[0] != 1:
            raise Conflict(_("专家已提交评审意见,不能撤换"))
        audit_record(event_type=events.PANEL_MEMBER_REMOVED, actor=actor, obj=project,
                     before={"expert": member.expert.name})


def opinion_record(*, actor, project: Project, member: PanelMember, data: dict[str, Any]) -> PanelMember:
    """The expert's own opinion — or, for an expert without an account, the one given at the review meeting,
    recorded by DRC. It may be revised until DRC decides (the audit trail keeps every one)."""
    if not perms.has_perm("approvals.record_opinion", actor, member):
        raise permission_denied(actor=actor, obj=project, action="panel.opinion", power_rule="art28.expert_opines")
    _state(project, {ProjectStatus.UNDER_REVIEW}, _("当前状态“%(s)s”不在审查中,不能提交评审意见"))
    form = f.OpinionForm(data=data)
    if not form.is_valid():
        raise InvalidInput(fields=f.form_errors(form))
    before = {"opinion": member.opinion, "opinion_text": member.opinion_text}
    with transaction.atomic():
        _hold(project, {ProjectStatus.UNDER_REVIEW})
        if PanelMember.objects.filter(pk=member.pk, opinion_at=member.opinion_at).update(
                opinion=form.cleaned_data["opinion"], opinion_text=form.cleaned_data["opinion_text"].strip(),
                opinion_at=timezone.now(), recorded_by=actor) != 1:
            raise Conflict()
        fresh = PanelMember.objects.select_related("expert").get(pk=member.pk)
        audit_record(event_type=events.EXPERT_OPINION_RECORDED, actor=actor, obj=fresh, project_id=project.pk,
                     before=before, after={"opinion": fresh.opinion, "opinion_text": fresh.opinion_text})
    return fresh


# --- the decision (art. 15) --------------------------------------------------------------------------------


def _reason(data: dict[str, Any]) -> dict[str, Any]:
    form = f.ReasonForm(data={"reason": data.get("reason") or ""})
    if not form.is_valid():
        raise InvalidInput(fields=f.form_errors(form))
    return {"reason": form.cleaned_data["reason"].strip()}


def initiation_return(*, actor, project: Project, data: dict[str, Any], expected_version: int | None = None
                      ) -> Project:
    return transition(project, RETURN, actor=actor, data=_reason(data), expected_version=expected_version)


def initiation_reject(*, actor, project: Project, data: dict[str, Any], expected_version: int | None = None
                      ) -> Project:
    return transition(project, REJECT, actor=actor, data=_reason(data), expected_version=expected_version)


def after_decision(project: Project, actor, data: dict) -> None:
    decision = Decision.RETURNED if project.status == ProjectStatus.PLANNED else Decision.REJECTED
    InitiationApplication.objects.filter(pk=data["application"].pk).update(
        decision=decision, decision_reason=data["reason"], decided_at=timezone.now(), version=F("version") + 1)


def initiation_approve(*, actor, project: Project, data: dict[str, Any], expected_version: int | None = None
                       ) -> Project:
    """Approve: fixes a new baseline version (art. 15) with the next document number of the DRC."""
    if not perms.has_perm("approvals.decide", actor, project):
        raise permission_denied(actor=actor, obj=project, action="initiation.approve", power_rule="art15.drc_approves")
    form = f.ApproveForm(data=data)
    if not form.is_valid():
        raise InvalidInput(fields=f.form_errors(form))
    unknown = sorted(set(data) - set(form.fields))
    if unknown:
        raise InvalidInput(fields={name: _("不允许的字段") for name in unknown})
    try:
        return transition(project, APPROVE, actor=actor, data={"decision": form.cleaned_data},
                          expected_version=expected_version)
    except IntegrityError:
        raise Conflict(_("批复文号或批复版本已被占用,请重试")) from None


def issuing_unit(project: Project) -> Unit:
    unit = Unit.objects.filter(jurisdiction=project.owner_unit.jurisdiction, bureau_role="drc").first()
    if unit is None:
        raise Conflict(_("本级尚未设置区发改委(大数据局)单位,无法发文"))
    return unit


def document_number(unit: Unit, year: int, seq: int) -> str:
    """鼓发改审〔2026〕12号 (GB/T 9704: issuing-body prefix, year in hexagonal brackets, number)."""
    from .letter import document_prefix

    return f"{document_prefix(unit)}〔{year}〕{seq}号"


def after_approval(project: Project, actor, data: dict) -> None:
    application, decision = data["application"], data["decision"]
    unit = issuing_unit(project)
    today = local_today()
    seq = (Baseline.objects.filter(issuing_unit=unit, document_year=today.year).aggregate(m=Max("document_seq"))["m"]
           or 0) + 1
    version = (Baseline.objects.filter(project=project).aggregate(m=Max("version"))["m"] or 0) + 1
    baseline = Baseline.objects.create(
        project=project, version=version, application=application,
        approved_estimate=decision["approved_estimate"],
        construction_content=decision["construction_content"].strip() or application.construction_content,
        scale=decision["scale"].strip() or application.scale,
        standards=decision["standards"].strip() or application.standards,
        investment_breakdown={k: f"{v:.2f}" for k, v in application.breakdown().items()},
        start_date=application.start_date, end_date=application.end_date,
        protection_level=application.protection_level,
        performance_targets=[{"category": t.category, "indicator": t.indicator, "unit": t.unit, "target": t.target}
                             for t in application.performance_targets.all()],
        control_indicators=decision["control_indicators"].strip(), opinion=decision["opinion"].strip(),
        copy_to=decision["copy_to"].strip(), issuing_unit=unit, document_year=today.year, document_seq=seq,
        document_number=document_number(unit, today.year, seq), approved_on=today, approved_at=timezone.now(),
        approved_by=actor)
    InitiationApplication.objects.filter(pk=application.pk).update(
        decision=Decision.APPROVED, decision_reason=baseline.opinion, decided_at=timezone.now())
    audit_record(event_type=events.BASELINE_FIXED, actor=actor, obj=baseline, project_id=project.pk,
                 after={"version": baseline.version, "document_number": baseline.document_number,
                        "approved_estimate": baseline.approved_estimate})
    transaction.on_commit(lambda: _queue_letter(baseline.pk))


def _queue_letter(baseline_id: int) -> None:
    from .tasks import render_approval_letter

    render_approval_letter(baseline_id)


# --- Finance's budget (art. 15) ------------------------------------------------------------------------------


def budget_record(*, actor, project: Project, data: dict[str, Any], expected_version: int | None = None) -> Project:
    """A budget from the approval, by year and fund source; its total may not exceed the approved estimate.
    A later budget is a new revision; the latest is in force."""
    if not perms.has_perm("approvals.record_budget", actor, project):
        raise permission_denied(actor=actor, obj=project, action="budget.record", power_rule="art15.finance_budgets")
    form = f.BudgetForm(data={"note": data.get("note") or ""})
    errors = f.form_errors(form) if not form.is_valid() else {}
    lines, line_errors = f.clean_rows("lines", data.get("lines"), f.BudgetLineForm)
    errors.update(line_errors)
    unknown = sorted(set(data) - {"note", "lines"})
    errors.update({name: [_("不允许的字段")] for name in unknown})
    if not errors and not lines:
        errors["lines"] = [_("至少填写一行预算")]
    seen = set()
    for i, line in enumerate(lines):
        key = (line["year"], line["fund_source"])
        if key in seen:
            errors[f"lines.{i}.fund_source"] = [_("同一年度、同一资金来源只能填写一行")]
        seen.add(key)
    if errors:
        raise InvalidInput(fields=errors)
    total = sum((line["amount"] for line in lines), Decimal("0.00"))
    step = REVISE_BUDGET if project.status in REVISE_BUDGET.sources else RECORD_BUDGET
    return transition(project, step, actor=actor, expected_version=expected_version,
                      data={"lines": lines, "total": total, "note": form.cleaned_data["note"].strip()})


def after_budget(project: Project, actor, data: dict) -> None:
    revision = (Budget.objects.filter(project=project).aggregate(m=Max("revision"))["m"] or 0) + 1
    budget = Budget.objects.create(project=project, baseline=data["baseline"], revision=revision, total=data["total"],
                                   note=data["note"], recorded_by=actor)
    BudgetLine.objects.bulk_create([BudgetLine(budget=budget, **line) for line in data["lines"]])
    audit_record(event_type=events.BUDGET_REVISION_CREATED, actor=actor, obj=budget, project_id=project.pk,
                 after={"revision": revision, "total": budget.total,
                        "lines": [{**line, "amount": f"{line['amount']:.2f}"} for line in data["lines"]]})


# --- approval suspension (art. 23) --------------------------------------------------------------------------


def suspension_create(*, actor, data: dict[str, Any]) -> UnitSuspension:
    if not perms.has_perm("approvals.manage_suspensions", actor):
        raise permission_denied(actor=actor, obj=None, action="suspension.create", power_rule="art23.drc_suspends")
    form = f.SuspensionForm(data=data)
    if not form.is_valid():
        raise InvalidInput(fields=f.form_errors(form))
    from itgov.planning.services import _jurisdiction

    unit = Unit.objects.filter(pk=form.cleaned_data["unit_id"], kind__in=["department", "street"],
                               jurisdiction=_jurisdiction()).first()
    if unit is None:
        raise InvalidInput(fields={"unit_id": _("须为本区的部门或街道")})
    project = None
    if form.cleaned_data.get("project_id"):
        project = Project.objects.filter(pk=form.cleaned_data["project_id"], owner_unit=unit).first()
        if project is None:
            raise InvalidInput(fields={"project_id": _("须为该单位的项目")})
    with transaction.atomic():
        if UnitSuspension.objects.filter(unit=unit, lifted_at__isnull=True).exists():
            raise Conflict(_("该单位已在暂缓审批中"))
        suspension = UnitSuspension.objects.create(unit=unit, project=project, reason=form.cleaned_data["reason"].strip(),
                                                   started_at=timezone.now(), created_by=actor)
        audit_record(event_type=events.UNIT_SUSPENDED, actor=actor, obj=suspension,
                     project_id=project.pk if project else None,
                     after={"unit": unit.name, "reason": suspension.reason})
    return suspension


def suspension_lift(*, actor, suspension: UnitSuspension, data: dict[str, Any],
                    expected_version: int | None = None) -> UnitSuspension:
    if not perms.has_perm("approvals.manage_suspensions", actor):
        raise permission_denied(actor=actor, obj=suspension, action="suspension.lift", power_rule="art23.drc_suspends")
    reason = _reason(data)["reason"]
    if not reason:
        raise InvalidInput(fields={"reason": _("必填:写明解除暂缓的理由(第二十三条)")})
    if suspension.lifted_at is not None:
        raise Conflict(_("暂缓审批已经解除"))
    with transaction.atomic():
        version = suspension.version if expected_version is None else expected_version
        if UnitSuspension.objects.filter(pk=suspension.pk, version=version, lifted_at__isnull=True).update(
                lifted_at=timezone.now(), lift_reason=reason, lifted_by=actor, version=F("version") + 1,
                updated_at=timezone.now()) != 1:
            raise Conflict()
        fresh = UnitSuspension.objects.select_related("unit").get(pk=suspension.pk)
        audit_record(event_type=events.UNIT_SUSPENSION_LIFTED, actor=actor, obj=fresh,
                     project_id=fresh.project_id, reason=reason, after={"unit": fresh.unit.name})
    return fresh


def get_participant(project: Project, participant_id) -> ProjectParticipant:
    try:
        return project.participants.select_related("unit").get(pk=int(participant_id))
    except (TypeError, ValueError, ProjectParticipant.DoesNotExist):
        raise NotFound() from None


def get_panel_member(project: Project, member_id) -> PanelMember:
    try:
        return PanelMember.objects.select_related("expert", "review").get(
            pk=int(member_id), review__application__project=project)
    except (TypeError, ValueError, PanelMember.DoesNotExist):
        raise NotFound() from None
