"""Root pytest configuration: no network in tests (Zulip's block_internet), fast password hashing."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest

pytest_plugins = ["socredit.testing.vendor"]  # which tests run again on PostgreSQL, and its check

_real_connect = socket.socket.connect


def _guarded_connect(self, address):
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and not (
        host.startswith("127.") or host in {"localhost", "::1"} or host.startswith("/")
    ):
        raise RuntimeError(f"tests must not reach the network (tried {address!r})")
    return _real_connect(self, address)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The slow tests (marked ``slow``: the reliability suite, the killed background worker, the
    crawls of every page, the demo office) run first, not where pytest-django's order puts them
    (tests without a database last, the others in file order). Under xdist the two workers take
    them in turn while the short tests fill in around them, instead of a long test starting near the
    end and leaving a core idle. Transactional tests (which empty the database) stay last."""
    first = [item for item in items if item.get_closest_marker("slow") and not _transactional(item)]
    if first:
        ids = {id(item) for item in first}
        items[:] = first + [item for item in items if id(item) not in ids]


def _transactional(item) -> bool:
    names = set(getattr(item, "fixturenames", ()))
    marker = item.get_closest_marker("django_db")
    wants = marker is not None and bool(marker.kwargs.get("transaction") or (marker.args and marker.args[0]))
    return wants or bool(names & {"transactional_db", "live_server", "django_db_serialized_rollback"})


@pytest.fixture(scope="session")
def _test_database_from_template(django_db_modify_db_settings_parallel_suffix, tmp_path_factory) -> bool:
    """On SQLite, when ``tools/test`` has migrated a template (``SOCREDIT_MIGRATED_SQLITE``), each
    worker's test database starts as a file copy of it instead of being migrated from nothing in
    memory (some 20 s of CPU per worker, on every session). Django still runs ``migrate`` on the
    copy (kept, not re-created): a template that is not current is brought up to date. On
    PostgreSQL, ``SOCREDIT_PG_TEST_TEMPLATE`` names a migrated database to create it from."""
    import shutil

    from django.conf import settings

    from socredit.testing.scratch import TEMPLATE_ENV

    template = os.environ.get(TEMPLATE_ENV, "")
    database = settings.DATABASES["default"]
    pg_template = os.environ.get("SOCREDIT_PG_TEST_TEMPLATE", "")
    if pg_template and database["ENGINE"] == "django.db.backends.postgresql":
        # PostgreSQL: each worker's test database is CREATE DATABASE … TEMPLATE a database migrated
        # once (the postgres tier of tools/test makes it), then migrated (nothing to do)
        database.setdefault("TEST", {})["TEMPLATE"] = pg_template
        return False
    if not template or not Path(template).is_file() or database["ENGINE"] != "django.db.backends.sqlite3":
        return False
    if database.get("TEST", {}).get("NAME"):  # a name of its own (tools/mutants' shared database)
        return False
    copy = tmp_path_factory.mktemp("test-database") / "test.sqlite3"  # one directory per xdist worker
    shutil.copyfile(template, copy)
    database.setdefault("TEST", {})["NAME"] = str(copy)
    return True


@pytest.fixture(scope="session")
def django_db_modify_db_settings(_test_database_from_template):
    """pytest-django's hook, after the worker's suffix: the template's copy (above) where there is one."""


@pytest.fixture(scope="session")
def django_db_keepdb(request, _test_database_from_template) -> bool:
    """The template's copy is kept (Django migrates it instead of creating a database); the copy lives
    in the session's temporary directory, which pytest removes in turn."""
    return _test_database_from_template or bool(request.config.getvalue("reuse_db"))


@pytest.fixture(autouse=True, scope="session")
def _block_internet():
    socket.socket.connect = _guarded_connect
    yield
    socket.socket.connect = _real_connect


