"""A project on trial, applied, rectifying or accepted (art. 22, 23), built through the services on top of
tests/construction_world.py: construction started long ago, trial operation from T = four months ago (so it may
apply today), the application's required documents uploaded (small files), DRC's acceptance scheduled today.

`acceptance_maker(district)(state, owner="edu", experts=(), catalogued=True)` → SimpleNamespace(project, owner,
drc, acceptance, year, trial, system). With `catalogued`, the project's system, its declared resources in the
catalogue and a passed graded assessment are registered when the trial starts (art. 27, 30). States: "trial_operation", "acceptance_applied", "scheduled", "rectifying", "accepted".
`upload_required(world)` uploads what the application must carry (and `kinds=` more, e.g. a rectification report).
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from tests.construction_world import construction_maker

STATES = ("trial_operation", "acceptance_applied", "scheduled", "rectifying", "accepted")


def fresh(project):
    from itgov.projects.models import Project

    return Project.objects.select_related("owner_unit__jurisdiction").get(pk=project.pk)


def upload(world, kind: str, name: str | None = None):
    from itgov.acceptance import services

    return services.document_upload(actor=world.owner, project=fresh(world.project), data={"kind": kind}, files={
        "file": SimpleUploadedFile(name or f"{kind}.pdf", b"%PDF-1.4 itgov test", content_type="application/pdf")})


def upload_required(world, kinds=()):
    from itgov.acceptance.selectors import required_kinds

    for kind in [*required_kinds(world.project), *kinds]:
        upload(world, kind)


def catalogue_and_security(world, *, assessed: bool = True):
    """What the acceptance checks beside the documents: the project's system with the resources its application said
    it produces in the district catalogue (art. 27), and — its level being 3 — a passed graded assessment (art. 30)."""
    from itgov.approvals.selectors import current_baseline
    from itgov.catalogue import services as catalogue
    from itgov.core.dates import local_today
    from itgov.security import services as security

    project = fresh(world.project)
    world.system = catalogue.system_register(actor=world.owner, data={
        "name": f"{project.name}系统", "project_id": project.pk, "summary": "项目建成的业务系统"})
    for declared in current_baseline(project).application.data_resources.all():
        if declared.direction == "produced" and declared.into_catalogue:
            catalogue.resource_register(actor=world.owner, data={
                "system_id": world.system.pk, "resource_class": "departmental", "name": declared.name,
                "summary": declared.source_or_use or declared.name, "format": "database",
                "sharing_type": "conditional", "sharing_conditions": "按业务需要申请使用", "sharing_method": "interface",
                "open_type": "closed", "update_cycle": "daily", "declared_id": declared.pk,
                "items": [{"name": "办件编号", "data_type": "C", "sensitive": False}]})
    if assessed and (world.system.protection_level or 0) >= 3:
        security.assessment_record(actor=world.owner, system=world.system, data={
            "kind": "graded", "assessed_on": local_today().isoformat(), "assessor": "江苏省信息安全测评中心",
            "result": "conforms", "report_number": f"DJCP-{project.pk}", "score": "88"})


def acceptance_maker(district):
    from itgov.acceptance import services
    from itgov.acceptance.selectors import current_acceptance
    from itgov.core.dates import add_months, local_today
    from itgov.projects.models import Project

    make_construction = construction_maker(district)

    def make(state: str = "accepted", *, owner: str = "edu", experts=(), trial: dt.date | None = None,
             catalogued: bool = True) -> SimpleNamespace:
        if state not in STATES:
            raise ValueError(state)
        built = make_construction("in_construction", owner=owner)
        Project.objects.filter(pk=built.project.pk).update(
            construction_started_at=timezone.now() - dt.timedelta(days=800))
        today = local_today()
        trial = trial or add_months(today, -4)
        drc = district.users["drc"]
        world = SimpleNamespace(project=fresh(built.project), owner=built.owner, drc=drc, year=built.year,
                                trial=trial, acceptance=None, baseline=built.baseline)
        services.trial_start(actor=world.owner, project=world.project, data={"trial_started_on": trial.isoformat()})
        world.project = fresh(world.project)
        world.system = None
        if catalogued:
            catalogue_and_security(world)
        if state == "trial_operation":
            return world
        upload_required(world)
        services.acceptance_apply(actor=world.owner, project=fresh(world.project),
                                  data={"summary": "建设内容全部完成,试运行正常。", "late_explanation": "已说明"})
        world.project = fresh(world.project)
        if state == "acceptance_applied":
            return world
        services.acceptance_schedule(actor=drc, project=world.project,
                                     data={"scheduled_on": today.isoformat(), "location": "区政务服务中心"})
        for expert in experts:
            services.expert_add(actor=drc, project=fresh(world.project), data={"expert_id": expert.pk})
        world.acceptance = current_acceptance(world.project)
        if state == "scheduled":
            return world
        for seat in world.acceptance.experts.all():
            services.expert_opinion(actor=drc, project=fresh(world.project), seat=seat, data={
                "opinion": "failed" if state == "rectifying" else "passed", "opinion_text": "会议意见"})
        if state == "rectifying":
            services.acceptance_fail(actor=drc, project=fresh(world.project), data={
                "decided_on": today.isoformat(), "findings": "测试报告缺少性能测试",
                "rectification_due_on": (today + dt.timedelta(days=30)).isoformat()})
        else:
            services.acceptance_pass(actor=drc, project=fresh(world.project), data={
                "decided_on": today.isoformat(), "findings": "同意通过竣工验收"})
        world.project = fresh(world.project)
        world.acceptance = current_acceptance(world.project)
        return world

    return make
