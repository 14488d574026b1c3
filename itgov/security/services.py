"""Writes of the systems' security (art. 30): the owner unit records its system's graded protection level and filing,
its assessments and the remediation of its findings (art30.unit_protects); the owner unit or the Cyberspace Office
raises findings (art30.cyberspace_oversees). Each checks the power (403 citing 第三十条), the system (409: a
classified system is handled under the rules for classified information, art. 5), the input (400 naming the field)
and the state (409: a finding already remediated, a lost race), and audits what it wrote in the same transaction.
Assessments are inserted, never edited: a correction is a new report."""

from __future__ import annotations

from typing import Any

import rules as perms
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from itgov.audit import events
from itgov.audit.services import audit_record
from itgov.catalogue.models import InformationSystem
from itgov.construction.forms import clean_input
from itgov.core.dates import SHANGHAI
from itgov.core.errors import Conflict, InvalidInput
from itgov.core.workflow import permission_denied

from . import forms as f
from .models import SecurityAssessment, SecurityFinding

PROTECTS = "art30.unit_protects"
OVERSEES = "art30.cyberspace_oversees"


def _classified_message() -> str:
    return _("涉密信息系统按照有关规定执行(第五条),不在本系统登记等级保护和测评")


def _power(actor, permission: str, obj, action: str, rule: str, subject=None) -> None:
    """403 (audited, citing `rule`) unless `actor` holds `permission` on `subject` (the system; `obj` by default)."""
    if not perms.has_perm(permission, actor, subject if subject is not None else obj):
        raise permission_denied(actor=actor, obj=obj, action=action, power_rule=rule)


def _not_classified(system: InformationSystem) -> None:
    if system.classified:
        raise Conflict(_classified_message())


def _filing(system: InformationSystem) -> dict[str, Any]:
    return {"protection_level": system.protection_level, "filing_number": system.filing_number,
            "filed_on": system.filed_on, "filing_authority": system.filing_authority, "version": system.version}


def filing_record(*, actor, system: InformationSystem, data: dict[str, Any],
                  expected_version: int | None = None) -> InformationSystem:
    """The owner unit records the system's graded protection level (定级) and, once filed, its filing (备案): number,
    day and authority, all three or none. Compare-and-swap on the system's version: the loser of a race gets 409."""
    _power(actor, "security.record", system, "security.filing", PROTECTS)
    _not_classified(system)
    values = clean_input(f.FilingForm, data)
    changes = {"protection_level": values["protection_level"], "filing_number": values["filing_number"] or "",
               "filed_on": values["filed_on"], "filing_authority": values["filing_authority"] or ""}
    with transaction.atomic():
        locked = InformationSystem.objects.select_for_update().get(pk=system.pk)
        _not_classified(locked)
        if expected_version is not None and locked.version != expected_version:
            raise Conflict(_("信息系统已被他人修改(当前版本%(v)d),请刷新后重试") % {"v": locked.version})
        updated = InformationSystem.objects.filter(pk=locked.pk, version=locked.version).update(
            version=F("version") + 1, updated_at=timezone.now(), **changes)
        if updated != 1:
            raise Conflict()
        fresh = InformationSystem.objects.select_related("owner_unit", "project").get(pk=locked.pk)
        audit_record(event_type=events.SECURITY_FILING_RECORDED, actor=actor, obj=fresh,
                     project_id=fresh.project_id, before=_filing(locked), after=_filing(fresh))
    return fresh


def assessment_record(*, actor, system: InformationSystem, data: dict[str, Any]) -> SecurityAssessment:
    """The owner unit records an assessment report of its system — graded protection (等级测评), cryptography (密评)
    or a periodic risk assessment — with its day, body, conclusion and report number. The next one's due day
    follows from it (`selectors.assessment_due`)."""
    _power(actor, "security.record", system, "security.assessment", PROTECTS)
    _not_classified(system)
    values = clean_input(f.AssessmentForm, data)
    with transaction.atomic():
        assessment = SecurityAssessment.objects.create(
            system=system, kind=values["kind"], assessed_on=values["assessed_on"], assessor=values["assessor"].strip(),
            result=values["result"], score=values["score"], report_number=values["report_number"].strip(),
            summary=values["summary"].strip(), recorded_by=actor)
        audit_record(event_type=events.SECURITY_ASSESSMENT_RECORDED, actor=actor, obj=assessment,
                     project_id=system.project_id,
                     after={"system": system.pk, "system_name": system.name, "kind": assessment.kind,
                            "result": assessment.result, "day": assessment.assessed_on,
                            "assessor": assessment.assessor, "report_number": assessment.report_number,
                            "score": assessment.score})
    return assessment


