"""Accounts: password policy, tokens, the sysadmin console and its audit trail."""

import pytest
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management import call_command

from itgov.accounts.models import ApiToken, User
from itgov.accounts.services import api_token_authenticate
from itgov.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("password", ["Ab1!", "abcdefgh", "abcdefg1", "ABCDEFG1", "12345678!"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


@pytest.mark.parametrize("password", ["Gulou@2026", "abcdEFG9", "xyz!9xyzq"])
def test_passwords_with_three_classes_pass(password):
    validate_password(password)


def test_issue_token_prints_a_working_token_alone_on_the_last_line(district, capsys):
    call_command("issue_token", "drc")
    token = capsys.readouterr().out.strip().splitlines()[-1]
    assert token.startswith("itg_") and " " not in token
    assert api_token_authenticate(token) == district.users["drc"]
    stored = ApiToken.objects.get(user=district.users["drc"])
    assert token not in (stored.key_hash, stored.prefix)
    assert AuditEvent.objects.filter(event_type="token.issued", object_id=str(district.users["drc"].pk)).exists()


def test_revoked_or_unknown_tokens_do_not_authenticate(district, capsys):
    call_command("issue_token", "drc")
    token = capsys.readouterr().out.strip().splitlines()[-1]
    ApiToken.objects.update(revoked_at="2026-01-01T00:00:00Z")
    assert api_token_authenticate(token) is None
    assert api_token_authenticate("itg_nonsense") is None
    assert api_token_authenticate("x" * 500) is None


@pytest.mark.parametrize("role,status", [("admin", 200), ("drc", 403), ("audit", 403), ("edu", 403)])
def test_only_the_sysadmin_reaches_the_console(client, district, role, status):
    client.force_login(district.users[role])
    response = client.get("/sysadmin/accounts/user/", follow=True)
    assert response.status_code == status


def test_anonymous_is_sent_to_the_one_login_page(client):
    response = client.get("/sysadmin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/login/")


def test_console_changes_are_audited(client, district):
    client.force_login(district.users["admin"])
    response = client.post("/sysadmin/accounts/user/add/", {
        "username": "newclerk", "full_name": "新用户", "unit": district.edu.pk,
        "password1": "Clerk@2026x", "password2": "Clerk@2026x",
        "role_grants-TOTAL_FORMS": "0", "role_grants-INITIAL_FORMS": "0"})
    assert response.status_code == 302, response.content[:2000]
    user = User.objects.get(username="newclerk")
    event = AuditEvent.objects.get(event_type="admin.object.created", object_id=str(user.pk))
    assert event.actor_name == district.users["admin"].full_name
    assert event.after["password"] == "***"


def test_console_offers_no_business_data(client, district):
    client.force_login(district.users["admin"])
    assert client.get("/sysadmin/projects/project/").status_code == 404
    assert client.get("/sysadmin/audit/auditevent/").status_code == 404


def test_sysadmin_has_no_project_powers(client, district):
    client.force_login(district.users["admin"])
    assert client.get("/api/v1/projects").status_code == 403


def test_sysadmin_unlocks_a_locked_account_and_it_is_audited(client, district):
    from axes.models import AccessAttempt

    target = district.users["edu"]
    AccessAttempt.objects.create(username=target.username, ip_address="127.0.0.1", user_agent="t",
                                 failures_since_start=5, get_data="", post_data="")
    client.force_login(district.users["admin"])
    response = client.post("/sysadmin/accounts/user/", {"action": "unlock", "_selected_action": [target.pk]})
    assert response.status_code == 302
    assert not AccessAttempt.objects.filter(username=target.username).exists()
    assert AuditEvent.objects.filter(event_type="admin.object.changed", object_id=str(target.pk),
                                     reason="unlock").exists()


CONSOLE_PAGES = ["/sysadmin/", "/sysadmin/accounts/user/", "/sysadmin/accounts/user/add/",
                 "/sysadmin/accounts/apitoken/", "/sysadmin/organizations/unit/", "/sysadmin/organizations/unit/add/",
                 "/sysadmin/organizations/jurisdiction/", "/sysadmin/organizations/expert/",
                 "/sysadmin/policy/policyprofile/", "/sysadmin/policy/policyprofile/add/"]
ROLES = ["admin", "drc", "finance", "audit", "cyber", "gov", "edu", "health", "supervisor", "expert"]


@pytest.mark.parametrize("url", CONSOLE_PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_every_console_page_for_every_role(client, district, url, role):
    client.force_login(district.users[role])
    response = client.get(url, follow=True)
    assert response.status_code == (200 if role == "admin" else 403)


@pytest.mark.parametrize("url", CONSOLE_PAGES)
def test_every_console_page_sends_the_anonymous_to_login(client, url):
    response = client.get(url, follow=True)
    assert response.redirect_chain[-1][0].startswith("/login/")


def test_a_policy_profile_in_force_is_read_only_in_the_console(client, district, policy):
    client.force_login(district.users["admin"])
    page = client.get(f"/sysadmin/policy/policyprofile/{policy.pk}/change/").content.decode()
    assert 'name="parameters"' not in page
    response = client.post(f"/sysadmin/policy/policyprofile/{policy.pk}/delete/", {"post": "yes"}, follow=True)
    assert response.status_code == 403
