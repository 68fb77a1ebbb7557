"""Browser tier: Playwright (sync API) driving Debian's chromium against pytest-django's live_server."""

from __future__ import annotations

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; Django would refuse ORM calls from it.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

from socredit.testing.fixtures import civil_affairs, login, personas, run_worker, today_is  # noqa: E402, F401 — re-exported fixtures

CHROMIUM = os.environ.get("SOCREDIT_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-gpu",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Regions and the record-kind catalogue, which data migrations load.

    A transactional test elsewhere in the session (e.g. the audit chain test) flushes every table
    when it ends, taking migration-loaded data with it; serialized_rollback cannot restore it after
    such a flush (content types clash), so the browser tier reloads the reference data itself.
    """
    if "transactional_db" not in request.fixturenames and not request.node.get_closest_marker("django_db"):
        return
    request.getfixturevalue("transactional_db")
    from socredit.testing.factories import reference_data

    reference_data()


@pytest.fixture(scope="session")
def browser():
    from playwright import sync_api  # installed by tools/setup --browser; a missing one must fail, not skip

    if not shutil.which(CHROMIUM):
        pytest.fail(f"chromium not found at {CHROMIUM}: run tools/setup --browser")
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def is_csp_violation(text: str) -> bool:
    """A console message of chromium refusing something under the Content-Security-Policy."""
    return text.startswith("Refused to") or "Content Security Policy" in text


@pytest.fixture
def page(browser):
    """A chromium page; every page a test opens must satisfy the Content-Security-Policy (chromium's
    console reports each refusal: "Refused to execute inline script …", "Refused to apply inline style …")."""
    context = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.csp_violations = []  # type: ignore[attr-defined]
    page.on("console", lambda msg: is_csp_violation(msg.text) and page.csp_violations.append(msg.text))
    yield page
    context.close()
    assert not page.csp_violations, "\n".join(page.csp_violations)
