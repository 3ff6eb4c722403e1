"""Payment providers behind a registry (STYLE.md rule 7).

A provider starts a payment for an order (answering where to send the payer) and verifies the
callback it later receives; ``services_payment.payment_confirm`` does the bookkeeping once, whatever
the number of callbacks. The built-in ``simulated`` provider is a page of our own that pays at a
click and signs its callback with HMAC-SM3 over the order, reference and amount, so that a forged
callback is refused.
"""

from __future__ import annotations

import hmac
import secrets
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.urls import reverse
from django.utils.translation import gettext as _

from govhall.core import errors
from govhall.core.audit import sm3_hex
from govhall.core.plugins import Plugin, Registry


@dataclass(frozen=True)
class PaymentStart:
    redirect_url: str
    provider_ref: str


@dataclass(frozen=True)
class PaymentCallback:
    order_number: str
    provider_ref: str
    amount: Decimal


class PaymentProvider(Plugin):
    label: ClassVar[str] = ""

    def start(self, order: Any) -> PaymentStart:
        raise NotImplementedError

    def verify(self, data: dict[str, Any]) -> PaymentCallback:
        """The callback's facts, or a ValidationError when it is not authentic."""
        raise NotImplementedError


providers: Registry[PaymentProvider] = Registry("payment provider")
register = providers.register


def provider_get(name: str | None = None) -> PaymentProvider:
    name = name or settings.GOVHALL_PAYMENT_PROVIDER
    try:
        return providers.get(name)()
    except ImproperlyConfigured:
        raise errors.ValidationError(
            _("支付渠道未配置。"), code="payment_provider_unknown"
        ) from None


def _signature(order_number: str, provider_ref: str, amount: str) -> str:
    key = settings.SECRET_KEY.encode()
    message = f"{order_number}|{provider_ref}|{amount}".encode()
    return sm3_hex(key + b"|" + message + b"|" + key)


@register("simulated")
class SimulatedProvider(PaymentProvider):
    label = "模拟支付(演示)"

    def start(self, order: Any) -> PaymentStart:
        reference = f"SIM{secrets.token_hex(8).upper()}"
        url = reverse("cases:pay_simulated", kwargs={"order_number": order.number})
        return PaymentStart(redirect_url=f"{url}?ref={reference}", provider_ref=reference)

    def sign(self, order_number: str, provider_ref: str, amount: Decimal) -> str:
        return _signature(order_number, provider_ref, f"{amount:.2f}")

    def verify(self, data: dict[str, Any]) -> PaymentCallback:
        if settings.PRODUCTION:
            raise errors.ValidationError(_("模拟支付不能用于生产环境。"), code="payment_simulated")
        try:
            amount = Decimal(str(data.get("amount", "")))
        except ArithmeticError:
            raise errors.ValidationError(_("支付回调金额无效。"), code="payment_invalid") from None
        order_number = str(data.get("order", ""))
        reference = str(data.get("ref", ""))
        expected = self.sign(order_number, reference, amount)
        if not reference or not hmac.compare_digest(expected, str(data.get("signature", ""))):
            raise errors.ValidationError(_("支付回调签名无效。"), code="payment_signature")
        return PaymentCallback(order_number, reference, amount)
