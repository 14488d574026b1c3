"""Deployment: the production settings pass `check --deploy`; they refuse to start without a secret."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def _manage(*args, **env):
    full_env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    full_env.update(DJANGO_SETTINGS_MODULE="config.settings.prod", ALLOWED_HOSTS="itgov.example.gov.cn", **env)
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=full_env, capture_output=True,
                          text=True, timeout=120)


def test_production_settings_pass_check_deploy():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", SECRET_KEY="k" * 20 + "-Xy9!" * 10)
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret_key():
    result = _manage("check")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_chinese_is_the_default_whatever_the_browser_asks(client):
    response = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.headers["Content-Language"] == "zh-hans"


def test_the_switch_chooses_english(client):
    client.cookies["django_language"] = "en"
    response = client.get("/login/")
    assert response.headers["Content-Language"] == "en"
