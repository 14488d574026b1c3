"""The demo district: a Gulou-like district with its bureaus, departments, streets, experts, the
development plan, 60 projects, this year's investment plan, the initiation approvals of some of its
projects and the construction of three of them (supervision, monitoring, changes, an incident and a
suspension), driven through the real services (so their history is real and every rule runs).

Idempotent: what exists (by code, username, project name, round or plan year, a project's application, a
unit's suspension, a year's pool entry, a project's start of construction) is left alone. Deterministic: the data is fixed (itgov.demo.data); years and dates are
relative to today (Asia/Shanghai)."""

from __future__ import annotations

import datetime as dt
import functools
import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from itgov.accounts.choices import Role
from itgov.accounts.models import RoleGrant, User
from itgov.audit import events
from itgov.audit.services import audit_record
from itgov.organizations.models import Expert, Jurisdiction, Unit
from itgov.planning.models import DevelopmentPlan, PlanTask
from itgov.projects import services as project_services
from itgov.projects.models import Project
from itgov.rules.services import policy_profile_load, policy_profiles_load_bundled

from . import data

DEMO_PASSWORD = "Gulou@2026"  # noqa: S105  (demo only; printed by `make run`)

# username → (unit code, role, full name)
DEMO_USERS = {
    "admin": ("drc", Role.SYSADMIN, "系统管理员"),
    "drc": ("drc", Role.DRC, "陈建华(区发改委)"),
    "finance": ("finance", Role.FINANCE, "刘敏(区财政局)"),
    "audit": ("audit", Role.AUDIT, "赵立新(区审计局)"),
    "cyber": ("cyber", Role.CYBERSPACE, "孙浩(区委网信办)"),
    "gov": ("gov", Role.GOVERNMENT, "周明(区政府办)"),
    "edu": ("edu", Role.OWNER, "王振宇(区教育局)"),
    "health": ("health", Role.OWNER, "李娟(区卫健委)"),
    # An expert of the pool who signs in (art. 28): sees only the projects on its panels. No unit.
    "expert": (None, Role.EXPERT, "顾维民(评审专家)"),
    # The supervisor of a firm of this year's pool (art. 19): sees the projects its firm supervises and files
    # their supervision reports. (Every firm also has a login named after its code.)
    "supervisor": ("huiheng", Role.SUPERVISOR, "蒋文博(汇衡监理)"),
}
# The projects whose construction the demo acts out (data.CONSTRUCTION).
CONSTRUCTION_PROJECTS = frozenset(story["project"] for story in data.CONSTRUCTION)
# DRC also builds the district-wide platforms (art. 18): as an owner unit it acts through its own
# project office, not through the reviewer who admits proposals.
OWNER_ALIASES = {"drc": "drc_pmo"}


@functools.cache
def _demo_password_hash(hasher: str) -> str:
    """The demo password hashed once per load, not once per account (37 PBKDF2 runs took most of the load).
    The accounts share one salt: they share one published password anyway."""
    return make_password(DEMO_PASSWORD)


def _user(username: str, unit: Unit | None, role: str, full_name: str) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, unit=unit, full_name=full_name, is_staff=(role == Role.SYSADMIN))
        user.password = _demo_password_hash(settings.PASSWORD_HASHERS[0])
        user.save()
        audit_record(event_type=events.ADMIN_OBJECT_CREATED, obj=user, after={"username": username, "role": role})
    grant_unit = unit if role in (Role.OWNER, Role.SUPERVISOR) else None
    grant, created = RoleGrant.objects.get_or_create(user=user, role=role, unit=grant_unit)
    if created:
        audit_record(event_type=events.ADMIN_OBJECT_CREATED, obj=grant,
                     after={"user": username, "role": role, "unit": grant_unit.code if grant_unit else None})
    return user


