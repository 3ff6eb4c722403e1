"""Registration rate per client address, shared by the API and the register page so that the
two channels count against one limit (``GOVHALL_THROTTLE_REGISTER``, default 30/hour)."""

from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle


class RegistrationThrottle(SimpleRateThrottle):
    scope = "register"

    def get_cache_key(self, request, view) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def registration_allowed(request) -> bool:
    """For views outside DRF: count this attempt and say whether it is within the limit."""
    return RegistrationThrottle().allow_request(request, None)
