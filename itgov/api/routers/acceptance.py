"""Trial operation and the acceptance application (art. 22) over /api/v1: the dates that govern the application
(day T, the earliest day to apply, the day after which it is late), the applications filed, and the two writes —
the owner unit declares construction complete (trial operation from day T) and applies for acceptance.

Handlers parse input, fetch through the permission-checked accessor (404 when the project is not visible) and call
itgov.acceptance.services, which check the power (403 citing 第二十二条), the input (400 with the field), the state
and version (409) and the rules (422 with rule and article: the minimum trial run and the late application of
art. 22, the unapproved deviation of art. 20), and audit every write."""

from __future__ import annotations

import datetime as dt

import rules as perms
from ninja import Field, Router, Schema, Status
from pydantic import ConfigDict

from itgov.acceptance import selectors, services
from itgov.acceptance.models import AcceptanceApplication
from itgov.acceptance.workflow import APPLY, COMPLETE
from itgov.core.dates import local_today
from itgov.projects.models import Project
from itgov.projects.selectors import access_project_by_id
from itgov.rules.profiles import parameters_in_force

from ..schemas import ERRORS, WRITE_ERRORS, UnitRef
from .construction import Text, _project

router = Router(tags=["acceptance"])

# The writes a user may make on the project now, in this order (the page shows the same buttons).
TRANSITION_ACTIONS = (("complete", COMPLETE), ("apply", APPLY))


# --- shapes ------------------------------------------------------------------------------------------------


class AcceptanceProjectOut(Schema):
    id: int
    name: str
    owner_unit: UnitRef
    status: str
    status_label: str
    construction_started_at: dt.datetime | None
    trial_started_on: dt.date | None = Field(..., description="试运行开始日期(T)")
    version: int

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()


class AcceptanceDatesOut(Schema):
    trial_started_on: dt.date | None = Field(..., description="试运行开始日期(T);尚未试运行的为空")
    earliest: dt.date | None = Field(..., description="最早可申请竣工验收的日期:T + 最短试运行期(第二十二条)")
    due: dt.date | None = Field(..., description="申请期限:T + 申请验收期限;此后申请为逾期,须说明原因(第二十二条)")
    may_apply: bool = Field(..., description="今天已满最短试运行期")
    late: bool = Field(..., description="今天已超过申请期限")


class AcceptanceApplicationOut(Schema):
    id: int
    number: int = Field(..., description="申请序号(验收未通过后再次申请的,依次编号)")
    trial_started_on: dt.date
    applied_on: dt.date
    late: bool = Field(..., description="逾期申请(第二十二条)")
    late_explanation: str
    summary: str
    applied_at: dt.datetime
    applied_by: str | None

    @staticmethod
    def resolve_applied_by(obj):
        return obj.applied_by.display_name if obj.applied_by_id else None


class AcceptanceDossierOut(Schema):
    project: AcceptanceProjectOut
    acceptance_dates: AcceptanceDatesOut
    applications: list[AcceptanceApplicationOut]
    actions: list[str] = Field(..., description="当前用户现在可执行的操作:complete(完成建设,开始试运行)、"
                                                 "apply(申请竣工验收)(执行时仍按规则校验)")


# --- inputs ------------------------------------------------------------------------------------------------


class TrialOperationIn(Schema):
    model_config = ConfigDict(extra="forbid")
    trial_started_on: dt.date = Field(..., description="试运行开始日期(T):不早于开工日期,不晚于今天(第二十二条)")
    version: int | None = Field(None, ge=1, le=2**31, description="乐观锁:项目的当前版本号")


class AcceptanceApplyIn(Schema):
    model_config = ConfigDict(extra="forbid")
    summary: Text = Field(..., description="建设完成情况")
    late_explanation: Text = Field("", description="逾期说明:超过申请期限(试运行后半年)申请的必填(第二十二条)")
    version: int | None = Field(None, ge=1, le=2**31, description="乐观锁:项目的当前版本号")


# --- the dossier -------------------------------------------------------------------------------------------


def _actions(user, project: Project) -> list[str]:
    """What this user may do on the project's acceptance now; the rules (the dates, art. 20) run on execution."""
    return [name for name, t in TRANSITION_ACTIONS
            if project.status in t.sources and perms.has_perm(t.permission, user, project)]


def _dossier(user, project: Project) -> dict:
    today = local_today()
    params = parameters_in_force(project.owner_unit.jurisdiction, today)
    return {"project": project, "acceptance_dates": selectors.acceptance_dates(project, params, today),
            "applications": selectors.applications_of(project), "actions": _actions(user, project)}


@router.get("/projects/{project_id}/acceptance", response={200: AcceptanceDossierOut, **ERRORS},
            summary="试运行和竣工验收申请:试运行开始日期、可申请日期、申请期限、验收申请(第二十二条)")
def acceptance_dossier(request, project_id: int):
    return _dossier(request.auth, _project(request, project_id))


@router.post("/projects/{project_id}/trial-operation", response={200: AcceptanceDossierOut, **WRITE_ERRORS},
             summary="完成建设,开始试运行(建设单位,第二十二条)",
             description="试运行开始日期不早于开工日期、不晚于今天;试运行满三个月方可申请竣工验收。")
def trial_operation_start(request, project_id: int, payload: TrialOperationIn):
    project = _project(request, project_id)
    services.trial_start(actor=request.auth, project=project,
                         data={"trial_started_on": payload.trial_started_on}, expected_version=payload.version)
    return _dossier(request.auth, access_project_by_id(request.auth, project.pk))


@router.post("/projects/{project_id}/acceptance/apply", response={201: AcceptanceApplicationOut, **WRITE_ERRORS},
             summary="申请竣工验收(建设单位,第二十二条、第二十条)",
             description="试运行满三个月方可申请;试运行后半年内未申请的,为逾期申请,须说明原因;"
                         "存在未经批准的变更或超概算的,不予验收(第二十条)。")
def acceptance_apply(request, project_id: int, payload: AcceptanceApplyIn):
    project = _project(request, project_id)
    services.acceptance_apply(actor=request.auth, project=project, expected_version=payload.version,
                              data={"summary": payload.summary, "late_explanation": payload.late_explanation})
    application = (AcceptanceApplication.objects.filter(project_id=project.pk).select_related("applied_by")
                   .order_by("-number").first())
    return Status(201, application)