def load_demo() -> dict[str, object]:
    data.validate()
    with transaction.atomic():
        policy_profiles_load_bundled()
        _demo_settings()
        gulou = Jurisdiction.objects.get(code="320106")
        units: dict[str, Unit] = {}
        for spec in data.UNITS:
            unit = Unit.objects.filter(code=spec["code"]).first()
            if unit is None:
                unit = Unit(jurisdiction=gulou, code=spec["code"], name=spec["name"], short_name=spec["short_name"],
                            kind=spec["kind"], bureau_role=spec["bureau_role"] or "",
                            document_prefix=data.DOCUMENT_PREFIXES.get(spec["code"], ""),
                            parent=units.get(spec["parent"]) if spec["parent"] else None)
                unit.path = unit.compute_path()
                unit.save()
                audit_record(event_type=events.ORG_UNIT_CREATED, obj=unit, after={"code": unit.code})
            units[spec["code"]] = unit
        _document_prefixes(units)
        for spec in data.EXPERTS:
            employer_unit = units.get(data.EXPERT_EMPLOYER_UNITS.get(spec["name"], ""))
            expert, created = Expert.objects.get_or_create(jurisdiction=gulou, name=spec["name"], defaults={
                "specialty": spec["specialty"], "employer": spec["employer"], "title": spec["title"],
                "employer_unit": employer_unit})
            if created:
                audit_record(event_type=events.ADMIN_OBJECT_CREATED, obj=expert,
                             after={**spec, "employer_unit": employer_unit.code if employer_unit else None})
            elif employer_unit is not None and expert.employer_unit_id is None:
                _change(expert, employer_unit=employer_unit)
        users = {name: _user(name, units[u] if u else None, role, full) for name, (u, role, full) in DEMO_USERS.items()}
        _expert_logins(gulou, users)
        # Every other owner unit gets a user named after its code, so each project has someone to act.
        users["drc_pmo"] = _user("drc_pmo", units["drc"], Role.OWNER, "区大数据局项目办")
        for spec in data.UNITS:
            if spec["kind"] in ("department", "street") and spec["code"] not in users:
                users[spec["code"]] = _user(spec["code"], units[spec["code"]], Role.OWNER, spec["short_name"])
            if spec["kind"] == "supervision_firm" and spec["code"] not in users:
                users[spec["code"]] = _user(spec["code"], units[spec["code"]], Role.SUPERVISOR, spec["short_name"])
        plan_spec = data.DEVELOPMENT_PLAN
        plan, created = DevelopmentPlan.objects.get_or_create(jurisdiction=gulou, name=plan_spec["name"], defaults={
            "start_year": plan_spec["start_year"], "end_year": plan_spec["end_year"], "status": "published",
            "published_at": timezone.now()})
        if created:
            audit_record(event_type=events.ADMIN_OBJECT_CREATED, obj=plan,
                         after={"name": plan.name, "tasks": [t["number"] for t in plan_spec["tasks"]]})
        tasks = {}
        for spec in plan_spec["tasks"]:
            tasks[spec["number"]], _ = PlanTask.objects.get_or_create(plan=plan, number=spec["number"], defaults={
                "title": spec["title"], "description": spec["description"], "lead_unit": units[spec["lead_unit"]]})
        created = 0
        for spec in data.PROJECTS:
            if Project.objects.filter(name=spec["name"]).exists():
                continue
            _project(spec, units, users, tasks)
            created += 1
        _declaration_round(users, units)
        plans_created, notes = _annual_plans(users, gulou)
        suspensions_created = _suspensions(users, units)
        approvals_created, approval_notes = _approvals(users, units, gulou)
        notes += approval_notes
        pool_created = _supervision_pool(users, units, gulou)
        construction_created, construction_notes = _construction(users, units)
        notes += construction_notes
        from .history import load_audit_case, load_history

        history_created, history_notes = load_history(users, units, gulou)
        notes += history_notes
        history_created += load_audit_case(users)
        from .catalogue import load_catalogue

        catalogue_created, catalogue_notes = load_catalogue(users, units, gulou)
        notes += catalogue_notes
        if created or plans_created or approvals_created or suspensions_created or pool_created \
                or construction_created or history_created or catalogue_created:
            audit_record(event_type=events.DEMO_LOADED, after={
                "projects": created, "annual_plans": plans_created, "approvals": approvals_created,
                "suspensions": suspensions_created, "pool_entries": pool_created,
                "construction": construction_created, "history": history_created, "catalogue": catalogue_created})
    counts = {"units": len(units), "users": len(users), "projects_created": created,
              "projects": Project.objects.count(), "annual_plans_created": plans_created,
              "approvals_created": approvals_created, "construction_created": construction_created,
              "history_created": history_created, "catalogue_created": catalogue_created}
    return {**counts, "notes": notes} if notes else counts


