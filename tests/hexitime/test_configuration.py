"""Production configuration comes from the environment and fails loudly when incomplete."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_python(code: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DEBUG", "SECRET_KEY", "HEXITIME_TESTING", "DATABASE_URL", "SITE_URL", "CONN_MAX_AGE"}
    }
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True, timeout=120, check=False
    )


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "SECRET_KEY", "HEXITIME_TESTING", "SITE_URL"}}
    clean.update(env)
    clean["DJANGO_SETTINGS_MODULE"] = "hexitime.settings"
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


PRODUCTION = {
    "SECRET_KEY": "a-long-random-production-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
    "ALLOWED_HOSTS": "hexitime.example.org",
    "SITE_URL": "https://hexitime.example.org",
}


def test_check_deploy_is_clean_under_production_settings() -> None:
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_missing_secret_key_in_production_stops_start_up_with_a_clear_message() -> None:
    result = run_manage("check", ALLOWED_HOSTS="hexitime.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr
    assert "DEBUG=1" in result.stderr


def test_missing_site_url_in_production_stops_start_up_with_a_clear_message() -> None:
    """E-mail and unsubscribe links are built from SITE_URL: a deploy must never fall back to localhost."""
    env = {key: value for key, value in PRODUCTION.items() if key != "SITE_URL"}
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "SITE_URL is not set" in result.stderr
    assert "https://hexitime.example.org" in result.stderr


def test_production_reuses_database_connections_with_health_checks() -> None:
    code = "import os; os.environ['DJANGO_SETTINGS_MODULE']='hexitime.settings'; import sys; sys.path.insert(0,'src');"
    code += "from django.conf import settings; d = settings.DATABASES['default'];"
    code += "print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'], settings.SITE_URL)"
    result = run_python(code, **PRODUCTION)
    assert result.stdout.split() == ["600", "True", "https://hexitime.example.org"], result.stderr


def test_debug_is_off_unless_asked_for() -> None:
    code = "import os; os.environ['DJANGO_SETTINGS_MODULE']='hexitime.settings'; import sys; sys.path.insert(0,'src');"
    code += "from django.conf import settings; print(settings.DEBUG, settings.SESSION_COOKIE_SECURE)"
    result = run_python(code, **PRODUCTION)
    assert result.stdout.split() == ["False", "True"], result.stderr


def test_invalid_boolean_is_refused_with_its_name() -> None:
    result = run_manage("check", DEBUG="maybe", **PRODUCTION)
    assert result.returncode != 0
    assert "DEBUG must be true or false" in result.stderr


@pytest.mark.parametrize(
    ("database_url", "status"),
    [("sqlite:///:memory:", 200), ("postgres://postgres@127.0.0.1:1/unreachable", 503)],
    ids=["reachable", "unreachable"],
)
def test_healthz_reports_whether_the_database_answers(database_url: str, status: int) -> None:
    code = (
        "import os, sys, json; sys.path.insert(0, 'src');"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'hexitime.settings_test';"
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz');"
        "print(r.status_code, json.loads(r.content)['database'])"
    )
    result = run_python(code, DATABASE_URL=database_url, ALLOWED_HOSTS="testserver")
    expected = "ok" if status == 200 else "unreachable"
    assert result.stdout.split() == [str(status), expected], result.stderr[-2000:]
