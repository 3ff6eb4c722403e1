"""Throttles shared by apps: public lookups counted per address, signed in or not."""

from __future__ import annotations

from typing import Any

from rest_framework.throttling import SimpleRateThrottle


class PerAddressThrottle(SimpleRateThrottle):
    """A limit per client address for everyone (a signed-in visitor gets no extra budget): the
    public lookups that guess or probe something (a query password, a license identifier).
    Subclasses set ``scope`` and ``rate``; pages call ``allow_request(request, None)``."""

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class LicenseVerifyThrottle(PerAddressThrottle):
    """License verification (the QR page and the API) writes a use record per look-up."""

    scope = "license_verify"
    rate = "60/min"
