"""Settings come from the environment, and production refuses an insecure secret key."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from hcppcc.env import insecure_secret_key_reason

ROOT = Path(__file__).resolve().parents[2]
GOOD_KEY = "k8Qz3vX9-pLm2RtY7wNc4Hs6Jd1Fb5Gq0Ae8Ui3Oo7Py2Tr6Ew4Sx9Zc1Vb5Nm3Lk"
PRODUCTION = {
    "DJANGO_DEBUG": "0",
    "DJANGO_ALLOWED_HOSTS": "hcppcc.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://hcppcc.example.org",
    # The documented production environment (docs/operations.md) opts into these.
    "DJANGO_BEHIND_TLS_PROXY": "1",
    "DJANGO_HSTS_INCLUDE_SUBDOMAINS": "1",
    "DJANGO_HSTS_PRELOAD": "1",
}


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    clean.pop("DATABASE_URL", None)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.mark.parametrize(
    "key",
    [
        pytest.param(None, id="missing"),
        pytest.param("", id="empty"),
        pytest.param("django-insecure-" + "x1y2z3" * 10, id="django-insecure-prefix"),
        pytest.param("too-short-but-random-3f9a", id="short"),
        pytest.param("ab" * 40, id="few-distinct-characters"),
    ],
)
def test_production_refuses_to_start_with_an_insecure_secret_key(key):
    env = dict(PRODUCTION)
    if key is not None:
        env["DJANGO_SECRET_KEY"] = key
    result = run_manage("check", **env)
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "DJANGO_SECRET_KEY" in result.stderr


def test_production_starts_with_a_real_key_and_passes_the_deploy_check():
    result = run_manage(
        "check", "--deploy", "--fail-level", "WARNING", DJANGO_SECRET_KEY=GOOD_KEY, **PRODUCTION
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_development_runs_without_a_secret_key():
    result = run_manage("check", DJANGO_DEBUG="1")
    assert result.returncode == 0, result.stderr


def test_a_malformed_boolean_is_refused_with_its_name():
    result = run_manage("check", DJANGO_DEBUG="maybe")
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be a boolean" in result.stderr


def test_insecure_key_reasons_match_djangos_deploy_check():
    assert insecure_secret_key_reason(GOOD_KEY) is None
    assert insecure_secret_key_reason("") == "is not set"
    assert "short" in insecure_secret_key_reason("x" * 10 + "abcdefgh")


def test_defaults_are_chinese_and_shanghai():
    # Read what settings.py produced from an environment that does not override them.
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings as s; print(s.LANGUAGE_CODE, s.TIME_ZONE, "
        "[code for code, _ in s.LANGUAGES])",
        DJANGO_DEBUG="1",
    )
    assert result.stdout.split(maxsplit=2) == ["zh-hans", "Asia/Shanghai", "['zh-hans', 'en']\n"]


def test_production_collects_its_static_files(tmp_path):
    """The hashed-name storage of production refuses a missing file a page or map names."""
    result = run_manage(
        "collectstatic",
        "--noinput",
        DJANGO_SECRET_KEY=GOOD_KEY,
        DJANGO_STATIC_ROOT=str(tmp_path / "static"),
        **PRODUCTION,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert (tmp_path / "static" / "staticfiles.json").exists()