DEMO_PROFILES_DIR = Path(__file__).parent / "profiles"


def _demo_settings() -> None:
    """The demo district's settings of what the measures leave open (monitoring interval, tolerance, incident
    thresholds: itgov/demo/profiles), a later version of the district's profile."""
    for path in sorted(DEMO_PROFILES_DIR.glob("*.json")):
        policy_profile_load(actor=None, spec=json.loads(path.read_text(encoding="utf-8")))


def _change(obj, **changes) -> None:
    """A demo database loaded before these fields existed gets them, audited as an administrator's change."""
    before = {name: _plain(getattr(obj, name)) for name in changes}
    for name, value in changes.items():
        setattr(obj, name, value)
    obj.save(update_fields=[*changes, "updated_at"])
    audit_record(event_type=events.ADMIN_OBJECT_CHANGED, obj=obj, before=before,
                 after={name: _plain(value) for name, value in changes.items()})


def _plain(value):
    if isinstance(value, Unit):
        return value.code
    if isinstance(value, User):
        return value.username
    return value


def _document_prefixes(units) -> None:
    """DRC's approval letters are numbered 鼓发改审〔YYYY〕N号 (GB/T 9704)."""
    for code, prefix in data.DOCUMENT_PREFIXES.items():
        if not units[code].document_prefix:
            _change(units[code], document_prefix=prefix)


def _expert_logins(gulou, users) -> None:
    """The expert who signs in is the login of one expert of the pool (Expert.user)."""
    for username, name in data.EXPERT_LOGINS.items():
        expert, user = Expert.objects.get(jurisdiction=gulou, name=name), users[username]
        if expert.user_id is None and not Expert.objects.filter(user=user).exists():
            _change(expert, user=user)


def _project(spec: dict, units, users, tasks) -> Project:
    owner = users[OWNER_ALIASES.get(spec["owner"], spec["owner"])]
    drc = users["drc"]
    payload = {name: spec[name] for name in ("name", "kind", "construction_type", "classified",
                                              "responsible_person", "responsible_phone")}
    payload["estimated_investment"] = Decimal(spec["estimated_investment"])
    if not spec["classified"]:
        payload.update(necessity=spec["necessity"], construction_content=spec["construction_content"],
                       data_sharing_intent=spec["data_sharing_intent"])
    payload["plan_task"] = tasks[spec["plan_task"]].pk if spec["plan_task"] else None
    project = project_services.project_create(actor=owner, data=payload, owner_unit=units[spec["owner"]])
    state = spec["state"]
    if state == "draft":
        return project
    project = project_services.project_submit_proposal(actor=owner, project=project)
    if state == "returned":
        return project_services.project_return_for_revision(actor=drc, project=project, reason=spec["return_reason"])
    if state in ("in_reserve", "planned", "withdrawn"):  # "planned": the annual plan moves it on
        project = project_services.project_admit(actor=drc, project=project,
                                                 no_task_reason="" if spec["plan_task"] else "跨领域基础支撑项目,规划中期评估时补列任务")
    if state == "withdrawn":
        project = project_services.project_withdraw(actor=owner, project=project, reason=spec["withdraw_reason"])
    return project


