"""The demo district loads through the real services, deterministically and idempotently."""

from collections import Counter

import pytest
from django.core.management import call_command

from itgov.accounts.models import User
from itgov.audit.models import AuditEvent
from itgov.audit.verify import verify_chain
from itgov.organizations.models import Expert, Unit
from itgov.projects.models import Project


@pytest.fixture
def fast_hasher(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.mark.django_db
def test_load_demo_builds_the_district_and_is_idempotent(fast_hasher, capsys):
    call_command("load_demo")
    events_after_first = AuditEvent.objects.count()
    call_command("load_demo")

    assert Project.objects.count() == 60
    assert AuditEvent.objects.count() == events_after_first
    assert Counter(Project.objects.values_list("status", flat=True)) == {
        "draft": 18, "proposed": 14, "in_reserve": 24, "withdrawn": 4}
    assert Project.objects.filter(status="draft").exclude(last_return_reason="").count() == 6
    assert Project.objects.filter(classified=True).count() == 2
    assert Unit.objects.filter(kind="bureau").count() == 5
    assert Unit.objects.filter(kind__in=["department", "street"]).count() >= 20
    assert Unit.objects.filter(kind="supervision_firm").count() == 2
    assert Expert.objects.count() >= 10
    for username in ("admin", "drc", "finance", "audit", "cyber", "gov", "edu", "health"):
        user = User.objects.get(username=username)
        assert user.check_password("Gulou@2026")
        assert user.roles
    assert User.objects.get(username="edu").unit.name == "区教育局"
    assert User.objects.get(username="health").unit.name == "区卫生健康委员会"
    from itgov.planning.models import DeclarationLine, DeclarationRound

    assert DeclarationRound.objects.count() == 1
    assert DeclarationLine.objects.filter(unit__code__in=["edu", "health"]).count() == 4
    assert verify_chain().ok
    out = capsys.readouterr().out
    assert "Gulou@2026" in out and "edu" in out
