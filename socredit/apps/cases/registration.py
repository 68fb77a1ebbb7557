"""What the cases tell the registration (registry.hooks): the cases still open when an organization
is to be deregistered or its registration revoked."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from socredit.apps.cases.models import Case, CaseStatus
from socredit.apps.registry.hooks import Finding


def open_cases_before_status_change(organization: Any, act: str, day: dt.date) -> list[Finding]:
    """Open objections, repair applications and complaints of the organization. A deregistration
    (on the organization's own application) waits until they are decided: their decisions concern
    the organization's credit file and are served on it (a product rule — rules.md names none). A
    revocation is a penalty and may itself follow a complaint: the registrar is warned only."""
    cases = Case.objects.filter(organization=organization, status=CaseStatus.OPEN).order_by(
        "received_on", "pk"
    )
    blocking = act == "deregister"
    if blocking:
        text = _("Case %(number)s (%(kind)s) is still open: decide or close it before the deregistration.")
    else:
        text = _("Case %(number)s (%(kind)s) is still open.")
    return [
        Finding(text % {"number": c.number, "kind": c.get_kind_display()}, blocking=blocking) for c in cases
    ]
