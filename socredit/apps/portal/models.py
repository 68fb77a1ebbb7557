"""公示设置 — what each registration authority chooses to publish beyond what the law makes public."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PublicationSetting(models.Model):
    """An authority's publication choices. Today one: whether the credit level (信用等级, A–D) of the
    organizations it registers is shown on the public portal. Without a row an authority publishes
    no levels (the default: the level is an internal supervision tool unless the authority decides)."""

    department = models.OneToOneField(
        "registry.Department", on_delete=models.CASCADE, related_name="publication_setting",
        verbose_name=_("authority"),
    )  # fmt: skip
    publish_credit_level = models.BooleanField(
        _("publish credit levels"), default=False,
        help_text=_("Show the credit level of the organizations this authority registers on the public portal."),
    )  # fmt: skip

    class Meta:
        verbose_name = _("publication setting")
        verbose_name_plural = _("publication settings")

    def __str__(self) -> str:
        return str(self.department)


class StoredProfile(models.Model):
    """公开信息存档 — an organization's public profile as the public API answers it by code: the finished
    JSON body (Chinese), built for the day ``as_of`` from the inputs as they stood at change stamp
    ``stamp`` (``ProfileStamp``) and shared stamp ``generation``, by code ``build``. Served only while
    all four still hold (``portal.stored``); written only by ``portal.stored``."""

    organization = models.OneToOneField(
        "registry.Organization", on_delete=models.DO_NOTHING, primary_key=True, related_name="+",
        db_constraint=False,  # the triggers delete it with the organization; no FK order to honour on a flush
        verbose_name=_("organization"),
    )  # fmt: skip
    as_of = models.DateField(_("day built for"))
    stamp = models.BigIntegerField(_("change stamp"))
    generation = models.BigIntegerField(_("shared change stamp"))
    build = models.CharField(_("build"), max_length=16)
    body = models.TextField(pgettext_lazy("stored public profile", "answer"))

    class Meta:
        verbose_name = _("stored public profile")
        verbose_name_plural = _("stored public profiles")

    def __str__(self) -> str:
        return f"{self.organization_id} @ {self.as_of}"


class ProfileStamp(models.Model):
    """公开信息变更戳 — raised by database triggers whenever a row that feeds an organization's public
    profile is written (``organization_id`` = its organization), or a row every profile reads (a region,
    a department, a record kind, a publication setting …: ``organization_id`` = 0, ``SHARED``). A stored
    answer built before the raise no longer matches it and is never served."""

    organization_id = models.BigIntegerField(_("organization"), primary_key=True)
    stamp = models.BigIntegerField(_("change stamp"), default=0)

    class Meta:
        verbose_name = _("public profile change stamp")
        verbose_name_plural = _("public profile change stamps")

    def __str__(self) -> str:
        return f"{self.organization_id}: {self.stamp}"
