"""The demo district's catalogue, sharing, duplicate check and security (itgov/demo/catalogue.py, art. 3, 18, 27–30),
and the recent years' systems registered during their trial run (itgov/demo/history.py), acted out through the
services with the clock set back: resources of every sharing type, requests in every state, assessments due soon,
overdue and current, findings open, overdue and remediated, a near-duplicate proposal DRC sees."""

from __future__ import annotations

from collections import Counter

import pytest
from django.db import transaction

from itgov.accounts.models import User
from itgov.audit.models import AuditEvent
from itgov.audit.verify import verify_chain
from itgov.catalogue import similarity
from itgov.catalogue.models import (
    CatalogueResource,
    DataItem,
    InformationSystem,
    SharingInterface,
    SharingRequest,
    SharingUse,
    SimilarityDoc,
    SimilarityKind,
)
from itgov.catalogue.selectors import completeness, completeness_totals, request_state
from itgov.core.dates import SHANGHAI, local_today
from itgov.demo import catalogue as demo_catalogue
from itgov.demo.history import STORIES, system_name
from itgov.projects.models import Project
from itgov.rules.measures.ch5_data import uncatalogued
from itgov.security.models import SecurityAssessment, SecurityFinding
from itgov.security.selectors import (
    board,
    finding_state,
    params_by_jurisdiction,
    security_visible_systems,
    systems_security,
)

pytestmark = pytest.mark.django_db

MODELS = (InformationSystem, CatalogueResource, DataItem, SharingInterface, SharingRequest, SharingUse,
          SecurityAssessment, SecurityFinding, SimilarityDoc, Project, AuditEvent)


def _counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in MODELS}


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded twice inside a transaction rolled back at the end: the first run's counts, the rows after
    each run, and the second run's counts."""
    from itgov.demo.services import load_demo

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            first = load_demo()
            after_first = _counts()
            again = load_demo()
            yield {"first": first, "after_first": after_first, "again": again, "after_again": _counts()}
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def user(name: str) -> User:
    return User.objects.get(username=name)


def test_loaded_once_through_the_services_and_twice_makes_nothing(demo):
    assert "notes" not in demo["first"] and demo["first"]["catalogue_created"] == len(demo_catalogue.SYSTEMS) + 1
    assert demo["again"]["catalogue_created"] == 0 and "notes" not in demo["again"]
    assert demo["after_again"] == demo["after_first"]
    # nothing was refused on the way, and the trail holds together
    assert not AuditEvent.objects.filter(event_type__in=("rule.refused", "access.denied")).exists()
    assert AuditEvent.objects.filter(event_type="system.demo_loaded").count() == 1
    assert verify_chain().ok
    # every write was audited as the services audit it
    assert AuditEvent.objects.filter(event_type="catalogue.system.registered").count() == \
        InformationSystem.objects.count()
    assert AuditEvent.objects.filter(event_type="catalogue.resource.registered").count() == \
        CatalogueResource.objects.count()


def test_resources_of_every_sharing_type_with_their_terms(demo):
    existing = CatalogueResource.objects.filter(system__project__isnull=True)
    assert set(existing.values_list("sharing_type", flat=True)) == {"unconditional", "conditional", "not_shared"}
    assert set(existing.values_list("resource_class", flat=True)) == {"basic", "thematic", "departmental"}
    for resource in CatalogueResource.objects.filter(sharing_type="not_shared"):
        assert "《中华人民共和国" in resource.not_shared_basis and not resource.sharing_method
        assert not resource.interfaces.exists()
    assert all(r.sharing_conditions for r in CatalogueResource.objects.filter(sharing_type="conditional"))
    # sensitive items flagged; every shared resource published has an interface
    assert DataItem.objects.filter(sensitive=True, name="公民身份号码").exists()
    published = CatalogueResource.objects.exclude(published_on=None).exclude(sharing_type="not_shared")
    assert all(r.interfaces.filter(active=True).exists() for r in published)
    assert Counter(SharingInterface.objects.values_list("kind", flat=True)).keys() == {"api", "file"}
    # one resource waits for DRC; one system in operation lists none (the completeness page shows both)
    assert list(CatalogueResource.objects.filter(published_on=None).values_list("name", flat=True)) == ["食品经营许可信息"]
    totals = completeness_totals(completeness(user("drc"), local_today()))
    assert (totals["without_resources"], totals["incomplete"], totals["projects_without_system"]) == (1, 1, 0)
    published_by = AuditEvent.objects.filter(event_type="catalogue.resource.published").values_list("actor_id", flat=True)
    assert set(published_by) == {user("drc").pk}


def test_the_recent_years_projects_list_their_declared_resources(demo):
    for story in STORIES:
        project = Project.objects.get(name=story["name"])
        system = InformationSystem.objects.get(project=project)
        assert (system.name, system.protection_level, system.owner_unit.code) == (system_name(story), 2, story["owner"])
        assert system.filing_number and system.filed_on and system.filing_authority
        resource = system.resources.get()
        assert (resource.name, resource.sharing_type) == (story["resource"]["name"], story["resource"]["type"])
        assert resource.declared is not None and resource.published_on is not None
        assert uncatalogued(project) == []


