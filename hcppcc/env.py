"""Small helpers that read typed values from the environment for settings.py."""

import os

from django.core.exceptions import ImproperlyConfigured

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


def env_str(name: str, default: str) -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}")


def env_int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None


def env_list(name: str, default: str) -> list[str]:
    """A comma-separated list; blanks are dropped."""
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


def insecure_secret_key_reason(key: str) -> str | None:
    """Why ``key`` is unfit for production, or None when it is fine.

    The same bar as Django's own deploy check (security.W009), so that a key that passes
    here also passes ``manage.py check --deploy``.
    """
    if not key:
        return "is not set"
    if key.startswith("django-insecure"):
        return "is a development key (it starts with 'django-insecure')"
    if len(key) < 50:
        return f"is too short ({len(key)} characters)"
    if len(set(key)) < 5:
        return "has too few distinct characters"
    return None
