"""Writes of the catalogue and of sharing (art. 27–29, with art. 5): an owner unit (or DRC) registers an information
system and its data resources, DRC publishes them, the provider registers sharing interfaces; a consumer unit
requests a conditional resource, the provider grants or refuses it with reasons, the consumer records its uses.
Each write checks the power (403 citing its article), the input (400 naming the field), the state and the version
(409) and the rules of the measures (422 citing the article, the refusal audited), and audits what it wrote in the
same transaction. Duplicate detection (art. 3, 18) indexes what was written."""

from __future__ import annotations

import datetime as dt
from typing import Any

import rules as perms
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.utils import timezone
from django.utils.translation import gettext as _

from itgov.approvals.models import DataResource as DeclaredResource
from itgov.audit import events
from itgov.audit.services import audit_record, audit_record_now
from itgov.construction.forms import clean_input
from itgov.core.dates import local_today
from itgov.core.errors import Conflict, InvalidInput, RuleViolation
from itgov.core.workflow import permission_denied
from itgov.organizations.models import Jurisdiction, Unit
from itgov.projects.selectors import projects_visible_to

from . import forms as f
from .choices import CLASS_DIGITS, RequestStatus, SystemStatus
from .models import (
    CatalogueResource,
    DataItem,
    InformationSystem,
    SharingInterface,
    SharingRequest,
    SharingUse,
    SimilarityKind,
)

CURATION = "art27.catalogue_curation"
CLASSIFIED_MESSAGE = _("涉密信息系统按照有关规定执行(第五条)")


def _power(actor, permission: str, obj, action: str, rule: str) -> None:
    allowed = perms.has_perm(permission, actor, obj) if obj is not None else perms.has_perm(permission, actor)
    if not allowed:
        raise permission_denied(actor=actor, obj=obj, action=action, power_rule=rule)


def _enforce(action: str, subject, *, actor, jurisdiction, data: dict[str, Any]) -> list:
    """The rules bound to `action` with the profile in force today (422, the refusal audited)."""
    from itgov.rules.profiles import parameters_in_force
    from itgov.rules.registry import Case, enforce

    today = local_today()
    try:
        return enforce(action, Case(subject=subject, actor=actor, action=action, data=data, on=today,
                                    at=timezone.now()), parameters_in_force(jurisdiction, today))
    except RuleViolation as exc:
        audit_record_now(event_type=events.RULE_REFUSED, actor=actor, obj=subject if subject.pk else None,
                         reason=action, project_id=getattr(subject, "project_id", None),
                         rule_results=exc.violations or [{"rule": exc.rule, "article": exc.article}])
        raise


def _index(kind: str, obj) -> None:
    from . import similarity

    similarity.index_object(kind, obj)


def _next_seq(model, jurisdiction) -> int:
    # The jurisdiction's row serialises the numbering (PostgreSQL; SQLite's writes are serial anyway).
    Jurisdiction.objects.select_for_update().filter(pk=jurisdiction.pk).first()
    return (model.objects.filter(jurisdiction=jurisdiction).aggregate(m=Max("seq"))["m"] or 0) + 1


def _numbered(create):
    """Run `create()` (which numbers its row) again if a concurrent insert took the number (PostgreSQL)."""
    for attempt in range(3):
        try:
            with transaction.atomic():
                return create()
        except IntegrityError:
            if attempt == 2:
                raise Conflict() from None
    raise Conflict()  # pragma: no cover


def _cas(model, obj, expected_version: int | None, label, **changes):
    """Compare-and-swap on the row's version: the loser of a race (or a stale form) gets 409."""
    if expected_version is not None and obj.version != expected_version:
        raise Conflict(_("%(what)s已被他人修改(当前版本%(v)d),请刷新后重试") % {"what": label, "v": obj.version})
    if model.objects.filter(pk=obj.pk, version=obj.version).update(version=F("version") + 1, **changes) != 1:
        raise Conflict()
    return model.objects.get(pk=obj.pk)


