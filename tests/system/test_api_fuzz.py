"""Schemathesis over the whole OpenAPI (/api/v1/openapi.json), in-process through Django's WSGI app.

Every operation is called with generated inputs (valid and invalid) by a department token holding
every scope; the suite fails on any 5xx and on any answer that does not match the documented
response schema. Fixed seed, derandomized, up to 100 examples per operation (``SOCREDIT_FUZZ_EXAMPLES``;
Hypothesis stops earlier for an operation whose inputs are few; a few minutes on one core). A 5xx found here gets its own regression test in the owning app.
"""

from __future__ import annotations

import os

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, seed, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import response_schema_conformance

from socredit.apps.accounts.models import TokenScope
from socredit.apps.annualreports.tests.figures_helpers import filed_report
from socredit.testing import factories

EXAMPLES_PER_OPERATION = int(os.environ.get("SOCREDIT_FUZZ_EXAMPLES", "100"))
"""100 in the SQLite tier (Hypothesis's own default; 200 made the fuzz the longest part of the
suite, about a third of the system tier, once the API passed forty operations); ``tools/test``'s PostgreSQL tier asks for fewer (a second, lighter pass for
what only PostgreSQL refuses, such as a string longer than its column), to keep the suite's time."""
SEED = 20261203

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def bearer(db, in_test_transaction):
    """A token of 郑州市民政局 with every scope, and a little data for the paths to find."""
    department = factories.department()
    org = factories.organization(name="模糊测试协会")
    factories.role(org, factories.person())
    factories.record(org)
    filed_report(org, 2024)  # the annual-report figures' operations find a filed report
    _, raw = factories.token([scope.value for scope in TokenScope], department)
    return {"Authorization": f"Bearer {raw}"}


@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
@seed(SEED)
def test_no_operation_answers_a_server_error(case, bearer):
    case.call_and_validate(headers=bearer, checks=[not_a_server_error, response_schema_conformance])
