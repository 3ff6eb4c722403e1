"""The form of an item that has no form of its own: applicant, what is asked for, delivery.

The case engine reads ``delivery.method`` (``pickup`` / ``express``) and ``delivery.address``;
item forms that deliver a result should keep that block (:func:`delivery_section`).
"""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

NATURAL_PERSON = "1"
LEGAL_PERSON = "2"
PICKUP = "pickup"
EXPRESS = "express"
EXPRESS_CONDITION = {"field": "delivery.method", "op": "eq", "value": EXPRESS}


def _citizen_fields() -> list[dict[str, Any]]:
    return [
        {"key": "name", "label": _("姓名"), "type": "text", "required": True, "max_length": 50,
         "source": {"account": "name"}},
        {"key": "id_number", "label": _("身份证号"), "type": "id_number", "required": True,
         "source": {"account": "id_number"}},
        {"key": "phone", "label": _("联系电话"), "type": "phone", "required": True,
         "source": {"account": "phone"}},
        {"key": "address", "label": _("联系地址"), "type": "text", "required": True,
         "max_length": 200, "source": {"resource": "population", "field": "address"}},
        {"key": "email", "label": _("电子邮箱"), "type": "email",
         "source": {"account": "email"}},
    ]  # fmt: skip


def _enterprise_fields() -> list[dict[str, Any]]:
    return [
        {"key": "name", "label": _("单位名称"), "type": "text", "required": True,
         "max_length": 100, "source": {"account": "name"}},
        {"key": "uscc", "label": _("统一社会信用代码"), "type": "uscc", "required": True,
         "source": {"account": "uscc"}},
        {"key": "legal_representative", "label": _("法定代表人"), "type": "text",
         "required": True, "max_length": 50, "source": {"account": "legal_representative"}},
        {"key": "address", "label": _("住所"), "type": "text", "required": True,
         "max_length": 200, "source": {"resource": "legal_person", "field": "address"}},
        {"key": "contact_name", "label": _("联系人"), "type": "text", "required": True,
         "max_length": 50},
        {"key": "phone", "label": _("联系电话"), "type": "phone", "required": True,
         "source": {"account": "phone"}},
        {"key": "email", "label": _("电子邮箱"), "type": "email",
         "source": {"account": "email"}},
    ]  # fmt: skip


def delivery_section(*, target: str = NATURAL_PERSON) -> dict[str, Any]:
    """结果领取方式: window pickup, or free express mail to an address shown only for express."""
    address_source = (
        {"resource": "legal_person", "field": "address"}
        if target == LEGAL_PERSON
        else {"resource": "population", "field": "address"}
    )
    recipient = {"key": "recipient", "label": _("收件人"), "type": "text", "required": True,
                 "max_length": 50, "show_if": EXPRESS_CONDITION}  # fmt: skip
    if target != LEGAL_PERSON:
        recipient["source"] = {"account": "name"}
    return {
        "key": "delivery",
        "title": _("结果领取方式"),
        "fields": [
            {"key": "method", "label": _("领取方式"), "type": "select", "widget": "radio",
             "required": True, "default": PICKUP,
             "options": [{"value": PICKUP, "label": _("窗口领取")},
                         {"value": EXPRESS, "label": _("快递送达(免费邮寄)")}]},
            recipient,
            {"key": "phone", "label": _("收件人电话"), "type": "phone", "required": True,
             "show_if": EXPRESS_CONDITION, "source": {"account": "phone"}},
            {"key": "address", "label": _("邮寄地址"), "type": "text", "required": True,
             "max_length": 200, "show_if": EXPRESS_CONDITION,
             "help": _("请填写省、市、县(区)、街道和门牌号。"), "source": address_source},
        ],
    }  # fmt: skip


def default_formdef(*, item_name: str, target: str) -> dict[str, Any]:
    """The generic application form of ``item_name`` for a natural person (target ``"1"``) or
    a legal person (``"2"``)."""
    if target not in (NATURAL_PERSON, LEGAL_PERSON):
        raise ValueError(f"target must be '1' or '2', not {target!r}")
    applicant = _enterprise_fields() if target == LEGAL_PERSON else _citizen_fields()
    delivery = delivery_section(target=target)
    return {
        "title": _("%(item)s申请表") % {"item": item_name},
        "sections": [
            {"key": "applicant",
             "title": _("申请单位信息") if target == LEGAL_PERSON else _("申请人信息"),
             "fields": applicant},
            {"key": "request", "title": _("申请事项说明"),
             "fields": [{"key": "description", "label": _("申请事项说明"), "type": "textarea",
                         "required": True, "max_length": 1000,
                         "help": _("请简要说明申请办理“%(item)s”的具体事项和理由。")
                         % {"item": item_name}}]},
            delivery,
        ],
    }  # fmt: skip