# --- information systems ---------------------------------------------------------------------------------------


def system_snapshot(system: InformationSystem) -> dict[str, Any]:
    return {"code": system.code, "name": system.name, "owner_unit": system.owner_unit.name,
            "project": system.project_id, "summary": system.summary, "status": system.status,
            "classified": system.classified, "version": system.version}


def _owner_unit(actor, unit_id: int | None) -> Unit:
    from itgov.access.scoping import unit_in_scope
    from itgov.accounts.choices import Role

    if unit_id is None:
        if actor.has_role(Role.OWNER) and actor.unit is not None and unit_in_scope(actor, actor.unit, Role.OWNER):
            return actor.unit
        raise InvalidInput(fields={"owner_unit_id": [_("必填")]})
    unit = Unit.objects.select_related("jurisdiction").filter(pk=unit_id, is_active=True).first()
    if unit is None:
        raise InvalidInput(fields={"owner_unit_id": [_("单位不存在")]})
    if not actor.has_role(Role.DRC) and not unit_in_scope(actor, unit, Role.OWNER):
        raise InvalidInput(fields={"owner_unit_id": [_("只能为本单位(及下属单位)登记信息系统")]})
    return unit


def system_register(*, actor, data: dict[str, Any]) -> InformationSystem:
    """An owner unit registers one of its systems — the output of its project, or an existing one — or DRC registers
    it for the unit (art. 27). A classified project's system is classified (art. 5). Numbered XT-<区划>-0001."""
    _power(actor, "catalogue.register_system", None, "catalogue.system_register", CURATION)
    values = clean_input(f.SystemForm, data)
    unit = _owner_unit(actor, values["owner_unit_id"])
    project = None
    if values["project_id"] is not None:
        project = projects_visible_to(actor).filter(pk=values["project_id"]).select_related("owner_unit").first()
        if project is None:
            raise InvalidInput(fields={"project_id": [_("项目不存在或无权查看")]})
        if project.owner_unit_id != unit.pk:
            raise InvalidInput(fields={"project_id": [_("须为该单位建设的项目")]})
    status = values["status"] or (SystemStatus.BUILDING if project is not None and project.status != "in_operation"
                                  else SystemStatus.OPERATING)
    level = None
    if project is not None:
        from itgov.approvals.selectors import current_baseline

        baseline = current_baseline(project)
        level = baseline.protection_level if baseline is not None else None
    jurisdiction = unit.jurisdiction

    def create() -> InformationSystem:
        seq = _next_seq(InformationSystem, jurisdiction)
        system = InformationSystem.objects.create(
            jurisdiction=jurisdiction, seq=seq, code=f"XT-{jurisdiction.code}-{seq:04d}", name=values["name"].strip(),
            owner_unit=unit, project=project, summary=values["summary"].strip(), status=status,
            classified=values["classified"] or bool(project and project.classified), protection_level=level,
            registered_by=actor)
        audit_record(event_type=events.SYSTEM_REGISTERED, actor=actor, obj=system, project_id=system.project_id,
                     after=system_snapshot(system))
        _index(SimilarityKind.SYSTEM, system)
        return system

    return _numbered(create)


def system_change(*, actor, system: InformationSystem, data: dict[str, Any],
                  expected_version: int | None = None) -> InformationSystem:
    """The owner unit (or DRC) corrects a system's name, content and status."""
    _power(actor, "catalogue.change_system", system, "catalogue.system_change", CURATION)
    values = clean_input(f.SystemChangeForm, data)
    with transaction.atomic():
        locked = InformationSystem.objects.select_for_update().select_related("owner_unit").get(pk=system.pk)
        before = system_snapshot(locked)
        fresh = _cas(InformationSystem, locked, expected_version, _("信息系统"), name=values["name"].strip(),
                     summary=values["summary"].strip(), status=values["status"], updated_at=timezone.now())
        audit_record(event_type=events.SYSTEM_CHANGED, actor=actor, obj=fresh, project_id=fresh.project_id,
                     before=before, after=system_snapshot(fresh))
        _index(SimilarityKind.SYSTEM, fresh)
    return fresh


