"""Express-mail carriers behind a registry (STYLE.md rule 7). The default ``manual`` carrier
records the tracking numbers staff type in; a city plugs in its carrier's API the same way."""

from __future__ import annotations

import re
from typing import ClassVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _

from govhall.core import errors
from govhall.core.plugins import Plugin, Registry


class Carrier(Plugin):
    label: ClassVar[str] = ""

    def tracking_number(self, value: str) -> str:
        """The tracking number, normalized, or a ValidationError."""
        raise NotImplementedError


carriers: Registry[Carrier] = Registry("express carrier")
register = carriers.register


def carrier_get(name: str | None = None) -> Carrier:
    name = name or settings.GOVHALL_CARRIER
    try:
        return carriers.get(name)()
    except ImproperlyConfigured:
        raise errors.ValidationError(_("快递承运方未配置。"), code="carrier_unknown") from None


TRACKING = re.compile(r"^[A-Z0-9]{8,30}$")


@register("manual")
class ManualCarrier(Carrier):
    label = "邮政EMS(人工登记运单号)"

    def tracking_number(self, value: str) -> str:
        value = (value or "").strip().upper().replace(" ", "")
        if not TRACKING.match(value):
            raise errors.ValidationError(
                _("运单号应为8至30位字母或数字。"),
                code="invalid_tracking",
                fields={"tracking_number": [_("格式不正确")]},
            )
        return value
