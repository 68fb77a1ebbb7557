"""The administrators' chain page: the same verdict as the command, in Chinese and English; 403 for
other staff."""

import pytest
from django.db import transaction
from django.urls import reverse

from socredit.apps.audit.models import AuditEvent
from socredit.apps.audit.services import anchor_head, record_event

pytestmark = pytest.mark.django_db
URL = reverse("audit:chain_check")


def _events(n):
    with transaction.atomic():
        return [record_event(actor=None, channel="cli", action="test.event", target_type="t", target_id=str(i))
                for i in range(n)]  # fmt: skip


def test_an_intact_chain_in_chinese(personas, login):
    client = login(personas["city_admin"])
    before = AuditEvent.objects.count()
    events = _events(2)
    html = client.get(URL).content.decode()
    assert f"审计链完好：共 {before + 2} 个事件。" in html
    assert f'<code class="hash">{events[-1].hash}</code>' in html and f"事件 {events[-1].pk} · " in html
    assert "断裂之处" not in html


def test_a_broken_chain_in_english_says_where(personas, login):
    client = login(personas["superuser"])
    events = _events(3)
    anchor_head()
    AuditEvent.objects.filter(pk=events[1].pk).update(summary="篡改")
    AuditEvent.objects.filter(pk=events[2].pk).delete()
    client.post(reverse("set_language"), {"language": "en", "next": URL})
    response = client.get(URL)
    html = response.content.decode()
    assert response.status_code == 200 and 'lang="en"' in html
    assert "The chain is broken: 2 problems found." in html
    assert f"Event {events[1].pk} (" in html and "was altered" in html
    assert f"Event {events[2].pk}, anchored on" in html and "is no longer stored" in html


def test_a_damaged_anchor_file_is_shown_and_the_chain_still_checked(personas, login, settings, tmp_path):
    settings.SOCREDIT_AUDIT_ANCHOR_FILE = str(tmp_path / "anchors.jsonl")
    (tmp_path / "anchors.jsonl").write_text("garbage\n")
    _events(1)
    html = login(personas["city_admin"]).get(URL).content.decode()
    assert "锚定文件无法读取" in html and "anchors.jsonl:1" in html and "审计链完好" in html


@pytest.mark.parametrize("persona", ["viewer_jinshui", "staff_jinshui", "staff_xinzheng"])
def test_other_staff_may_not_open_it(persona, personas, login):
    assert login(personas[persona]).get(URL).status_code == 403


def test_the_menu_offers_it_to_administrators_only(personas, login, client):
    assert URL in login(personas["city_admin"]).get(reverse("workdays:year_list")).content.decode()
    client.logout()
    assert URL not in login(personas["staff_jinshui"]).get(reverse("workdays:year_list")).content.decode()
