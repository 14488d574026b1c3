"""Property-based checks of /api/v1 against its own OpenAPI document (schemathesis, in process, no network):
for every operation, requests generated from the schema (valid and invalid ones), sent by a DRC user with a
bearer token, never cause a 500, and every response conforms to the documented status codes, content type
and response schema.

The schema is loaded from the app once per module, with the objects the cases aim at, inside a transaction
rolled back at the end (each test runs in a savepoint within it), and each operation's cases are drawn with
hypothesis from `operation.as_strategy()`. (schemathesis's own pytest
plugin, `schemathesis.pytest.from_fixture`, reads `request.node._nodeid`, which pytest 9 no longer has.)
An operation on one object (a project, a round, a line, a plan, an adjustment, a task, a pool entry) also gets
cases aimed at an object DRC sees, so its positive path is exercised, not only its 404; construction control's
aim at a building project and its milestone, change, incident and order."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections, transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from itgov.acceptance.models import Acceptance, AcceptanceDocument, AcceptanceExpert
from itgov.accounts.services import api_token_issue
from itgov.approvals.models import ApplicationDocument, Baseline, Milestone, PanelMember
from itgov.catalogue.models import CatalogueResource, InformationSystem, SharingInterface, SharingRequest
from itgov.construction.models import ChangeRequest, Incident, RectificationOrder, SupervisionPoolEntry
from itgov.operation.models import OMFundingRequest, SelfEvaluation
from itgov.organizations.models import Unit
from itgov.planning.models import (
    AnnualPlan,
    DeclarationLine,
    DeclarationRound,
    DevelopmentPlan,
    PlanAdjustment,
    PlanLine,
    PlanTask,
)
from itgov.planning.services import declaration_exception_grant
from itgov.projects.models import Project, ProjectParticipant
from itgov.security.models import SecurityFinding

from . import matrix_acceptance, matrix_construction, matrix_operation
from .conftest import API, valid_exception_payload
from .test_authorization import MATRIX_OPERATIONS

pytestmark = pytest.mark.django_db

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
OPERATIONS = sorted(MATRIX_OPERATIONS, key=lambda op: (op[1], op[0]))  # every operation (the matrix proves it)


@pytest.fixture(scope="module")
def wsgi_app():
    """The project's WSGI app, called in process. Like Django's test client, it must not close the test's
    database connection at each request's start and end (`close_old_connections` would drop the open
    test transaction)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield get_wsgi_application()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker, wsgi_app):
    """Built once per module (per worker), inside a transaction rolled back at the end; each test runs in a
    savepoint inside it (pytest-django's `db`), so what a test writes is gone before the next one. Holds a
    DRC token, projects in each early state, the 2027 round with an exception and lines of edu and health, an
    issued 2026 plan with an adjustment awaiting DRC, the 2027 draft plan with lines, a draft development plan
    with a task, and the schema as the app serves it to DRC."""
    from itgov.approvals.letter import ensure_letter
    from itgov.planning.devplan_services import devplan_create, task_add
    from itgov.rules.services import policy_profiles_load_bundled
    from tests.acceptance_world import acceptance_maker
    from tests.approvals_world import approval_maker
    from tests.factories import build_district

    from .conftest import line_maker, project_maker, round_maker
    from .conftest_plans import apply_adjustment, plan_world_builder

    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            policy_profiles_load_bundled()
            district = build_district()
            make_project, make_round, make_line = project_maker(district), round_maker(district), line_maker(district)
            for state in ("draft", "proposed", "in_reserve"):
                make_project(state)
            make_project("proposed", owner="health")
            rnd = make_round()
            declaration_exception_grant(actor=district.users["drc"], rnd=rnd,
                                        data=valid_exception_payload(district.health.pk, deadline=(
                                            timezone.now() + dt.timedelta(days=60)).isoformat()))
            make_line(rnd, make_project("in_reserve"))
            make_line(rnd, make_project("in_reserve", owner="health"), proposed_class="A")
            plan_world = plan_world_builder(district, make_project, make_round, make_line)
            issued = plan_world("issued", year=2026)  # an issued edition with an adjustment awaiting DRC
            apply_adjustment(district, issued.plan, issued.edu_project)
            plan_world("draft")  # the 2027 draft with lines (from the round above)
            draft = devplan_create(actor=district.users["drc"], data={
                "name": "鼓楼区“十五五”政务信息化规划（草案）", "start_year": 2026, "end_year": 2030})
            task_add(actor=district.users["drc"], plan=draft, data={"number": "1", "title": "数据底座"})
            approved = approval_maker(district)("approved", joint=True)  # an approval: its documents, letter …
            ensure_letter(approved.baseline)
            _building(district)
            _operating(district)
            _catalogue(district)
            acceptance_maker(district)("scheduled", experts=(district.expert,))  # its documents, its expert's seat
            aimless = [name for name, find in {**VISIBLE, **CONSTRUCTION_OBJECTS, "building project_id": BUILDING_PROJECT,
                                               **OPERATION_OBJECTS, "operating project_id": OPERATING_PROJECT,
                                               **ACCEPTANCE_OBJECTS, "acceptance project_id": ACCEPTANCE_PROJECT,
                                               "annual plan_id": ANNUAL_PLAN_ID["plan_id"]}.items() if find() is None]
            assert not aimless, f"the world holds no object to aim at for {aimless}"
            token = api_token_issue(actor=None, user=district.users["drc"])
            schema = schemathesis.openapi.from_wsgi(f"{API}/openapi.json", wsgi_app,
                                                    headers={"Authorization": f"Bearer {token}"})
            yield SimpleNamespace(token=token, schema=schema)
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def api_schema(world, db):
    return world.schema


