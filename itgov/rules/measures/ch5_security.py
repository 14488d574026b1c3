"""Chapter 5, security (art. 30): graded protection, cryptography and periodic security assessment. The due day of
a system's next assessment is derived from its last one and the profile's interval for its level; a level-3+ system
passes acceptance only with a passed graded assessment (and, where the profile requires it, a passed cryptography
assessment). `case.subject` is the project (project rules) or the system (powers)."""

from __future__ import annotations

import datetime as dt

from django.utils.translation import gettext_lazy as _

from itgov.rules.registry import Case, Outcome, register

from .ch4_acceptance import SECURITY_ASSESSMENT_LEVEL
from .ch5_data import BEFORE_TRIAL, UNAPPROVED

ACCEPTANCE_PASS = ("acceptance.pass",)


def graded_interval(level: int | None, params) -> int | None:
    """Months between graded assessments for `level` (the profile's `protection_assessment_interval`); None when the
    level has no periodic requirement or the profile sets none."""
    intervals = (params or {}).get("protection_assessment_interval") or {}
    return intervals.get(str(level)) if level else None


def crypto_required(level: int | None, params) -> bool:
    threshold = (params or {}).get("crypto_assessment_level")
    return bool(level and threshold and level >= threshold)


def next_due(last_assessed_on: dt.date | None, months: int | None) -> dt.date | None:
    """The day the next assessment is due: the last one's day + the interval (exact at month ends); None without
    an interval or a first assessment."""
    from itgov.core.dates import add_months

    if months is None or last_assessed_on is None:
        return None
    return add_months(last_assessed_on, int(months))


# --- powers ------------------------------------------------------------------------------------------------------


@register("art30.unit_protects", article=30, scope="power",
          title=_("建设运维单位落实等级保护、密码应用和定期安全测评"),
          message=_("只有信息系统的建设运维单位可以登记定级备案、测评和整改情况"),
          actions=("security.filing", "security.assessment", "security.remediate"))
def unit_protects(case: Case, params) -> Outcome:
    from itgov.access.scoping import unit_in_scope
    from itgov.accounts.choices import Role

    if case.actor is not None and unit_in_scope(case.actor, getattr(case.subject, "owner_unit", None), Role.OWNER):
        return Outcome.met()
    return Outcome.violated(_("不是该信息系统的建设运维单位"))


@register("art30.cyberspace_oversees", article=30, scope="power",
          title=_("区网信办负责网络安全监督,检查发现的问题由建设运维单位限期整改"),
          message=_("只有信息系统的建设运维单位或区网信办可以提出安全整改问题"),
          actions=("security.finding",))
def cyberspace_oversees(case: Case, params) -> Outcome:
    from itgov.access.scoping import unit_in_scope
    from itgov.accounts.choices import Role

    actor = case.actor
    if actor is not None and (actor.has_role(Role.CYBERSPACE) or unit_in_scope(
            actor, getattr(case.subject, "owner_unit", None), Role.OWNER)):
        return Outcome.met()
    return Outcome.violated(_("不是该信息系统的建设运维单位或区网信办"))


# --- acceptance (art. 30 with art. 22) ---------------------------------------------------------------------------


def _level(project, systems) -> int | None:
    from itgov.approvals.selectors import current_baseline

    levels = [s.protection_level for s in systems if s.protection_level]
    if levels:
        return max(levels)
    baseline = current_baseline(project)
    return baseline.protection_level if baseline is not None else None


def _unassessed(project, kind: str, required) -> tuple[int | None, list, list[str]]:
    """(the project's level, its systems, the names of the systems `required(level)` that have no passed
    assessment of `kind`)."""
    from itgov.catalogue.models import InformationSystem
    from itgov.security.choices import PASSING_RESULTS

    systems = list(InformationSystem.objects.filter(project=project).order_by("seq"))
    level = _level(project, systems)
    passed = set(InformationSystem.objects.filter(
        project=project, assessments__kind=kind, assessments__result__in=PASSING_RESULTS).values_list("pk", flat=True))
    return level, systems, [s.name for s in systems if required(s.protection_level) and s.pk not in passed]


