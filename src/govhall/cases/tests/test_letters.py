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


def _letter_pdf(client, application, letter) -> bytes:
    url = reverse("cases:material_template", args=[application.pk, letter.pk])
    return client.get(url).content


def _upload(application, letter, content: bytes, name: str = "承诺书.pdf"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from govhall.cases.services_apply import upload_add

    file = SimpleUploadedFile(name, content, content_type="application/pdf")
    return upload_add(
        actor=application.applicant, application=application, material_id=letter.pk, file=file
    )


def test_the_letter_shows_its_code_and_is_the_same_each_time(client_as, applicant, item):
    from govhall.cases.letters import letter_code

    application = application_draft(applicant, item)
    letter = item.materials.get(name="公共租赁住房申请承诺书")
    client = client_as(applicant)
    first, second = (
        _letter_pdf(client, application, letter),
        _letter_pdf(client, application, letter),
    )
    assert first == second
    code = letter_code(application, letter)
    assert code in "".join(p.extract_text() for p in PdfReader(io.BytesIO(first)).pages)


def test_the_generated_letter_and_a_signed_increment_of_it_are_accepted(client_as, applicant, item):
    application = application_draft(applicant, item)
    letter = item.materials.get(name="公共租赁住房申请承诺书")
    content = _letter_pdf(client_as(applicant), application, letter)
    assert _upload(application, letter, content).sha256
    # A digital signature is an incremental update: the original bytes stay as they were.
    from pypdf import PdfWriter
    from pypdf.annotations import FreeText

    writer = PdfWriter(io.BytesIO(content), incremental=True)
    writer.add_annotation(page_number=0, annotation=FreeText(text="李娜", rect=(50, 50, 200, 80)))
    buffer = io.BytesIO()
    writer.write(buffer)
    signed = buffer.getvalue()
    assert signed.startswith(content) and len(signed) > len(content)
    assert _upload(application, letter, signed).pk


def test_a_letter_whose_content_was_changed_is_refused_as_tampered(client_as, applicant, item):
    from govhall.core import errors

    application = application_draft(applicant, item)
    letter = item.materials.get(name="公共租赁住房申请承诺书")
    content = _letter_pdf(client_as(applicant), application, letter)
    # Edited in a PDF editor: the file is rewritten, the letter code kept in the metadata.
    from pypdf import PdfWriter

    reader = PdfReader(io.BytesIO(content))
    writer = PdfWriter(clone_from=reader)
    writer.add_metadata(dict(reader.metadata))
    buffer = io.BytesIO()
    writer.write(buffer)
    tampered = buffer.getvalue()
    with pytest.raises(errors.ValidationError) as refused:
        _upload(application, letter, tampered)
    assert refused.value.code == "letter_tampered"
    assert application.uploads.count() == 0


def test_a_letter_of_another_application_or_an_older_household_is_refused(
    client_as, applicant, item
):
    from govhall.core import errors

    letter = item.materials.get(name="公共租赁住房申请承诺书")
    first = application_draft(applicant, item)
    content = _letter_pdf(client_as(applicant), first, letter)
    second = application_draft(applicant, item)
    with pytest.raises(errors.ValidationError) as foreign:
        _upload(second, letter, content)
    assert foreign.value.code == "letter_stale"
    # The household changed after the letter was printed: the new member has not signed it.
    first.form = {**first.form, "members": [{"name": "王芳", "id_number": "110101199003074514"}]}
    first.save(update_fields=["form"])
    with pytest.raises(errors.ValidationError) as stale:
        _upload(first, letter, content)
    assert stale.value.code == "letter_stale"


def test_a_scan_without_a_letter_code_is_left_to_the_clerk(applicant, item):
    from govhall.cases.tests.factories import pdf_file

    application = application_draft(applicant, item)
    letter = item.materials.get(name="公共租赁住房申请承诺书")
    assert _upload(application, letter, pdf_file().read()).pk


def test_the_clerk_sees_the_letter_code_to_compare_with_a_scan(client_as, applicant, item, clerk):
    from govhall.cases.letters import letter_code
    from govhall.cases.tests.factories import case_submitted

    case = case_submitted(applicant, item)
    application = case.application
    letter = item.materials.get(name="公共租赁住房申请承诺书")
    page = client_as(clerk).get(reverse("cases:case_detail", args=[case.number]))
    assert letter_code(application, letter) in page.content.decode()
