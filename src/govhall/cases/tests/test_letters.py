"""The prefilled template of a material to sign (承诺书): the applicant's particulars and a
signature line per household member; only for the application's own people."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from govhall.cases.tests.factories import application_draft

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(response.content)).pages)


def test_commitment_letter_is_prefilled_with_the_applicant_and_household(
    client_as, applicant, item
):
    application = application_draft(applicant, item)
    application.form = {**application.form, "members": [{"name": "王芳"}, {"name": applicant.name}]}
    application.save(update_fields=["form"])
    letter = item.materials.get(name="公共租赁住房申请承诺书")
    url = reverse("cases:material_template", args=[application.pk, letter.pk])
    response = client_as(applicant).get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    text = _text(response)
    for expected in ["公共租赁住房申请承诺书", applicant.name, applicant.id_number, "王芳", "签名"]:
        assert expected in text
    assert text.count("王芳") == 1


def test_no_template_for_shared_materials_and_none_for_another_applicant(
    client_as, applicant, other_applicant, item
):
    application = application_draft(applicant, item)
    letter = item.materials.get(name="公共租赁住房申请承诺书")
    shared = item.materials.get(name="居民身份证")
    own = client_as(applicant)
    assert (
        own.get(reverse("cases:material_template", args=[application.pk, shared.pk])).status_code
        == 404
    )
    other = client_as(other_applicant)
    url = reverse("cases:material_template", args=[application.pk, letter.pk])
    assert other.get(url).status_code == 404
    assert client_as().get(url).status_code == 302
