"""Account writes: registration, authentication, API tokens, staff.

Pages and the API call these same functions; no rule about accounts lives anywhere else.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from govhall.accounts.models import ApiToken, User
from govhall.core import errors
from govhall.core.audit import audit_record
from govhall.core.identifiers import mask_id_number, normalize_id_number, normalize_uscc
from govhall.organizations.models import Department, Post, ServiceCenter

_PHONE = re.compile(r"^1[3-9]\d{9}$")
_NAME = re.compile(r"^[\u3400-\u9fff\u00b7\u2022A-Za-z· ]{2,50}$")


def _check_phone(phone: str) -> str:
    phone = (phone or "").strip().replace(" ", "").replace("-", "")
    if phone.startswith("+86"):
        phone = phone[3:]
    if not _PHONE.match(phone):
        message = _("请输入11位中国大陆手机号码。")
        raise errors.ValidationError(message, code="invalid_phone", fields={"phone": [message]})
    return phone


def _check_person_name(name: str, field: str = "name") -> str:
    name = (name or "").strip()
    if not _NAME.match(name):
        message = _("请输入与身份证一致的姓名(2至50个字)。")
        raise errors.ValidationError(message, code="invalid_name", fields={field: [message]})
    return name


def _check_org_name(name: str) -> str:
    name = (name or "").strip()
    if not 2 <= len(name) <= 100:
        message = _("请输入与营业执照一致的名称。")
        raise errors.ValidationError(message, code="invalid_name", fields={"name": [message]})
    return name


def _check_password(password: str, user: User) -> None:
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        messages = [str(m) for m in exc.messages]
        raise errors.ValidationError(
            messages[0], code="weak_password", fields={"password": messages}
        ) from exc


def _save_new_user(user: User, *, duplicate_field: str, duplicate_message: str) -> User:
    try:
        with transaction.atomic():
            user.save(force_insert=True)
    except IntegrityError as exc:
        # Two registrations racing for the same identifier: the unique index decides.
        raise errors.Conflict(
            duplicate_message,
            code="already_registered",
            fields={duplicate_field: [duplicate_message]},
        ) from exc
    return user


@transaction.atomic
def user_register_citizen(*, name: str, id_number: str, phone: str, password: str) -> User:
    """Real-name registration of a natural person (自然人) by name and 身份证号."""
    name = _check_person_name(name)
    id_number = normalize_id_number(id_number)
    phone = _check_phone(phone)
    duplicate = _("该身份证号已注册,请直接登录或找回密码。")
    if User.objects.filter(username=id_number).exists():
        raise errors.Conflict(
            duplicate, code="already_registered", fields={"id_number": [duplicate]}
        )
    user = User(
        username=id_number, kind=User.Kind.CITIZEN, name=name, id_number=id_number, phone=phone
    )
    _check_password(password, user)
    _check_real_name(id_number, name)
    user.set_password(password)
    _save_new_user(user, duplicate_field="id_number", duplicate_message=duplicate)
    audit_record(
        actor=user,
        action="accounts.user_register",
        obj=user,
        after={"kind": user.kind, "name": name, "id_number": mask_id_number(id_number)},
    )
    return user


def _check_real_name(id_number: str, name: str) -> None:
    """The population registry, where it knows the number, must give the same name."""
    from govhall.exchange.services_query import population_name_check

    if population_name_check(id_number=id_number, name=name) is False:
        message = _("姓名与身份证号不一致(已与人口信息库核验),请核对后重试。")
        raise errors.ValidationError(message, code="real_name_mismatch", fields={"name": [message]})


@transaction.atomic
def user_register_enterprise(
    *, name: str, uscc: str, legal_representative: str, phone: str, password: str
) -> User:
    """Real-name registration of a legal person (法人) by name, USCC and legal representative."""
    name = _check_org_name(name)
    uscc = normalize_uscc(uscc)
    legal_representative = _check_person_name(legal_representative, "legal_representative")
    phone = _check_phone(phone)
    duplicate = _("该统一社会信用代码已注册,请直接登录或找回密码。")
    if User.objects.filter(username=uscc).exists():
        raise errors.Conflict(duplicate, code="already_registered", fields={"uscc": [duplicate]})
    user = User(
        username=uscc,
        kind=User.Kind.ENTERPRISE,
        name=name,
        uscc=uscc,
        legal_representative=legal_representative,
        phone=phone,
    )
    _check_password(password, user)
    user.set_password(password)
    _save_new_user(user, duplicate_field="uscc", duplicate_message=duplicate)
    audit_record(
        actor=user,
        action="accounts.user_register",
        obj=user,
        after={"kind": user.kind, "name": name, "uscc": uscc},
    )
    return user


def normalize_login_name(username: str) -> str:
    """ID numbers and USCCs are upper-case (a typed ``x`` is ``X``); staff logins are kept."""
    username = (username or "").strip()
    if len(username) == 18 and username[:17].isalnum():
        return username.upper()
    return username


def user_authenticate(*, request: HttpRequest, username: str, password: str) -> User:
    """Check credentials through django-axes (which counts failures and locks out).

    Raises TooManyRequests when locked out and AuthenticationFailed on wrong credentials; the
    message never says which of the two was wrong.
    """
    username = normalize_login_name(username)
    user = authenticate(request=request, username=username, password=password)
    if getattr(request, "axes_locked_out", False):
        from govhall.accounts.lockout import lockout_message

        raise errors.TooManyRequests(lockout_message(), code="locked_out")
    if user is None or not user.is_active:
        raise errors.AuthenticationFailed(_("用户名或密码错误。"), code="invalid_credentials")
    with transaction.atomic():
        User.objects.filter(pk=user.pk).update(last_login=timezone.now())
        audit_record(actor=user, action="accounts.user_login", obj=user)
    return user


def _token_digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: str
    expires_at: datetime
    record: ApiToken


@transaction.atomic
def token_issue(*, actor: User, name: str = "") -> IssuedToken:
    """Issue a bearer token for an authenticated user. The raw token is returned once."""
    raw = secrets.token_urlsafe(32)
    record = ApiToken.objects.create(
        user=actor,
        key_hash=_token_digest(raw),
        prefix=raw[:8],
        name=name[:100],
        expires_at=timezone.now() + settings.GOVHALL_TOKEN_TTL,
    )
    audit_record(
        actor=actor,
        action="accounts.token_issue",
        obj=record,
        after={"prefix": record.prefix, "expires_at": record.expires_at},
    )
    return IssuedToken(token=raw, expires_at=record.expires_at, record=record)


def token_authenticate(*, raw: str) -> ApiToken | None:
    """The usable token for ``raw``, or None (unknown, expired, revoked, or user disabled)."""
    if not raw or len(raw) > 200:
        return None
    token = ApiToken.objects.select_related("user").filter(key_hash=_token_digest(raw)).first()
    if token is None or not token.is_usable or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=1):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk and actor.kind != User.Kind.ADMIN:
        raise errors.NotFound()
    if token.revoked_at is not None:
        return token
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])
    audit_record(actor=actor, action="accounts.token_revoke", obj=token)
    return token


@transaction.atomic
def token_revoke_all(*, actor: User, user: User) -> int:
    """Revoke every live token of ``user`` (on password change or by an administrator)."""
    if user.pk != actor.pk and actor.kind != User.Kind.ADMIN:
        raise errors.NotFound()
    count = ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(
        revoked_at=timezone.now()
    )
    audit_record(actor=actor, action="accounts.token_revoke_all", obj=user, extra={"count": count})
    return count


@transaction.atomic
def user_change_password(*, actor: User, old_password: str, new_password: str) -> User:
    if not actor.check_password(old_password):
        message = _("原密码不正确。")
        raise errors.ValidationError(message, fields={"old_password": [message]})
    _check_password(new_password, actor)
    actor.set_password(new_password)
    actor.save(update_fields=["password"])
    ApiToken.objects.filter(user=actor, revoked_at__isnull=True).update(revoked_at=timezone.now())
    audit_record(actor=actor, action="accounts.user_change_password", obj=actor)
    return actor


def _require_admin_or_system(actor: User | str | None) -> None:
    """Only system administrators, or the system itself (actor None or a label), manage accounts."""
    if isinstance(actor, User) and actor.kind != User.Kind.ADMIN:
        raise errors.PermissionDenied()


def _check_login_name(username: str) -> str:
    username = (username or "").strip()
    if not re.match(r"^[A-Za-z][A-Za-z0-9_.-]{2,31}$", username):
        message = _("工作人员登录名应以字母开头,3至32位字母、数字或 _ . -。")
        raise errors.ValidationError(message, fields={"username": [message]})
    return username


@transaction.atomic
def staff_create(
    *,
    actor: User | str | None,
    username: str,
    name: str,
    department: Department,
    posts: Iterable[str],
    password: str,
    phone: str = "",
    is_staff: bool = False,
) -> User:
    """Create a staff member of a department holding the given posts (by post code).

    Only system administrators (or the system itself, e.g. the demo loader) create staff.
    """
    _require_admin_or_system(actor)
    username = _check_login_name(username)
    post_codes = sorted(set(posts))
    found = list(Post.objects.filter(code__in=post_codes))
    if len(found) != len(post_codes):
        message = _("岗位不存在。")
        raise errors.ValidationError(message, fields={"posts": [message]})
    user = User(
        username=username,
        kind=User.Kind.STAFF,
        name=_check_person_name(name),
        department=department,
        phone=phone,
        is_staff=is_staff,
    )
    _check_password(password, user)
    user.set_password(password)
    _save_new_user(user, duplicate_field="username", duplicate_message=_("该登录名已被使用。"))
    user.posts.set(found)
    audit_record(
        actor=actor,
        action="accounts.staff_create",
        obj=user,
        after={"department": department.pk, "posts": post_codes},
    )
    return user


@transaction.atomic
def agent_create(
    *,
    actor: User | str | None,
    username: str,
    name: str,
    id_number: str,
    phone: str,
    service_center: ServiceCenter,
    password: str,
) -> User:
    """Create an agent (代办员) working at a township or village agency point (代办点)."""
    _require_admin_or_system(actor)
    if not service_center.is_agency_point:
        message = _("代办员须隶属于代办点。")
        raise errors.ValidationError(message, fields={"service_center": [message]})
    user = User(
        username=_check_login_name(username),
        kind=User.Kind.AGENT,
        name=_check_person_name(name),
        id_number=normalize_id_number(id_number),
        phone=_check_phone(phone),
        service_center=service_center,
    )
    _check_password(password, user)
    user.set_password(password)
    _save_new_user(
        user, duplicate_field="username", duplicate_message=_("该登录名或身份证号已被使用。")
    )
    audit_record(
        actor=actor,
        action="accounts.agent_create",
        obj=user,
        after={"service_center": service_center.pk, "id_number": mask_id_number(user.id_number)},
    )
    return user