@pytest.fixture
def drc_token(world, db) -> str:
    return world.token


# For each path parameter: the object DRC sees that half of the cases aim at.
VISIBLE = {
    "project_id": lambda: Project.objects.filter(status="proposed").order_by("pk").values_list("pk", flat=True).first(),
    "round_id": lambda: DeclarationRound.objects.order_by("pk").values_list("pk", flat=True).first(),
    "line_id": lambda: DeclarationLine.objects.filter(status="declared").order_by("pk").values_list("pk", flat=True)
    .first(),
    "plan_line_id": lambda: PlanLine.objects.filter(plan__status="draft").order_by("pk").values_list("pk", flat=True)
    .first(),
    "adjustment_id": lambda: PlanAdjustment.objects.filter(status="applied").order_by("pk").values_list("pk", flat=True)
    .first(),
    "task_id": lambda: PlanTask.objects.filter(plan__status="draft").order_by("pk").values_list("pk", flat=True).first(),
    "plan_id": lambda: DevelopmentPlan.objects.filter(status="draft").order_by("pk").values_list("pk", flat=True).first(),
    "entry_id": lambda: SupervisionPoolEntry.objects.filter(appointments__isnull=True).order_by("pk")
    .values_list("pk", flat=True).first(),
    # The catalogue, sharing and security (art. 27–30): edu's system, its resource and interface, health's pending
    # request, the Cyberspace Office's finding (see _catalogue).
    "system_id": lambda: InformationSystem.objects.filter(classified=False).order_by("pk").values_list("pk", flat=True)
    .first(),
    "resource_id": lambda: CatalogueResource.objects.order_by("pk").values_list("pk", flat=True).first(),
    "interface_id": lambda: SharingInterface.objects.order_by("pk").values_list("pk", flat=True).first(),
    "sharing_request_id": lambda: SharingRequest.objects.filter(status="pending").order_by("pk")
    .values_list("pk", flat=True).first(),
    "finding_id": lambda: SecurityFinding.objects.order_by("pk").values_list("pk", flat=True).first(),
}
# The objects of a project's approval (a second path parameter): the approved joint project's, the project_id
# of those paths aimed at that project.
APPROVAL_OBJECTS = {
    "document_id": lambda: ApplicationDocument.objects.order_by("pk").values_list("pk", flat=True).first(),
    "participant_id": lambda: ProjectParticipant.objects.order_by("pk").values_list("pk", flat=True).first(),
    "member_id": lambda: PanelMember.objects.order_by("pk").values_list("pk", flat=True).first(),
    "version": lambda: Baseline.objects.order_by("pk").values_list("version", flat=True).first(),
}
APPROVED_PROJECT = lambda: Baseline.objects.order_by("pk").values_list("project_id", flat=True).first()  # noqa: E731
# `plan_id` names a development plan under /development-plans and an annual plan's edition under /annual-plans.
ANNUAL_PLAN_ID = {"plan_id": lambda: AnnualPlan.objects.filter(status="draft").order_by("pk")
                  .values_list("pk", flat=True).first()}