# --- resources -------------------------------------------------------------------------------------------------


def resource_snapshot(resource: CatalogueResource) -> dict[str, Any]:
    return {"code": resource.code, "name": resource.name, "system": resource.system_id,
            "resource_class": resource.resource_class, "summary": resource.summary, "format": resource.format,
            "sharing_type": resource.sharing_type, "sharing_conditions": resource.sharing_conditions,
            "not_shared_basis": resource.not_shared_basis, "sharing_method": resource.sharing_method,
            "open_type": resource.open_type, "update_cycle": resource.update_cycle,
            "declared": resource.declared_id, "published_on": resource.published_on,
            "related": sorted(r.pk for r in resource.related.all()),
            "items": [{"name": i.name, "data_type": i.data_type, "sensitive": i.sensitive}
                      for i in resource.items.all()],
            "version": resource.version}


def _declared(system: InformationSystem, declared_id: int | None) -> DeclaredResource | None:
    if declared_id is None:
        return None
    declared = (DeclaredResource.objects.filter(pk=declared_id, application__project_id=system.project_id).first()
                if system.project_id else None)
    if declared is None:
        raise InvalidInput(fields={"declared_id": [_("须为该系统所属项目立项申请中的数据资源")]})
    return declared


def _related(system: InformationSystem, ids: list[int], own_pk: int | None) -> list[CatalogueResource]:
    found = {r.pk: r for r in CatalogueResource.objects.filter(pk__in=ids, jurisdiction=system.jurisdiction_id,
                                                               system__classified=False)}
    missing = [pk for pk in ids if pk not in found or pk == own_pk]
    if missing:
        raise InvalidInput(fields={"related_ids": [_("关联资源不存在或不可关联:%(ids)s") % {
            "ids": str(_("、")).join(str(pk) for pk in missing)}]})
    return [found[pk] for pk in ids]


def _metadata(values: dict[str, Any]) -> dict[str, Any]:
    """The resource's own fields from the cleaned input; the terms that do not belong to its sharing type are
    cleared (a resource shared without conditions keeps no stale conditions)."""
    kind = values["sharing_type"]
    return {"resource_class": values["resource_class"], "name": values["name"].strip(),
            "summary": values["summary"].strip(), "format": values["format"], "sharing_type": kind,
            "sharing_conditions": values["sharing_conditions"].strip() if kind == "conditional" else "",
            "not_shared_basis": values["not_shared_basis"].strip() if kind == "not_shared" else "",
            "sharing_method": values["sharing_method"] if kind != "not_shared" else "",
            "open_type": values["open_type"], "update_cycle": values["update_cycle"]}


def _write_items(resource: CatalogueResource, items: list[dict]) -> None:
    resource.items.all().delete()
    DataItem.objects.bulk_create([DataItem(resource=resource, position=n, **item)
                                  for n, item in enumerate(items, start=1)])


