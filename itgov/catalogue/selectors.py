"""Reads of the systems, the catalogue and sharing (art. 27–29, with art. 5): who sees what, the catalogue's
search, a request's state with its deadline, the completeness of each unit's catalogue, and the exports (the
national guide's table layout in Excel, and JSON in a DCAT mapping). Classified systems (art. 5) appear only to their
unit and DRC, and never in the catalogue, sharing, completeness or an export."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from itgov.access.scoping import is_authenticated, scope_q
from itgov.accounts.choices import Role

from .choices import RequestState, RequestStatus, SystemStatus, UpdateCycle
from .models import CatalogueResource, DataItem, InformationSystem, SharingInterface, SharingRequest
from .policies import reads_catalogue


def operating_q(prefix: str = "") -> Q:
    """A system in operation: stated so, or its project went live (art. 23–24) — and not retired."""
    return (Q(**{f"{prefix}status": SystemStatus.OPERATING})
            | Q(**{f"{prefix}project__status": "in_operation"})) & ~Q(**{f"{prefix}status": SystemStatus.RETIRED})


def systems_visible_to(user) -> QuerySet[InformationSystem]:
    """Every system not classified, to a reader of the catalogue; a classified one to its unit and DRC (art. 5)."""
    qs = InformationSystem.objects.select_related("owner_unit", "project")
    if not reads_catalogue(user):
        return qs.none()
    classified = scope_q(user, "owner_unit") or Q(pk__in=[])
    if user.has_role(Role.DRC):
        classified = Q()
    return qs.filter(Q(classified=False) | (Q(classified=True) & classified))


def resources_visible_to(user) -> QuerySet[CatalogueResource]:
    """The catalogue (art. 27): every resource, to every reader; a classified system never has one (art. 5)."""
    qs = CatalogueResource.objects.select_related("provider", "system")
    if not reads_catalogue(user):
        return qs.none()
    return qs.filter(system__classified=False)


def catalogue_search(user, filters: dict[str, Any] | None = None) -> QuerySet[CatalogueResource]:
    """The catalogue filtered: keyword over name, code, summary and item names; class, sharing type, update cycle,
    format, provider, system, published or not. Each row with its item and active interface counts."""
    filters = filters or {}
    qs = resources_visible_to(user)
    if filters.get("q"):
        word = filters["q"].strip()
        qs = qs.filter(Q(name__icontains=word) | Q(code__icontains=word) | Q(summary__icontains=word)
                       | Q(Exists(DataItem.objects.filter(resource=OuterRef("pk"), name__icontains=word))))
    for name in ("resource_class", "sharing_type", "update_cycle", "format"):
        if filters.get(name):
            qs = qs.filter(**{name: filters[name]})
    if filters.get("provider_id"):
        qs = qs.filter(provider_id=filters["provider_id"])
    if filters.get("system_id"):
        qs = qs.filter(system_id=filters["system_id"])
    if filters.get("published") == "yes":
        qs = qs.filter(published_on__isnull=False)
    elif filters.get("published") == "no":
        qs = qs.filter(published_on__isnull=True)
    return qs.annotate(items_count=Count("items", distinct=True),
                       interfaces_count=Count("interfaces", filter=Q(interfaces__active=True), distinct=True)
                       ).order_by("seq")


def resource_detail(resource_id: int, user) -> CatalogueResource | None:
    return (resources_visible_to(user).select_related("declared", "registered_by", "jurisdiction")
            .prefetch_related("items", Prefetch("interfaces", SharingInterface.objects.order_by("-active", "id")),
                              Prefetch("related", CatalogueResource.objects.select_related("provider")))
            .filter(pk=resource_id).first())


def resource_gaps(resource: CatalogueResource) -> list[str]:
    """What a resource still lacks for a complete catalogue entry (art. 29): information items, an interface when
    it is shared, its publication. Reads the `items_count` / `interfaces_count` annotations when present."""
    items = getattr(resource, "items_count", None)
    interfaces = getattr(resource, "interfaces_count", None)
    if items is None:
        items = len(resource.items.all())
    if interfaces is None:
        interfaces = sum(1 for i in resource.interfaces.all() if i.active)
    gaps = []
    if not items:
        gaps.append(_("未登记信息项"))
    if resource.sharing_type != "not_shared" and not interfaces:
        gaps.append(_("未提供共享接口"))
    if resource.published_on is None:
        gaps.append(_("未发布"))
    return gaps


# --- sharing requests --------------------------------------------------------------------------------------------


def request_state(request: SharingRequest, today: dt.date) -> str:
    """Pending, overdue (from the day after its deadline), or its answer."""
    if request.status == RequestStatus.PENDING:
        return RequestState.OVERDUE if request.due_on is not None and today > request.due_on else RequestState.PENDING
    return request.status


def requests_visible_to(user) -> QuerySet[SharingRequest]:
    """A unit's requests, made or received; DRC and the audit bureau see all (art. 4, 25)."""
    qs = (SharingRequest.objects.select_related("resource__provider", "resource__system", "consumer")
          .filter(resource__system__classified=False))  # art. 5: never shared (the rules keep them out besides)
    if not is_authenticated(user):
        return qs.none()
    if user.has_role(Role.DRC) or user.has_role(Role.AUDIT):
        return qs
    made, received = scope_q(user, "consumer"), scope_q(user, "resource__provider")
    if made is None:
        return qs.none()
    return qs.filter(made | received)


