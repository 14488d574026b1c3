"""Writes of audit cooperation (art. 25): the audit bureau opens a case, adds projects, sends requests and closes
the case; the addressee unit answers (and supplements its answers). Each checks the power (403 citing 第二十五条),
the input (400 naming the field), the state (409: a closed case, a lost race) and the rules (422: the request's
deadline), and audits what it wrote in the same transaction. Answers are inserted, never updated nor deleted."""

from __future__ import annotations

import hashlib
from typing import Any

import rules as perms
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from itgov.audit import events
from itgov.audit.services import audit_record, audit_record_now
from itgov.construction.forms import clean_input
from itgov.core.dates import local_today
from itgov.core.errors import Conflict, InvalidInput, RuleViolation
from itgov.core.workflow import permission_denied
from itgov.organizations.models import Jurisdiction
from itgov.projects.models import Project
from itgov.projects.selectors import projects_visible_to

from . import forms as f
from .choices import CaseStatus
from .models import AuditAnswer, AuditAnswerFile, AuditCase, AuditRequest

POWER = "art25.audit_bureau_audits"
COOPERATES = "art25.unit_cooperates"
CLOSED_MESSAGE = _("审计案件已结案,不能再执行此操作")


def _power(actor, permission: str, obj, action: str, rule: str) -> None:
    allowed = perms.has_perm(permission, actor, obj) if obj is not None else perms.has_perm(permission, actor)
    if not allowed:
        raise permission_denied(actor=actor, obj=obj, action=action, power_rule=rule)


def _enforce(action: str, project: Project, *, actor, data: dict[str, Any]) -> list:
    """The rules bound to `action` with the profile in force today (422, the refusal audited)."""
    from itgov.rules.profiles import parameters_in_force
    from itgov.rules.registry import Case, enforce

    today = local_today()
    try:
        return enforce(action, Case(subject=project, actor=actor, action=action, data=data, on=today,
                                    at=timezone.now()), parameters_in_force(project.owner_unit.jurisdiction, today))
    except RuleViolation as exc:
        audit_record_now(event_type=events.RULE_REFUSED, actor=actor, obj=project, reason=action,
                         rule_results=exc.violations or [{"rule": exc.rule, "article": exc.article}])
        raise


def _visible_projects(actor, ids: list[int], field: str) -> list[Project]:
    found = {p.pk: p for p in projects_visible_to(actor).filter(pk__in=ids)}
    missing = [pk for pk in ids if pk not in found]
    if missing:
        raise InvalidInput(fields={field: [_("项目不存在或无权查看:%(ids)s") % {
            "ids": str(_("、")).join(str(pk) for pk in missing)}]})
    return [found[pk] for pk in ids]


def _bump(case: AuditCase, expected_version: int | None, **changes) -> AuditCase:
    """Compare-and-swap on the case's version and open status: the loser of a race gets 409."""
    if expected_version is not None and case.version != expected_version:
        raise Conflict(_("审计案件已被他人修改(当前版本%(v)d),请刷新后重试") % {"v": case.version})
    updated = AuditCase.objects.filter(pk=case.pk, version=case.version, status=CaseStatus.OPEN).update(
        version=F("version") + 1, updated_at=timezone.now(), **changes)
    if updated != 1:
        raise Conflict()
    return AuditCase.objects.get(pk=case.pk)


def _locked_open(case: AuditCase) -> AuditCase:
    locked = AuditCase.objects.select_for_update().get(pk=case.pk)
    if locked.status != CaseStatus.OPEN:
        raise Conflict(CLOSED_MESSAGE)
    return locked


# --- cases -----------------------------------------------------------------------------------------------------


def case_number(unit, year: int, seq: int) -> str:
    """鼓审〔2026〕1号: the audit bureau's document prefix (or its name), the year, the sequence."""
    from itgov.approvals.letter import document_prefix

    return f"{document_prefix(unit)}〔{year}〕{seq}号"


