"""Helpers for the evaluation tests: relative dates, a small population, and the two invariants
every write must keep — the stored score is what ``explain_organization`` computes, and the packed
fact block holds exactly the organization's facts read from its records."""

from __future__ import annotations

import datetime as dt

import numpy as np
import polars as pl
import pytest

from socredit.apps.evaluation import services, storage
from socredit.apps.evaluation.indicators import get_model, kind_ids
from socredit.apps.evaluation.models import CreditScore, FactBlock, ResultBlock
from socredit.apps.registry.models import Organization
from socredit.common.access import SystemPrincipal
from socredit.core.codes import make_social_org_code
from socredit.core.scoring.facts import unpack
from socredit.core.types import OrgType
from socredit.testing import factories


def ago(days: int) -> dt.date:
    """A date relative to the evaluation's today, so records stay inside their windows whenever the tests run."""
    return services.today() - dt.timedelta(days=days)


def block_facts(org_id: int) -> pl.DataFrame:
    """The facts of one organization as packed in its FactBlock (empty if the block does not exist)."""
    blob = FactBlock.objects.filter(block=storage.block_of(org_id)).values_list("facts", flat=True).first()
    facts = unpack([bytes(blob)] if blob is not None else [])
    return facts.filter(pl.col("org_id") == org_id)


def assert_block_consistent(*orgs: Organization) -> None:
    for org in orgs:
        packed, fresh = block_facts(org.pk), storage.record_facts([org.pk])
        assert packed.equals(fresh), f"block of org {org.pk} differs from its records:\n{packed}\n{fresh}"


def stored_digest(org_id: int) -> int | None:
    """The digest ResultBlock keeps for this organization (None if it has none)."""
    blob = (
        ResultBlock.objects.filter(block=storage.block_of(org_id)).values_list("digests", flat=True).first()
    )
    packed = np.frombuffer(bytes(blob), dtype=storage.DIGEST_DTYPE) if blob is not None else []
    found = [int(d) for o, d in packed if o == org_id]
    assert len(found) <= 1, f"org {org_id} twice in its result block"
    return found[0] if found else None


def fresh_digest(org_id: int, as_of: dt.date, model_version: str) -> int:
    """result_digests of a fresh evaluation of this organization from its records."""
    kinds = kind_ids()
    facts = storage.record_facts([org_id])
    result = services._evaluate_orgs([org_id], facts, as_of, get_model(model_version, kinds=kinds), kinds)
    return int(storage.result_digests(result)[0])


def _assert_stored_is(stored: CreditScore, explained) -> None:
    assert (stored.score, stored.level, stored.cause) == (
        explained.score,
        explained.level,
        explained.cause,
    )
    # the breakdown went through the bulk write (COPY into bytea on PostgreSQL) intact
    model = get_model(stored.model_version)
    pairs = storage.decode_breakdown(stored.breakdown, len(model.indicators))
    lines = {line.indicator.id: (line.points, line.count) for line in explained.lines}
    assert pairs == [lines.get(ind.id, (0, 0)) for ind in model.indicators]


def assert_score_is_explained(*orgs: Organization, as_of: dt.date | None = None) -> None:
    """The stored CreditScore equals what explain_organization computes now from the records, and the
    digest kept for it equals that of a fresh evaluation.

    A row is rewritten only when the result changes, so its ``as_of`` is the evaluation date at which
    the current result was first reached: the latest one, or an earlier one that gave the same result.
    """
    day = as_of or services.today()
    for org in orgs:
        stored = CreditScore.objects.get(organization=org)
        _assert_stored_is(stored, services.explain_organization(org, as_of=as_of))
        assert stored_digest(org.pk) == fresh_digest(org.pk, day, stored.model_version)
        if stored.as_of != day:  # reached earlier: that day gives the same result
            assert stored.as_of <= services.today()
            then = services.explain_organization(org, as_of=stored.as_of, model_version=stored.model_version)
            _assert_stored_is(stored, then)


@pytest.fixture
def cli():
    return SystemPrincipal("cli")


@pytest.fixture
def population(personas, civil_affairs):
    """Five organizations: clean (no records), fined (C), graded 5A (A), bad (D) in 金水区, and a
    fined one in 新郑市. Records go in through the services, so the live path has scored them."""
    orgs = {
        "clean": factories.organization("410105"),
        "fined": factories.organization("410105"),
        "graded": factories.organization("410105"),
        "bad": factories.organization("410105"),
        "xinzheng": factories.organization("410184"),
    }
    factories.record(orgs["fined"], "penalty_fine", amount="60000", occurred_on=ago(30))  # -20 → 55 C
    factories.record(orgs["graded"], "grade_5a", occurred_on=ago(400))  # +15 → 90 A
    factories.record(orgs["bad"], "penalty_fine", amount="60000", occurred_on=ago(30))  # -20
    factories.record(orgs["bad"], "penalty_warning", occurred_on=ago(20))  # -5 → 50 D
    factories.record(orgs["xinzheng"], "penalty_fine", occurred_on=ago(30))  # -8 → 67 C
    return orgs


@pytest.fixture
def many_orgs(db):
    """make(n): n organizations in 金水区 inserted in bulk (no records), ids consecutive."""

    def make(n: int, region_code: str = "410105") -> list[Organization]:
        region = factories.region(region_code)
        Organization.objects.bulk_create(
            Organization(
                code=make_social_org_code(region_code, OrgType.ASSOCIATION, 500_000 + i),
                name=f"批量组织{i}号",
                org_type=OrgType.ASSOCIATION.value,
                region=region,
                registration_authority="郑州市民政局",
                registered_on=dt.date(2015, 3, 1),
            )  # fmt: skip
            for i in range(n)
        )
        return list(Organization.objects.filter(name__startswith="批量组织").order_by("id"))

    return make
