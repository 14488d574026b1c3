"""Sign-in: the login form, lockout after 5 failures (django-axes) with a clear page, never a 500."""

from __future__ import annotations

import pytest
from django.test import Client

from itgov.audit.models import AuditEvent
from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_and_successful_login(district):
    client = Client()
    page = client.get("/login/")
    response = client.post("/login/", {"username": "edu", "password": PASSWORD})

    assert page.status_code == 200
    assert "用户登录" in page.content.decode()
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(event_type="auth.login", actor_id=district.users["edu"].pk).count() == 1


def test_login_redirects_to_next(district):
    client = Client()
    response = client.post("/login/?next=/rules/", {"username": "edu", "password": PASSWORD, "next": "/rules/"})
    assert response["Location"] == "/rules/"


def test_wrong_password_is_400_with_a_message(district):
    response = Client().post("/login/", {"username": "edu", "password": "wrong-password"})
    assert response.status_code == 400
    assert 'data-testid="login-error"' in response.content.decode()


def test_five_failures_lock_the_account_and_the_right_password_is_then_refused(district):
    client = Client()
    statuses = [client.post("/login/", {"username": "edu", "password": f"wrong-{i}"}).status_code
                for i in range(5)]

    locked = client.post("/login/", {"username": "edu", "password": PASSWORD})

    assert statuses[:4] == [400] * 4
    assert statuses[4] == 429  # the fifth failure locks
    assert locked.status_code == 429
    html = locked.content.decode()
    assert "账号已锁定" in html and "edu" in html
    assert 'data-testid="locked-out-message"' in html
    assert "_auth_user_id" not in client.session
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(event_type="auth.login_failed", actor_name="edu").count() >= 5
    assert AuditEvent.objects.filter(event_type="auth.locked_out").count() >= 1
    assert not AuditEvent.objects.filter(event_type="auth.login").exists()


def test_lockout_is_per_username(district):
    client = Client()
    for i in range(5):
        client.post("/login/", {"username": "edu", "password": f"wrong-{i}"})
    response = client.post("/login/", {"username": "health", "password": PASSWORD})
    assert response.status_code == 302


def test_signed_in_user_visiting_login_goes_home(client_for):
    assert client_for("edu").get("/login/")["Location"] == "/"


def test_every_request_renews_the_thirty_minute_session(district):
    import datetime as dt

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client = Client()
    client.post("/login/", {"username": "edu", "password": PASSWORD})
    key = client.session.session_key
    Session.objects.filter(session_key=key).update(expire_date=timezone.now() + dt.timedelta(minutes=5))

    response = client.get("/projects/")

    remaining = Session.objects.get(session_key=key).expire_date - timezone.now()
    assert response.status_code == 200
    assert dt.timedelta(minutes=29) < remaining <= dt.timedelta(minutes=30)
    assert response.cookies["sessionid"]["max-age"] == ""  # and the cookie ends with the browser


def test_thirty_minutes_idle_ends_the_session(district):
    import datetime as dt

    from django.contrib.sessions.models import Session
    from django.utils import timezone

    client = Client()
    client.post("/login/", {"username": "edu", "password": PASSWORD})
    assert client.get("/").status_code == 200
    # 30 minutes pass without a request: the session's expiry (renewed on the last request) is behind us.
    Session.objects.filter(session_key=client.session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(seconds=1))

    response = client.get("/projects/")
    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_logout_is_post_only_and_audited(district):
    client = Client()
    client.post("/login/", {"username": "edu", "password": PASSWORD})
    assert client.get("/logout/").status_code == 405
    response = client.post("/logout/")
    assert response.status_code == 302
    assert AuditEvent.objects.filter(event_type="auth.logout", actor_id=district.users["edu"].pk).count() == 1
    assert client.get("/").status_code == 302
