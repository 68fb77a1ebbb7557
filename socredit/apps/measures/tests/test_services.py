"""The services: a catalogue version takes over from its day (a past day keeps the version then), the
log keeps the answer byte for byte under its digest and no whole ID number."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import zlib

import pytest
from django.utils import timezone

from socredit.apps.audit.models import AuditEvent
from socredit.apps.lists.tests.conftest import ago
from socredit.apps.measures import catalogues, services
from socredit.apps.measures.models import CreditCheck, unpack
from socredit.core.codes import make_id_number

pytestmark = pytest.mark.django_db


def test_a_saved_version_takes_over_from_its_day_and_a_past_day_keeps_the_old_one(personas, serious_org):
    admin = personas["city_admin"]
    shipped = catalogues.catalogue_on(ago(0))
    text = catalogues.library().document(shipped.version).text
    new = (
        text.replace('version = "measures-2019.1"', 'version = "measures-2026.2"')
        .replace("effective_from = 2018-01-24", f"effective_from = {ago(3).isoformat()}")
        .replace("不给予资金资助", "不给予任何资金资助", 1)
    )
    row = services.save_catalogue_version(admin, text=new, reason="细化资助措施")
    assert AuditEvent.objects.filter(action="measures.catalogue_saved", target_id=str(row.pk)).exists()
    today_check, _ = services.run_check(
        admin, scenario="financial_subsidy", codes=[serious_org.code], id_numbers=[]
    )
    past_check, _ = services.run_check(
        admin, scenario="financial_subsidy", codes=[serious_org.code], id_numbers=[], as_of=ago(4)
    )
    assert (today_check.catalogue_version, past_check.catalogue_version) == (
        "measures-2026.2",
        "measures-2019.1",
    )
    answer = services.stored_answer(today_check)
    assert answer["measures"]["P-SERIOUS-NO-FUNDING"]["text"] == "不给予任何资金资助"


def test_the_log_keeps_the_answer_under_its_digest_and_no_whole_id_number(personas, clean_org):
    number = make_id_number("410105", dt.date(1990, 4, 4), 3)
    check, canonical = services.run_check(
        personas["staff_jinshui"], scenario="honours", codes=[clean_org.code], id_numbers=[number]
    )
    stored = zlib.decompress(bytes(CreditCheck.objects.get(pk=check.pk).answer))
    assert stored == canonical and hashlib.sha256(stored).hexdigest() == check.digest
    served = json.loads(services.answer_json(check))
    assert (served["number"], served["digest"]) == (check.number, check.digest)
    assert number not in stored.decode() and number not in json.dumps(unpack(check.subjects))
    assert check.number.startswith(f"HC{timezone.localdate(check.made_at):%Y%m%d}")