def requests_filtered(user, *, state: str = "", direction: str = "", today: dt.date) -> QuerySet[SharingRequest]:
    """`state`: one of RequestState (overdue = pending past its deadline); `direction`: "made" or "received" (the
    user's unit's)."""
    qs = requests_visible_to(user)
    if direction == "made":
        qs = qs.filter(scope_q(user, "consumer") or Q(pk__in=[]))
    elif direction == "received":
        qs = qs.filter(scope_q(user, "resource__provider") or Q(pk__in=[]))
    if state == RequestState.OVERDUE:
        qs = qs.filter(status=RequestStatus.PENDING, due_on__lt=today)
    elif state == RequestState.PENDING:
        qs = qs.filter(Q(due_on__isnull=True) | Q(due_on__gte=today), status=RequestStatus.PENDING)
    elif state:
        qs = qs.filter(status=state)
    return qs.annotate(uses_count=Count("uses")).order_by("-requested_on", "-id")


# --- completeness (art. 29) ------------------------------------------------------------------------------------


def completeness(user, today: dt.date | None = None) -> list[dict[str, Any]]:
    """Per owner unit: its systems in operation, those with no resource in the catalogue, its projects in operation
    with no system registered, its resources and those incomplete (resource_gaps). Classified systems and projects
    are left out (art. 5). Four queries, whatever the number of units."""
    from itgov.projects.selectors import projects_visible_to

    if not reads_catalogue(user):
        return []
    rows: dict[int, dict[str, Any]] = {}

    def row(unit) -> dict[str, Any]:
        return rows.setdefault(unit.pk, {"unit": unit, "systems": 0, "operating": 0, "without_resources": [],
                                         "projects_without_system": [], "resources": 0, "incomplete": 0})

    systems = (systems_visible_to(user).filter(classified=False).exclude(status=SystemStatus.RETIRED)
               .annotate(resources_count=Count("resources"), is_operating=Count("pk", filter=operating_q())))
    for system in systems:
        r = row(system.owner_unit)
        r["systems"] += 1
        if system.is_operating:
            r["operating"] += 1
            if not system.resources_count:
                r["without_resources"].append(system)
    for resource in catalogue_search(user).select_related("provider"):
        r = row(resource.provider)
        r["resources"] += 1
        r["incomplete"] += bool(resource_gaps(resource))
    lonely = (projects_visible_to(user).filter(status="in_operation", classified=False)
              .exclude(Exists(InformationSystem.objects.filter(project=OuterRef("pk")))).select_related("owner_unit"))
    for project in lonely:
        row(project.owner_unit)["projects_without_system"].append(project)
    return sorted(rows.values(), key=lambda r: (r["unit"].kind, r["unit"].code))


