"""The form to enter a year's schedule (录入放假安排): the notice and two textareas, one item a line."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from socredit.apps.workdays.validation import ParsedSchedule, parse_schedule
from socredit.common.errors import FieldErrors


class YearEnterForm(forms.Form):
    notice = forms.CharField(
        label=pgettext_lazy("holiday notice", "Notice"), max_length=200,
        help_text=_("The State Council notice the schedule comes from, with its document number."),
    )  # fmt: skip
    holidays = forms.CharField(
        label=_("Days off"), widget=forms.Textarea(attrs={"rows": 10, "class": "mono"}),
        help_text=_("One holiday a line: “2027-01-01 元旦” or a block “2027-02-06~2027-02-12 春节”. A block may include its weekend days."),
    )  # fmt: skip
    working_days = forms.CharField(
        label=_("Working weekend days (调休)"), required=False,
        widget=forms.Textarea(attrs={"rows": 5, "class": "mono"}),
        help_text=_("One Saturday or Sunday a line on which people work, e.g. “2027-02-14”; the holiday's name may follow."),
    )  # fmt: skip

    def __init__(self, *args: Any, year: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.year = year
        self.parsed: ParsedSchedule | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if "holidays" in data:
            try:
                self.parsed = parse_schedule(self.year, data["holidays"], data.get("working_days", ""))
            except FieldErrors as exc:
                self.add_field_errors(exc)
        return data

    def add_field_errors(self, exc: FieldErrors) -> None:
        for field, messages in exc.errors.items():
            for message in messages:
                self.add_error(None if field not in self.fields else field, message)
