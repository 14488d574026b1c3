"""Helpers for the /api/v1 tests: a JSON client acting as one user, projects in a given state, and the
snapshots a denial is checked against (the project row and the business audit trail)."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from itgov.core.dates import SHANGHAI

API = "/api/v1"
# The roles of the `district` fixture, in the order the expectation tables list them.
ROLES = ("admin", "drc", "finance", "audit", "cyber", "gov", "edu", "health", "supervisor", "expert")
# Audit events a refusal may write; every other event type is a business event a refusal must not write.
REFUSAL_EVENTS = ("access.denied", "rule.refused")
NOT_FOUND = {"error": {"code": "not_found", "message": "对象不存在或无权查看"}}
UNAUTHENTICATED = {"error": {"code": "unauthenticated", "message": "请先登录或提供有效的令牌"}}
FORBIDDEN = {"error": {"code": "forbidden", "message": "当前角色无权执行此操作"}}
DRC_POWER_FORBIDDEN = {"error": {"code": "forbidden", "message": "只有区发改委(大数据局)可以审核项目入库(第四条)",
                                 "article": "第四条"}}
OWNER_POWER_FORBIDDEN = {"error": {"code": "forbidden", "message": "只有项目的建设单位可以编辑、申报或撤回本项目(第七条)",
                                   "article": "第七条"}}
AUDIT_POWER_FORBIDDEN = {"error": {"code": "forbidden", "message": "只有区审计局可以检索和导出审计记录(第四条)",
                                   "article": "第四条"}}
DRC_ROUND_FORBIDDEN = {"error": {"code": "forbidden", "message": "只有区发改委(大数据局)可以发起年度申报或批准申报例外(第八条)",
                                "article": "第八条"}}
DECLARE_FORBIDDEN = {"error": {"code": "forbidden", "message": "只有项目的建设单位可以申报或撤回本项目的年度计划(第八条)",
                               "article": "第八条"}}
CJK = re.compile(r"[\u4e00-\u9fff]")
_NO_BODY = object()

# The owner user who acts for each owner unit of the district (school1 lies under edu).
OWNER_OF_UNIT = {"edu": "edu", "school1": "edu", "health": "health"}


# Art. 8: the round of plan year 2027 collects in the third quarter of 2026 (the bundled Gulou profile's window
# is 07-01 to 09-30, both days included, Asia/Shanghai).
ROUND_YEAR = 2027
INSIDE_WINDOW = dt.datetime(2026, 8, 15, 10, 0, tzinfo=SHANGHAI)
OUTSIDE_WINDOW = dt.datetime(2026, 10, 1, 0, 0, tzinfo=SHANGHAI)


def valid_project_payload(**overrides: Any) -> dict[str, Any]:
    """A complete proposal (every field art. 7 and art. 28 ask for) as the API takes it."""
    payload = {
        "name": "区教育局智慧校园平台建设项目",
        "kind": "business_system",
        "construction_type": "new",
        "estimated_investment": "1200000.00",
        "responsible_person": "李四",
        "responsible_phone": "025-83330001",
        "necessity": "现有系统无法满足教学管理需要。",
        "construction_content": "建设教学管理、统计分析两个模块。",
        "data_sharing_intent": "产生学籍数据,按有条件共享编入全区目录。",
    }
    payload.update(overrides)
    return payload


def valid_line_payload(project_id: int, /, **overrides: Any) -> dict[str, Any]:
    """A complete declaration line (art. 8) as the API takes it: next year's construction of a reserve project."""
    payload = {"project_id": project_id, "line_type": "construction", "requested_amount": "800000.00",
               "proposed_class": "B", "justification": "建设条件已具备,力争年内开工。"}
    payload.update(overrides)
    return payload


def valid_exception_payload(unit_id: int, /, **overrides: Any) -> dict[str, Any]:
    payload = {"unit_id": unit_id, "reason": "机构调整,延期申报", "deadline": "2026-10-15T18:00:00+08:00"}
    payload.update(overrides)
    return payload


class Api:
    """A JSON client for /api/v1: bearer `token`, a logged-in `client`, or anonymous. A server error comes
    back as a 500 response (not an exception), so a matrix row can assert on it."""

    def __init__(self, token: str | None = None, client: Client | None = None):
        self.client = client or Client(raise_request_exception=False)
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}

    def call(self, method: str, path: str, body: Any = _NO_BODY, **extra: Any):
        url = path if path.startswith(API) else f"{API}/{path.lstrip('/')}"
        kwargs = {**self.headers, **extra}
        if body is not _NO_BODY:
            kwargs["data"] = body if isinstance(body, str | bytes) else json.dumps(body)
            kwargs["content_type"] = "application/json"
        return getattr(self.client, method.lower())(url, **kwargs)

    def get(self, path: str, **extra: Any):
        return self.call("GET", path, **extra)

    def post(self, path: str, body: Any = _NO_BODY, **extra: Any):
        return self.call("POST", path, body, **extra)

    def patch(self, path: str, body: Any = _NO_BODY, **extra: Any):
        return self.call("PATCH", path, body, **extra)


@pytest.fixture
def api(district) -> Callable[[str], Api]:
    """`api("drc")`: a client with a fresh bearer token of that district user; `api("anonymous")`: none."""
    from itgov.accounts.services import api_token_issue

    tokens: dict[str, str] = {}

    def make(role: str) -> Api:
        if role == "anonymous":
            return Api()
        if role not in tokens:
            tokens[role] = api_token_issue(actor=None, user=district.users[role])
        return Api(tokens[role])

    return make


