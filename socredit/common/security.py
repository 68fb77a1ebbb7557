"""Production safeguards read by the settings before Django starts: the secret key's strength.

The secret key signs sessions, CSRF tokens, password-reset links and the lookup codes of complaints;
a short or published key lets anyone forge them. Outside DEBUG the settings refuse to start with a
weak key (Django's own `check --deploy` only warns, and only when someone runs it).
"""

from __future__ import annotations

# The same floor as Django's security.W009 (django/core/checks/security/base.py), raised to a refusal.
SECRET_KEY_MIN_LENGTH = 50
SECRET_KEY_MIN_UNIQUE_CHARACTERS = 5
# Keys published in this repository, in Django's templates or in deployment examples.
KNOWN_PUBLIC_KEYS = frozenset(
    {"dev-only-insecure-key-change-me", "change-me", "changeme", "secret", "insecure"}
)
INSECURE_PREFIXES = ("django-insecure-", "dev-only-", "bench-only-")


def weak_secret_key_reason(key: str) -> str | None:
    """Why ``key`` is too weak to sign production sessions, or None when it will do."""
    if key in KNOWN_PUBLIC_KEYS or key.startswith(INSECURE_PREFIXES):
        return "it is a published development key"
    if len(key) < SECRET_KEY_MIN_LENGTH:
        return f"it has {len(key)} characters, fewer than {SECRET_KEY_MIN_LENGTH}"
    if len(set(key)) < SECRET_KEY_MIN_UNIQUE_CHARACTERS:
        return f"it uses fewer than {SECRET_KEY_MIN_UNIQUE_CHARACTERS} different characters"
    return None


def require_strong_secret_key(key: str) -> None:
    """Raise ``ImproperlyConfigured`` naming the setting and the limit when ``key`` is weak."""
    reason = weak_secret_key_reason(key)
    if reason is None:
        return
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        f"SOCREDIT_SECRET_KEY is too weak for production (SOCREDIT_DEBUG=0): {reason}. Set it to at least "
        f"{SECRET_KEY_MIN_LENGTH} random characters, e.g. the output of "
        '`python -c "import secrets; print(secrets.token_urlsafe(50))"`.'
    )


def secret_key_from_file(path: str) -> str:
    """The key kept in the file at ``path``, generated there once (random, mode 600) if it is missing.

    For a single machine that keeps its own key (``make run``): the first start writes it, every later
    start reads the same one, so sessions survive a restart. The file is created exclusively, so two
    processes starting at once end up with the same key.
    """
    import os
    import secrets

    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        with open(path, encoding="ascii") as existing:
            key = existing.read().strip()
        if not key:
            raise ValueError(f"{path} is empty: delete it to have a new secret key generated") from None
        return key
    key = secrets.token_urlsafe(50)
    with os.fdopen(fd, "w", encoding="ascii") as new:
        new.write(key + "\n")
    return key


LOOPBACK_HOSTS = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
"""The host names of this machine only: SOCREDIT_LOCAL_HTTP is refused for any other."""
