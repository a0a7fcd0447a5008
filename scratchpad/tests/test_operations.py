"""What an operator does from the shell: configure, migrate, create users."""

import os
import shutil
import subprocess
import sys
import time
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


def make_dry_run(tmp_path, *args, installed=True, **variables):
    """
    What `make -n ARGS` would run, in a copy of the Makefile beside the
    requirements files and package.json, with .venv and node_modules set up
    already (their stamps newer than what they install) or not at all.
    """
    for name in [
        "Makefile",
        "requirements.txt",
        "requirements-dev.txt",
        "package.json",
        "package-lock.json",
    ]:
        shutil.copy(BASE_DIR / name, tmp_path / name)
    if installed:
        later = time.time() + 60
        for stamp in [
            ".venv/.installed",
            ".venv/.installed-dev",
            "node_modules/.installed",
        ]:
            (tmp_path / stamp).parent.mkdir(exist_ok=True)
            (tmp_path / stamp).touch()
            os.utime(tmp_path / stamp, (later, later))
    # Not the variables of a make that runs this test (`make test HOST=...`).
    outer = {"HOST", "PORT", "MAKEFLAGS", "MFLAGS", "MAKELEVEL", "MAKEOVERRIDES"}
    environ = {k: v for k, v in os.environ.items() if k not in outer}
    result = subprocess.run(
        ["make", "-n", *args],
        cwd=tmp_path,
        env={**environ, **variables},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout


def test_make_run_serves_on_127_0_0_1_port_8000_by_default(tmp_path):
    assert "manage.py runserver 127.0.0.1:8000\n" in make_dry_run(tmp_path, "run")


def test_make_run_serves_where_host_and_port_say(tmp_path):
    commands = make_dry_run(tmp_path, "run", HOST="0.0.0.0", PORT="8123")
    assert "manage.py runserver 0.0.0.0:8123\n" in commands


def test_make_run_starts_the_worker_beside_the_server(tmp_path):
    commands = make_dry_run(tmp_path, "run")
    assert commands.index("manage.py db_worker") < commands.index("runserver")


def test_make_worker_runs_the_worker_alone(tmp_path):
    commands = make_dry_run(tmp_path, "worker")
    assert "manage.py db_worker" in commands
    assert "runserver" not in commands


def test_procfile_names_the_web_worker_and_release_processes():
    processes = dict(
        line.split(": ", 1) for line in (BASE_DIR / "Procfile").read_text().splitlines()
    )
    assert processes == {
        "web": "gunicorn --config gunicorn.conf.py",
        "worker": "python manage.py db_worker --no-reload",
        "release": "python manage.py migrate --noinput",
    }


@pytest.mark.parametrize("target", ["test", "serve", "run", "worker"])
def test_an_installed_venv_is_used_without_checking_system_packages(tmp_path, target):
    commands = make_dry_run(tmp_path, target)
    assert "pkg-config" not in commands
    assert "apt-get" not in commands


def test_installing_checks_the_system_packages_first(tmp_path):
    commands = make_dry_run(tmp_path, "install", installed=False)
    assert "pkg-config --exists mariadb" in commands
    assert commands.index("pkg-config") < commands.index("pip install")


@pytest.mark.django_db
def test_createsuperuser_noinput_reads_the_environment(monkeypatch):
    monkeypatch.setenv("DJANGO_SUPERUSER_USERNAME", "owner")
    monkeypatch.setenv("DJANGO_SUPERUSER_PASSWORD", "a-long-owner-password")
    monkeypatch.setenv("DJANGO_SUPERUSER_EMAIL", "owner@example.com")
    call_command("createsuperuser", interactive=False, verbosity=0)
    owner = get_user_model().objects.get(username="owner")
    assert owner.is_superuser and owner.is_staff
    assert owner.check_password("a-long-owner-password")


MYSQL_URL = "mysql://user:password@127.0.0.1:3306/scratchpad"


def read_timeout(*python_args) -> str:
    """The MySQL read timeout the settings give a process started with
    ``python_args`` against a MySQL database (no connection is made)."""
    environ = {k: v for k, v in os.environ.items() if k != "DATABASE_TIMEOUT"}
    environ.update(
        DATABASE_URL=MYSQL_URL,
        DJANGO_SETTINGS_MODULE="scratchpad.settings",
        SECRET_KEY="test",
    )
    result = subprocess.run(
        [sys.executable, *python_args],
        cwd=BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()[-1]


PRINT_READ_TIMEOUT = (
    "from django.conf import settings;"
    " print(settings.DATABASES['default']['OPTIONS'].get('read_timeout'))"
)


@pytest.mark.parametrize(
    "command",
    [
        ["manage.py", "shell", "-c", PRINT_READ_TIMEOUT],
        ["-m", "django", "shell", "-c", PRINT_READ_TIMEOUT],
    ],
    ids=["manage.py", "python-m-django"],
)
def test_commands_wait_for_the_database_however_long(command):
    # A migration may run one statement for minutes; a client that gave up
    # would leave the server finishing a change Django records as failed.
    assert read_timeout(*command) == "None"


def test_gunicorns_workers_give_up_on_a_silent_database_after_seconds():
    # gunicorn.conf.py runs before the workers load the settings.
    code = (
        "import runpy; runpy.run_path('gunicorn.conf.py');"
        " import django; django.setup(); " + PRINT_READ_TIMEOUT
    )
    assert read_timeout("-c", code) == "2"


def gunicorn_setting(name: str, **variables: str) -> str:
    """The value gunicorn.conf.py gives setting NAME in an environment with
    VARIABLES and none of its own."""
    environ = {
        k: v
        for k, v in os.environ.items()
        if k not in {"GUNICORN_ACCESS_LOG", "GUNICORN_MAX_REQUESTS"}
    }
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            f"import runpy; print(runpy.run_path('gunicorn.conf.py')[{name!r}])",
        ],
        cwd=BASE_DIR,
        env={**environ, **variables},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_gunicorn_writes_no_access_log_by_default():
    # The proxy in front keeps one; gunicorn's cost a tenth of the throughput.
    assert gunicorn_setting("accesslog") == "None"


def test_gunicorn_access_log_goes_to_stdout_when_asked():
    assert gunicorn_setting("accesslog", GUNICORN_ACCESS_LOG="1") == "-"


def test_gunicorn_never_recycles_workers_by_default():
    assert gunicorn_setting("max_requests") == "0"


def test_gunicorn_recycles_workers_after_the_requests_asked_with_jitter():
    variables = {"GUNICORN_MAX_REQUESTS": "50000"}
    assert gunicorn_setting("max_requests", **variables) == "50000"
    assert gunicorn_setting("max_requests_jitter", **variables) == "5000"