def resource_register(*, actor, data: dict[str, Any]) -> CatalogueResource:
    """The system's unit (or DRC) lists one of its data resources in the district catalogue (art. 27, 29), with its
    items; the sharing type states its terms (art29.sharing_type_terms); never for a classified system (art. 5)."""
    values = clean_input(f.ResourceCreateForm, data)
    system = (InformationSystem.objects.select_related("owner_unit", "jurisdiction")
              .filter(pk=values["system_id"]).first())
    if system is None or not perms.has_perm("catalogue.view_system", actor, system):
        raise InvalidInput(fields={"system_id": [_("信息系统不存在或无权查看")]})
    _power(actor, "catalogue.change_system", system, "catalogue.resource_save", CURATION)
    fields = _metadata(values)
    results = _enforce("catalogue.resource_save", system, actor=actor, jurisdiction=system.jurisdiction,
                       data=fields)
    declared = _declared(system, values["declared_id"])
    related = _related(system, values["related_ids"], None)
    jurisdiction = system.jurisdiction

    def create() -> CatalogueResource:
        seq = _next_seq(CatalogueResource, jurisdiction)
        code = f"{jurisdiction.code}-{CLASS_DIGITS[fields['resource_class']]}-{seq:06d}"
        resource = CatalogueResource.objects.create(
            jurisdiction=jurisdiction, system=system, provider=system.owner_unit, seq=seq, code=code,
            declared=declared, registered_by=actor, **fields)
        resource.related.set(related)
        _write_items(resource, values["items"])
        audit_record(event_type=events.RESOURCE_REGISTERED, actor=actor, obj=resource, project_id=system.project_id,
                     after=resource_snapshot(resource), rule_results=results)
        _index(SimilarityKind.RESOURCE, resource)
        return resource

    return _numbered(create)


def resource_change(*, actor, resource: CatalogueResource, data: dict[str, Any],
                    expected_version: int | None = None) -> CatalogueResource:
    """The system's unit (or DRC, curating) corrects a resource's metadata and items; a published resource stays
    published, with its day."""
    system = resource.system
    _power(actor, "catalogue.change_system", system, "catalogue.resource_save", CURATION)
    values = clean_input(f.ResourceForm, data)
    fields = _metadata(values)
    results = _enforce("catalogue.resource_save", system, actor=actor, jurisdiction=system.jurisdiction,
                       data=fields)
    declared = _declared(system, values["declared_id"])
    related = _related(system, values["related_ids"], resource.pk)
    with transaction.atomic():
        locked = CatalogueResource.objects.select_for_update().get(pk=resource.pk)
        before = resource_snapshot(locked)
        fresh = _cas(CatalogueResource, locked, expected_version, _("数据资源"), declared=declared,
                     updated_at=timezone.now(), **fields)
        fresh.related.set(related)
        _write_items(fresh, values["items"])
        audit_record(event_type=events.RESOURCE_CHANGED, actor=actor, obj=fresh, project_id=system.project_id,
                     before=before, after=resource_snapshot(fresh), rule_results=results)
        _index(SimilarityKind.RESOURCE, fresh)
    return fresh


def resource_publish(*, actor, resource: CatalogueResource, expected_version: int | None = None) -> CatalogueResource:
    """DRC publishes the resource in the district catalogue (art. 27): its publish day is today. Publishing again
    (after a change) moves the day; twice the same day is a conflict."""
    _power(actor, "catalogue.publish", resource, "catalogue.resource_publish", "art27.drc_publishes")
    today = local_today()
    with transaction.atomic():
        locked = CatalogueResource.objects.select_for_update().get(pk=resource.pk)
        if locked.published_on == today:
            raise Conflict(_("该数据资源今日已发布"))
        fresh = _cas(CatalogueResource, locked, expected_version, _("数据资源"), published_on=today,
                     updated_at=timezone.now())
        audit_record(event_type=events.RESOURCE_PUBLISHED, actor=actor, obj=fresh,
                     project_id=locked.system.project_id,
                     before={"published_on": locked.published_on, "version": locked.version},
                     after={"published_on": today, "version": fresh.version})
    return fresh


def interface_register(*, actor, resource: CatalogueResource, data: dict[str, Any]) -> SharingInterface:
    """The provider (or DRC) registers a sharing or exchange interface of a shared resource (art. 29)."""
    system = resource.system
    _power(actor, "catalogue.change_system", system, "catalogue.interface_save", CURATION)
    values = clean_input(f.InterfaceForm, data)
    _enforce("catalogue.interface_save", system, actor=actor, jurisdiction=system.jurisdiction, data=values)
    if resource.sharing_type == "not_shared":
        raise Conflict(_("不予共享的数据资源不提供共享接口"))
    with transaction.atomic():
        interface = SharingInterface.objects.create(resource=resource, kind=values["kind"],
                                                    name=values["name"].strip(), address=values["address"].strip(),
                                                    description=values["description"].strip(), registered_by=actor)
        audit_record(event_type=events.INTERFACE_REGISTERED, actor=actor, obj=interface,
                     project_id=system.project_id,
                     after={"resource": resource.code, "kind": interface.kind, "name": interface.name,
                            "address": interface.address})
    return interface


