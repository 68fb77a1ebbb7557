"""Settings for socredit: one file, driven by the environment, runnable with nothing set.

Environment:
  DATABASE_URL        default sqlite:///<repo>/var/socredit.sqlite3 (WAL); postgres://… for production
  SOCREDIT_SECRET_KEY required when SOCREDIT_DEBUG is off
  SOCREDIT_DEBUG      "1" (default) for development, "0" in production
  SOCREDIT_SECRET_KEY_FILE  instead of SOCREDIT_SECRET_KEY: a file holding the key, generated (mode 600)
                      the first time (make run keeps var/secret_key)
  SOCREDIT_STATIC_ROOT  where collectstatic puts the static files (default var/static)
  SOCREDIT_ALLOWED_HOSTS  comma-separated, default "127.0.0.1,localhost"
  SOCREDIT_TIME_ZONE  default Asia/Shanghai
  SOCREDIT_AUDIT_ANCHOR_FILE  where `socredit audit anchor` appends the chain head (default var/audit-anchors.jsonl)
  SOCREDIT_LOGIN_FAILURE_LIMIT    failed sign-ins before a lockout, default 5
  SOCREDIT_LOGIN_COOLOFF_MINUTES  how long a lockout lasts, default 15
Production only (SOCREDIT_DEBUG=0):
  SOCREDIT_SSL_REDIRECT   "1" (default) redirects http:// to https://; "0" where only a proxy speaks TLS
                          and redirects itself
  SOCREDIT_PROXY_SSL_HEADER  e.g. "HTTP_X_FORWARDED_PROTO=https": behind a TLS-terminating proxy that
                          sets this header (and strips it from clients), requests carrying it are secure
  SOCREDIT_HSTS_SECONDS   Strict-Transport-Security max-age, default 31536000 (one year); 0 = no header
  SOCREDIT_HSTS_PRELOAD   "1" (default) adds the preload directive
  SOCREDIT_LOCAL_HTTP     "1": plain HTTP for this machine only (make run): no HTTPS redirect, no HSTS,
                          cookies over HTTP; refused unless SOCREDIT_ALLOWED_HOSTS names only loopback hosts
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

from socredit.common.security import LOOPBACK_HOSTS, require_strong_secret_key, secret_key_from_file

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("SOCREDIT_VAR_DIR", BASE_DIR / "var"))

DEBUG = os.environ.get("SOCREDIT_DEBUG", "1") == "1"
SECRET_KEY = os.environ.get("SOCREDIT_SECRET_KEY") or (
    secret_key_from_file(os.environ["SOCREDIT_SECRET_KEY_FILE"])
    if os.environ.get("SOCREDIT_SECRET_KEY_FILE")
    else "dev-only-insecure-key-change-me"
    if DEBUG
    else ""  # noqa: S105 — refused below outside DEBUG
)
if not SECRET_KEY:
    raise RuntimeError("SOCREDIT_SECRET_KEY (or SOCREDIT_SECRET_KEY_FILE) must be set when SOCREDIT_DEBUG=0")
if not DEBUG:
    require_strong_secret_key(SECRET_KEY)  # refuses a short or published key (socredit/common/security.py)
ALLOWED_HOSTS = os.environ.get("SOCREDIT_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver").split(",")
# Plain HTTP on this machine only (`make run`): production mode without the HTTPS redirect, HSTS and
# secure-only cookies, which a browser cannot use over http://127.0.0.1. Refused unless every allowed
# host is a loopback name, so that it cannot switch HTTPS off for a server reachable by others.
LOCAL_HTTP = not DEBUG and os.environ.get("SOCREDIT_LOCAL_HTTP", "0") == "1"
if LOCAL_HTTP and not set(ALLOWED_HOSTS) <= LOOPBACK_HOSTS:
    raise ImproperlyConfigured(
        "SOCREDIT_LOCAL_HTTP=1 serves plain HTTP and is allowed only for this machine: "
        f"SOCREDIT_ALLOWED_HOSTS must name only {', '.join(sorted(LOOPBACK_HOSTS))} "
        f"(it names {', '.join(sorted(set(ALLOWED_HOSTS) - LOOPBACK_HOSTS))})"
    )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "django_filters",
    "axes",
    "csp",
    "ninja",
    "django_tasks",
    "django_tasks_db",
    # Domain apps, in dependency order (the import contract in pyproject.toml mirrors it).
    "socredit.apps.audit",
    "socredit.apps.registry",
    "socredit.apps.workdays",
    "socredit.apps.accounts",
    "socredit.apps.records",
    "socredit.apps.subscriptions",
    "socredit.apps.commitments",
    "socredit.apps.annualreports",
    "socredit.apps.evaluation",
    "socredit.apps.lists",
    "socredit.apps.cases",
    "socredit.apps.bans",
    "socredit.apps.spotchecks",
    "socredit.apps.dormancy",
    "socredit.apps.measures",
    "socredit.apps.riskwarnings",
    "socredit.apps.imports",
    "socredit.apps.portal",
    "socredit.apps.reports",
    "socredit.apps.statistics",
    "socredit.apps.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",  # static files, before anything that reads a session
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "socredit.common.middleware.ChineseUnlessChosenMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "socredit.common.middleware.OrganizationAccountMiddleware",
    "socredit.common.middleware.PasswordChangeRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # last, as django-axes requires: turns a locked-out sign-in into the lockout page
    "axes.middleware.AxesMiddleware",
]
TOKEN_CALL_MIDDLEWARE = [
    # a department system's API call (bearer token, no cookie): see socredit/common/wsgi.py
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]

ROOT_URLCONF = "socredit.urls"
WSGI_APPLICATION = "socredit.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "socredit" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
            ],
            "libraries": {"frame": "socredit.common.frame_tags"},
        },
    },
]

# --- Database -------------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'socredit.sqlite3'}"),
        conn_max_age=int(os.environ.get("SOCREDIT_CONN_MAX_AGE", "60")),
    )
}
# Persistent connections on both databases: a new SQLite connection per request (open, the pragmas
# below, schema read) cost more than the request itself. Django keeps one connection per thread
# (gunicorn sync workers, runserver threads), checks it before reuse (CONN_HEALTH_CHECKS) and runs
# the init_command once per new connection. SOCREDIT_CONN_MAX_AGE=0 closes after every request.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while one writer writes; IMMEDIATE takes the write lock at BEGIN so
        # that two writers queue on the busy timeout instead of failing with "database is locked".
        # Reads through a memory map (the first 2 GiB of the file, the most Debian's SQLite maps;
        # SOCREDIT_SQLITE_MMAP_BYTES, 0 = off): a search reads a few thousand rows scattered over the
        # table, and each one outside the 64 MiB page cache was a read() call; at a million
        # organizations the p99 of a first search page went from 14-17 ms to 7 ms, lookups unchanged.
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            " PRAGMA temp_store=MEMORY; PRAGMA cache_size=-65536;"
            f" PRAGMA mmap_size={int(os.environ.get('SOCREDIT_SQLITE_MMAP_BYTES', str(2**31)))};"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 30,
    }
if os.environ.get("SOCREDIT_TEST_DB_NAME"):
    # a test database kept between pytest sessions (pytest --reuse-db): tools/mutants runs one short
    # session per mutant, and building the database from the migrations each time cost most of it
    DATABASES["default"]["TEST"] = {"NAME": os.environ["SOCREDIT_TEST_DB_NAME"]}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# --- Sign-in throttling (django-axes) --------------------------------------------------------
# AxesStandaloneBackend first: it refuses a locked-out account or address before the password is
# checked, and counts the failures. The API's department tokens and staff sessions do not go
# through authenticate(), so axes never sees (nor locks) an API call.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(os.environ.get("SOCREDIT_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=float(os.environ.get("SOCREDIT_LOGIN_COOLOFF_MINUTES", "15")))
# Locked by account and, separately, by address: counting the account alone would let one address
# try a few passwords on every account (password spraying); counting the pair alone would let many
# addresses take turns on one account. The price: someone who knows a user name can keep that
# account locked, and an office behind one NAT address shares one count; a lockout ends by itself
# after the cool-off and an administrator lifts it at once (admin "Access attempts", or
# `socredit axes_reset_username NAME` / `axes_reset_ip ADDRESS`).
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
# A successful sign-in does not clear the count: it would clear the address's count too, so that
# anyone with an account of their own could sign in between every few guesses at another account.
# Failures are forgotten AXES_COOLOFF_TIME after the last one.
AXES_RESET_ON_SUCCESS = False
AXES_LOCKOUT_CALLABLE = "socredit.apps.accounts.views.locked_out"  # the lockout page, status 429
# The address is REMOTE_ADDR, as for the complaint form's per-address limit: behind a reverse proxy
# that is the proxy's address unless the WSGI server is told to take the client's from the proxy.

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "portal:start"  # staff on to the organization list, organization accounts to /my/
LOGOUT_REDIRECT_URL = "accounts:login"

# --- Language and time ----------------------------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "socredit" / "locale"]
TIME_ZONE = os.environ.get("SOCREDIT_TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
# `socredit collectstatic` gathers the static files here; outside DEBUG the WSGI application serves
# them itself (WhiteNoise), compressed and under names that carry a hash of their content (cached
# for ever by browsers). In DEBUG, Django's development server serves them from the source folders.
STATIC_ROOT = Path(os.environ.get("SOCREDIT_STATIC_ROOT", VAR_DIR / "static"))
# Source maps (of the API documentation's bundles) are read by developer tools only: not compressed,
# which halves the time collectstatic takes.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise reads it at start (empty until collected)
STATICFILES_DIRS = [BASE_DIR / "socredit" / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "socredit.common.staticfiles.CollectedStaticFilesStorage"
    },
}

# Uploaded import files are read in memory up to this size, then spooled to disk.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
# Uploaded evidence (证明材料) of objections, repairs and complaints; never served as static media,
# only through views that check who may read the case.
MEDIA_ROOT = VAR_DIR / "media"
SOCREDIT_EVIDENCE_MAX_BYTES = int(os.environ.get("SOCREDIT_EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024)))
SOCREDIT_IMPORT_MAX_BYTES = int(os.environ.get("SOCREDIT_IMPORT_MAX_BYTES", str(200 * 1024 * 1024)))
# What one import may hold once read (a small XLSX can inflate a thousandfold): its sheet's XML
# uncompressed, data rows, columns per row, characters per cell, and the row errors kept on the run
# (beyond them the errors are counted, not stored).
SOCREDIT_IMPORT_MAX_UNCOMPRESSED_BYTES = int(
    os.environ.get("SOCREDIT_IMPORT_MAX_UNCOMPRESSED_BYTES", str(200 * 1024 * 1024))
)
SOCREDIT_IMPORT_MAX_ROWS = int(os.environ.get("SOCREDIT_IMPORT_MAX_ROWS", "200000"))
SOCREDIT_IMPORT_MAX_COLUMNS = 100
SOCREDIT_IMPORT_MAX_CELL_CHARS = 10_000
SOCREDIT_IMPORT_MAX_ERRORS_KEPT = int(os.environ.get("SOCREDIT_IMPORT_MAX_ERRORS_KEPT", "1000"))
# An import uploaded on the page is stored here (one file per run, deleted when the run ends) and
# imported by the background worker (`socredit db_worker`); with several application servers this
# directory must be shared with the worker's host. On disk rather than in the database: a file may be
# 200 MB, and from disk both the upload and the worker stream it instead of holding it in memory.
SOCREDIT_IMPORT_UPLOAD_DIR = Path(os.environ.get("SOCREDIT_IMPORT_UPLOAD_DIR", str(VAR_DIR / "imports")))
# A run still waiting after this many seconds is shown with "the background worker is not running".
SOCREDIT_IMPORT_WORKER_WAIT_SECONDS = int(os.environ.get("SOCREDIT_IMPORT_WORKER_WAIT_SECONDS", "20"))

# Webhooks of subscriptions (docs/subscriptions.md): the sender `socredit webhooks`.
SOCREDIT_WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("SOCREDIT_WEBHOOK_TIMEOUT_SECONDS", "10"))
SOCREDIT_WEBHOOK_MAX_ATTEMPTS = int(os.environ.get("SOCREDIT_WEBHOOK_MAX_ATTEMPTS", "8"))
SOCREDIT_WEBHOOK_BACKOFF_SECONDS = float(os.environ.get("SOCREDIT_WEBHOOK_BACKOFF_SECONDS", "30"))
SOCREDIT_WEBHOOK_BACKOFF_MAX_SECONDS = float(os.environ.get("SOCREDIT_WEBHOOK_BACKOFF_MAX_SECONDS", "3600"))
SOCREDIT_WEBHOOK_SECRET_GRACE_HOURS = float(os.environ.get("SOCREDIT_WEBHOOK_SECRET_GRACE_HOURS", "24"))
# Loopback webhook URLs (127.0.0.1, ::1, localhost): refused unless "1", for tests and development.
SOCREDIT_WEBHOOK_ALLOW_LOOPBACK = os.environ.get("SOCREDIT_WEBHOOK_ALLOW_LOOPBACK", "0") == "1"
# Background tasks (django-tasks): queued in the database, run by `socredit db_worker`.
TASKS = {
    "default": {
        "BACKEND": os.environ.get("SOCREDIT_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}
# `socredit audit anchor` appends the audit chain's head here (one JSON line per anchor); keep the file
# where a rewrite of the database cannot reach it (another disk, a write-once mount, a copy off-site).
SOCREDIT_AUDIT_ANCHOR_FILE = os.environ.get(
    "SOCREDIT_AUDIT_ANCHOR_FILE", str(VAR_DIR / "audit-anchors.jsonl")
)
# The public complaint form (举报) and its lookup, per client address and hour (counted in the cache).
SOCREDIT_COMPLAINTS_PER_IP_HOUR = int(os.environ.get("SOCREDIT_COMPLAINTS_PER_IP_HOUR", "5"))
SOCREDIT_COMPLAINT_LOOKUPS_PER_IP_HOUR = int(os.environ.get("SOCREDIT_COMPLAINT_LOOKUPS_PER_IP_HOUR", "30"))
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "ratelimit": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "ratelimit"},
}
RATELIMIT_USE_CACHE = "ratelimit"
# Credit reports (信用报告): the key their signatures are made with (generated once, mode 600; keep a
# copy with the backups: without it no issued report verifies) — docs/reports.md.
SOCREDIT_REPORT_KEY_FILE = os.environ.get("SOCREDIT_REPORT_KEY_FILE", str(VAR_DIR / "report_key"))
# The public address printed in QR codes (一社一码, report verification); empty: the request's own.
SOCREDIT_PUBLIC_URL = os.environ.get("SOCREDIT_PUBLIC_URL", "")
# Open data releases (socredit opendata build).
SOCREDIT_OPENDATA_DIR = Path(os.environ.get("SOCREDIT_OPENDATA_DIR", str(VAR_DIR / "opendata")))
# Per-client limits of the public site and API, by group ("N/s|m|h|d"; empty switches one off), each
# from SOCREDIT_RATE_<GROUP> when set, else socredit/common/limits.py's defaults. Counted in the
# "ratelimit" cache, per server process: with N workers a client gets up to N times the rate; behind a
# proxy REMOTE_ADDR must be the client's (else every visitor shares one counter).
# SOCREDIT_PUBLIC_RATES_OFF=1 switches all off (benchmarks only: one load generator is one client).
PUBLIC_RATE_GROUPS = ("search", "download", "report", "verify", "qr", "opendata", "api")
SOCREDIT_PUBLIC_RATES = (
    dict.fromkeys(PUBLIC_RATE_GROUPS, "")
    if os.environ.get("SOCREDIT_PUBLIC_RATES_OFF") == "1"
    else {
        group: os.environ[f"SOCREDIT_RATE_{group.upper()}"]
        for group in PUBLIC_RATE_GROUPS
        if f"SOCREDIT_RATE_{group.upper()}" in os.environ
    }
)

SESSION_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "socredit.common.errorpages.csrf_failure"  # the 403 page of an expired form
CSRF_COOKIE_HTTPONLY = False  # HTMX reads the token from the cookie-less meta tag; see base.html
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# The Content-Security-Policy of every page (django-csp): scripts and styles only from our static
# files. The templates carry no inline script, no event-handler attribute, no style attribute and no
# hx-on (app.js does that work; htmx is configured in base.html not to eval nor inject styles); the
# one inline style element, of the document print page, carries the response's nonce.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],
        "img-src": [SELF],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}
if not DEBUG and not LOCAL_HTTP:
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("SOCREDIT_SSL_REDIRECT", "1") == "1"
    if os.environ.get("SOCREDIT_PROXY_SSL_HEADER"):
        _header, _equals, _value = os.environ["SOCREDIT_PROXY_SSL_HEADER"].partition("=")
        SECURE_PROXY_SSL_HEADER = (_header.strip(), _value.strip() or "https")
    # Browsers that saw the site over HTTPS refuse plain HTTP to it (and its subdomains) for a year.
    SECURE_HSTS_SECONDS = int(os.environ.get("SOCREDIT_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = os.environ.get("SOCREDIT_HSTS_PRELOAD", "1") == "1"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("SOCREDIT_LOG_LEVEL", "WARNING")},
}

NINJA_PAGINATION_PER_PAGE = 50
# A department token (ApiToken) is looked up once and then served from the process's memory for this
# many seconds: a revoked or expired token is refused at most this long after the change (at once in
# the process that revoked it).
SOCREDIT_TOKEN_CACHE_SECONDS = float(os.environ.get("SOCREDIT_TOKEN_CACHE_SECONDS", "5"))
NINJA_MAX_PER_PAGE_SIZE = 500

# The indicator model (信用评价指标体系) used unless an evaluation names another
# (socredit/core/scoring/models/; docs/credit-evaluation.md).
SOCREDIT_CREDIT_MODEL = os.environ.get("SOCREDIT_CREDIT_MODEL", "reference-2026.1")
# A directory of the authority's own indicator models (*.toml), added to the shipped ones.
SOCREDIT_MODELS_DIR = os.environ.get("SOCREDIT_MODELS_DIR", "")
# Profiles are chosen by the deciding authority's region (core/policies: each locality states the
# regions it governs). This region code is only the default for a caller deciding for no authority.
SOCREDIT_POLICY_DEFAULT_REGION = os.environ.get("SOCREDIT_POLICY_DEFAULT_REGION", "100000")

SOCREDIT_PRODUCT_NAME = _("Social Organization Credit Management Platform")
