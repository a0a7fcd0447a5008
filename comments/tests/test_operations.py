"""What an operator does from the shell: configure, migrate, create users."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

BASE_DIR = Path(__file__).resolve().parents[2]


def run_django(code, **env):
    environ = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    environ.update(env)
    return subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_without_secret_key_fails_at_start_up():
    result = run_django("pass", DEBUG="0", DJANGO_SETTINGS_MODULE="scratchpad.settings")
    assert result.returncode != 0
    assert "Set the SECRET_KEY environment variable" in result.stderr


def test_debug_mode_starts_without_secret_key():
    result = run_django(
        "from django.conf import settings; print(settings.DEBUG)",
        DEBUG="1",
        DJANGO_SETTINGS_MODULE="scratchpad.settings",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


def test_debug_is_off_by_default():
    result = run_django(
        "from django.conf import settings; print(settings.DEBUG)",
        SECRET_KEY="k" * 50,
        DJANGO_SETTINGS_MODULE="scratchpad.settings",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


def test_env_example_copied_as_env_leaves_debug_off(tmp_path):
    # As a deployer starts: `cp .env.example .env`, then fills in the key.
    shutil.copytree(
        BASE_DIR / "scratchpad",
        tmp_path / "scratchpad",
        ignore=shutil.ignore_patterns("__pycache__"),
    )
    shutil.copy(BASE_DIR / ".env.example", tmp_path / ".env")
    environ = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DEBUG"}}
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "from scratchpad import settings; print(settings.DEBUG)",
        ],
        cwd=tmp_path,
        env={**environ, "SECRET_KEY": "k" * 50},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "False"


@pytest.mark.django_db
def test_createsuperuser_noinput_reads_the_environment(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "owner")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-owner-password")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "owner@example.com")
    call_command("createsuperuser", interactive=False, verbosity=0)
    owner = get_user_model().objects.get(username="owner")
    assert owner.is_superuser and owner.is_staff
    assert owner.check_password("a-long-owner-password")


@pytest.mark.django_db
def test_no_model_changes_without_a_migration():
    call_command("makemigrations", check=True, dry_run=True, verbosity=0)