@pytest.fixture(autouse=True, scope="session")
def _fast_password_hashing(request):
    """Tests create many accounts; a cheap hasher keeps them fast (production keeps Django's default)."""
    if request.config.pluginmanager.hasplugin("django"):
        from django.conf import settings

        settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    yield


@pytest.fixture(scope="session")
def _anchor_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("audit-anchors")


@pytest.fixture(autouse=True)
def _own_audit_anchor_file(request, _anchor_dir):
    """Each test anchors the audit chain in a file of its own (never var/, never another test's)."""
    if not request.config.pluginmanager.hasplugin("django"):
        yield
        return
    from django.conf import settings

    before = getattr(settings, "SOCREDIT_AUDIT_ANCHOR_FILE", None)
    settings.SOCREDIT_AUDIT_ANCHOR_FILE = str(
        _anchor_dir / f"{request.node.nodeid.replace('/', '_')[-150:]}.jsonl"
    )
    yield
    settings.SOCREDIT_AUDIT_ANCHOR_FILE = before


@pytest.fixture(autouse=True)
def _own_import_upload_dir(request, _anchor_dir):
    """Imports queued for the background worker store their file in a directory of the test's own."""
    if not request.config.pluginmanager.hasplugin("django"):
        yield
        return
    from django.conf import settings

    before = getattr(settings, "SOCREDIT_IMPORT_UPLOAD_DIR", None)
    settings.SOCREDIT_IMPORT_UPLOAD_DIR = (
        _anchor_dir.parent / "uploads" / request.node.nodeid.replace("/", "_")[-150:]
    )
    yield
    settings.SOCREDIT_IMPORT_UPLOAD_DIR = before


@pytest.fixture(autouse=True)
def _own_report_files(request, _anchor_dir):
    """Credit reports are signed with a key of the test session's own, open data is built in a
    directory of the test's own (never var/), and each test starts with no per-client counts (the
    public pages' limits count in the cache). The per-client limits are off unless a test sets them
    (``settings.SOCREDIT_PUBLIC_RATES``, as apps/reports' limit tests do): the sweeps of every route
    open the same public page many times from one address."""
    if not request.config.pluginmanager.hasplugin("django"):
        yield
        return
    from django.conf import settings
    from django.core.cache import caches

    for each in caches.all():
        each.clear()

    before = (
        getattr(settings, "SOCREDIT_REPORT_KEY_FILE", None),
        getattr(settings, "SOCREDIT_OPENDATA_DIR", None),
        getattr(settings, "SOCREDIT_PUBLIC_RATES", None),
    )
    settings.SOCREDIT_PUBLIC_RATES = dict.fromkeys(settings.PUBLIC_RATE_GROUPS, "")
    settings.SOCREDIT_REPORT_KEY_FILE = str(_anchor_dir.parent / "report_key")
    settings.SOCREDIT_OPENDATA_DIR = (
        _anchor_dir.parent / "opendata" / request.node.nodeid.replace("/", "_")[-150:]
    )
    yield
    settings.SOCREDIT_REPORT_KEY_FILE, settings.SOCREDIT_OPENDATA_DIR, settings.SOCREDIT_PUBLIC_RATES = before


@pytest.fixture(autouse=True)
def _default_language(request):
    """Each test starts in the product's default language. A request through the test client leaves
    the language its LocaleMiddleware chose active in the thread (an English page would leave later
    tests' messages in English, depending on which tests a worker happened to run before)."""
    if not request.config.pluginmanager.hasplugin("django"):
        yield
        return
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def _own_media_root(request, _anchor_dir):
    """Stored files (generated reports, uploads) go to a directory of the test's own, never var/media.
    Through override_settings, so the storages that cached the old location are reset."""
    if not request.config.pluginmanager.hasplugin("django"):
        yield
        return
    from django.test import override_settings

    with override_settings(
        MEDIA_ROOT=str(_anchor_dir.parent / "media" / request.node.nodeid.replace("/", "_")[-150:])
    ):
        yield
