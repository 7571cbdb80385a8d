import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.env import env_bool, env_int

ROOT = Path(__file__).resolve().parents[3]


def test_booleans_accept_only_true_or_false(monkeypatch):
    monkeypatch.setenv("X_FLAG", "true")
    assert env_bool("X_FLAG", False) is True
    monkeypatch.setenv("X_FLAG", "false")
    assert env_bool("X_FLAG", True) is False
    for bad in ["1", "yes", "True1", "on"]:
        monkeypatch.setenv("X_FLAG", bad)
        with pytest.raises(ImproperlyConfigured):
            env_bool("X_FLAG", False)


def test_integers_must_parse(monkeypatch):
    monkeypatch.setenv("X_NUM", "12")
    assert env_int("X_NUM", 0) == 12
    monkeypatch.setenv("X_NUM", "dua")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_NUM", 0)


def run_manage(*args, **env):
    base = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "HTTPS", "SECRET_KEY")}
    base.update({"MUTU_IGNORE_DOTENV": "true", **env})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=base, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_under_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="false",
        HTTPS="true",
        SECRET_KEY="k" * 30 + "-Production-Secret-Key-0123456789-abcdef",
        ALLOWED_HOSTS="mutu.bontangkota.go.id",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_debug_off_does_not_force_https_by_itself():
    result = run_manage(
        "shell",
        "-c",
        "from django.conf import settings; print(settings.SECURE_SSL_REDIRECT)",
        DEBUG="false",
        SECRET_KEY="x" * 50,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "False"


def test_a_missing_secret_key_stops_production_start_up():
    result = run_manage("check", DEBUG="false", SECRET_KEY="")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_sqlite_uses_wal_and_immediate_transactions(settings):
    from django.db import connection

    if connection.vendor != "sqlite":
        pytest.skip("SQLite-only pragma check; the PostgreSQL run covers the other backend")
    options = settings.DATABASES["default"]["OPTIONS"]
    assert options["transaction_mode"] == "IMMEDIATE"
    assert options["timeout"] >= 5
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA busy_timeout")
        assert cursor.fetchone()[0] >= 5000
