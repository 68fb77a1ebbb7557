"""A raw load under `loading_in_bulk` skips the derived-table triggers and ends with the same search
index and level counts the triggers would have kept; the triggers are back afterwards, also after an
error inside the block."""

import pytest
from django.db import connection, transaction

from socredit.apps.evaluation import counts
from socredit.apps.evaluation.bulkload import loading_in_bulk
from socredit.apps.registry import search as registry_search
from socredit.apps.registry.models import Organization, Region
from socredit.core.codes import make_social_org_code
from socredit.core.search import Searchable, plain_scan
from socredit.core.types import OrgType

pytestmark = pytest.mark.django_db

NAMES = ["郑州市金水区慈善协会", "金水区ABC社区服务中心", "郑州IT协会", "养老服务中心", "会", "书法协会"]


def _raw_insert(names, start):
    region = Region.objects.get(code="410105")
    with connection.cursor() as cursor:
        cursor.executemany(
            "INSERT INTO registry_organization (code, name, former_names, org_type, region_id, "
            "registration_authority, supervisory_unit, field, registered_on, status, address, contact_person, "
            "contact_phone, created_at, updated_at) VALUES (%s, %s, %s, '1', %s, '金水区民政局', '', 'other', "
            "'2015-03-01', 'normal', '', '', '', '2026-01-01 00:00:00', '2026-01-01 00:00:00')",
            [(make_social_org_code("410105", OrgType.ASSOCIATION, start + i), name, "旧名" + name[:2], region.pk)
             for i, name in enumerate(names)],
        )  # fmt: skip


def _grams():
    with connection.cursor() as cursor:
        cursor.execute("SELECT gram, organization_id FROM registry_org_gram ORDER BY 1, 2")
        return cursor.fetchall()


def _found(query):
    return list(registry_search.search(Organization.objects.all(), query).values_list("pk", flat=True))


def _scan(query):
    rows = [Searchable(o.id, o.code, o.name, o.former_names) for o in Organization.objects.all()]
    return plain_scan(rows, query)


def test_a_bulk_load_ends_with_the_index_and_counts_the_triggers_keep():
    _raw_insert(NAMES[:3], 100)  # indexed by the triggers, row by row
    by_triggers = _grams()
    with loading_in_bulk():
        _raw_insert(NAMES[3:], 200)
        # inside the block the triggers are away: the new rows have no grams (nor counts) yet
        new = set(Organization.objects.filter(name__in=NAMES[3:]).values_list("pk", flat=True))
        assert len(new) == 3 and not {o for _g, o in _grams()} & new
        assert counts.check_counts() != {}
    assert counts.check_counts() == {}
    for query in ["会", "协会", "社区", "书法协会", "旧名", "it", "5141", "ABC社区"]:
        assert _found(query) == _scan(query), query
    assert set(by_triggers) <= set(_grams())
    # the same gram table as the triggers make: delete everything, insert all rows by the triggers
    rebuilt = _grams()
    with transaction.atomic():
        Organization.objects.all().delete()
        _raw_insert(NAMES, 300)
        ids = sorted(Organization.objects.values_list("pk", flat=True))
        again = _grams()
        transaction.set_rollback(True)
    assert len(again) == len(rebuilt) and {g for g, _ in again} == {g for g, _ in rebuilt}
    assert len(ids) == len(NAMES)


def test_the_triggers_are_back_after_the_block_and_after_an_error():
    with pytest.raises(RuntimeError), transaction.atomic(), loading_in_bulk():
        raise RuntimeError("load failed")
    with loading_in_bulk():
        pass
    _raw_insert(["慈善总会"], 400)  # indexed and counted by the restored triggers
    assert _found("慈善总会") == _scan("慈善总会") != []
    assert counts.check_counts() == {}
