"""A project in operation's states (art. 12, 23, 24), built through the services on top of
tests/acceptance_world.py: accepted today by DRC, put into operation by the owner unit (day G).

`operation_maker(district)(state, owner="edu", g=None)` → SimpleNamespace(project, owner, drc, finance, acceptance,
baseline, targets, g). States: the acceptance states ("trial_operation", "acceptance_applied", "rectifying",
"accepted") and "in_operation". `g`: day G set back by direct row updates (accepted_on too), since the services
take only days up to today and acceptance happens today in the world.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from types import SimpleNamespace

from tests.acceptance_world import acceptance_maker, fresh

STATES = ("trial_operation", "acceptance_applied", "rectifying", "accepted", "in_operation")


def move_back(project, g: dt.date) -> None:
    """Accepted and in operation from `g` (the acceptance passed the same day)."""
    from itgov.acceptance.models import Acceptance
    from itgov.projects.models import Project

    fields = {"accepted_on": g}
    if project.operation_started_on is not None:
        fields["operation_started_on"] = g
    Project.objects.filter(pk=project.pk).update(**fields)
    Acceptance.objects.filter(project=project, result="passed").update(decided_on=g, scheduled_on=g)


def add_contract(project, warranty_ends_on: dt.date | None, title: str = "系统开发合同"):
    """A contract of the project with its warranty's last day (a row: the construction tests cover recording)."""
    from itgov.construction.models import Contract

    return Contract.objects.create(project=project, title=title, supplier="某某科技有限公司", amount=Decimal("600000.00"),
                                   signed_on=dt.date(2024, 3, 1), warranty_ends_on=warranty_ends_on)


def evaluation_payload(world, **overrides) -> dict:
    payload = {"score": "86.5", "summary": "系统运行稳定,绩效目标基本实现。", "problems": "部分街道使用率偏低。",
               "improvements": "加强培训,优化办件流程。",
               "values": [{"target_id": t.pk, "actual": actual, "achieved": achieved}
                          for t, (actual, achieved) in zip(world.targets, [("3", True), ("25", False), ("93", True)],
                                                           strict=False)]}
    payload.update(overrides)
    return payload


def operation_maker(district):
    from itgov.operation import services
    from itgov.operation.selectors import evaluation_targets

    make_acceptance = acceptance_maker(district)

    def make(state: str = "in_operation", *, owner: str = "edu", g: dt.date | None = None) -> SimpleNamespace:
        if state not in STATES:
            raise ValueError(state)
        built = make_acceptance("accepted" if state == "in_operation" else state, owner=owner)
        world = SimpleNamespace(project=fresh(built.project), owner=built.owner, drc=built.drc,
                                finance=district.users["finance"], acceptance=built.acceptance,
                                baseline=built.baseline, g=None)
        world.targets = evaluation_targets(world.project)
        if state == "in_operation":
            day = world.project.accepted_on
            world.project = services.go_live(actor=world.owner, project=world.project,
                                             data={"operation_started_on": day.isoformat()})
            world.g = day
        if g is not None and state in ("accepted", "in_operation"):
            move_back(world.project, g)
            world.g = g if state == "in_operation" else None
        world.project = fresh(world.project)
        return world

    return make