def finding_raise(*, actor, system: InformationSystem, data: dict[str, Any]) -> SecurityFinding:
    """The owner unit (from its own assessment) or the Cyberspace Office (from its inspection) raises a finding to
    remediate by a deadline after today; `assessment_id`, when given, is one of this system's assessments."""
    _power(actor, "security.raise_finding", system, "security.finding", OVERSEES)
    _not_classified(system)
    values = clean_input(f.FindingForm, data)
    assessment = None
    if values["assessment_id"] is not None:
        assessment = SecurityAssessment.objects.filter(pk=values["assessment_id"], system=system).first()
        if assessment is None:
            raise InvalidInput(fields={"assessment_id": [_("须为该信息系统的测评")]})
    with transaction.atomic():
        finding = SecurityFinding.objects.create(
            system=system, assessment=assessment, description=values["description"].strip(),
            severity=values["severity"], due_on=values["due_on"], raised_by=actor)
        audit_record(event_type=events.SECURITY_FINDING_RAISED, actor=actor, obj=finding,
                     project_id=system.project_id,
                     after={"system": system.pk, "system_name": system.name, "severity": finding.severity,
                            "due_on": finding.due_on, "description": finding.description,
                            "assessment": assessment.pk if assessment else None})
    return finding


def _remediation(finding: SecurityFinding) -> dict[str, Any]:
    return {"remediated_on": finding.remediated_on, "remediation": finding.remediation, "version": finding.version}


def finding_remediate(*, actor, finding: SecurityFinding, data: dict[str, Any],
                      expected_version: int | None = None) -> SecurityFinding:
    """The owner unit records the remediation of a finding: the day (not after today, not before the finding was
    raised) and what was done. Once only: a finding already remediated is a conflict (409), as is a lost race."""
    system = finding.system
    _power(actor, "security.remediate", finding, "security.remediate", PROTECTS, subject=system)
    _not_classified(system)
    values = clean_input(f.RemediationForm, data)
    raised_on = timezone.localtime(finding.raised_at, SHANGHAI).date() if finding.raised_at else None
    if raised_on is not None and values["remediated_on"] < raised_on:
        raise InvalidInput(fields={"remediated_on": [_("整改完成日期不得早于问题提出日期(%(day)s)") % {
            "day": raised_on.isoformat()}]})
    with transaction.atomic():
        locked = SecurityFinding.objects.select_for_update().get(pk=finding.pk)
        if locked.remediated_on is not None:
            raise Conflict(_("该安全问题已于%(day)s登记整改") % {"day": locked.remediated_on.isoformat()})
        if expected_version is not None and locked.version != expected_version:
            raise Conflict(_("安全问题已被他人修改(当前版本%(v)d),请刷新后重试") % {"v": locked.version})
        updated = SecurityFinding.objects.filter(pk=locked.pk, version=locked.version,
                                                 remediated_on__isnull=True).update(
            version=F("version") + 1, remediated_on=values["remediated_on"], remediation=values["remediation"],
            remediated_by=actor)
        if updated != 1:
            raise Conflict()
        fresh = SecurityFinding.objects.select_related("system__owner_unit", "assessment").get(pk=locked.pk)
        audit_record(event_type=events.SECURITY_FINDING_REMEDIATED, actor=actor, obj=fresh,
                     project_id=system.project_id, before=_remediation(locked),
                     after={**_remediation(fresh), "system": system.pk, "system_name": system.name,
                            "due_on": fresh.due_on, "late": fresh.remediated_on > fresh.due_on})
    return fresh