# Construction control: the building project (a second path parameter: its objects).
CONSTRUCTION_OBJECTS = {
    "milestone_id": lambda: Milestone.objects.filter(application__project_id=BUILDING_PROJECT()).order_by("pk")
    .values_list("pk", flat=True).first(),
    "change_id": lambda: ChangeRequest.objects.order_by("pk").values_list("pk", flat=True).first(),
    "incident_id": lambda: Incident.objects.order_by("pk").values_list("pk", flat=True).first(),
    "order_id": lambda: RectificationOrder.objects.order_by("pk").values_list("pk", flat=True).first(),
}
BUILDING_PROJECT = lambda: Project.objects.filter(construction_started_at__isnull=False).order_by(  # noqa: E731
    "pk").values_list("pk", flat=True).first()
CONTROL_PATHS = {API + path for _method, path in (*matrix_construction.CONTROL.values(),
                                                   *matrix_construction.OBJECT.values())}
# Operation (art. 12, 24): the project in operation with its self-evaluation and an O&M funding request.
OPERATION_OBJECTS = {"request_id": lambda: OMFundingRequest.objects.order_by("pk").values_list("pk", flat=True).first()}
OPERATING_PROJECT = lambda: SelfEvaluation.objects.order_by("pk").values_list("project_id", flat=True).first()  # noqa: E731
OPERATION_PATHS = {API + path for _method, path in matrix_operation.PROJECT.values()}
# Acceptance (art. 22, 23): the project scheduled for acceptance, its first document and its expert's seat (the
# operating project was accepted too: aim at the acceptance still open).
ACCEPTANCE_PROJECT = lambda: Acceptance.objects.filter(result="").order_by("pk").values_list(  # noqa: E731
    "project_id", flat=True).first()
ACCEPTANCE_OBJECTS = {
    "document_id": lambda: AcceptanceDocument.objects.filter(project_id=ACCEPTANCE_PROJECT()).order_by("pk")
    .values_list("pk", flat=True).first(),
    "seat_id": lambda: AcceptanceExpert.objects.filter(acceptance__result="").order_by("pk")
    .values_list("pk", flat=True).first(),
}
ACCEPTANCE_PATHS = {API + path for _method, path in matrix_acceptance.REVIEW.values()}


def _operating(district) -> None:
    """A project of edu in operation for 13 months, its self-evaluation reported and an O&M request waiting."""
    from itgov.core.dates import add_months, local_today
    from itgov.operation.services import funding_request, self_evaluation_submit
    from itgov.operation.tests.world import add_contract, evaluation_payload, operation_maker

    evaluated = operation_maker(district)("in_operation", g=add_months(local_today(), -13))
    self_evaluation_submit(actor=evaluated.owner, project=evaluated.project, data=evaluation_payload(evaluated))
    add_contract(evaluated.project, add_months(local_today(), -1))
    funding_request(actor=evaluated.owner, project=evaluated.project, data={
        "year": local_today().year + 1, "requested_amount": "50000.00", "justification": "运维服务"})


def _catalogue(district) -> None:
    """edu's level-3 system with a conditional resource and its interface, health's pending request for it, a graded
    assessment and a finding the Cyberspace Office raised (art. 27–30)."""
    from itgov.catalogue import services
    from itgov.catalogue.tests.conftest import resource_payload
    from itgov.core.dates import local_today
    from itgov.security import services as security

    edu, health = district.users["edu"], district.users["health"]
    system = services.system_register(actor=edu, data={"name": "学籍管理系统", "summary": "中小学学籍管理"})
    resource = services.resource_register(actor=edu, data=resource_payload(system))
    services.interface_register(actor=edu, resource=resource, data={"kind": "api", "name": "学籍核验接口",
                                                                    "address": "https://share.example.gov.cn/xj"})
    services.sharing_request(actor=health, data={"resource_id": resource.pk, "purpose": "核验学生身份"})
    system = security.filing_record(actor=edu, system=system, data={"protection_level": 3})
    security.assessment_record(actor=edu, system=system, data={
        "kind": "graded", "assessed_on": local_today().isoformat(), "assessor": "某测评中心", "result": "mostly",
        "report_number": "DJCP-1"})
    security.finding_raise(actor=district.users["cyber"], system=system, data={
        "description": "存在高危端口", "severity": "high",
        "due_on": (local_today() + dt.timedelta(days=30)).isoformat()})


