"""Schemathesis over both OpenAPI documents, in-process through Django's WSGI app: the departments'
API (/api/v1/openapi.json) and the public read-only API (/api/public/v1/openapi.json).

Every departments' operation is called with generated inputs (valid and invalid) by a department token holding
every scope; the suite fails on any 5xx and on any answer that does not match the documented
response schema. Every public operation is called the same way with no credentials, its per-client
limit switched off (else the fuzz would mostly read 429s; the limit has tests of its own in
``reports/tests/test_api.py``). Fixed seed, derandomized, up to 100 examples per operation (``SOCREDIT_FUZZ_EXAMPLES``;
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


def fuzzing(test):
    """Both APIs' fuzz settings: the examples per operation, derandomized from one seed."""
    return seed(SEED)(
        settings(
            max_examples=EXAMPLES_PER_OPERATION,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        )(test)
    )


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
@fuzzing
def test_no_operation_answers_a_server_error(case, bearer):
    case.call_and_validate(headers=bearer, checks=[not_a_server_error, response_schema_conformance])


public_schema = schemathesis.openapi.from_wsgi("/api/public/v1/openapi.json", get_wsgi_application())


@pytest.fixture
def public_data(db, in_test_transaction, settings):
    """An organization with a record and a role for the public operations to find, and no limit."""
    settings.SOCREDIT_PUBLIC_RATES = dict.fromkeys(settings.PUBLIC_RATE_GROUPS, "")
    org = factories.organization(name="公开接口模糊测试协会")
    factories.role(org, factories.person())
    factories.record(org)
    return org


@public_schema.parametrize()
@fuzzing
def test_no_public_operation_answers_a_server_error(case, public_data):
    case.call_and_validate(checks=[not_a_server_error, response_schema_conformance])