def completeness_totals(rows: list[dict[str, Any]]) -> dict[str, int]:
    return {"units": len(rows), "without_resources": sum(len(r["without_resources"]) for r in rows),
            "projects_without_system": sum(len(r["projects_without_system"]) for r in rows),
            "resources": sum(r["resources"] for r in rows), "incomplete": sum(r["incomplete"] for r in rows)}


# --- exports -----------------------------------------------------------------------------------------------------


def export_queryset(user, filters: dict[str, Any]) -> QuerySet[CatalogueResource]:
    return (catalogue_search(user, filters).select_related("jurisdiction")
            .prefetch_related("items", Prefetch("interfaces", SharingInterface.objects.filter(active=True)),
                              Prefetch("related", CatalogueResource.objects.only("pk", "code"))))


# The accrual periodicity of DCAT (the Dublin Core frequency vocabulary) for each update cycle.
DCAT_FREQUENCY = {
    UpdateCycle.REALTIME: "http://purl.org/cld/freq/continuous",
    UpdateCycle.DAILY: "http://purl.org/cld/freq/daily",
    UpdateCycle.WEEKLY: "http://purl.org/cld/freq/weekly",
    UpdateCycle.MONTHLY: "http://purl.org/cld/freq/monthly",
    UpdateCycle.QUARTERLY: "http://purl.org/cld/freq/quarterly",
    UpdateCycle.HALF_YEARLY: "http://purl.org/cld/freq/semiannual",
    UpdateCycle.YEARLY: "http://purl.org/cld/freq/annual",
    UpdateCycle.IRREGULAR: "http://purl.org/cld/freq/irregular",
}


def dcat_dataset(resource: CatalogueResource) -> dict[str, Any]:
    """One resource as a dcat:Dataset; the catalogue's own fields (class, sharing type and terms, items) under the
    `itgov:` prefix."""
    return {
        "@type": "dcat:Dataset",
        "dct:identifier": resource.code,
        "dct:title": resource.name,
        "dct:description": resource.summary,
        "dct:publisher": {"@type": "foaf:Organization", "foaf:name": resource.provider.name},
        "dct:issued": resource.published_on.isoformat() if resource.published_on else None,
        "dct:accrualPeriodicity": DCAT_FREQUENCY.get(resource.update_cycle),
        "dct:format": resource.get_format_display(),
        "dct:accessRights": resource.get_sharing_type_display(),
        "dct:relation": [r.code for r in resource.related.all()],
        "dcat:distribution": [{"@type": "dcat:Distribution", "dct:title": i.name, "dcat:accessURL": i.address,
                               "dct:type": i.get_kind_display()} for i in resource.interfaces.all()],
        "itgov:resourceClass": resource.get_resource_class_display(),
        "itgov:sharingType": resource.sharing_type,
        "itgov:sharingConditions": resource.sharing_conditions,
        "itgov:notSharedBasis": resource.not_shared_basis,
        "itgov:sharingMethod": resource.get_sharing_method_display() if resource.sharing_method else "",
        "itgov:openType": resource.get_open_type_display(),
        "itgov:system": resource.system.code,
        "itgov:items": [{"itgov:name": i.name, "itgov:dataType": i.data_type, "itgov:sensitive": i.sensitive}
                        for i in resource.items.all()],
    }


def dcat_catalogue(user, filters: dict[str, Any], *, issued: dt.datetime) -> dict[str, Any]:
    resources = list(export_queryset(user, filters))
    by_jurisdiction = defaultdict(list)
    for resource in resources:
        by_jurisdiction[resource.jurisdiction.name].append(resource)
    return {
        "@context": {"dcat": "http://www.w3.org/ns/dcat#", "dct": "http://purl.org/dc/terms/",
                     "foaf": "http://xmlns.com/foaf/0.1/", "itgov": "urn:itgov:catalogue#"},
        "@type": "dcat:Catalog",
        "dct:title": _("政务数据资源目录"),
        "dct:publisher": str(_("、")).join(by_jurisdiction) or "",
        "dct:modified": issued.isoformat(),
        "dcat:dataset": [dcat_dataset(r) for r in resources],
    }