def _building(district) -> None:
    """A project of edu in construction with a change awaiting DRC, an incident and an order to rectify; the
    district's firm in next year's pool too (nobody appointed from it: removable)."""
    from itgov.construction import services
    from itgov.core.dates import local_today
    from tests.construction_world import construction_maker, pool_entry

    project = construction_maker(district)("in_construction").project
    edu, drc = district.users["edu"], district.users["drc"]
    services.change_submit(actor=edu, project=project, data={"kinds": ["content"], "description": "增加模块",
                                                             "reason": "业务需要"})
    services.incident_report(actor=edu, project=project, data={"kind": "serious_delay", "description": "进度滞后"})
    services.rectification_order(actor=drc, project=project, data={
        "requirements": "补充进度计划", "deadline": local_today() + dt.timedelta(days=30)})
    pool_entry(district, local_today().year + 1)


# For a body field naming an object: the object the aimed positive cases name (a unit that declares).
VISIBLE_IN_BODY = {
    ("POST", f"{API}/declaration-rounds/{{round_id}}/exceptions"): {
        "unit_id": lambda: Unit.objects.filter(code="health").values_list("pk", flat=True).get()},
}


def _naming(case, fields: dict):
    if isinstance(case.body, dict):
        case.body = {**case.body, **{name: value() for name, value in fields.items()}}
    return case


def _operation_params():
    for method, path in OPERATIONS:
        yield pytest.param(method, path, id=f"{method} {path}")


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=lambda m: m.value)
@pytest.mark.parametrize(("method", "path"), list(_operation_params()))
def test_operation_conforms_to_its_schema(api_schema, drc_token, method, path, mode):
    operation = api_schema[path][method]
    headers = {"Authorization": f"Bearer {drc_token}"}
    statuses: list[int] = []
    cases = operation.as_strategy(generation_mode=mode)
    parameter = next((name for name in VISIBLE if f"{{{name}}}" in path), None)
    if parameter:  # half the cases aim at an object DRC sees, not only at random ids
        visible = ANNUAL_PLAN_ID if path.startswith(f"{API}/annual-plans/") else VISIBLE
        aim = {parameter: visible.get(parameter, VISIBLE[parameter])()}
        objects = [name for name in APPROVAL_OBJECTS if f"{{{name}}}" in path]
        if objects:  # a project's approval object: that project and its object
            aim = {"project_id": APPROVED_PROJECT(), **{name: APPROVAL_OBJECTS[name]() for name in objects}}
        if path in CONTROL_PATHS:  # construction control: the building project and its object
            aim = {"project_id": BUILDING_PROJECT(), **{name: find() for name, find in CONSTRUCTION_OBJECTS.items()
                                                        if f"{{{name}}}" in path}}
        if path in OPERATION_PATHS:  # operation: the operating project and its object
            aim = {"project_id": OPERATING_PROJECT(), **{name: find() for name, find in OPERATION_OBJECTS.items()
                                                         if f"{{{name}}}" in path}}
        if path in ACCEPTANCE_PATHS:  # acceptance: the project scheduled for it, its document or its expert's seat
            aim = {"project_id": ACCEPTANCE_PROJECT(), **{name: find() for name, find in ACCEPTANCE_OBJECTS.items()
                                                          if f"{{{name}}}" in path}}
        aimed = operation.as_strategy(generation_mode=mode, path_parameters=aim)
        if (method, path) in VISIBLE_IN_BODY and mode is GenerationMode.POSITIVE:  # and name one in the body
            aimed = aimed.map(lambda case: _naming(case, VISIBLE_IN_BODY[(method, path)]))
        cases = st.one_of(cases, aimed)

    @settings(max_examples=10, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                     HealthCheck.filter_too_much])
    @given(case=cases)
    def check(case):
        try:
            response = case.call_and_validate(headers=headers, checks=CHECKS)
        except BaseExceptionGroup as failures:  # several checks failed: still an assertion that failed
            raise AssertionError(str(failures)) from failures
        statuses.append(response.status_code)

    check()

    assert statuses, "no request was made"
    assert all(status < 500 for status in statuses)
    if parameter:
        assert set(statuses) - {404}, f"every case missed the object of {parameter}"