def _declaration_round(users, units) -> None:
    """Next year's round (art. 8), with two units declaring under exceptions DRC granted them (their window
    may be closed when the demo loads), so the dashboard shows declared and missing units."""
    import datetime as dt

    from django.utils import timezone

    from itgov.core.dates import local_today
    from itgov.planning import services as planning_services
    from itgov.planning.models import DeclarationRound

    year = local_today().year + 1
    if DeclarationRound.objects.filter(year=year).exists():
        return
    drc = users["drc"]
    rnd = planning_services.declaration_round_open(actor=drc, data={"year": year, "note": "集中申报下一年度建设及运维计划"})
    deadline = (timezone.now() + dt.timedelta(days=30)).isoformat()
    for code, reason in (("edu", "教育系统机构调整,延期申报"), ("health", "卫生健康信息化专项规划修编,延期申报")):
        planning_services.declaration_exception_grant(actor=drc, rnd=rnd, data={
            "unit_id": units[code].pk, "reason": reason, "deadline": deadline})
        owner = users[code]
        reserve = Project.objects.filter(owner_unit=units[code], status="in_reserve", classified=False).order_by("name")
        for i, project in enumerate(reserve[:2]):
            # B: this year's share of the construction; C: pre-work only (feasibility study, design)
            share, justification = ((Decimal("0.6"), "项目已入储备库,建设条件基本具备,申请纳入下一年度投资计划。") if i == 0
                                    else (Decimal("0.06"), "项目已入储备库,申请安排前期工作经费,开展可行性研究和初步设计。"))
            amount = (project.estimated_investment * share).quantize(Decimal("0.01"))
            planning_services.declaration_line_declare(actor=owner, rnd=rnd, data={
                "project_id": project.pk, "line_type": "construction", "requested_amount": str(amount),
                "proposed_class": "B" if i == 0 else "C", "justification": justification})


def _annual_plans(users, gulou) -> tuple[int, list[str]]:
    """This year's annual investment plan (art. 8–10), acted out by the roles that would: DRC compiles it
    and lets the helper fund the B lines, DRC submits, Finance co-signs, the government issues it (its reserve
    projects become planned); one unit's adjustment passes all three steps (edition 2), another waits for
    DRC, and DRC's mid-year release waits for Finance. Then next year's draft, compiled from the round's
    declarations. Each plan is made only when its year has none, and this year's only while its projects
    are still in the reserve (a demo database someone has worked in may have moved them on); returns how many
    plans were made and why any was left out."""
    from itgov.core.dates import local_today
    from itgov.planning.models import AnnualPlan

    year = local_today().year
    made, notes = 0, []
    if not AnnualPlan.objects.filter(jurisdiction=gulou, year=year).exists():
        names = _plan_project_names()
        ready = {p.name: p for p in Project.objects.filter(name__in=names, status="in_reserve", classified=False)}
        if len(ready) == len(names):
            _current_plan(users, year, ready)
            made += 2  # editions 1 and 2
        else:
            notes.append(f"{year}年度投资计划未载入:项目已不在储备库中:{'、'.join(sorted(set(names) - set(ready)))}")
    if not AnnualPlan.objects.filter(jurisdiction=gulou, year=year + 1).exists() and _next_year_draft(users, year + 1):
        made += 1
    return made, notes


def _plan_project_names() -> set[str]:
    spec = data.ANNUAL_PLAN
    return {line["project"] for line in spec["lines"]} | {
        item["project"] for key in ("adjustment", "pending_adjustment", "release") for item in spec[key]["items"]}


def _items(spec_items, projects) -> list[dict]:
    return [{"project_id": projects[item["project"]].pk, "line_type": "construction", "plan_class": item["plan_class"],
             "amount": item["amount"], "prework_amount": item["prework_amount"]} for item in spec_items]


