"""A project brought to any stage of its initiation approval (art. 13–17, 28) through the services, as the
owner unit, DRC, the expert and Finance would — for the API, page and browser tests.

`approval_maker(district)("approved", owner="edu", joint=True)` → SimpleNamespace(project, application,
review, member, baseline, budget). States: planned, drafted (application complete, not submitted),
submitted, under_review, reviewed (assessment done, the expert's opinion in), approved, budgeted, returned,
rejected."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

APPROVAL_STATES = ("planned", "drafted", "submitted", "under_review", "reviewed", "approved", "budgeted", "returned",
                   "rejected")
OWNER_OF_UNIT = {"edu": "edu", "school1": "edu", "health": "health"}
PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
_codes = iter(range(1, 999999))


def next_code(region: str = "320106") -> str:
    """A valid, unused project code of the district (GB/T 40058, year-month form)."""
    return f"2604-{region}-65-01-{next(_codes):06d}"


def valid_application_payload(**overrides: Any) -> dict[str, Any]:
    """A complete application (art. 14, 11, 18, 28, 30) as the API takes it."""
    payload = {
        "construction_content": "建设统一业务办理平台,含受理、审批、统计三个子系统。",
        "scale": "覆盖全区12个街道、3000名用户。",
        "standards": "符合国家电子政务相关标准和等级保护第三级要求。",
        "technical_approach": "基于政务云部署,微服务架构,对接统一身份认证。",
        "hardware": "200000.00", "software": "700000.00", "services": "100000.00", "integration": "100000.00",
        "supervision_fee": "50000.00", "prework": "30000.00", "other": "20000.00",
        "start_date": "2027-03-01", "end_date": "2027-12-31",
        "milestones": [{"name": "完成招标采购", "due_date": "2027-04-30"},
                       {"name": "系统上线试运行", "due_date": "2027-10-31"}],
        "performance_targets": [
            {"category": "output_quantity", "indicator": "建设子系统数量", "unit": "个", "target": "3"},
            {"category": "benefit", "indicator": "办件平均时长缩短", "unit": "%", "target": "30"},
            {"category": "satisfaction", "indicator": "用户满意度", "unit": "%", "target": "≥90"},
        ],
        "data_sharing_summary": "产生业务办理数据,按有条件共享编入全区政务数据资源目录,经共享交换平台提供。",
        "data_resources": [
            {"name": "业务办件信息", "direction": "produced", "sharing_type": "conditional", "into_catalogue": True,
             "source_or_use": "办理过程产生"},
            {"name": "人口基础信息", "direction": "consumed", "sharing_type": "conditional", "into_catalogue": False,
             "source_or_use": "身份核验"},
        ],
        "shared_platforms": ["gov_cloud", "identity", "data_exchange"],
        "platforms_note": "",
        "protection_level": 3,
        "security_measures": "按第三级要求建设,上线前完成等级测评和商用密码应用安全性评估。",
    }
    payload.update(overrides)
    return payload


JOINT_SECTIONS = {"joint_framework": "统一门户、分部门业务子系统。", "business_flow": "受理—流转—办结。",
                  "data_flow": "各部门经共享交换平台交换办件数据。", "system_interfaces": "REST 接口,统一身份认证。"}


def report(kind: str = "application_report") -> dict[str, Any]:
    return {"data": {"kind": kind}, "files": {"file": SimpleUploadedFile(f"{kind}.pdf", PDF_BYTES, "application/pdf")}}


def plan_project(project):
    """Put a reserve project into `planned` as an issued annual plan would (the planning tests cover that path)."""
    from itgov.projects.models import Project

    Project.objects.filter(pk=project.pk).update(status="planned", version=project.version + 1)
    return Project.objects.select_related("owner_unit").get(pk=project.pk)


def approval_maker(district):
    from itgov.approvals import services
    from itgov.approvals.selectors import current_application, current_baseline, current_budget
    from itgov.projects.models import Project
    from tests.api.conftest import project_maker

    make_project = project_maker(district)

    def make(state: str = "planned", *, owner: str = "edu", joint: bool = False, code: str | None = None,
             panel: bool = True, **fields: Any) -> SimpleNamespace:
        if state not in APPROVAL_STATES:
            raise ValueError(state)
        unit_user = district.users[OWNER_OF_UNIT[owner]]
        drc = district.users["drc"]
        project = plan_project(make_project("in_reserve", owner=owner, **fields))
        world = SimpleNamespace(project=project, application=None, review=None, member=None, baseline=None,
                                budget=None, owner=unit_user)
        if joint:
            partner = district.health if owner != "health" else district.edu
            services.participant_add(actor=unit_user, project=project, data={"unit_id": partner.pk,
                                                                                "role_description": "数据对接"})
        if state == "planned":
            return _refresh(world)
        payload = valid_application_payload(**(JOINT_SECTIONS if joint else {}))
        services.application_save(actor=unit_user, project=project, data=payload)
        for kind in ("application_report", "feasibility_study"):
            services.document_upload(actor=unit_user, project=project, **report(kind))
        project = services.project_code_record(actor=unit_user, project=_fresh(project),
                                               data={"project_code": code or next_code()})
        if joint:
            partner_user = district.users["health" if owner != "health" else "edu"]
            participant = project.participants.get()
            services.participant_confirm(actor=partner_user, project=project, participant=participant)
        if state == "drafted":
            return _refresh(world)
        services.initiation_submit(actor=unit_user, project=_fresh(project))
        if state == "submitted":
            return _refresh(world)
        if state == "rejected":
            services.initiation_reject(actor=drc, project=_fresh(project), data={"reason": "重复建设"})
            return _refresh(world)
        services.initiation_start_review(actor=drc, project=_fresh(project))
        if state == "returned":
            services.initiation_return(actor=drc, project=_fresh(project), data={"reason": "投资估算依据不足"})
            return _refresh(world)
        if state == "under_review":
            return _refresh(world)
        services.review_update(actor=drc, project=_fresh(project), data={
            "sharing_conclusion": "adequate", "sharing_opinion": "共享内容完整,可纳入目录。",
            "checklist": {"necessity": {"ok": True, "note": ""}}})
        if panel:
            member = services.panel_add(actor=drc, project=_fresh(project), data={"expert_id": district.expert.pk})
            services.opinion_record(actor=district.users["expert"], project=_fresh(project), member=member,
                                    data={"opinion": "agree", "opinion_text": "方案可行。"})
        if state == "reviewed":
            return _refresh(world)
        services.initiation_approve(actor=drc, project=_fresh(project), data={
            "approved_estimate": "1150000.00", "control_indicators": "建设工期10个月。", "opinion": "同意建设。",
            "copy_to": "区财政局,区审计局"})
        if state == "approved":
            return _refresh(world)
        services.budget_record(actor=district.users["finance"], project=_fresh(project), data={
            "lines": [{"year": 2027, "fund_source": "general", "amount": "1000000.00"},
                      {"year": 2028, "fund_source": "general", "amount": "150000.00"}], "note": "分两年安排"})
        return _refresh(world)

    def _fresh(project):
        return Project.objects.select_related("owner_unit").get(pk=project.pk)

    def _refresh(world):
        from itgov.approvals.selectors import panel_of, review_of

        world.project = _fresh(world.project)
        world.application = current_application(world.project)
        world.review = review_of(world.application)
        members = panel_of(world.review)
        world.member = members[0] if members else None
        world.baseline = current_baseline(world.project)
        world.budget = current_budget(world.project)
        return world

    return make