def move_project(district, project, state: str):
    """Bring a draft to `state` through the services, as its owner and DRC would."""
    from itgov.projects import services

    owner = district.users[OWNER_OF_UNIT[project.owner_unit.code]]
    if state == "draft":
        return project
    if state == "withdrawn":
        return services.project_withdraw(actor=owner, project=project, reason="不再建设")
    project = services.project_submit_proposal(actor=owner, project=project)
    if state == "proposed":
        return project
    if state == "in_reserve":
        return services.project_admit(actor=district.users["drc"], project=project, no_task_reason="基础支撑")
    raise ValueError(state)


@pytest.fixture
def make_project(district):
    """`make_project("proposed", owner="edu", classified=False, **fields)` → a fresh Project in that state."""
    return project_maker(district)


def project_maker(district):
    from itgov.projects.models import Project
    from tests.factories import ProjectFactory

    units = {"edu": district.edu, "school1": district.edu_school, "health": district.health}

    def make(state: str = "draft", *, owner: str = "edu", classified: bool = False, **fields: Any) -> Project:
        if classified:  # art. 5: a classified project carries no content
            fields = {"necessity": "", "construction_content": "", "data_sharing_intent": "", **fields}
        project = ProjectFactory(owner_unit=units[owner], classified=classified, **fields)
        project = move_project(district, project, state)
        return Project.objects.select_related("owner_unit").get(pk=project.pk)

    return make


@contextlib.contextmanager
def frozen_at(moment: dt.datetime):
    """`django.utils.timezone.now` returns `moment` (aware) inside the block, and what it did before after it."""
    before = timezone.now
    timezone.now = lambda: moment
    try:
        yield moment
    finally:
        timezone.now = before


@pytest.fixture
def at(monkeypatch) -> Callable[[dt.datetime], dt.datetime]:
    """`at(moment)`: from now on in this test, `django.utils.timezone.now()` is `moment` (aware)."""

    def freeze(moment: dt.datetime) -> dt.datetime:
        assert moment.tzinfo is not None
        monkeypatch.setattr(timezone, "now", lambda: moment)
        return moment

    return freeze


@pytest.fixture
def make_round(district):
    """`make_round(2027)` → a DeclarationRound DRC opened through the service."""
    return round_maker(district)


def round_maker(district):
    from itgov.planning import services

    def make(year: int = ROUND_YEAR, note: str = ""):
        return services.declaration_round_open(actor=district.users["drc"], data={"year": year, "note": note})

    return make


@pytest.fixture
def make_line(district):
    """`make_line(rnd, project, status="declared", **fields)` → a line the project's owner declared through the
    service inside the window (the clock is set back afterwards); `status="withdrawn"` withdraws it too."""
    return line_maker(district)


def line_maker(district):
    from itgov.planning import services

    def make(rnd, project, *, status: str = "declared", **fields: Any):
        owner = district.users[OWNER_OF_UNIT[project.owner_unit.code]]
        data = valid_line_payload(project.pk, **fields)
        with frozen_at(INSIDE_WINDOW):
            line = services.declaration_line_declare(actor=owner, rnd=rnd, data=data)
            if status == "withdrawn":
                line = services.declaration_line_withdraw(actor=owner, line=line, reason="改为明年申报")
        assert line.status == status
        return line

    return make


@pytest.fixture
def declaration_round(make_project, make_round, make_line):
    """The 2027 round (art. 8) with a line edu declared (construction, class B, 300 000.00), a line health
    declared (construction, class A, 500 000.00), and a reserve project of edu not declared yet."""
    rnd = make_round()
    return SimpleNamespace(
        round=rnd,
        project=make_project("in_reserve"),
        edu_line=make_line(rnd, make_project("in_reserve"), requested_amount="300000.00"),
        health_line=make_line(rnd, make_project("in_reserve", owner="health"), requested_amount="500000.00",
                              proposed_class="A"),
    )


def business_events() -> list[tuple[int, str]]:
    from itgov.audit.models import AuditEvent

    return list(AuditEvent.objects.exclude(event_type__in=REFUSAL_EVENTS).order_by("seq")
                .values_list("seq", "event_type"))


def refusal_events(project_id: int | None = None) -> list[tuple[str, str]]:
    from itgov.audit.models import AuditEvent

    qs = AuditEvent.objects.filter(event_type__in=REFUSAL_EVENTS)
    if project_id is not None:
        qs = qs.filter(project_id=project_id)
    return list(qs.order_by("seq").values_list("event_type", "reason"))


def project_row(project_id: int) -> dict[str, Any]:
    from itgov.projects.models import Project

    return Project.objects.filter(pk=project_id).values("status", "version", "updated_at").get()


def line_row(line_id: int) -> dict[str, Any]:
    from itgov.planning.models import DeclarationLine

    return DeclarationLine.objects.filter(pk=line_id).values("status", "version", "updated_at").get()


def planning_counts() -> tuple[int, int, int]:
    """(rounds, exceptions, lines): what a denied planning write must leave as it was."""
    from itgov.planning.models import DeclarationException, DeclarationLine, DeclarationRound

    return DeclarationRound.objects.count(), DeclarationException.objects.count(), DeclarationLine.objects.count()


def missing_id(model) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return last + 1000


def missing_project_id() -> int:
    from itgov.projects.models import Project

    last = Project.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return last + 1000


def messages_of(body: dict) -> list[str]:
    """Every message of an error body (the top one and each field's)."""
    error = body["error"]
    out = [error["message"]]
    for msgs in (error.get("fields") or {}).values():
        out.extend(msgs)
    return out