def _current_plan(users, year: int, projects: dict[str, Project]) -> None:
    from itgov.planning import plan_services

    spec = data.ANNUAL_PLAN
    drc, finance, gov = users["drc"], users["finance"], users["gov"]
    lines = spec["lines"]
    plan = plan_services.annual_plan_create(actor=drc, data={
        "year": year, "capacity": spec["capacity"], "note": spec["note"].format(year=year)})
    for line in lines:
        plan_services.plan_line_add(actor=drc, plan=plan, data={
            "project_id": projects[line["project"]].pk, "line_type": "construction",
            **{name: line[name] for name in ("plan_class", "amount", "prework_amount", "priority",
                                              "must_start_reason", "skip_reason", "note")}})
    plan_services.plan_allocate(actor=drc, plan=plan)
    plan = plan_services.plan_transition(actor=drc, plan=plan, name="submit")
    plan = plan_services.plan_transition(actor=finance, plan=plan, name="cosign")
    plan = plan_services.plan_transition(actor=gov, plan=plan, name="issue", data={
        "document_number": spec["document_number"].format(year=year)})

    change = spec["adjustment"]
    adjustment = plan_services.adjustment_apply(actor=users[change["applicant"]], plan=plan, data={
        "reason": change["reason"], "items": _items(change["items"], projects)})
    adjustment = plan_services.adjustment_transition(actor=drc, adjustment=adjustment, name="review",
                                                     data={"reason": change["drc_reason"]})
    adjustment = plan_services.adjustment_transition(actor=finance, adjustment=adjustment, name="finance_review",
                                                     data={"reason": change["finance_reason"]})
    adjustment = plan_services.adjustment_transition(actor=gov, adjustment=adjustment, name="consent", data={
        "document_number": change["document_number"].format(year=year)})
    edition2 = adjustment.result

    pending = spec["pending_adjustment"]
    plan_services.adjustment_apply(actor=users[pending["applicant"]], plan=edition2, data={
        "reason": pending["reason"], "items": _items(pending["items"], projects)})
    release = spec["release"]
    adjustment = plan_services.adjustment_apply(actor=drc, plan=edition2, data={
        "kind": "release", "reason": release["reason"], "items": _items(release["items"], projects)})
    plan_services.adjustment_transition(actor=drc, adjustment=adjustment, name="review",
                                        data={"reason": release["drc_reason"]})


def _next_year_draft(users, year: int) -> bool:
    """Next year's draft from the round's declared lines; none without a round."""
    from itgov.planning import plan_services
    from itgov.planning.models import DeclarationRound

    if not DeclarationRound.objects.filter(year=year).exists():
        return False
    spec = data.NEXT_YEAR_PLAN
    plan = plan_services.annual_plan_create(actor=users["drc"], data={
        "year": year, "capacity": spec["capacity"], "note": spec["note"].format(year=year)})
    plan_services.annual_plan_compile(actor=users["drc"], plan=plan)
    return True


# --- art. 23: a lifted suspension, for the history -----------------------------------------------------------


def _suspensions(users, units) -> int:
    """DRC suspends a unit's approvals and lifts the suspension again (art. 23); once per unit."""
    from itgov.approvals import services as approvals
    from itgov.approvals.models import UnitSuspension

    made = 0
    for spec in data.SUSPENSIONS:
        unit = units[spec["unit"]]
        if UnitSuspension.objects.filter(unit=unit).exists():
            continue
        suspension = approvals.suspension_create(actor=users["drc"], data={"unit_id": unit.pk, "reason": spec["reason"]})
        approvals.suspension_lift(actor=users["drc"], suspension=suspension, data={"reason": spec["lift_reason"]})
        made += 1
    return made


# --- the initiation approval (art. 13–17, 28) -------------------------------------------------------------------


def _approvals(users, units, gulou) -> tuple[int, list[str]]:
    """Each story of data.APPROVALS on its project of this year's plan, as the owner unit, DRC, the expert and
    Finance would act it out. A project that already has an application is left alone (the story was told, or
    someone has worked on it); one that is not `planned` (no issued plan) cannot start, and is named in a note,
    as is a story the services refused (in its own savepoint, so nothing of it is half made)."""
    from itgov.approvals.models import InitiationApplication
    from itgov.core.dates import local_today
    from itgov.core.errors import DomainError

    today = local_today()
    made, waiting, refused = 0, [], []
    for spec in data.APPROVALS:
        project = Project.objects.select_related("owner_unit__jurisdiction").get(name=spec["project"])
        if InitiationApplication.objects.filter(project=project).exists():
            continue
        if project.status != "planned":
            waiting.append(project.name)
            continue
        try:
            with transaction.atomic():
                _approval(spec, project, users, units, gulou, today)
        except DomainError as exc:
            refused.append(f"{project.name}({exc.message}{' ' + str(exc.fields) if exc.fields else ''})")
            continue
        made += 1
    notes = []
    if waiting:
        notes.append(f"立项审批演示未载入:项目尚未列入已下达的年度投资计划:{'、'.join(sorted(waiting))}")
    if refused:
        notes.append(f"立项审批演示未载入:{'、'.join(refused)}")
    return made, notes


