"""工作日历 — the State Council's holiday schedule per year, editable by administrators.

A year is *known* when it has a ``CalendarYear`` row; its ``CalendarDay`` rows are the exceptions
to the Monday–Friday rule (a public holiday on a weekday → not working; a 调休 weekend → working).
Years 2004–2026 are seeded from the chinese-calendar package by migration; later years are entered
by an administrator from the 国务院办公厅 notice, before the package knows them.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class CalendarYear(models.Model):
    """年度放假安排 — a year whose schedule is known, and where it came from."""

    class Source(models.TextChoices):
        PACKAGE = "package", _("chinese-calendar package")
        MANUAL = "manual", _("entered by an administrator")

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    source = models.CharField(_("source"), max_length=10, choices=Source.choices)
    notice = models.CharField(pgettext_lazy("holiday notice", "notice"), max_length=200, blank=True,
                              help_text=_("e.g. 国务院办公厅关于2027年部分节假日安排的通知（国办发明电〔2026〕…号）"))  # fmt: skip
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="+")  # fmt: skip
    entered_at = models.DateTimeField(_("entered at"), auto_now=True)

    class Meta:
        verbose_name = _("calendar year")
        verbose_name_plural = _("calendar years")
        ordering = ["-year"]

    def __str__(self) -> str:
        return str(self.year)


class CalendarDay(models.Model):
    """An exception to Monday–Friday: a holiday on a weekday, or a 调休 working weekend day."""

    date = models.DateField(_("date"), primary_key=True)
    year = models.ForeignKey(CalendarYear, on_delete=models.CASCADE, related_name="days")
    working = models.BooleanField(_("working day"))
    name = models.CharField(_("holiday"), max_length=30, blank=True)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'班' if self.working else '休'} {self.name}"
