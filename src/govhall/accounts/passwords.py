"""Password rules beyond Django's: several character classes, and not the user's own identifier."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class CharacterClassValidator:
    """At least three of: lower-case letters, upper-case letters, digits, symbols."""

    def validate(self, password: str, user=None) -> None:
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < 3:
            raise ValidationError(
                _("密码需包含大写字母、小写字母、数字、符号中的至少三类。"),
                code="password_too_simple",
            )

    def get_help_text(self) -> str:
        return _("密码需包含大写字母、小写字母、数字、符号中的至少三类。")


class NotIdentifierValidator:
    """The password must not contain the ID number, USCC, phone or login name."""

    def validate(self, password: str, user=None) -> None:
        if user is None:
            return
        lowered = password.lower()
        for attr in ("username", "id_number", "uscc", "phone"):
            value = (getattr(user, attr, "") or "").lower()
            if len(value) >= 6 and (value in lowered or value[-6:] in lowered):
                raise ValidationError(
                    _("密码不能包含身份证号、信用代码、手机号或登录名。"),
                    code="password_contains_identifier",
                )

    def get_help_text(self) -> str:
        return _("密码不能包含身份证号、信用代码、手机号或登录名。")
