"""Bearer tokens for apps and systems; sessions (with CSRF) for our own pages."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import authentication, exceptions

from govhall.accounts import services as account_services


class BearerTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Authorization 头格式应为 Bearer <令牌>。"))
        try:
            raw = header[1].decode("ascii")
        except UnicodeDecodeError as exc:
            raise exceptions.AuthenticationFailed(_("令牌格式无效。")) from exc
        token = account_services.token_authenticate(raw=raw)
        if token is None:
            raise exceptions.AuthenticationFailed(
                _("访问令牌无效、已过期或已被吊销,请重新获取。"), code="invalid_token"
            )
        return (token.user, token)

    def authenticate_header(self, request) -> str:
        return self.keyword


class SessionAuthentication(authentication.SessionAuthentication):
    """Session auth that answers 401 (with a WWW-Authenticate) instead of 403 when absent."""

    def authenticate_header(self, request) -> str:
        return "Session"


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = "govhall.api.authentication.BearerTokenAuthentication"
    name = "bearerAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer"}


class SessionScheme(OpenApiAuthenticationExtension):
    target_class = "govhall.api.authentication.SessionAuthentication"
    name = "cookieAuth"

    def get_security_definition(self, auto_schema):
        return {"type": "apiKey", "in": "cookie", "name": "sessionid"}
