"""The construction pages (art. 13, 19, 8, 15, 20): every page and every POST × every role → the exact status (a
table; a refused POST changes nothing and writes no business audit event); the start of construction refused
without a plan line (第十九条); the records through the forms, with the input kept and the field errors on 400 and
the article on a rule's refusal (第十五条, 第二十条, 第十三条); the project page's link; the navigation; the list's
queries do not grow with the projects."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from itgov.audit.models import AuditEvent
from itgov.construction import services
from itgov.construction.models import Contract, Payment, Procurement
from itgov.core.dates import local_today
from itgov.projects.models import Project
from tests.approvals_world import approval_maker
from tests.construction_world import construction_maker

pytestmark = pytest.mark.django_db

ROLES = ["admin", "drc", "finance", "audit", "cyber", "gov", "edu", "health", "supervisor", "expert", "anon"]
BUREAUS = ("drc", "finance", "audit", "cyber", "gov")
# Who does not see an edu project without a panel (404); the district's firm supervises the projects of
# construction_maker (art. 19), so its supervisor sees them.
UNSEEN = ("health", "admin", "expert")
DENIAL_EVENTS = {"access.denied", "rule.refused"}


def table(default: int, **statuses: int) -> dict[str, int]:
    """role → expected status: `default` for the roles not named, 302 (to sign in) for anonymous."""
    return {role: statuses.get(role, 302 if role == "anon" else default) for role in ROLES}


def of(roles, status: int) -> dict[str, int]:
    return dict.fromkeys(roles, status)


def business_events() -> int:
    return AuditEvent.objects.exclude(event_type__in=DENIAL_EVENTS).count()


def records() -> tuple[int, int, int]:
    return Procurement.objects.count(), Contract.objects.count(), Payment.objects.count()


def state(project) -> tuple:
    fresh = Project.objects.get(pk=project.pk)
    return fresh.status, fresh.version, records()


def field_errors(html: str, field: str) -> str:
    match = re.search(rf'data-testid="error-{re.escape(field)}">(.*?)</div>\s*</div>', html, re.S)
    return match.group(1) if match else ""


def today() -> str:
    return local_today().isoformat()


@pytest.fixture
def make(district):
    return construction_maker(district)


def get_statuses(client_for, url: str) -> dict[str, int]:
    return {role: client_for(role).get(url).status_code for role in ROLES}


def post_statuses(client_for, url: str, data, expected: dict[str, int], project) -> dict[str, int]:
    """POST as every role that is refused (nothing may change), then as the allowed ones (last)."""
    got = {}
    allowed = [r for r in ROLES if expected[r] in (200, 302) and r != "anon"]
    for role in [r for r in ROLES if r not in allowed] + allowed:
        client = client_for(role)  # signing in is audited: before the count
        before = state(project), business_events()
        got[role] = client.post(url, data() if callable(data) else data).status_code
        if role not in allowed:
            assert (state(project), business_events()) == before, role
    return got


# Dated today: the day the worlds' projects are approved, and nothing is procured or signed before (art. 13).
PROCUREMENT = {"title": "平台建设公开招标", "method": "open_tender", "announced_on": local_today().isoformat(),
               "awarded_on": local_today().isoformat(), "supplier": "某某科技有限公司", "amount": "900000.00"}
CONTRACT = {"title": "平台建设合同", "supplier": "某某科技有限公司", "amount": "900000.00",
            "signed_on": local_today().isoformat(), "deliverables": "平台软件及部署"}


def payment(amount: str = "100000.00", **extra) -> dict:
    return {"amount": amount, "paid_on": today(), "purpose": "合同首付款", **extra}


# --- every page × every role -----------------------------------------------------------------------------------


def test_list_per_role(client_for, make):
    budgeted, building = make("budgeted"), make("in_construction")
    got = get_statuses(client_for, "/construction/")
    assert got == table(200, admin=403, expert=403)
    services.contract_record(actor=building.owner, project=building.project, data=CONTRACT)
    services.payment_record(actor=building.owner, project=building.project, data=payment("250000.00"))
    for role in ("drc", "edu"):
        html = client_for(role).get("/construction/").content.decode()
        assert f'data-project="{budgeted.project.pk}"' in html and f'data-project="{building.project.pk}"' in html
        row = html.split(f'data-project="{building.project.pk}"')[1].split("</tr>")[0]
        assert 'data-testid="row-estimate">115.00' in row and 'data-testid="row-contracted">90.00' in row
        assert 'data-testid="row-paid">25.00' in row and "建设中" in row
        assert f"/projects/{building.project.pk}/construction/" in row
    health = client_for("health").get("/construction/").content.decode()
    assert 'data-testid="construction-empty"' in health  # not its projects
    supervised = client_for("supervisor").get("/construction/").content.decode()
    assert f'data-project="{budgeted.project.pk}"' in supervised and f'data-project="{building.project.pk}"' in supervised


def test_list_shows_only_budgeted_and_building_and_filters_by_status(client_for, make, district):
    budgeted, building = make("budgeted"), make("in_construction")
    approved = approval_maker(district)("approved")
    html = client_for("drc").get("/construction/").content.decode()
    assert f'data-project="{approved.project.pk}"' not in html
    filtered = client_for("drc").get("/construction/?status=in_construction", HTTP_HX_REQUEST="true")
    fragment = filtered.content.decode()
    assert "<html" not in fragment
    assert f'data-project="{building.project.pk}"' in fragment and f'data-project="{budgeted.project.pk}"' not in fragment


def test_detail_per_role(client_for, make):
    world = make("budgeted")
    url = f"/projects/{world.project.pk}/construction/"
    assert get_statuses(client_for, url) == table(200, **of(UNSEEN, 404))
    edu = client_for("edu").get(url).content.decode()
    for testid in ("start-form", "procurement-form", "contract-form", "payment-form"):
        assert f'data-testid="{testid}"' in edu, testid
    assert 'data-testid="approved-estimate">115.00' in edu
    finance = client_for("finance").get(url).content.decode()
    assert 'data-testid="payment-form"' in finance
    for testid in ("start-form", "procurement-form", "contract-form"):
        assert f'data-testid="{testid}"' not in finance, testid
    for role in ("drc", "supervisor"):  # no record of the money (their control forms: test_control_pages)
        html = client_for(role).get(url).content.decode()
        for testid in ("start-form", "procurement-form", "contract-form", "payment-form"):
            assert f'data-testid="{testid}"' not in html, (role, testid)
    for role in ("audit", "cyber", "gov"):
        html = client_for(role).get(url).content.decode()
        assert re.findall(r'data-testid="[a-z-]+-form"', html) == [], role  # read-only
    assert client_for("edu").get("/projects/999999/construction/").status_code == 404


# --- every POST × every role: the refused ones change nothing ------------------------------------------------------

SEEN_NOT_OWNER = of((*BUREAUS, "supervisor"), 403)


def test_start_post_per_role(client_for, make):
    world = make("budgeted")
    expected = table(404, edu=302, **SEEN_NOT_OWNER)
    got = post_statuses(client_for, f"/projects/{world.project.pk}/construction/start/",
                        lambda: {"version": Project.objects.get(pk=world.project.pk).version}, expected, world.project)
    assert got == expected
    project = Project.objects.get(pk=world.project.pk)
    assert project.status == "in_construction" and project.construction_started_at is not None
    page = client_for("edu").get(f"/projects/{project.pk}/construction/").content.decode()
    assert 'data-testid="start-form"' not in page and 'data-testid="started-at"' in page


@pytest.mark.parametrize(("kind", "data", "allowed"), [
    ("procurements", PROCUREMENT, ("edu",)),
    ("contracts", CONTRACT, ("edu",)),
    ("payments", payment, ("edu", "finance")),
])
def test_record_posts_per_role(kind, data, allowed, client_for, make):
    world = make("in_construction")
    expected = table(404, **{**SEEN_NOT_OWNER, **of(allowed, 302)})
    got = post_statuses(client_for, f"/projects/{world.project.pk}/construction/{kind}/", data, expected,
                        world.project)
    assert got == expected
    model = {"procurements": Procurement, "contracts": Contract, "payments": Payment}[kind]
    assert model.objects.filter(project=world.project).count() == len(allowed)


def test_a_refused_post_cites_the_power_rule(client_for, make):
    world = make("in_construction")
    response = client_for("drc").post(f"/projects/{world.project.pk}/construction/contracts/", CONTRACT)
    assert response.status_code == 403 and "第十九条" in response.content.decode()


# --- the rules through the pages ------------------------------------------------------------------------------------


def test_the_start_without_a_plan_line_is_refused_with_article_19(client_for, make):
    world = make("budgeted", planned=False)
    client, pk = client_for("edu"), world.project.pk
    before = state(world.project)
    response = client.post(f"/projects/{pk}/construction/start/", {"version": world.project.version})
    html = response.content.decode()
    assert response.status_code == 422
    assert 'data-testid="error-article">第十九条' in html and "年度投资计划" in html
    assert state(world.project) == before
    assert AuditEvent.objects.filter(event_type="rule.refused").exists()


def test_a_stale_start_is_409(client_for, make):
    world = make("budgeted")
    response = client_for("edu").post(f"/projects/{world.project.pk}/construction/start/",
                                      {"version": world.project.version + 5})
    assert response.status_code == 409 and 'data-status="409"' in response.content.decode()
    assert Project.objects.get(pk=world.project.pk).status == "budgeted"


def test_a_payment_over_the_years_budget_is_refused_with_article_15(client_for, make):
    world = make("in_construction")
    client, url = client_for("edu"), f"/projects/{world.project.pk}/construction/payments/"
    assert client.post(url, payment("500000.00")).status_code == 302
    response = client.post(url, payment("300000.01", purpose="第二笔进度款"))
    html = response.content.decode()
    assert response.status_code == 422
    assert 'data-testid="error-article">第十五条' in html and "超过当年预算" in html
    assert 'value="300000.01"' in html and 'value="第二笔进度款"' in html  # the input kept
    assert Payment.objects.filter(project=world.project).count() == 1
    page = client.get(f"/projects/{world.project.pk}/construction/").content.decode()
    assert 'data-testid="paid-total">50.00' in page


def test_contracts_over_the_estimate_are_refused_with_article_20(client_for, make):
    world = make("in_construction")
    response = client_for("edu").post(f"/projects/{world.project.pk}/construction/contracts/",
                                      {**CONTRACT, "amount": "1150000.01"})
    assert response.status_code == 422 and 'data-testid="error-article">第二十条' in response.content.decode()
    assert not Contract.objects.exists()


def test_a_payment_outside_the_plan_is_refused_with_article_8(client_for, make):
    world = make("budgeted", planned=False)
    response = client_for("finance").post(f"/projects/{world.project.pk}/construction/payments/", payment())
    assert response.status_code == 422 and 'data-testid="error-article">第八条' in response.content.decode()
    assert not Payment.objects.exists()


def test_bad_input_is_400_on_the_fields_in_chinese(client_for, make):
    world = make("in_construction")
    client, pk = client_for("edu"), world.project.pk
    response = client.post(f"/projects/{pk}/construction/procurements/",
                           {**PROCUREMENT, "title": "", "method": "lottery", "awarded_on": "2000-12-01"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "必填" in field_errors(html, "title") and "不是可选的采购方式" in field_errors(html, "method")
    assert "成交日期不得早于公告日期" in field_errors(html, "awarded_on")
    assert 'value="某某科技有限公司"' in html  # the input kept
    response = client.post(f"/projects/{pk}/construction/payments/", {**payment("abc"), "contract_id": "999999"})
    html = response.content.decode()
    assert response.status_code == 400 and "请输入金额(元)" in field_errors(html, "amount")
    response = client.post(f"/projects/{pk}/construction/payments/", payment(contract_id="999999"))
    assert response.status_code == 400 and "须为本项目的合同" in field_errors(response.content.decode(), "contract_id")
    assert records() == (0, 0, 0)


def test_the_owner_records_procurement_contract_and_payment(client_for, make):
    world = make("in_construction")
    client, pk = client_for("edu"), world.project.pk
    assert client.post(f"/projects/{pk}/construction/procurements/", PROCUREMENT).status_code == 302
    procurement = Procurement.objects.get()
    page = client.get(f"/projects/{pk}/construction/").content.decode()
    assert f'<option value="{procurement.pk}">平台建设公开招标</option>' in page  # offered to the contract form
    assert client.post(f"/projects/{pk}/construction/contracts/",
                       {**CONTRACT, "procurement_id": procurement.pk}).status_code == 302
    contract = Contract.objects.get()
    assert contract.procurement == procurement
    assert client_for("finance").post(f"/projects/{pk}/construction/payments/",
                                      payment("270000.00", contract_id=contract.pk)).status_code == 302
    assert Payment.objects.get().contract == contract
    page = client.get(f"/projects/{pk}/construction/").content.decode()
    assert 'data-testid="contracted-total">90.00' in page and 'data-testid="paid-total">27.00' in page
    assert 'data-testid="contract-headroom">距核定概算尚余 25.00 万元' in page
    assert re.search(rf'data-year="{world.year}">.*?data-testid="year-paid">27.00', page, re.S)
    assert "平台建设合同" in page and "合同首付款" in page


def test_a_prework_payment_before_approval_is_accepted(client_for, district):
    world = approval_maker(district)("under_review")
    response = client_for("edu").post(f"/projects/{world.project.pk}/construction/payments/",
                                      payment("20000.00", purpose="可行性研究报告编制", prework="on"))
    assert response.status_code == 302
    assert Payment.objects.get().prework is True
    page = client_for("edu").get(f"/projects/{world.project.pk}/construction/").content.decode()
    assert 'data-testid="no-baseline"' in page and "其中前期工作费用 2.00 万元" in page
    refused = client_for("edu").post(f"/projects/{world.project.pk}/construction/procurements/", PROCUREMENT)
    assert refused.status_code == 422 and 'data-testid="error-article">第十三条' in refused.content.decode()


# --- the project page and the navigation ----------------------------------------------------------------------------


def test_the_project_page_links_to_construction(client_for, make, district):
    world = make("budgeted")
    html = client_for("edu").get(f"/projects/{world.project.pk}/").content.decode()
    assert f'href="/projects/{world.project.pk}/construction/" data-testid="construction-link"' in html
    # approved (procurement may begin, art. 13): the link; not yet approved: none
    approved = approval_maker(district)("approved")
    html = client_for("edu").get(f"/projects/{approved.project.pk}/").content.decode()
    assert 'data-testid="construction-link"' in html
    reviewed = approval_maker(district)("reviewed")
    html = client_for("edu").get(f"/projects/{reviewed.project.pk}/").content.decode()
    assert 'data-testid="construction-link"' not in html


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anon"])
def test_navigation_per_role(role, client_for, district):
    html = client_for(role).get("/").content.decode()
    assert ('data-nav="construction"' in html) == (role in (*BUREAUS, "edu", "health", "supervisor"))


def test_the_detail_page_marks_its_navigation_entry(client_for, make):
    world = make("budgeted")
    html = client_for("edu").get(f"/projects/{world.project.pk}/construction/").content.decode()
    assert re.search(r'class="nav-link active" href="/construction/" data-nav="construction"', html)


# --- queries ---------------------------------------------------------------------------------------------------------


def count_queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def building_projects(district, n: int) -> None:
    """`n` projects in construction with two contracts and two payments each (rows written directly)."""
    from tests.factories import ProjectFactory

    for _i in range(n):
        project = ProjectFactory(owner_unit=district.edu, status="in_construction")
        for amount in ("100000.00", "200000.00"):
            Contract.objects.create(project=project, title="合同", supplier="乙方", amount=Decimal(amount),
                                    signed_on=local_today())
            Payment.objects.create(project=project, amount=Decimal(amount), paid_on=local_today(), purpose="支付")


@pytest.mark.parametrize("role", ["drc", "edu"])
def test_list_queries_do_not_grow(role, client_for, make, district):
    make("in_construction")
    client = client_for(role)
    building_projects(district, 2)
    client.get("/construction/")
    small = count_queries(client, "/construction/")
    building_projects(district, 25)
    large = count_queries(client, "/construction/")
    assert small == large and large <= 12
    html = client.get("/construction/").content.decode()
    assert html.count('data-testid="row-paid">30.00') == 20  # a full page, each summed in the query
