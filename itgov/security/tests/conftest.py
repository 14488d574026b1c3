"""Security test helpers: information systems written directly (the catalogue's services register them; these tests
are about their security), and a profile in force today with the security settings of the demo district."""

from __future__ import annotations

import pytest

SECURITY_SETTINGS = {"protection_assessment_interval": {"3": 12, "4": 6}, "crypto_assessment_level": 3,
                     "crypto_assessment_interval": 12, "reminder_lead_days": [30, 7, 1]}


def make_system(unit, *, level: int | None = 3, status: str = "operating", project=None, classified: bool = False,
                name: str | None = None, **fields):
    from django.db.models import Max

    from itgov.catalogue.models import InformationSystem

    seq = (InformationSystem.objects.filter(jurisdiction=unit.jurisdiction).aggregate(m=Max("seq"))["m"] or 0) + 1
    return InformationSystem.objects.create(
        jurisdiction=unit.jurisdiction, seq=seq, code=f"XT-320106-{seq:04d}", name=name or f"测试信息系统{seq}",
        owner_unit=unit, summary="业务办理和统计分析", protection_level=level, status=status, project=project,
        classified=classified, **fields)


def assess(system, day, *, kind: str = "graded", result: str = "conforms"):
    from itgov.security.models import SecurityAssessment

    return SecurityAssessment.objects.create(system=system, kind=kind, assessed_on=day, assessor="某测评中心",
                                             result=result, report_number=f"CP-{system.pk}-{day:%Y%m%d}-{kind}")


@pytest.fixture
def system_maker(district):
    return make_system


@pytest.fixture
def security_settings(district):
    """A profile of the district in force today: the one in force, with the security settings added."""
    from itgov.core.dates import local_today
    from itgov.rules.models import PolicyProfile
    from itgov.rules.profiles import parameters_in_force

    jurisdiction = district.drc_unit.jurisdiction
    today = local_today()
    parameters = {**parameters_in_force(jurisdiction, today), **SECURITY_SETTINGS}
    return PolicyProfile.objects.create(jurisdiction=jurisdiction, name="测试:等级测评周期", effective_from=today,
                                        parameters=parameters)
