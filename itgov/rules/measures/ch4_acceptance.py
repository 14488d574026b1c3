"""Chapter 4 (建设和验收管理), trial operation and acceptance (art. 22): the unit runs the system on trial from day T
and applies for acceptance no earlier than T + `min_trial_run` months; an application after T +
`acceptance_window` months is late and explained. `case.subject` is the project (its `trial_started_on` is T);
`case.data` carries the input."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from itgov.rules.registry import Case, Outcome, register


def _months(params, name: str) -> int | None:
    value = params.get(name)
    return int(value) if value is not None else None


def is_late(trial_started_on: dt.date | None, day: dt.date, params) -> bool:
    """Is an application on `day` after the acceptance window (art. 22: 半年内)?"""
    from itgov.core.dates import add_months

    window = _months(params, "acceptance_window")
    return trial_started_on is not None and window is not None and day > add_months(trial_started_on, window)


@register("art22.owner_unit_applies", article=22, scope="power",
          title=_("项目建设单位完成建设并试运行后提出竣工验收申请"),
          message=_("只有项目的建设单位可以宣布完成建设、申请竣工验收"),
          actions=("acceptance.complete", "acceptance.apply"))
def owner_unit_applies(case: Case, params) -> Outcome:
    from itgov.access.scoping import is_owner_user

    if case.actor is not None and is_owner_user(case.actor, case.subject):
        return Outcome.met()
    return Outcome.violated(_("不是本项目的建设单位"))


@register("art22.trial_after_start", article=22, scope="action",
          title=_("试运行在项目开工建设之后"),
          message=_("试运行开始日期不得早于开工日期"),
          actions=("acceptance.complete",))
def trial_after_start(case: Case, params) -> Outcome:
    from itgov.core.dates import SHANGHAI

    started = case.subject.construction_started_at
    day = case.data["trial_started_on"]
    if started is not None and day < started.astimezone(SHANGHAI).date():
        return Outcome.violated(_("试运行开始日期 %(d)s 早于开工日期 %(s)s") % {
            "d": day, "s": started.astimezone(SHANGHAI).date()}, trial_started_on=_("不得早于开工日期"))
    return Outcome.met(_("试运行自 %(d)s 起") % {"d": day})


@register("art22.min_trial_run", article=22, scope="action",
          title=_("至少试运行三个月以上方可申请竣工验收"),
          message=_("试运行未满规定期限,不得申请竣工验收"),
          parameters=("min_trial_run",),
          actions=("acceptance.apply",))
def min_trial_run(case: Case, params) -> Outcome:
    from itgov.core.dates import add_months

    months, trial = _months(params, "min_trial_run"), case.subject.trial_started_on
    if months is None or trial is None:
        return Outcome.not_applicable(_("未设定最短试运行期"))
    earliest = add_months(trial, months)
    if case.on < earliest:
        return Outcome.violated(_("试运行自 %(t)s 起须满 %(m)d 个月,%(e)s 起方可申请") % {
            "t": trial, "m": months, "e": earliest}, applied_on=_("试运行未满期"))
    return Outcome.met(_("试运行自 %(t)s 起已满 %(m)d 个月") % {"t": trial, "m": months})


@register("art22.late_application_explained", article=22, scope="action",
          title=_("应在试运行后半年内申请竣工验收;逾期申请须说明原因"),
          message=_("已超过申请竣工验收的期限,须说明逾期原因"),
          parameters=("acceptance_window",),
          actions=("acceptance.apply",))
def late_application_explained(case: Case, params) -> Outcome:
    from itgov.core.dates import add_months

    months, trial = _months(params, "acceptance_window"), case.subject.trial_started_on
    if months is None or trial is None:
        return Outcome.not_applicable(_("未设定申请期限"))
    due = add_months(trial, months)
    if case.on <= due:
        return Outcome.met(_("在期限 %(d)s 内") % {"d": due})
    if not (case.data.get("late_explanation") or "").strip():
        return Outcome.violated(_("期限为 %(d)s,已逾期 %(n)d 天") % {"d": due, "n": (case.on - due).days},
                                late_explanation=_("逾期申请须说明原因"))
    return Outcome.met(_("逾期 %(n)d 天,已说明原因") % {"n": (case.on - due).days})