def case_open(*, actor, data: dict[str, Any]) -> AuditCase:
    """The audit bureau opens an audit case on one or more projects it sees (art. 4, 25); the number is the next
    of its jurisdiction and year."""
    _power(actor, "oversight.open_case", None, "oversight.case_open", POWER)
    values = clean_input(f.CaseOpenForm, data)
    projects = _visible_projects(actor, values["project_ids"], "project_ids")
    unit = actor.unit
    today = local_today()
    for attempt in range(3):
        try:
            with transaction.atomic():
                # The jurisdiction's row serialises the numbering (PostgreSQL; SQLite's writes are serial anyway).
                Jurisdiction.objects.select_for_update().filter(pk=unit.jurisdiction_id).first()
                seq = (AuditCase.objects.filter(jurisdiction=unit.jurisdiction, year=today.year)
                       .aggregate(m=Max("seq"))["m"] or 0) + 1
                case = AuditCase.objects.create(
                    jurisdiction=unit.jurisdiction, year=today.year, seq=seq,
                    number=case_number(unit, today.year, seq), title=values["title"].strip(),
                    scope=values["scope"].strip(), opened_on=today, opened_by=actor)
                case.projects.add(*projects)
                for project in projects:
                    audit_record(event_type=events.AUDIT_CASE_OPENED, actor=actor, obj=case, project_id=project.pk,
                                 after={"number": case.number, "title": case.title, "project": project.name,
                                        "projects": [p.pk for p in projects]})
                return case
        except IntegrityError:  # another case took the number meanwhile (PostgreSQL): take the next
            if attempt == 2:
                raise Conflict() from None
    raise Conflict()  # pragma: no cover


def case_add_project(*, actor, case: AuditCase, data: dict[str, Any],
                     expected_version: int | None = None) -> AuditCase:
    """The audit bureau extends an open case to one more project it sees."""
    _power(actor, "oversight.manage_case", case, "oversight.case_add_project", POWER)
    values = clean_input(f.CaseAddProjectForm, data)
    (project,) = _visible_projects(actor, [values["project_id"]], "project_id")
    with transaction.atomic():
        locked = _locked_open(case)
        if locked.projects.filter(pk=project.pk).exists():
            raise Conflict(_("该项目已在本审计案件中"))
        fresh = _bump(locked, expected_version)
        fresh.projects.add(project)
        audit_record(event_type=events.AUDIT_CASE_PROJECT_ADDED, actor=actor, obj=fresh, project_id=project.pk,
                     before={"version": locked.version},
                     after={"number": fresh.number, "title": fresh.title, "project": project.name,
                            "added_project": project.pk, "version": fresh.version})
    return fresh


def case_close(*, actor, case: AuditCase, data: dict[str, Any], expected_version: int | None = None) -> AuditCase:
    """The audit bureau closes the case with its conclusion; nothing more is asked nor answered in it."""
    _power(actor, "oversight.manage_case", case, "oversight.case_close", POWER)
    values = clean_input(f.CaseCloseForm, data)
    with transaction.atomic():
        locked = _locked_open(case)
        today = local_today()
        fresh = _bump(locked, expected_version, status=CaseStatus.CLOSED, closed_on=today,
                      closing_summary=values["closing_summary"].strip(), closed_by_id=actor.pk)
        for project_id in fresh.projects.order_by("pk").values_list("pk", flat=True):
            audit_record(event_type=events.AUDIT_CASE_CLOSED, actor=actor, obj=fresh, project_id=project_id,
                         before={"status": locked.status, "version": locked.version},
                         after={"status": fresh.status, "closed_on": today, "version": fresh.version,
                                "closing_summary": fresh.closing_summary})
    return fresh


# --- requests --------------------------------------------------------------------------------------------------


def request_send(*, actor, case: AuditCase, data: dict[str, Any]) -> AuditRequest:
    """The audit bureau asks the owner unit of one of the case's projects for documents or an explanation, by a
    deadline after today (art25.request_deadline)."""
    _power(actor, "oversight.manage_case", case, "oversight.request_send", POWER)
    values = clean_input(f.RequestForm, data)
    project = (case.projects.select_related("owner_unit__jurisdiction").filter(pk=values["project_id"]).first())
    if project is None:
        raise InvalidInput(fields={"project_id": [_("须为本审计案件的被审计项目")]})
    results = _enforce("oversight.request_send", project, actor=actor, data=values)
    with transaction.atomic():
        locked = _locked_open(case)
        request = AuditRequest.objects.create(
            case=locked, project=project, addressee=project.owner_unit, kind=values["kind"],
            subject=values["subject"].strip(), text=values["text"].strip(), due_on=values["due_on"], sent_by=actor)
        audit_record(event_type=events.AUDIT_REQUEST_SENT, actor=actor, obj=request, project_id=project.pk,
                     after={"case": locked.number, "addressee": project.owner_unit.name, "kind": request.kind,
                            "subject": request.subject, "due_on": request.due_on}, rule_results=results)
    return request


