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
        "DJANGO_ALLOW_ASYNC_UNSAFE",  # the browser tests' (Playwright's event loop), never production's
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


# --- `make run`: production mode over plain HTTP on this machine ---------------------------------

LOCAL_PROBE = """
import django
django.setup()
from django.conf import settings
from django.test import Client
page = Client().get("/accounts/login/", HTTP_HOST="127.0.0.1")
print("plain", page.status_code)
print("hsts", page.headers.get("Strict-Transport-Security", "none"))
print("cookie", page.cookies["csrftoken"]["secure"] or "not-secure")
print("debug", settings.DEBUG)
"""


def _local_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = _production_env(tmp_path, SOCREDIT_LOCAL_HTTP="1", SOCREDIT_ALLOWED_HOSTS="127.0.0.1,localhost")
    env.pop("SOCREDIT_SECRET_KEY")
    return {**env, "SOCREDIT_SECRET_KEY_FILE": str(tmp_path / "secret_key"), **extra}


def test_local_http_serves_plain_http_with_debug_off(tmp_path):
    done = _run(_local_env(tmp_path), "-c", LOCAL_PROBE)
    assert done.returncode == 0, done.stderr
    got = dict(line.split(" ", 1) for line in done.stdout.strip().splitlines())
    assert got == {"plain": "200", "hsts": "none", "cookie": "not-secure", "debug": "False"}
    key = tmp_path / "secret_key"
    assert key.stat().st_mode & 0o777 == 0o600 and weak_secret_key_reason(key.read_text().strip()) is None


@pytest.mark.parametrize("hosts", ["credit.example.gov.cn", "127.0.0.1,0.0.0.0", "*"])
def test_local_http_is_refused_for_a_server_others_can_reach(tmp_path, hosts):
    done = _run(_local_env(tmp_path, SOCREDIT_ALLOWED_HOSTS=hosts), "manage.py", "check")
    assert done.returncode != 0
    assert "SOCREDIT_LOCAL_HTTP=1 serves plain HTTP and is allowed only for this machine" in done.stderr


def test_local_http_means_nothing_without_its_hosts_and_production_still_redirects(tmp_path):
    # SOCREDIT_LOCAL_HTTP only in development mode: no effect (DEBUG serves plain HTTP anyway)
    env = _local_env(tmp_path, SOCREDIT_DEBUG="1")
    assert _run(env, "manage.py", "check").returncode == 0
    # production without it keeps the redirect, HSTS and secure cookies (the tests above)
    assert _probe(_production_env(tmp_path))["plain"].startswith("301")


def test_the_secret_key_file_is_generated_once_and_reused(tmp_path):
    from socredit.common.security import secret_key_from_file

    path = tmp_path / "secret_key"
    first = secret_key_from_file(str(path))
    assert weak_secret_key_reason(first) is None
    assert path.stat().st_mode & 0o777 == 0o600
    assert secret_key_from_file(str(path)) == first
    path.write_text("")
    with pytest.raises(ValueError, match="is empty: delete it"):
        secret_key_from_file(str(path))


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_gunicorn_serves_pages_and_hashed_static_files_with_debug_off(tmp_path):
    """What `make run` starts (tools/run-demo): collectstatic into a folder under the var directory,
    then gunicorn with DEBUG off; WhiteNoise serves the compressed, content-hashed files."""
    import time
    import urllib.error
    import urllib.request

    env = _local_env(tmp_path, SOCREDIT_STATIC_ROOT=str(tmp_path / "static"))
    collected = _run(env, "manage.py", "collectstatic", "--no-input", "-v", "0",
                 "--ignore", "admin", "--ignore", "ninja", "--ignore", "django_htmx")  # fmt: skip
    assert collected.returncode == 0, collected.stderr
    port = _free_port()
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, "-m", "gunicorn", "socredit.wsgi:application", "--bind", f"127.0.0.1:{port}",
         "--workers", "1"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )  # fmt: skip

    def get(path: str) -> tuple[int, dict[str, str], str]:
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}{path}", headers={"Accept-Encoding": "gzip"}
        )
        try:
            with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
                return response.status, dict(response.headers), response.read().decode(errors="replace")
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read().decode()

    try:
        for _ in range(120):
            try:
                status, _, page = get("/accounts/login/")
                break
            except OSError:
                assert server.poll() is None, server.stderr.read().decode() if server.stderr else ""
                time.sleep(0.5)
        assert status == 200
        stylesheet = re.search(r'href="(/static/socredit/app\.[0-9a-f]{12}\.css)"', page)
        assert stylesheet, "the page names the hashed stylesheet"
        status, headers, _ = get(stylesheet.group(1))
        assert status == 200 and headers["Content-Type"].startswith("text/css")
        assert "immutable" in headers["Cache-Control"] and headers.get("Content-Encoding") == "gzip"
        status, _, page = get("/no-such-page/")
        assert status == 404 and "页面不存在" in page and "URLconf" not in page
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_run_demo_has_a_development_mode():
    done = subprocess.run(["bash", str(ROOT / "tools" / "run-demo"), "--help"], capture_output=True, text=True,
                          check=False, timeout=30)  # fmt: skip
    assert done.returncode == 0 and "--dev" in done.stdout and "gunicorn" in done.stdout