def interface_retire(*, actor, interface: SharingInterface) -> SharingInterface:
    system = interface.resource.system
    _power(actor, "catalogue.change_system", system, "catalogue.interface_save", CURATION)
    with transaction.atomic():
        if SharingInterface.objects.filter(pk=interface.pk, active=True).update(active=False) != 1:
            raise Conflict(_("该接口已停用"))
        audit_record(event_type=events.INTERFACE_RETIRED, actor=actor, obj=interface, project_id=system.project_id,
                     before={"active": True}, after={"active": False, "name": interface.name})
    interface.active = False
    return interface


# --- sharing requests (art. 29) ---------------------------------------------------------------------------------


def answer_due(requested_on: dt.date, params: dict[str, Any]) -> dt.date | None:
    """The provider's deadline: the request's day + the profile's `sharing_answer_days`; none when not set."""
    days = params.get("sharing_answer_days")
    return requested_on + dt.timedelta(days=int(days)) if days else None


def request_snapshot(request: SharingRequest) -> dict[str, Any]:
    return {"resource": request.resource.code, "consumer": request.consumer.name, "status": request.status,
            "due_on": request.due_on, "valid_until": request.valid_until, "reasons": request.reasons,
            "version": request.version}


def sharing_request(*, actor, data: dict[str, Any]) -> SharingRequest:
    """A consumer unit requests a conditional resource of another unit (art. 29), for a stated purpose; the answer
    is due by the profile's period. One open request per resource and unit."""
    from itgov.rules.profiles import parameters_in_force

    from .selectors import resources_visible_to

    _power(actor, "catalogue.request", None, "sharing.request", "art29.consumer_requests")
    values = clean_input(f.SharingRequestForm, data)
    resource = (resources_visible_to(actor).select_related("provider", "system", "jurisdiction")
                .filter(pk=values["resource_id"]).first())
    if resource is None:
        raise InvalidInput(fields={"resource_id": [_("数据资源不存在或无权查看")]})
    consumer = actor.unit
    if consumer is None or consumer.pk == resource.provider_id:
        raise InvalidInput(fields={"resource_id": [_("不能申请本单位提供的数据资源")]})
    results = _enforce("sharing.request", resource, actor=actor, jurisdiction=resource.jurisdiction, data=values)
    today = local_today()
    due = answer_due(today, parameters_in_force(resource.jurisdiction, today))
    with transaction.atomic():
        CatalogueResource.objects.select_for_update().filter(pk=resource.pk).first()
        if SharingRequest.objects.filter(resource=resource, consumer=consumer, status=RequestStatus.PENDING).exists():
            raise Conflict(_("本单位对该数据资源已有待答复的申请"))
        request = SharingRequest.objects.create(resource=resource, consumer=consumer,
                                                purpose=values["purpose"].strip(), items=values["items"].strip(),
                                                requested_by=actor, requested_on=today, due_on=due)
        audit_record(event_type=events.SHARING_REQUESTED, actor=actor, obj=request,
                     project_id=resource.system.project_id, after={**request_snapshot(request),
                                                                   "purpose": request.purpose},
                     rule_results=results)
    return request


