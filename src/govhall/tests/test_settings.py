"""Settings come from the environment: production refuses unsafe defaults, demo keeps its key."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def _load_settings(env: dict[str, str]) -> subprocess.CompletedProcess:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("GOVHALL_", "SECRET_KEY", "ALLOWED_HOSTS"))
    }
    base.pop("DATABASE_URL", None)
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import govhall.settings as s; "
            "print(s.SECRET_KEY[:6], s.DEBUG, s.DATABASES['default']['ENGINE'])",
        ],
        env={**base, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path):
    result = _load_settings(
        {
            "GOVHALL_ENV": "production",
            "GOVHALL_DATA_DIR": str(tmp_path),
            "ALLOWED_HOSTS": "hall.example",
        }
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
    assert not (tmp_path / "secret_key").exists()


def test_production_refuses_to_start_without_allowed_hosts(tmp_path: Path):
    result = _load_settings(
        {"GOVHALL_ENV": "production", "GOVHALL_DATA_DIR": str(tmp_path), "SECRET_KEY": "x" * 50}
    )
    assert result.returncode != 0 and "ALLOWED_HOSTS must be set" in result.stderr


def test_production_never_runs_in_debug(tmp_path: Path):
    result = _load_settings(
        {
            "GOVHALL_ENV": "production",
            "GOVHALL_DATA_DIR": str(tmp_path),
            "SECRET_KEY": "k" * 50,
            "ALLOWED_HOSTS": "hall.example",
            "GOVHALL_DEBUG": "1",
        }
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[1] == "False"


def test_demo_generates_a_secret_key_once_and_keeps_it(tmp_path: Path):
    first = _load_settings({"GOVHALL_DATA_DIR": str(tmp_path)})
    second = _load_settings({"GOVHALL_DATA_DIR": str(tmp_path)})
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0  # readable by its owner only
    assert first.stdout.split()[0] == second.stdout.split()[0]
    assert first.stdout.split()[2] == "django.db.backends.sqlite3"


def test_database_url_selects_postgresql(tmp_path: Path):
    result = _load_settings(
        {"GOVHALL_DATA_DIR": str(tmp_path), "DATABASE_URL": "postgres://u@db:5432/govhall"}
    )
    assert result.stdout.split()[2] == "django.db.backends.postgresql"


def test_unknown_environment_name_is_refused(tmp_path: Path):
    result = _load_settings({"GOVHALL_ENV": "prod", "GOVHALL_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0 and "GOVHALL_ENV" in result.stderr
