"""Production settings pass Django's deployment checklist (RELIABILITY.md case 8)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path


def test_check_deploy_passes_with_production_settings(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "TECHBRIDGE_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(60),
        "ALLOWED_HOSTS": "techbridge.example.org",
        "TECHBRIDGE_DATA_DIR": str(tmp_path),
    }
    env.pop("DEBUG", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set by the browser tests in this process
    result = subprocess.run(
        [sys.executable, "-m", "techbridge.cli", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_secret_key(tmp_path: Path) -> None:
    env = {
        **os.environ,
        "TECHBRIDGE_ENV": "production",
        "TECHBRIDGE_DATA_DIR": str(tmp_path),
        "ALLOWED_HOSTS": "techbridge.example.org",
    }
    env.pop("SECRET_KEY", None)
    result = subprocess.run(
        [sys.executable, "-m", "techbridge.cli", "check"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr
