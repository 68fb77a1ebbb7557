"""Root pytest configuration: no network in tests (Zulip's block_internet), fast password hashing,
the tests of a module-scoped fixture kept on one xdist worker."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

_real_connect = socket.socket.connect


def _guarded_connect(self, address):
    host = address[0] if isinstance(address, tuple) else address
    if isinstance(host, str) and not (
        host.startswith("127.") or host in {"localhost", "::1"} or host.startswith("/")
    ):
        raise RuntimeError(f"tests must not reach the network (tried {address!r})")
    return _real_connect(self, address)


_SHARED_SCOPES = {"module", "class", "package"}
_ROOT = str(Path(__file__).resolve().parent)


def _ours_and_shared(fixturedef) -> bool:
    """A fixture of this project (not a plugin's, e.g. pytest-django's class-scoped set-up) built
    once for several tests."""
    filename = getattr(getattr(fixturedef.func, "__code__", None), "co_filename", "")
    return fixturedef.scope in _SHARED_SCOPES and filename.startswith(_ROOT) and ".venv" not in filename


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    """Under ``--dist loadgroup`` (tools/test), the tests that share a module-, class- or
    package-scoped fixture form one xdist group: one worker runs them all and builds the fixture once.
    Handed out one by one (``--dist load``), each worker built it again: the reliability suite's
    run (a minute and a half) ran twice. Transactional tests stay out of any group: they run last
    (pytest-django's order, which loadgroup keeps for ungrouped tests), as they empty the database."""
    if not config.pluginmanager.hasplugin("xdist"):
        return
    for item in items:
        info = getattr(item, "_fixtureinfo", None)
        if info is None or item.get_closest_marker("xdist_group") is not None:
            continue
        if "transactional_db" in info.names_closure or "live_server" in info.names_closure:
            continue
        marker = item.get_closest_marker("django_db")
        if marker is not None and marker.kwargs.get("transaction"):
            continue
        if any(_ours_and_shared(defs[-1]) for defs in info.name2fixturedefs.values() if defs):
            item.add_marker(pytest.mark.xdist_group(item.nodeid.split("::", 1)[0]))


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
    settings.SOCREDIT_IMPORT_UPLOAD_DIR = _anchor_dir.parent / "uploads" / request.node.nodeid.replace("/", "_")[-150:]
    yield
    settings.SOCREDIT_IMPORT_UPLOAD_DIR = before
