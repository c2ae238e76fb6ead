import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, **env):
    """Run manage.py with ``env`` on top of this environment (a None value unsets it)."""
    full = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "DEBUG", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    full.update(env)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={k: v for k, v in full.items() if v is not None},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_secret_key():
    result = run_manage("check", DEBUG="0")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_makemigrations_check_runs_with_the_production_defaults():
    """It writes files from the code and signs nothing: no key needed, and no migration is
    missing."""
    result = run_manage("makemigrations", "--check", "--dry-run", DEBUG="0")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No changes detected" in result.stdout


def test_deploy_check_is_clean_with_production_settings():
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DEBUG="0",
        SECRET_KEY="x" * 20 + "-production-like-secret-key-with-enough-entropy-1234567890",
        ALLOWED_HOSTS="portal.ensie.org",
        SITE_URL="https://portal.ensie.org",
        STATIC_MANIFEST="1",
        SECURE_SSL_REDIRECT="1",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_embedded_defaults_need_no_server():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; from ensie_portal.celery import app; "
        "print(settings.DATABASES['default']['ENGINE'], settings.CACHES['default']['BACKEND'], "
        "settings.EMAIL_BACKEND, app.conf.task_always_eager)",
        DEBUG="1",
        DATABASE_URL=None,
        REDIS_URL=None,
        EMAIL_URL=None,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == [
        "django.db.backends.sqlite3",
        "django.core.cache.backends.locmem.LocMemCache",
        "django.core.mail.backends.console.EmailBackend",
        "True",
    ]


def test_redis_url_configures_broker_and_cache():
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "from django.conf import settings; from ensie_portal.celery import app; "
        "print(settings.CACHES['default']['BACKEND'], app.conf.broker_url, "
        "app.conf.task_always_eager)",
        DEBUG="1",
        REDIS_URL="redis://127.0.0.1:6379/3",
    )
    assert result.stdout.split() == [
        "ensie_portal.core.cache.PortalRedisCache",
        "redis://127.0.0.1:6379/3",
        "False",
    ]
