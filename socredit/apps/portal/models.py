"""公示设置 — what each registration authority chooses to publish beyond what the law makes public."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


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