# --- answers ---------------------------------------------------------------------------------------------------


def _clean_files(files) -> list:
    uploads = list(files or [])
    if len(uploads) > f.MAX_FILES:
        raise InvalidInput(fields={"files": [_("一次最多上传%(n)d个文件") % {"n": f.MAX_FILES}]})
    errors = []
    for upload in uploads:
        form = f.AnswerFileForm(data={}, files={"file": upload})
        if not form.is_valid():
            errors += [f"{getattr(upload, 'name', '')}:{e}" for e in form.errors.get("file", [])]
    if errors:
        raise InvalidInput(fields={"files": errors})
    return uploads


def _digest(upload) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def answer_submit(*, actor, request: AuditRequest, data: dict[str, Any], files=()) -> AuditAnswer:
    """The addressee unit answers, truthfully (art. 25), with text and/or files; a later answer supplements the
    earlier ones (numbered 1, 2, …). An answer after the deadline is marked late. Never edited nor withdrawn."""
    _power(actor, "oversight.answer", request, "oversight.answer_submit", COOPERATES)
    values = clean_input(f.AnswerForm, data)
    text = values["text"].strip()
    uploads = _clean_files(files)
    if not text and not uploads:
        raise InvalidInput(fields={"text": [_("须填写说明或上传至少一个文件")]})
    digests = [_digest(upload) for upload in uploads]
    with transaction.atomic():
        locked = AuditRequest.objects.select_for_update().select_related("case").get(pk=request.pk)
        if locked.case.status != CaseStatus.OPEN:
            raise Conflict(CLOSED_MESSAGE)
        now = timezone.now()
        sequence = (AuditAnswer.objects.filter(request=locked).aggregate(m=Max("sequence"))["m"] or 0) + 1
        late = local_today() > locked.due_on
        try:
            with transaction.atomic():
                answer = AuditAnswer.objects.create(request=locked, sequence=sequence, text=text, late=late,
                                                    submitted_by=actor, submitted_at=now)
        except IntegrityError:  # a concurrent answer took this number: the caller submits again
            raise Conflict() from None
        stored = []
        for upload, sha256 in zip(uploads, digests, strict=True):
            row = AuditAnswerFile(answer=answer, name=upload.name, size=upload.size, sha256=sha256)
            row.file.save(upload.name, upload, save=False)
            row.save(force_insert=True)
            stored.append({"name": row.name, "size": row.size, "sha256": row.sha256})
        audit_record(event_type=events.AUDIT_ANSWER_SUBMITTED, actor=actor, obj=answer, project_id=locked.project_id,
                     after={"case": locked.case.number, "request": locked.pk, "sequence": sequence, "late": late,
                            "due_on": locked.due_on, "text": text, "files": stored})
    return answer


def answer_file_downloaded(*, actor, row: AuditAnswerFile) -> None:
    """A file of an answer was downloaded (FILE_DOWNLOADED): who read what of the audit."""
    audit_record_now(event_type=events.FILE_DOWNLOADED, actor=actor, obj=row,
                     project_id=row.answer.request.project_id,
                     after={"name": row.name, "sha256": row.sha256, "request": row.answer.request_id})


# --- the project's dossier -------------------------------------------------------------------------------------


def dossier_export(*, actor, project: Project):
    """The project's dossier as a zip (itgov.oversight.dossier), for the audit bureau, DRC and the owner unit
    (art25.dossier_readers); the export is audited (DOSSIER_EXPORTED) with what it held. Returns (the open temporary
    file, rewound; its file name)."""
    from . import dossier

    _power(actor, "oversight.export_dossier", project, "oversight.dossier_export", "art25.dossier_readers")
    at = timezone.now()
    handle, manifest = dossier.build_archive(project, actor, at=at)
    name = dossier.filename(project, at)
    audit_record_now(event_type=events.DOSSIER_EXPORTED, actor=actor, obj=project, object_repr=name,
                     after={"file": name, "records": manifest["records"],
                            "files": len(manifest["files"]), "exported_at": manifest["exported_at"]})
    return handle, name