def _acceptance_check(case: Case, kind: str, required, what) -> Outcome:
    project = case.subject
    if project.classified:
        return Outcome.not_applicable(_("涉密项目按照有关规定执行"))
    if project.pk is None or project.status in UNAPPROVED:
        return Outcome.not_applicable(_("尚未批复立项"))
    level, systems, missing = _unassessed(project, kind, required)
    if not required(level):
        return Outcome.not_applicable(_("等级保护级别无此要求"))
    if not systems:
        missing = [str(_("(尚未登记信息系统)"))]
    if not missing:
        return Outcome.met(_("已通过%(what)s") % {"what": what})
    names = str(_("、")).join(missing)
    if project.status in BEFORE_TRIAL and case.action not in ACCEPTANCE_PASS:
        return Outcome.pending(_("验收前须通过%(what)s:%(n)s") % {"what": what, "n": names})
    return Outcome.violated(_("未通过%(what)s:%(n)s") % {"what": what, "n": names},
                            assessments=_("未通过%(what)s:%(n)s") % {"what": what, "n": names})


@register("art30.assessment_before_acceptance", article=30, scope="project",
          title=_("第三级以上信息系统通过等级保护测评后方可通过竣工验收"),
          message=_("第三级以上信息系统未通过等级保护测评,不能通过竣工验收"),
          actions=ACCEPTANCE_PASS)
def assessment_before_acceptance(case: Case, params) -> Outcome:
    return _acceptance_check(case, "graded", lambda level: bool(level and level >= SECURITY_ASSESSMENT_LEVEL),
                             _("等级保护测评"))


@register("art30.crypto_before_acceptance", article=30, scope="project",
          title=_("须开展密码应用安全性评估的信息系统通过评估后方可通过竣工验收"),
          message=_("信息系统未通过密码应用安全性评估,不能通过竣工验收"),
          parameters=("crypto_assessment_level",),
          actions=ACCEPTANCE_PASS)
def crypto_before_acceptance(case: Case, params) -> Outcome:
    if params.get("crypto_assessment_level") is None:
        return Outcome.not_applicable(_("本级政策未设定"))
    return _acceptance_check(case, "crypto", lambda level: crypto_required(level, params),
                             _("密码应用安全性评估"))


# --- in operation: periodic assessments and findings (art. 30) -------------------------------------------------


@register("art30.periodic_assessment", article=30, scope="project",
          title=_("运行中的信息系统按等级保护级别定期开展等级测评和密码应用安全性评估"),
          message=_("信息系统的定期安全测评已逾期"),
          parameters=("protection_assessment_interval", "crypto_assessment_level", "crypto_assessment_interval"))
def periodic_assessment(case: Case, params) -> Outcome:
    from itgov.security.selectors import overdue_assessments

    project = case.subject
    if project.classified:
        return Outcome.not_applicable(_("涉密项目按照有关规定执行"))
    if project.pk is None or project.status != "in_operation":
        return Outcome.not_applicable(_("尚未投入运行"))
    overdue = overdue_assessments(project, params, case.on)
    if overdue:
        return Outcome.violated(str(_(";")).join(overdue))
    return Outcome.met(_("定期测评均在有效期内"))


@register("art30.findings_remediated", article=30, scope="project",
          title=_("安全测评和检查发现的问题按期整改"),
          message=_("信息系统有逾期未整改的安全问题"))
def findings_remediated(case: Case, params) -> Outcome:
    from itgov.security.models import SecurityFinding

    project = case.subject
    if project.classified or project.pk is None or project.status in UNAPPROVED:
        return Outcome.not_applicable(_("无需核查"))
    today = case.on
    late = SecurityFinding.objects.filter(system__project=project, remediated_on__isnull=True, due_on__lt=today).count()
    if late:
        return Outcome.violated(_("%(n)d个安全问题逾期未整改") % {"n": late})
    return Outcome.met(_("无逾期未整改的安全问题"))
