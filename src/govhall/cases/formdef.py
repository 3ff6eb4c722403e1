"""Application form definitions (申请表): format, validation, show/hide, repeat groups, prefill.

Each online item version keeps one form definition, a JSON object that a catalog administrator
writes. This module is the public face; the work is done in ``formdef_*.py`` beside it, and in
``static/cases/formdef.js`` for the browser. Items without a form of their own get
:func:`default_formdef`.

Python API
==========

``formdef_check(definition) -> None``
    Raise ``ValidationError`` listing every problem by its path in the definition
    (``sections.1.fields.3.type``: unknown type, duplicate key, a condition pointing at a missing
    or later field, bad options, a repeat group without ``max``, an unknown key...).
``form_validate(definition, data) -> dict``
    The cleaned data, or ``ValidationError`` with ``fields={"applicant.name": ["必填"],
    "members.1.id_number": ["..."]}``: every error at once. Errors of the whole form are under
    ``"__all__"``, of a repeat group under its key (``"members"``), of one row under
    ``"members.1"``.
``condition_eval(condition, values, row=None) -> bool``
``form_from_post(definition, querydict) -> dict`` (and its inverse ``form_post_items``)
``prefill_values(definition, sources: PrefillSources) -> Prefill``
``form_merge(definition, prefill, submitted) -> dict``
``default_formdef(*, item_name, target) -> dict``
``formdef_context(definition, *, values, sources, errors) -> dict`` for the template
``cases/includes/formdef_form.html`` (or the tag ``{% formdef_form %}`` of ``formdef_tags``).

The definition
==============

::

    {"title": "公共租赁住房保障资格申请表",            (optional)
     "description": "...",                            (optional)
     "sections": [SECTION, ...]}

SECTION (分组) is a block of fields, or a repeating group of rows::

    {"key": "applicant",                 identifier: a-z, then a-z 0-9 _; unique in the form
     "title": "申请人信息",
     "description": "...",               optional, shown under the title
     "show_if": CONDITION,               optional; may only name fields of earlier sections
     "fields": [FIELD, ...]}

    {"key": "members", "title": "家庭成员",
     "repeat": {"min": 1, "max": 20,     max is required (at most 200); min defaults to 0
                "key": "id_number"},     optional: the field that identifies a row, for
                                         form_merge (default: the first id_number/uscc field,
                                         else rows are compared by position)
     "row_label": "成员",                optional: rows are titled "成员 1", "成员 2"...
     "source": GROUP_SOURCE,             optional: rows prefilled from the registries
     "fields": [FIELD, ...]}

FIELD::

    {"key": "name",                      identifier, unique in its section
     "label": "姓名",
     "type": TYPE,
     "required": true,                   default false
     "help": "...", "placeholder": "...",
     "default": VALUE,                   shown when nothing is prefilled or entered
     "show_if": CONDITION,
     "source": SOURCE,                   prefill
     ...rules of its type}

TYPE and its rules (the cleaned value in brackets; an empty answer is ``null``):

- ``text`` (string; ``min_length``, ``max_length`` in characters, default max 200),
  ``textarea`` (string with line breaks; default max 2000). Control characters are refused.
- ``integer`` (int; ``min``, ``max``), ``decimal`` (string with exactly ``decimal_places``
  places, default 2, at most 6: ``"85.50"``; ``min``, ``max`` as numbers).
- ``date`` (``"YYYY-MM-DD"``; ``min``, ``max`` as ISO dates or ``"today"``).
- ``select`` (the option's value; ``options``: ``[{"value": "10", "label": "未婚"}, ...]``,
  values unique non-empty strings; ``"widget": "radio"`` shows radio buttons),
  ``multiselect`` (list of values in option order, empty ``[]``; shown as checkboxes).
- ``boolean`` (true/false, empty false; a single checkbox whose text is the label;
  ``required`` means it must be ticked, as for a commitment).
- ``id_number`` 身份证号 (checked by python-stdnum ``stdnum.cn.ric``, upper-cased ``X``),
  ``uscc`` 统一社会信用代码 (``stdnum.cn.uscc``), ``phone`` (11-digit mainland mobile, or a
  landline normalized to ``0558-5123456``), ``email``, ``region`` (12 digits; 6 digits are
  completed with zeros).

There is no free regular expression: it would behave differently in JavaScript and Python.

CONDITION (``show_if``)::

    {"field": PATH, "op": OP, "value": VALUE}
    {"all": [CONDITION, ...]}   {"any": [CONDITION, ...]}   {"not": CONDITION}

PATH is ``"section.field"`` for a field of a plain (non-repeating) section, or, inside a
repeat group, a bare ``"field"`` for a field of the same row. A condition may only name fields
that come *before* it in the definition (earlier sections, earlier fields of its own section or
row), of type text, textarea, integer, decimal, date, select, multiselect or boolean; a field of
a repeat group cannot be named from outside its row. Hidden fields (and every field of a hidden
section) are not required, are not validated, are dropped from the cleaned data and count as
empty (``null``) for the conditions after them. Conditions are evaluated on the cleaned values
(an invalid answer counts as empty), in definition order, identically by ``condition_eval`` and
by formdef.js:

- ``empty`` / ``not_empty``: ``null``, ``""`` and ``[]`` are empty (``false`` is not).
- ``eq`` / ``ne``: strings compare exactly, booleans only with booleans; when either side is a
  number the other may be a number or a plain decimal string (``"85.50"`` equals ``85.5``).
  ``null`` equals only ``null``. On a multiselect, ``eq`` means "is among the chosen".
- ``in`` / ``not_in``: VALUE is a list; true when the value (or any chosen value of a
  multiselect) ``eq`` one of them.
- ``gt`` ``gte`` ``lt`` ``lte``: numbers against a number VALUE (decimal strings are read as
  numbers); ISO dates against a date string VALUE (code point order). Anything else: false.

SOURCE (prefill of one field; :class:`PrefillSources` carries what is known)::

    {"account": "name"}          the applicant's account: name, id_number, uscc, phone, email,
                                 legal_representative, address
    {"resource": "population", "field": "address"}
                                 the first record of that shared resource (codes and fields as in
                                 the resource catalog, demo/data/resources.json)
    {"resource": "marriage", "field": "marital_status", "map": {"已婚": "20", "离婚": "40"}}
                                 a registry value translated into an option value
    {"resource": "real_estate", "aggregate": "sum", "field": "area"}   (decimal or integer)
    {"resource": "vehicle", "aggregate": "count"}                      (integer)
    {"resource": "disability", "aggregate": "exists"}                  (boolean)
    {"license": "disability_card", "field": "license_number"}
                                 an e-license of that type code from ``license_index`` (valid
                                 ones first); ``aggregate`` count/exists work here too

``"field": "subject_key"`` reads whose record it is (the member's ID number), ``"field":
"record_key"`` the record's key (certificate number, plate number). Inside a repeat group a
source is read for the row's subject (a household member) and may not name the account. A value
that does not fit the field (not an option, wrong format) is not prefilled.

GROUP_SOURCE (a repeat group's rows)::

    {"household": true}          one row per member of the applicant's household (population
                                 registry), the applicant first
    {"resource": "vehicle"}      one row per record of the applicant; its fields then read
                                 that record: {"resource": "vehicle", "field": "plate_number"}
    {"resource": "real_estate", "household": true}
                                 one row per record of any household member, each record once

Prefill and merge
=================

``prefill_values`` returns ``Prefill(values, sources)``: ``values`` shaped like form data
(repeat groups as lists of row dicts, cleaned like submitted data) and ``sources``: path ->
``{"kind": "account"|"resource"|"license", "resource", "license", "resource_name",
"provider", "updated_at" (ISO), "record_key", "field", "aggregate", "label"}``, ``label``
being the badge text ("来自 亳州市公安局·人口基础信息 2026-10-01"). ``form_merge`` tells the
reviewer, per path, whether a value is as prefilled, changed or typed by the applicant.

Pages
=====

Inside a ``<form method="post" novalidate>``: ``{% load formdef_tags %}{% formdef_form
definition values=... errors=... prefill=... %}`` (or include ``cases/includes/formdef_form.html``
with ``formdef=formdef_context(...)``). Input names are the paths (``applicant.name``,
``members.0.name``); a checkbox is preceded by a hidden ``false`` and a checkbox list by a hidden
empty value, so that :func:`form_from_post` sees them; rows left entirely blank are dropped. The
page is right before any script runs (visibility computed on the server, a spare blank row per
repeat group); ``static/cases/formdef.js`` then evaluates show_if live (hidden inputs are
disabled, so not posted), adds and removes rows within min/max from a ``<template>``, checks ID
numbers and USCCs as they are typed, and marks a prefilled value's badge when it is changed. It
starts on page load and on ``htmx:load``.
"""

from __future__ import annotations

from govhall.cases.formdef_conditions import condition_eval
from govhall.cases.formdef_default import default_formdef, delivery_section
from govhall.cases.formdef_fields import TYPES, field_clean
from govhall.cases.formdef_prefill import (
    HouseholdMember,
    Prefill,
    PrefillSources,
    ResourceLabel,
    SourceRecord,
    form_merge,
    prefill_values,
    source_label,
)
from govhall.cases.formdef_render import formdef_context
from govhall.cases.formdef_schema import formdef_check
from govhall.cases.formdef_validate import (
    FORM_ERRORS,
    form_from_post,
    form_post_items,
    form_validate,
)

__all__ = [
    "FORM_ERRORS",
    "TYPES",
    "HouseholdMember",
    "Prefill",
    "PrefillSources",
    "ResourceLabel",
    "SourceRecord",
    "condition_eval",
    "default_formdef",
    "delivery_section",
    "field_clean",
    "form_from_post",
    "form_merge",
    "form_post_items",
    "form_validate",
    "formdef_check",
    "formdef_context",
    "prefill_values",
    "source_label",
]
