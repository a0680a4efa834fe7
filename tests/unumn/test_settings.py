"""Settings come from the environment; production settings pass Django's deploy checks;
sessions end at logout and when the password changes."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    environment = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "DEBUG",
            "SECRET_KEY",
            "ALLOWED_HOSTS",
            "DJANGO_SETTINGS_MODULE",
            "DJANGO_ALLOW_ASYNC_UNSAFE",
        }
    }
    environment["DJANGO_SETTINGS_MODULE"] = "unumn.settings"
    environment.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_secret_key_is_required_without_debug():
    result = run_manage("check")
    assert result.returncode != 0
    assert "Set SECRET_KEY" in result.stderr


def test_debug_runs_without_a_secret_key():
    assert run_manage("check", DEBUG="1").returncode == 0


@pytest.mark.parametrize("debug", ["", "0", "false", "no"])
def test_debug_is_off_unless_set(debug):
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; print(settings.DEBUG)",
        DEBUG=debug,
        SECRET_KEY="x" * 50,
    )
    assert result.stdout.strip() == "False"


def test_deploy_checks_pass_with_a_production_environment():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY="a-long-random-production-secret-key-0123456789-abcdefghijkl",
        ALLOWED_HOSTS="migration.unu.edu",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_database_url_selects_postgresql():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; d = settings.DATABASES['default']; "
        "print(d['ENGINE'], d['NAME'], d['HOST'])",
        DEBUG="1",
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/unumn",
    )
    assert result.stdout.split() == ["django.db.backends.postgresql", "unumn", "127.0.0.1"]


@pytest.mark.django_db
def test_logout_and_password_change_end_sessions(django_user_model):
    user = django_user_model.objects.create_user("editor", password="old-password-1", is_staff=True)
    first, second = Client(), Client()
    for client in (first, second):
        assert (
            client.post(
                reverse("admin:login"), {"username": "editor", "password": "old-password-1"}
            ).status_code
            == 302
        )
        assert client.get(reverse("admin:index")).status_code == 200
    response = first.post(
        reverse("admin:password_change"),
        {
            "old_password": "old-password-1",
            "new_password1": "A-new-pass-2026",
            "new_password2": "A-new-pass-2026",
        },
    )
    assert response.status_code == 302
    # The other browser's session ended with the password change.
    assert second.get(reverse("admin:index")).status_code == 302
    first.post(reverse("admin:logout"))
    assert first.get(reverse("admin:index")).status_code == 302
    user.refresh_from_db()
    assert user.check_password("A-new-pass-2026")