def _approval(spec: dict, project: Project, users, units, gulou, today, *, letter: bool = True) -> None:
    from itgov.approvals import services as approvals

    owner = users[OWNER_ALIASES.get(project.owner_unit.code, project.owner_unit.code)]
    drc, state = users["drc"], spec["state"]
    participants = [(approvals.participant_add(actor=owner, project=project, data={
        "unit_id": units[p["unit"]].pk, "role_description": p["role_description"]}), users[p["unit"]])
        for p in spec["participants"]]
    approvals.application_save(actor=owner, project=project, data=_application_payload(spec, project, today))
    for kind in spec["documents"]:
        approvals.document_upload(actor=owner, project=project, data={"kind": kind}, files={"file": _report(project, kind)})
    if spec["code_serial"] is not None:
        approvals.project_code_record(actor=owner, project=_fresh(project), data={
            "project_code": _project_code(gulou.code, spec["code_serial"], today)})
    for participant, user in participants:  # art. 16: each participant confirms the application as it stands
        approvals.participant_confirm(actor=user, project=_fresh(project), participant=participant)
    if state == "drafting":
        return
    approvals.initiation_submit(actor=owner, project=_fresh(project))
    if state == "submitted":
        return
    approvals.initiation_start_review(actor=drc, project=_fresh(project))
    approvals.review_update(actor=drc, project=_fresh(project), data=spec["review"])
    signs_in = {name: users[username] for username, name in data.EXPERT_LOGINS.items()}
    for seat in spec["panel"]:
        expert = Expert.objects.get(jurisdiction=gulou, name=seat["expert"])
        member = approvals.panel_add(actor=drc, project=_fresh(project), data={"expert_id": expert.pk})
        if seat["opinion"]:
            approvals.opinion_record(actor=signs_in[seat["expert"]], project=_fresh(project), member=member,
                                     data={"opinion": seat["opinion"], "opinion_text": seat["opinion_text"]})
    if state == "returned":
        approvals.initiation_return(actor=drc, project=_fresh(project), data={"reason": spec["return_reason"]})
        return
    if state == "under_review":
        return
    approvals.initiation_approve(actor=drc, project=_fresh(project), data=spec["decision"])
    if letter and project.name not in CONSTRUCTION_PROJECTS:
        # A construction story's letter is rendered as the app would, after the commit (huey) or on the first
        # download: WeasyPrint takes about a second a letter, and the demo loads fast.
        _letter(project)
    if state == "approved":
        return
    budget = spec["budget"]
    approvals.budget_record(actor=users["finance"], project=_fresh(project), data={
        "note": budget["note"],
        "lines": [{"year": today.year + offset, "fund_source": source, "amount": amount}
                  for offset, source, amount in budget["lines"]]})


def _fresh(project: Project) -> Project:
    return Project.objects.select_related("owner_unit__jurisdiction").get(pk=project.pk)


