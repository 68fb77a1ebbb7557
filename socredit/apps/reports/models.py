"""信用报告 — every credit report issued is kept, so that anyone can verify one later.

A report's content is frozen when it is issued: the canonical JSON of the organization's public
profile on its as-of date (``content``), its SHA-256 (``content_digest``), an HMAC of the whole
issued record under the server's report key (``signature``, see ``signing.py`` and docs/reports.md),
and the SHA-256 of the PDF file handed out (``pdf_sha256``), which an uploaded file is compared with.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from socredit.apps.registry.models import Organization


class CreditReport(models.Model):
    """信用报告: one issued report (never changed after it is issued)."""

    number = models.CharField(_("report number"), max_length=32, unique=True)
    organization = models.ForeignKey(
        Organization, on_delete=models.PROTECT, related_name="credit_reports", verbose_name=_("organization")
    )
    as_of = models.DateField(_("as of"))
    generated_at = models.DateTimeField(_("generated at"))
    content = models.TextField(_("content"), help_text=_("canonical JSON of the public profile reported"))
    content_digest = models.CharField(_("content digest"), max_length=64)
    signature = models.CharField(_("signature"), max_length=64)
    pdf_sha256 = models.CharField(_("PDF SHA-256"), max_length=64, db_index=True)
    verification_code = models.CharField(_("verification code"), max_length=12, unique=True)

    class Meta:
        verbose_name = _("credit report")
        verbose_name_plural = _("credit reports")
        ordering = ["-generated_at"]

    def __str__(self) -> str:
        return self.number

    @property
    def code_display(self) -> str:
        """The verification code as printed (``7KQ2-M9XD-3FHT``)."""
        from socredit.apps.reports.signing import format_code

        return format_code(self.verification_code)