def _answer(actor, request: SharingRequest, expected_version, event_type, results, **changes):
    with transaction.atomic():
        locked = SharingRequest.objects.select_for_update().select_related("resource__system", "consumer").get(
            pk=request.pk)
        if locked.status != RequestStatus.PENDING:
            raise Conflict(_("该申请已%(s)s,不能再答复") % {"s": locked.get_status_display()})
        fresh = _cas(SharingRequest, locked, expected_version, _("共享申请"), updated_at=timezone.now(), **changes)
        audit_record(event_type=event_type, actor=actor, obj=fresh, project_id=locked.resource.system.project_id,
                     before={"status": locked.status, "version": locked.version},
                     after={**request_snapshot(fresh), "late": bool(locked.due_on and fresh.decided_on
                                                                    and fresh.decided_on > locked.due_on)},
                     reason=fresh.reasons, rule_results=results)
    return fresh


def sharing_grant(*, actor, request: SharingRequest, data: dict[str, Any],
                  expected_version: int | None = None) -> SharingRequest:
    """The provider grants the request, for a period if it says so (art. 29)."""
    _power(actor, "catalogue.answer", request, "sharing.grant", "art29.provider_answers")
    values = clean_input(f.GrantForm, data)
    today = local_today()
    if values["valid_until"] is not None and values["valid_until"] <= today:
        raise InvalidInput(fields={"valid_until": [_("须晚于今天")]})
    return _answer(actor, request, expected_version, events.SHARING_GRANTED, None,
                   status=RequestStatus.GRANTED, decided_by_id=actor.pk, decided_on=today,
                   valid_until=values["valid_until"], reasons=values["reasons"].strip())


def sharing_refuse(*, actor, request: SharingRequest, data: dict[str, Any],
                   expected_version: int | None = None) -> SharingRequest:
    """The provider refuses the request, with its reasons (art29.refusal_reasons)."""
    _power(actor, "catalogue.answer", request, "sharing.refuse", "art29.provider_answers")
    values = clean_input(f.RefuseForm, data)
    resource = request.resource
    results = _enforce("sharing.refuse", request, actor=actor, jurisdiction=resource.jurisdiction, data=values)
    return _answer(actor, request, expected_version, events.SHARING_REFUSED, results,
                   status=RequestStatus.REFUSED, decided_by_id=actor.pk, decided_on=local_today(),
                   reasons=values["reasons"].strip())


def sharing_withdraw(*, actor, request: SharingRequest, expected_version: int | None = None) -> SharingRequest:
    """The consumer withdraws its request before the answer."""
    _power(actor, "catalogue.consume", request, "sharing.withdraw", "art29.consumer_requests")
    return _answer(actor, request, expected_version, events.SHARING_WITHDRAWN, None,
                   status=RequestStatus.WITHDRAWN)


def sharing_use(*, actor, request: SharingRequest, data: dict[str, Any]) -> SharingUse:
    """The consumer records a use of a granted resource (art. 29: grants and use are recorded), within the grant."""
    _power(actor, "catalogue.consume", request, "sharing.use", "art29.consumer_requests")
    values = clean_input(f.UseForm, data)
    day = values["used_on"]
    if day > local_today():
        raise InvalidInput(fields={"used_on": [_("不得晚于今天")]})
    with transaction.atomic():
        locked = SharingRequest.objects.select_for_update().select_related("resource__system").get(pk=request.pk)
        if locked.status != RequestStatus.GRANTED:
            raise Conflict(_("只有已同意的申请可以登记使用"))
        if day < (locked.decided_on or locked.requested_on):
            raise InvalidInput(fields={"used_on": [_("不得早于同意共享的日期")]})
        if locked.valid_until is not None and day > locked.valid_until:
            raise InvalidInput(fields={"used_on": [_("授权已于%(d)s到期") % {"d": locked.valid_until}]})
        use = SharingUse.objects.create(request=locked, used_on=day, records=values["records"],
                                        note=values["note"].strip(), recorded_by=actor)
        audit_record(event_type=events.SHARING_USE_RECORDED, actor=actor, obj=use,
                     project_id=locked.resource.system.project_id,
                     after={"request": locked.pk, "used_on": day, "records": use.records, "note": use.note})
    return use