def test_sharing_requests_in_every_state(demo):
    today = local_today()
    states = {(r.consumer.code, r.resource.name): request_state(r, today)
              for r in SharingRequest.objects.select_related("consumer", "resource")}
    assert states == {("civil", "人口基础信息"): "pending", ("emergency", "城市管理案件信息"): "overdue",
                      ("medsec", "人口基础信息"): "granted", ("market", "居民电子健康档案"): "refused",
                      ("edu", "人口基础信息"): "withdrawn"}
    pending = SharingRequest.objects.get(consumer__code="civil")
    assert pending.due_on is not None and pending.due_on >= today
    granted = SharingRequest.objects.get(status="granted")
    assert granted.uses.count() == 2 and granted.valid_until > today
    assert all(granted.decided_on <= use.used_on <= today for use in granted.uses.all())
    assert SharingRequest.objects.get(status="refused").reasons


def test_security_due_soon_overdue_and_current_by_level(demo):
    today = local_today()
    cyber = user("cyber")
    rows = {row.system.name: row for row in systems_security(security_visible_systems(cyber),
                                                              params_by_jurisdiction(today), today)}
    graded = {name: (row.system.protection_level, row.graded.state) for name, row in rows.items()
              if row.system.project_id is None and row.system.protection_level}
    assert graded == {
        "鼓楼区人口综合信息库": (3, "due_soon"), "鼓楼区中小学学籍管理系统": (3, "overdue"),
        "鼓楼区区域全民健康信息平台": (3, "current"), "鼓楼分局视频图像信息综合应用平台": (4, "current"),
        "鼓楼区医疗保障信息平台": (4, "overdue"), "鼓楼区数字化城市管理平台": (2, "not_required"),
        "鼓楼区市场主体登记注册系统": (2, "not_required")}
    # every system of the third level and up has its cryptography assessment, in date
    assert all(row.crypto.state == "current" for row in rows.values() if (row.system.protection_level or 0) >= 3)
    # the recent years' systems are of the second level (test above); one system is not graded yet
    levels = {key: n for key, _label, n in board(cyber, today).levels}
    assert (levels["2"], levels["3"], levels["4"], levels["none"]) == (len(STORIES) + 2, 3, 2, 1)
    # each assessment was recorded on the day it was made (the clock set back: ADR 0011)
    for assessment in SecurityAssessment.objects.all():
        event = AuditEvent.objects.get(event_type="security.assessment.recorded", object_id=str(assessment.pk))
        assert event.at.astimezone(SHANGHAI).date() == assessment.assessed_on < today


def test_findings_open_overdue_and_remediated(demo):
    today = local_today()
    states = {f.system.name: (finding_state(f, today), f.raised_by.username)
              for f in SecurityFinding.objects.select_related("system", "raised_by")}
    assert states == {"鼓楼分局视频图像信息综合应用平台": ("open", "police"),
                      "鼓楼区中小学学籍管理系统": ("overdue", "cyber"),
                      "鼓楼区人口综合信息库": ("remediated", "drc_pmo")}
    assert [f.description for f in board(user("cyber"), today).findings] == [
        SecurityFinding.objects.get(system__name="鼓楼区中小学学籍管理系统").description,
        SecurityFinding.objects.get(system__name="鼓楼分局视频图像信息综合应用平台").description]


def test_duplicate_detection_shows_drc_the_planted_near_duplicate(demo):
    proposal = Project.objects.select_related("owner_unit").get(name=demo_catalogue.NEAR_DUPLICATE["name"])
    assert (proposal.status, proposal.owner_unit.code) == ("proposed", "yijiangmen")
    assert SimilarityDoc.objects.filter(kind=SimilarityKind.PROJECT, object_id=proposal.pk).exists()
    hits = similarity.similar_to(kind=SimilarityKind.PROJECT, obj=proposal)
    urban = InformationSystem.objects.get(name="鼓楼区数字化城市管理平台")
    assert (hits[0]["kind"], hits[0]["object_id"]) == (SimilarityKind.SYSTEM, urban.pk)
    assert hits[0]["score"] >= 0.4
    # an unrelated project scores far below it (and is not shown)
    unrelated = Project.objects.get(name="鼓楼区文物建筑数字化档案库建设项目")
    assert not any(h["kind"] == SimilarityKind.PROJECT and h["object_id"] == unrelated.pk for h in hits)
    mine = similarity.features(*similarity.document_text(SimilarityKind.PROJECT, proposal))
    theirs = similarity.features(*similarity.document_text(SimilarityKind.PROJECT, unrelated))
    assert similarity.cosine(mine, theirs) < hits[0]["score"] / 2
