"""Writes of construction control (art. 13, 19, 8, 15, 20). Each record: the power (403 citing the article), the
input's shape (400), then — inside the transaction, with the project's row locked so that two records cannot
both pass on the same sums — the rules with the profile in force (422 with rule and article), the insert and
its audit event. The start of construction goes through the one engine."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import rules as perms
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from itgov.audit import events
from itgov.audit.services import audit_record, audit_record_now
from itgov.core.dates import local_today
from itgov.core.errors import InvalidInput, RuleViolation
from itgov.core.workflow import permission_denied, transition
from itgov.projects.models import Project
from itgov.rules.profiles import parameters_in_force
from itgov.rules.registry import Case, enforce

from .forms import ContractForm, PaymentForm, ProcurementForm
from .models import Contract, Payment, Procurement
from .workflow import START

ZERO = Decimal("0.00")


def construction_start(*, actor, project: Project, expected_version: int | None = None) -> Project:
    """Art. 19: only a project in this year's issued plan, approved and budgeted, with a named responsible
    person, starts construction."""
    return transition(project, START, actor=actor, expected_version=expected_version)


def _form(form_class, data: dict[str, Any]):
    form = form_class(data=data)
    unknown = sorted(set(data) - set(form.fields))
    if not form.is_valid() or unknown:
        errors = {name: [str(e) for e in errs] for name, errs in form.errors.items()}
        errors.update({name: [_("不允许的字段")] for name in unknown})
        raise InvalidInput(fields=errors)
    return form.cleaned_data


def _of_project(model, pk, project: Project, field: str, message: str):
    """The record `pk` of `project` named by an input field (None when not given); another project's is a 400."""
    if pk is None:
        return None
    found = model.objects.filter(pk=pk, project=project).first()
    if found is None:
        raise InvalidInput(fields={field: [message]})
    return found


def _record(action: str, project: Project, actor, data: dict, write):
    """Lock the project's row, judge `action` with what is recorded now, then `write()` and audit — or audit
    the refusal. Returns what `write` made."""
    try:
        with transaction.atomic():
            locked = Project.objects.select_for_update().select_related("owner_unit__jurisdiction").get(pk=project.pk)
            Project.objects.filter(pk=locked.pk).update(updated_at=timezone.now())  # SQLite: the write lock now
            today = local_today()
            case = Case(subject=locked, actor=actor, action=action, data={**data, **_sums(locked, data)}, on=today,
                        at=timezone.now())
            results = enforce(action, case, parameters_in_force(locked.owner_unit.jurisdiction, today))
            return write(locked, results)
    except RuleViolation as exc:
        audit_record_now(event_type=events.RULE_REFUSED, actor=actor, obj=project, reason=action,
                         rule_results=exc.violations or [{"rule": exc.rule, "article": exc.article}])
        raise


def _sums(project: Project, data: dict) -> dict:
    """The sums the money rules compare with, read under the lock."""
    contracted = Contract.objects.filter(project=project).aggregate(s=Sum("amount"))["s"] or ZERO
    paid = Payment.objects.filter(project=project)
    paid_total = paid.aggregate(s=Sum("amount"))["s"] or ZERO
    paid_on = data.get("paid_on")
    paid_in_year = (paid.filter(paid_on__year=paid_on.year).aggregate(s=Sum("amount"))["s"] or ZERO) if paid_on \
        else ZERO
    return {"contracted": contracted, "paid_total": paid_total, "paid_in_year": paid_in_year}


def procurement_record(*, actor, project: Project, data: dict[str, Any]) -> Procurement:
    """A tender or procurement (art. 13: never before approval)."""
    if not perms.has_perm("construction.record_procurement", actor, project):
        raise permission_denied(actor=actor, obj=project, action="procurement.record",
                                power_rule="art19.owner_unit_builds")
    values = _form(ProcurementForm, data)

    def write(locked, results):
        procurement = Procurement.objects.create(project=locked, recorded_by=actor, **{
            **values, "supplier": values["supplier"].strip(), "title": values["title"].strip()})
        audit_record(event_type=events.PROCUREMENT_RECORDED, actor=actor, obj=procurement, project_id=locked.pk,
                     after={**values}, rule_results=results)
        return procurement

    return _record("procurement.record", project, actor, {"amount": values["amount"] or ZERO}, write)


def contract_record(*, actor, project: Project, data: dict[str, Any]) -> Contract:
    """A contract; the project's contracts together stay inside the approved estimate (art. 20)."""
    if not perms.has_perm("construction.record_contract", actor, project):
        raise permission_denied(actor=actor, obj=project, action="contract.record",
                                power_rule="art19.owner_unit_builds")
    values = _form(ContractForm, data)
    procurement = _of_project(Procurement, values.pop("procurement_id", None), project, "procurement_id",
                              _("须为本项目的采购"))

    def write(locked, results):
        contract = Contract.objects.create(project=locked, procurement=procurement, recorded_by=actor, **values)
        audit_record(event_type=events.CONTRACT_RECORDED, actor=actor, obj=contract, project_id=locked.pk,
                     after={**values, "procurement": procurement.pk if procurement else None}, rule_results=results)
        return contract

    return _record("contract.record", project, actor, {"amount": values["amount"]}, write)


def payment_record(*, actor, project: Project, data: dict[str, Any]) -> Payment:
    """A payment: pre-work costs at any time (art. 13); any other only once approved (art. 13), for a project
    in the payment year's issued plan (art. 8), inside that year's budget and the approved estimate (art. 15).
    Two payments at once are judged one after the other: the second sees the first."""
    if not perms.has_perm("construction.record_payment", actor, project):
        raise permission_denied(actor=actor, obj=project, action="payment.record",
                                power_rule="art19.payment_recorders")
    values = _form(PaymentForm, data)
    contract = _of_project(Contract, values.pop("contract_id", None), project, "contract_id", _("须为本项目的合同"))

    def write(locked, results):
        payment = Payment.objects.create(project=locked, contract=contract, recorded_by=actor, **values)
        audit_record(event_type=events.PAYMENT_RECORDED, actor=actor, obj=payment, project_id=locked.pk,
                     after={**values, "contract": contract.pk if contract else None}, rule_results=results)
        return payment

    return _record("payment.record", project, actor,
                   {"amount": values["amount"], "paid_on": values["paid_on"], "prework": values["prework"]}, write)
