"""Benchmarks, run on demand (`make bench`): each operation against a raw-SQL floor, reported as a ratio.

A fresh SQLite database in a temporary folder (or BENCH_DATABASE_URL, e.g. a scratch PostgreSQL
database: it is migrated and filled, so never point it at real data). N projects (BENCH_PROJECTS,
default 5000) spread over the demo district's units.

    operation                         what the floor is
    project list page (API, drc)      one SELECT … JOIN … ORDER BY … LIMIT 20 and a COUNT(*)
    project detail (API, edu)         one SELECT by primary key
    transition (submit_proposal)      one UPDATE … WHERE id AND version, one INSERT into the audit table
    audit_record                      one INSERT into the audit table
    annual_plan_compile (M lines)     one INSERT … SELECT of the same M rows from the declared lines
    plan_allocation (M lines)         one SELECT of the columns the helper reads, for the M lines
    initiation_approve                one UPDATE of the project, one INSERT of the baseline, one of the audit row
    approval dossier (API, drc)       the SELECTs of the application, its three lists, review, panel, baseline
    payment_record (M payments)       the two SUMs the rules read and one INSERT, for a project with M payments
    refresh_risk (M payments)         the SELECTs of baseline, milestones, latest report, the two SUMs, one UPDATE
    acceptance calendar (M on trial)  the SELECT of the month's acceptances and of the projects on trial
    我的待办 (home page, drc)          one SELECT of the projects waiting for DRC, LIMIT 20, and a COUNT(*)

M declared lines (BENCH_PLAN_LINES, default 5000), each of its own reserve project, in a round of a year
the demo does not use; set up with bulk_create (not measured). Each compile sample starts from an empty
draft (the lines are deleted before it, not measured), as does each floor sample.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["DJANGO_SETTINGS_MODULE"] = "config.settings.dev"
os.environ.setdefault("ITGOV_VAR_DIR", tempfile.mkdtemp(prefix="itgov-bench-"))
if os.environ.get("BENCH_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["BENCH_DATABASE_URL"]
else:
    os.environ.pop("DATABASE_URL", None)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
settings.ALLOWED_HOSTS = ["*"]
settings.DEBUG = False

N = int(os.environ.get("BENCH_PROJECTS", "5000"))
M = int(os.environ.get("BENCH_PLAN_LINES", "5000"))
REPEAT = int(os.environ.get("BENCH_REPEAT", "30"))


def timed(fn, repeat=REPEAT, before=None) -> float:
    """Median of `repeat` runs of `fn` after a warm-up; `before` (not measured) runs ahead of each."""
    if before:
        before()
    fn()  # warm
    samples = []
    for _ in range(repeat):
        if before:
            before()
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def setup() -> None:
    from itgov.accounts.models import User
    from itgov.demo.services import load_demo
    from itgov.organizations.models import Unit
    from itgov.projects.models import Project

    call_command("migrate", verbosity=0)
    load_demo()
    owners = list(Unit.objects.filter(kind__in=["department", "street"]))
    drc_user = User.objects.get(username="drc")
    statuses = ["draft", "proposed", "in_reserve"]
    Project.objects.bulk_create([
        Project(name=f"基准测试项目{i:06d}", owner_unit=owners[i % len(owners)], kind="business_system",
                construction_type="new", estimated_investment=Decimal(100000 + i), status=statuses[i % 3],
                necessity="x", construction_content="y", data_sharing_intent="z", created_by=drc_user,
                responsible_person="张三")
        for i in range(N)
    ], batch_size=1000)


def plan_setup(drc):
    """M reserve projects, each declared once in a round of a year the demo leaves alone (A, B and C lines
    mixed), and two empty drafts of that year and the next: one for itgov, one for the floor."""
    from itgov.core.dates import local_today
    from itgov.organizations.models import Jurisdiction, Unit
    from itgov.planning.models import AnnualPlan, DeclarationLine, DeclarationRound
    from itgov.projects.models import Project

    gulou = Jurisdiction.objects.get(code="320106")
    year = local_today().year + 10
    owners = list(Unit.objects.filter(kind__in=["department", "street"]).order_by("code"))
    projects = Project.objects.bulk_create([
        Project(name=f"基准计划项目{i:06d}", owner_unit=owners[i % len(owners)], kind="business_system",
                construction_type="new", estimated_investment=Decimal(200000 + 97 * i), status="in_reserve",
                necessity="x", construction_content="y", data_sharing_intent="z", created_by=drc,
                responsible_person="张三")
        for i in range(M)
    ], batch_size=1000)
    rnd = DeclarationRound.objects.create(jurisdiction=gulou, year=year, note="基准测试", opened_by=drc)
    classes = "ABBCBBACBC"  # 20 % A, 50 % B, 30 % C
    DeclarationLine.objects.bulk_create([
        DeclarationLine(round=rnd, unit_id=p.owner_unit_id, project=p, line_type="construction",
                        proposed_class=classes[i % len(classes)], justification="基准测试", declared_by=drc,
                        requested_amount=Decimal(20000 + (i * 7919) % 60000) if classes[i % len(classes)] == "C"
                        else Decimal(100000 + (i * 7919) % 900000))
        for i, p in enumerate(projects)
    ], batch_size=1000)
    ours = AnnualPlan.objects.create(jurisdiction=gulou, year=year, created_by=drc)
    floor = AnnualPlan.objects.create(jurisdiction=gulou, year=year + 1, created_by=drc)
    return rnd, ours, floor


def plan_rows(drc) -> list[tuple[str, float, float]]:
    from django.db.models import F, Sum

    from itgov.planning import plan_services
    from itgov.planning.models import AnnualPlan, PlanLine

    rnd, ours, floor = plan_setup(drc)

    def empty(plan):
        def before():
            with connection.cursor() as c:
                c.execute("DELETE FROM planning_planline WHERE plan_id = %s", [plan.pk])
        return before

    def compile_plan():
        assert plan_services.annual_plan_compile(actor=drc, plan=ours) == M

    def raw_compile():
        with transaction.atomic(), connection.cursor() as c:
            c.execute(
                "INSERT INTO planning_planline (plan_id, project_id, unit_id, line_type, plan_class, requested_amount, "
                "amount, prework_amount, priority, must_start_reason, skip_reason, note, declaration_id, version) "
                "SELECT %s, d.project_id, p.owner_unit_id, d.line_type, d.proposed_class, d.requested_amount, "
                "d.requested_amount, CASE WHEN d.proposed_class = 'C' THEN d.requested_amount ELSE 0 END, 50, "
                "'', '', '', d.id, 1 FROM planning_declarationline d JOIN projects_project p ON p.id = d.project_id "
                "WHERE d.round_id = %s AND d.status = 'declared' AND p.classified = %s ORDER BY d.unit_id, d.id",
                [floor.pk, rnd.pk, False])
            assert c.rowcount == M

    rows = [(f"annual_plan_compile ({M} lines)", timed(compile_plan, before=empty(ours)),
             timed(raw_compile, before=empty(floor)))]

    # The compiled draft, scored and given a capacity that funds about half of the B requests.
    PlanLine.objects.filter(plan=ours).update(priority=F("id") % 101)
    sums = dict(PlanLine.objects.filter(plan=ours).values_list("plan_class").annotate(s=Sum("amount")))
    b_lines = PlanLine.objects.filter(plan=ours, plan_class="B").count()
    AnnualPlan.objects.filter(pk=ours.pk).update(capacity=sums["A"] + sums["C"] + sums["B"] / 2)
    ours.refresh_from_db()

    def allocation():
        result = plan_services.plan_allocation(actor=drc, plan=ours)
        assert len(result.decisions) == b_lines and 0 < result.left < result.available

    def raw_allocation():
        with connection.cursor() as c:
            c.execute("SELECT id, plan_class, amount, requested_amount, priority FROM planning_planline "
                      "WHERE plan_id = %s", [ours.pk])
            assert len(c.fetchall()) == M

    rows.append((f"plan_allocation ({M} lines)", timed(allocation), timed(raw_allocation)))
    return rows


def approval_setup(drc, count: int) -> list:
    """`count` projects under DRC's review with a complete application, its assessment done (rows written
    directly: the setup is not measured), each ready to approve."""
    from itgov.approvals.models import (
        ApplicationDocument,
        ApprovalReview,
        DataResource,
        InitiationApplication,
        Milestone,
        PerformanceTarget,
        UnitSuspension,
    )
    from itgov.organizations.models import Unit
    from itgov.projects.models import Project

    # units whose approvals are not suspended (the demo suspends one, art. 23)
    suspended = UnitSuspension.objects.filter(lifted_at__isnull=True).values("unit_id")
    owners = list(Unit.objects.filter(kind="department").exclude(pk__in=suspended).order_by("code"))
    first = Project.objects.filter(name__startswith="基准立项项目").count()
    projects = Project.objects.bulk_create([
        Project(name=f"基准立项项目{first + i:06d}", owner_unit=owners[i % len(owners)], kind="business_system",
                construction_type="new", estimated_investment=Decimal(900000), status="under_review",
                necessity="x", construction_content="y", data_sharing_intent="z", created_by=drc,
                responsible_person="张三", project_code=f"2601-320106-65-01-{900000 + first + i:06d}")
        for i in range(count)])
    apps = InitiationApplication.objects.bulk_create([
        InitiationApplication(project=p, construction_content="c", scale="s", standards="t", technical_approach="a",
                              software=Decimal(900000), data_sharing_summary="d", shared_platforms=["gov_cloud"],
                              protection_level=2, security_measures="m") for p in projects])
    Milestone.objects.bulk_create([Milestone(application=a, name="上线", due_date="2030-01-01") for a in apps])
    PerformanceTarget.objects.bulk_create([PerformanceTarget(application=a, category=c, indicator="i", target="1")
                                           for a in apps for c in ("output_quantity", "benefit", "satisfaction")])
    DataResource.objects.bulk_create([DataResource(application=a, name="r", direction="produced",
                                                   sharing_type="conditional") for a in apps])
    ApplicationDocument.objects.bulk_create([ApplicationDocument(application=a, kind=k, file="x.pdf", name="x.pdf",
                                                                 size=1, sha256="0" * 64)
                                             for a in apps for k in ("application_report", "feasibility_study")])
    ApprovalReview.objects.bulk_create([ApprovalReview(application=a, sharing_conclusion="adequate",
                                                       sharing_opinion="ok", reviewer=drc) for a in apps])
    return projects


def approval_rows(drc, client_drc) -> list[tuple[str, float, float]]:
    from itgov.approvals import services as approval_services

    ours, spare = iter(approval_setup(drc, REPEAT + 1)), iter(approval_setup(drc, REPEAT + 1))
    counter = iter(range(10**6))

    def approve():
        approval_services.initiation_approve(actor=drc, project=next(ours), data={"approved_estimate": "800000.00"})

    def raw_approve():
        p, i = next(spare), next(counter)
        with transaction.atomic(), connection.cursor() as c:
            c.execute("UPDATE projects_project SET status='approved', version=version+1 WHERE id=%s AND version=%s",
                      [p.pk, p.version])
            c.execute("INSERT INTO approvals_baseline (project_id, version, application_id, approved_estimate, "
                      "construction_content, scale, standards, investment_breakdown, performance_targets, "
                      "control_indicators, opinion, issuing_unit_id, document_year, document_seq, document_number, "
                      "copy_to, approved_on, approved_at, approved_by_id) SELECT %s, 1, a.id, 800000, a.construction_content, "
                      "a.scale, a.standards, '{}', '[]', '', '', %s, 2099, %s, %s, '', CURRENT_DATE, CURRENT_TIMESTAMP, "
                      "%s FROM approvals_initiationapplication a WHERE a.project_id = %s",
                      [p.pk, drc.unit_id, 10**6 + i, f"bench〔2099〕{i}号", drc.pk, p.pk])
            c.execute("INSERT INTO audit_auditevent (seq, at, event_type, actor_name, unit_name, channel, "
                      "object_type, object_id, object_repr, reason, prev_hash, hash) VALUES "
                      "(%s, CURRENT_TIMESTAMP, 'approval.approved', 'x', '', 'system', '', '', '', '', '', %s)",
                      [3 * 10**9 + i, f"approve{i}"])

    rows = [("initiation_approve", timed(approve), timed(raw_approve))]
    approved = approval_setup(drc, 1)[0]
    approval_services.initiation_approve(actor=drc, project=approved, data={"approved_estimate": "800000.00"})

    def dossier():
        assert client_drc.get(f"/api/v1/projects/{approved.pk}/approval").status_code == 200

    def raw_dossier():
        with connection.cursor() as c:
            c.execute("SELECT * FROM approvals_initiationapplication WHERE project_id = %s ORDER BY number DESC LIMIT 1",
                      [approved.pk])
            app_id = c.fetchone()[0]
            for table in ("milestone", "performancetarget", "dataresource", "applicationdocument", "approvalreview"):
                c.execute(f"SELECT * FROM approvals_{table} "
                          "WHERE application_id = %s", [app_id])
                c.fetchall()
            c.execute("SELECT * FROM approvals_baseline WHERE project_id = %s", [approved.pk])
            c.fetchall()

    rows.append(("approval dossier (API, drc)", timed(dossier), timed(raw_dossier)))
    return rows


def payment_rows(drc) -> list[tuple[str, float, float]]:
    """A project in construction with M earlier payments (bulk-created, not measured); each sample records one
    more payment through the service: the lock, the art. 13, 8 and 15 rules over the sums, the insert, the audit."""
    import datetime as dt

    from itgov.accounts.models import User
    from itgov.approvals import services as approvals
    from itgov.approvals.models import Baseline, Budget, BudgetLine
    from itgov.construction import services as construction
    from itgov.construction.models import Payment
    from itgov.core.dates import local_today
    from itgov.organizations.models import Jurisdiction
    from itgov.planning.models import AnnualPlan, PlanLine
    from itgov.projects.models import Project

    year = local_today().year
    project = approval_setup(drc, 1)[0]
    approvals.initiation_approve(actor=drc, project=project, data={"approved_estimate": "90000000.00"})
    baseline = Baseline.objects.get(project=project)
    budget = Budget.objects.create(project=project, baseline=baseline, revision=1, total=Decimal("90000000.00"))
    BudgetLine.objects.create(budget=budget, year=year, fund_source="general", amount=Decimal("90000000.00"))
    Project.objects.filter(pk=project.pk).update(status="in_construction")
    gulou = Jurisdiction.objects.get(code="320106")
    plan = (AnnualPlan.objects.filter(jurisdiction=gulou, year=year, status="issued").first()
            or AnnualPlan.objects.create(jurisdiction=gulou, year=year, status="issued", created_by=drc))
    PlanLine.objects.create(plan=plan, project=project, unit=project.owner_unit, line_type="construction",
                            plan_class="A", amount=Decimal("1000000.00"))
    Payment.objects.bulk_create([Payment(project=project, amount=Decimal("100.00"), paid_on=dt.date(year, 1, 2),
                                         purpose="基准") for _ in range(M)], batch_size=1000)
    actor = User.objects.get(role_grants__role="owner", role_grants__unit=project.owner_unit_id)  # its demo user
    day = local_today().isoformat()  # the approval is today: nothing is paid before it (art. 13)

    def record():
        construction.payment_record(actor=actor, project=project, data={"amount": "1.00", "paid_on": day,
                                                                         "purpose": "进度款"})

    def raw_record():
        with transaction.atomic(), connection.cursor() as c:
            c.execute("SELECT SUM(amount) FROM construction_payment WHERE project_id = %s", [project.pk])
            c.execute("SELECT SUM(amount) FROM construction_payment WHERE project_id = %s AND paid_on >= %s",
                      [project.pk, f"{year}-01-01"])
            c.execute("INSERT INTO construction_payment (project_id, prework, amount, paid_on, purpose, recorded_at) "
                      "VALUES (%s, %s, 1, %s, 'x', CURRENT_TIMESTAMP)", [project.pk, False, day])

    rows = [(f"payment_record ({M} payments)", timed(record), timed(raw_record))]

    def refresh():
        with transaction.atomic():
            construction.refresh_risk(project)

    def raw_refresh():
        with transaction.atomic(), connection.cursor() as c:
            c.execute("SELECT * FROM approvals_baseline WHERE project_id = %s ORDER BY version DESC LIMIT 1",
                      [project.pk])
            c.fetchall()
            c.execute("SELECT * FROM approvals_milestone WHERE application_id = %s", [baseline.application_id])
            c.fetchall()
            c.execute("SELECT * FROM construction_monitoringreport WHERE project_id = %s "
                      "ORDER BY period_end DESC LIMIT 1", [project.pk])
            c.fetchall()
            c.execute("SELECT SUM(amount) FROM construction_contract WHERE project_id = %s", [project.pk])
            c.execute("SELECT SUM(amount) FROM construction_payment WHERE project_id = %s", [project.pk])
            c.execute("UPDATE construction_riskrating SET computed_on = %s WHERE project_id = %s",
                      [local_today(), project.pk])

    construction.refresh_risk(project)  # the rating row exists, as after the first write
    rows.append((f"refresh_risk ({M} payments)", timed(refresh), timed(raw_refresh)))
    return rows


def acceptance_rows(drc, client_drc) -> list[tuple[str, float, float]]:
    """M projects on trial (bulk-created rows, not measured), their trial days spread over the last year: DRC's
    calendar of this month (each project's dates computed with the profile in force) and DRC's workbench."""
    import datetime as dt

    from itgov.acceptance.selectors import calendar_entries
    from itgov.core.dates import local_today
    from itgov.organizations.models import Unit
    from itgov.projects.models import Project

    today = local_today()
    units = list(Unit.objects.filter(kind__in=["department", "street"]))
    Project.objects.bulk_create([
        Project(name=f"试运行项目{i}", owner_unit=units[i % len(units)], kind="business_system",
                construction_type="new", estimated_investment=Decimal("500000.00"), status="trial_operation",
                trial_started_on=today - dt.timedelta(days=i % 365)) for i in range(M)], batch_size=1000)
    first = today.replace(day=1)
    last = (first + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)

    def calendar():
        calendar_entries(drc, first, last)

    def raw_calendar():
        with connection.cursor() as c:
            c.execute("SELECT * FROM acceptance_acceptance WHERE scheduled_on BETWEEN %s AND %s", [first, last])
            c.fetchall()
            c.execute("SELECT p.id, p.name, p.trial_started_on, u.name FROM projects_project p "
                      "JOIN organizations_unit u ON u.id = p.owner_unit_id WHERE p.status = 'trial_operation'")
            c.fetchall()

    rows = [(f"acceptance calendar ({M} on trial)", timed(calendar), timed(raw_calendar))]

    def home():
        assert client_drc.get("/").status_code == 200

    def raw_home():
        with connection.cursor() as c:
            c.execute("SELECT COUNT(*) FROM projects_project WHERE status IN ('proposed', 'acceptance_applied', "
                      "'initiation_submitted', 'under_review')")
            c.fetchall()
            c.execute("SELECT * FROM projects_project WHERE status IN ('proposed', 'acceptance_applied', "
                      "'initiation_submitted', 'under_review') ORDER BY updated_at DESC, id DESC LIMIT 20")
            c.fetchall()

    rows.append(("我的待办 (home page, drc)", timed(home), timed(raw_home)))
    return rows


def main() -> None:
    from itgov.accounts.models import User
    from itgov.audit import events
    from itgov.audit.services import audit_record
    from itgov.projects import services
    from itgov.projects.models import Project

    setup()
    rows = []
    drc, edu = User.objects.get(username="drc"), User.objects.get(username="edu")
    client_drc, client_edu = Client(), Client()
    client_drc.force_login(drc)
    client_edu.force_login(edu)

    def api_list():
        assert client_drc.get("/api/v1/projects?limit=20").status_code == 200

    def raw_list():
        with connection.cursor() as c:
            c.execute("SELECT COUNT(*) FROM projects_project WHERE status <> 'draft' AND classified = %s", [False])
            c.fetchall()
            c.execute(
                "SELECT p.*, u.* FROM projects_project p JOIN organizations_unit u ON u.id = p.owner_unit_id "
                "WHERE p.status <> 'draft' AND p.classified = %s ORDER BY p.updated_at DESC, p.id DESC LIMIT 20",
                [False])
            c.fetchall()

    rows.append(("project list page (API, drc)", timed(api_list), timed(raw_list)))

    mine = Project.objects.filter(owner_unit=edu.unit).first()

    def api_detail():
        assert client_edu.get(f"/api/v1/projects/{mine.pk}").status_code == 200

    def raw_detail():
        with connection.cursor() as c:
            c.execute("SELECT * FROM projects_project WHERE id = %s", [mine.pk])
            c.fetchall()

    rows.append(("project detail (API, edu)", timed(api_detail), timed(raw_detail)))

    drafts = iter(list(Project.objects.filter(owner_unit=edu.unit, status="draft")[: REPEAT + 1]))
    spare = iter(list(Project.objects.filter(status="draft").exclude(owner_unit=edu.unit)[: REPEAT + 1]))

    def transition():
        services.project_submit_proposal(actor=edu, project=next(drafts))

    def raw_transition():
        p = next(spare)
        with transaction.atomic(), connection.cursor() as c:
            c.execute("UPDATE projects_project SET status='proposed', version=version+1 WHERE id=%s AND version=%s",
                      [p.pk, p.version])
            c.execute("INSERT INTO audit_auditevent (seq, at, event_type, actor_name, unit_name, channel, "
                      "object_type, object_id, object_repr, reason, prev_hash, hash) VALUES "
                      "(%s, CURRENT_TIMESTAMP, 'project.changed', 'x', '', 'system', '', '', '', '', '', %s)",
                      [10**9 + p.pk, f"bench{p.pk}"])

    if sum(1 for _ in Project.objects.filter(owner_unit=edu.unit, status="draft")[: REPEAT + 1]) > REPEAT:
        rows.append(("transition submit_proposal", timed(transition), timed(raw_transition)))

    counter = iter(range(10**9))

    def record():
        audit_record(event_type=events.PROJECT_CHANGED, after={"i": 1})

    def raw_insert():
        i = next(counter)
        with connection.cursor() as c:
            c.execute("INSERT INTO audit_auditevent (seq, at, event_type, actor_name, unit_name, channel, "
                      "object_type, object_id, object_repr, reason, prev_hash, hash) VALUES "
                      "(%s, CURRENT_TIMESTAMP, 'project.changed', 'x', '', 'system', '', '', '', '', '', %s)",
                      [2 * 10**9 + i, f"raw{i}"])

    rows.append(("audit_record", timed(record), timed(raw_insert)))
    rows.extend(plan_rows(drc))
    rows.extend(approval_rows(drc, client_drc))
    rows.extend(payment_rows(drc))
    rows.extend(acceptance_rows(drc, client_drc))

    print(f"itgov benchmarks · {connection.vendor} · {N} projects · {M} plan lines · median of {REPEAT}")
    print(f"{'operation':34} {'itgov ms':>10} {'floor ms':>10} {'ratio':>7}")
    for name, ours, floor in rows:
        print(f"{name:34} {ours * 1000:10.2f} {floor * 1000:10.3f} {ours / floor:7.1f}")


if __name__ == "__main__":
    main()
