"""Production mode (SOCREDIT_DEBUG=0) as a deployment starts it, in real processes: Django's deployment
checks come out clean, a weak secret key is refused before anything runs, pages carry HSTS and go to
HTTPS; and in every mode each page carries a Content-Security-Policy that the templates satisfy."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from socredit.common.security import weak_secret_key_reason

ROOT = Path(__file__).resolve().parents[2]


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """The variables production needs (as bench/_common.py production_environment sets them)."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        "SOCREDIT_VAR_DIR": str(tmp_path),
        "SOCREDIT_DEBUG": "0",
        "SOCREDIT_SECRET_KEY": secrets.token_urlsafe(50),
        "SOCREDIT_ALLOWED_HOSTS": "credit.example.gov.cn,testserver",
        "DJANGO_SETTINGS_MODULE": "socredit.settings",
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    for name in (
        "SOCREDIT_SSL_REDIRECT",
        "SOCREDIT_HSTS_SECONDS",
        "SOCREDIT_HSTS_PRELOAD",
        "SOCREDIT_PROXY_SSL_HEADER",
    ):
        env.pop(name, None)
    return {**env, **extra}


def _run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True,
                          timeout=300, check=False)  # fmt: skip


def test_check_deploy_is_clean_in_production_mode(tmp_path):
    done = _run(_production_env(tmp_path), "manage.py", "check", "--deploy", "--fail-level", "WARNING")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "System check identified no issues (0 silenced)." in done.stdout
    assert "WARNING" not in done.stderr.upper()


@pytest.mark.parametrize(
    ("key", "reason"),
    [("x", "1 characters, fewer than 50"), ("dev-only-insecure-key-change-me", "published development key"),
     ("django-insecure-" + "a1b2c3d4e5" * 6, "published development key"), ("ab" * 40, "fewer than 5 different")],
)  # fmt: skip
def test_a_weak_secret_key_is_refused_at_start(tmp_path, key, reason):
    done = _run(_production_env(tmp_path, SOCREDIT_SECRET_KEY=key), "manage.py", "check")
    assert done.returncode != 0
    assert "SOCREDIT_SECRET_KEY is too weak for production" in done.stderr and reason in done.stderr


def test_weak_secret_key_reason():
    assert weak_secret_key_reason(secrets.token_urlsafe(50)) is None
    assert weak_secret_key_reason("k" * 49 + "abc") == "it uses fewer than 5 different characters"
    assert "49 characters" in (weak_secret_key_reason(secrets.token_hex(40)[:49]) or "")


def test_development_mode_keeps_its_key(tmp_path):
    env = _production_env(tmp_path, SOCREDIT_DEBUG="1")
    env.pop("SOCREDIT_SECRET_KEY")
    done = _run(env, "manage.py", "check")
    assert done.returncode == 0, done.stderr


PROBE = """
import django
django.setup()
from django.test import Client
plain = Client().get("/accounts/login/")
print("plain", plain.status_code, plain.headers.get("Location", ""))
page = Client().get("/accounts/login/", secure=True)
print("secure", page.status_code)
print("hsts", page.headers.get("Strict-Transport-Security", ""))
print("csp", page.headers.get("Content-Security-Policy", ""))
print("cookie", page.cookies["csrftoken"]["secure"] if "csrftoken" in page.cookies else "none")
proxied = Client().get("/accounts/login/", headers={"X-Forwarded-Proto": "https"})
print("proxied", proxied.status_code)
"""


def _probe(env: dict[str, str]) -> dict[str, str]:
    done = _run(env, "-c", PROBE)
    assert done.returncode == 0, done.stderr
    return dict(line.split(" ", 1) for line in done.stdout.strip().splitlines())


def test_production_pages_redirect_to_https_and_carry_hsts(tmp_path):
    got = _probe(_production_env(tmp_path))
    assert got["plain"] == "301 https://testserver/accounts/login/"
    assert got["secure"] == "200"
    assert got["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert "script-src 'self'" in got["csp"] and "unsafe" not in got["csp"]
    assert got["proxied"].startswith("301")  # the header counts only when a proxy is declared


def test_behind_a_tls_proxy(tmp_path):
    env = _production_env(
        tmp_path, SOCREDIT_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO=https", SOCREDIT_HSTS_SECONDS="600"
    )
    got = _probe(env)
    assert got["proxied"] == "200"
    assert got["hsts"].startswith("max-age=600;")
    assert _probe(_production_env(tmp_path, SOCREDIT_SSL_REDIRECT="0"))["plain"].startswith("200")


# --- the Content-Security-Policy the pages satisfy ---------------------------------------------

TEMPLATE_DIRS = [ROOT / "socredit"]
INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.I), "an inline <script> (move it to a static file)"),
    (re.compile(r"\son[a-z]+\s*=", re.I), "an event-handler attribute (use app.js)"),
    (re.compile(r"\bstyle\s*=", re.I), "a style attribute (use a class in app.css)"),
    (re.compile(r"\shx-on[:-]", re.I), "hx-on (htmx would need 'unsafe-eval'; use app.js)"),
    (re.compile(r"<style(?![^>]*\bnonce=)[^>]*>", re.I), "a <style> element without the CSP nonce"),
    (re.compile(r"javascript:", re.I), "a javascript: URL"),
]


def test_templates_have_nothing_the_policy_refuses():
    found = []
    for path in sorted(p for d in TEMPLATE_DIRS for p in d.rglob("templates/**/*.html")):
        text = path.read_text(encoding="utf-8")
        for pattern, what in INLINE:
            for m in pattern.finditer(text):
                line = text.count("\n", 0, m.start()) + 1
                found.append(f"{path.relative_to(ROOT)}:{line}: {what}")
    assert not found, "\n".join(found)


@pytest.mark.django_db
def test_pages_carry_the_policy(client, personas):
    client.force_login(personas["staff_jinshui"])
    response = client.get("/")
    response = client.get(response.headers.get("Location", "/")) if response.status_code == 302 else response
    policy = response.headers["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"].startswith("'self'") and "unsafe-inline" not in directives["style-src"]
    assert directives["frame-ancestors"] == "'none'" and directives["object-src"] == "'none'"