def _month(today, offset: int, *, last: bool = False):
    """The first (or last) day of the month `offset` months after today's."""
    import datetime as dt

    index = today.year * 12 + today.month - 1 + offset + (1 if last else 0)
    first = dt.date(index // 12, index % 12 + 1, 1)
    return first - dt.timedelta(days=1) if last else first


def _application_payload(spec: dict, project: Project, today) -> dict:
    fields = dict(spec["application"])
    start, end = fields.pop("start"), fields.pop("end")
    return {
        "construction_content": project.construction_content, **fields,
        "start_date": _month(today, start).isoformat(), "end_date": _month(today, end, last=True).isoformat(),
        "milestones": [{"name": name, "due_date": _month(today, offset, last=True).isoformat()}
                       for name, offset in spec["milestones"]],
        "performance_targets": [dict(zip(("category", "indicator", "unit", "target"), row, strict=True))
                                for row in spec["targets"]],
        "data_resources": [dict(zip(("name", "direction", "sharing_type", "into_catalogue", "source_or_use"), row,
                                    strict=True)) for row in spec["data_resources"]],
    }


def _project_code(region: str, serial: int, today) -> str:
    """A GB/T 40058 code issued this month in the district (the first serial from `serial` not yet taken)."""
    while True:
        code = f"{today:%y%m}-{region}-65-01-{serial:06d}"
        if not Project.objects.filter(project_code=code).exists():
            return code
        serial += 1


REPORT_TITLES = {"application_report": "Initiation application report",
                 "feasibility_study": "Feasibility study report", "other": "Attachment"}


def _report(project: Project, kind: str):
    """The unit's report as a small, valid one-page PDF (a placeholder: the demo has no real reports)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from itgov.approvals.choices import DocumentKind

    content = _pdf(["itgov demo district", REPORT_TITLES[kind], f"Project #{project.pk}",
                    "Placeholder of the report the owner unit uploads (art. 14)."])
    return SimpleUploadedFile(f"{project.name}-{DocumentKind(kind).label}.pdf", content, "application/pdf")


def _pdf(lines: list[str]) -> bytes:
    """A minimal PDF 1.4 (one A4 page, Helvetica, ASCII text) with a correct cross-reference table."""
    def escape(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    text = " T* ".join(f"({escape(line)}) Tj" for line in lines)
    stream = f"BT /F1 14 Tf 20 TL 72 770 Td {text} ET".encode("ascii")
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
               b"/Contents 5 0 R >>",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
               b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream)]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _letter(project: Project) -> None:
    """The approval letter, rendered and stored now so the demo has it at once (the app renders it after the
    approval commits, through huey, and at the latest on the first download; the stored one is kept)."""
    from itgov.approvals.letter import ensure_letter
    from itgov.approvals.selectors import current_baseline

    ensure_letter(current_baseline(project))


# --- construction control (art. 19–21) ---------------------------------------------------------------------------


def _supervision_pool(users, units, gulou) -> int:
    """DRC names the supervision firms of last year and this year (art. 19); an entry that exists is kept."""
    from itgov.construction import services as construction
    from itgov.construction.models import SupervisionPoolEntry
    from itgov.core.dates import local_today

    today, made = local_today(), 0
    for spec in data.SUPERVISION_POOL:
        year, firm = today.year + spec["year"], units[spec["firm"]]
        if SupervisionPoolEntry.objects.filter(jurisdiction=gulou, year=year, firm=firm).exists():
            continue
        offset, month, day = spec["valid_until"]
        construction.pool_add(actor=users["drc"], jurisdiction=gulou, data={
            "year": year, "firm_id": firm.pk, "qualification": spec["qualification"],
            "certificate_number": spec["certificate_number"],
            "valid_until": dt.date(today.year + offset, month, day).isoformat()})
        made += 1
    return made


def _construction(users, units) -> tuple[int, list[str]]:
    """Each story of data.CONSTRUCTION on its budgeted project, in its own savepoint. A project that has
    started (the story was told, or someone started it) is left alone; one not yet budgeted is named in a
    note, as is a story the services refused."""
    from itgov.core.dates import local_today
    from itgov.core.errors import DomainError

    today = local_today()
    made, waiting, refused = 0, [], []
    for spec in data.CONSTRUCTION:
        project = _fresh(Project.objects.get(name=spec["project"]))
        if project.construction_started_at is not None:
            continue
        if project.status != "budgeted":
            waiting.append(project.name)
            continue
        try:
            with transaction.atomic():
                _build(spec, project, users, units, today)
        except DomainError as exc:
            refused.append(f"{project.name}({exc.message}{' ' + str(exc.fields) if exc.fields else ''})")
            continue
        made += 1
    notes = []
    if waiting:
        notes.append(f"建设管理演示未载入:项目尚未批复并编列预算:{'、'.join(sorted(waiting))}")
    if refused:
        notes.append(f"建设管理演示未载入:{'、'.join(refused)}")
    return made, notes


def _records(records: dict | None, project: Project, owner, today) -> None:
    """The procurements, contracts and payments of a story, through the services (art. 13, 8, 15, 20 judge each)."""
    from itgov.construction import services as construction

    if not records:
        return
    day = today.isoformat()
    procurements = [construction.procurement_record(actor=owner, project=_fresh(project), data={
        **p, "announced_on": day, "awarded_on": day}) for p in records["procurements"]]
    contracts = [construction.contract_record(actor=owner, project=_fresh(project), data={
        **{k: v for k, v in c.items() if k != "procurement"}, "signed_on": day,
        "procurement_id": procurements[c["procurement"]].pk if c["procurement"] is not None else None})
        for c in records["contracts"]]
    for payment in records["payments"]:
        construction.payment_record(actor=owner, project=_fresh(project), data={
            "amount": payment["amount"], "purpose": payment["purpose"], "paid_on": day,
            "contract_id": contracts[payment["contract"]].pk})


def _build(spec: dict, project: Project, users, units, today) -> None:
    """One project's construction, acted out by the owner unit, its supervisor, DRC and the system."""
    from itgov.approvals.selectors import current_baseline
    from itgov.construction import services as construction
    from itgov.construction.models import Incident
    from itgov.core.errors import Conflict

    owner, drc = users[OWNER_ALIASES.get(project.owner_unit.code, project.owner_unit.code)], users["drc"]
    if spec["supervisor"]:
        construction.supervisor_appoint(actor=owner, project=project, data={
            "firm_id": units[spec["supervisor"]["firm"]].pk, "fee": spec["supervisor"]["fee"],
            "appointed_on": today.isoformat()})
    construction.construction_start(actor=owner, project=_fresh(project))
    _records(spec.get("records"), project, owner, today)
    for report in spec["supervision_reports"]:
        construction.supervision_report_file(actor=users[report["by"]], project=_fresh(project), data={
            "period_start": _month(today, report["month"]).isoformat(),
            "period_end": _month(today, report["month"], last=True).isoformat(),
            **{name: report[name] for name in ("progress", "quality", "issues_found", "recommendations")}})
    baseline = current_baseline(project)
    milestones = {m.name: m for m in baseline.application.milestones.all()}
    for name, days in spec["milestones"]:
        milestone = milestones[name]
        construction.milestone_record(actor=owner, project=_fresh(project), milestone_id=milestone.pk, data={
            "actual_date": (milestone.due_date + dt.timedelta(days=days)).isoformat(), "note": ""})
    positions = {target["indicator"]: i for i, target in enumerate(baseline.performance_targets)}
    for report in spec["monitoring"]:
        construction.monitoring_submit(actor=owner, project=_fresh(project), data={
            "period_end": _month(today, report["period"], last=True).isoformat(), "completion": report["completion"],
            "forecast_cost": report["forecast_cost"], "summary": report["summary"],
            "values": sorted(({"position": positions[indicator], "actual": actual, "cause": cause}
                              for indicator, (actual, cause) in report["values"].items()),
                             key=lambda row: row["position"])})
    if spec["risk"]:
        construction.risk_assess(actor=drc, project=_fresh(project), data=spec["risk"])
    for change in spec["changes"]:
        construction.change_submit(actor=owner, project=_fresh(project), data={
            "kinds": change["kinds"], "description": change["description"], "reason": change["reason"],
            **({"proposed_estimate": change["proposed_estimate"]} if change["proposed_estimate"] else {}),
            **({"proposed_end_date": _month(today, change["end"], last=True).isoformat()}
               if change["end"] is not None else {})})

    def incident(kind: str) -> Incident:
        found = Incident.objects.filter(project=project, kind=kind).order_by("-id").first()
        if found is None:  # the profile in force sets no threshold the story crosses
            raise Conflict(f"没有“{kind}”类重大问题可供处理")
        return found

    if spec["rectification"]:
        order = spec["rectification"]
        construction.rectification_order(actor=drc, project=_fresh(project), data={
            "requirements": order["requirements"],
            "deadline": (today + dt.timedelta(days=order["deadline_days"])).isoformat(),
            "incident_id": incident(order["incident"]).pk})
    if spec["suspension"]:
        construction.construction_suspend(actor=drc, project=_fresh(project), data={
            "reason": spec["suspension"]["reason"], "incident_id": incident(spec["suspension"]["incident"]).pk})
