"""The public affiliation form (members:apply, members:apply-done)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile

from secretariat.conftest import client_for
from secretariat.core.models import ActionLog
from secretariat.members.models import MembershipRequest, RequestAttachment

APPLY = "/en/members/apply/"
DONE = "/en/members/apply/done/"
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def pdf(name: str = "letter.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def form_data(countries, categories, **overrides) -> dict:
    data = {
        "applicant_name": "Instituto de Seguridad Social del Sur",
        "applicant_acronym": "ISSS",
        "applicant_country": countries["PE"].pk,
        "applicant_website": "https://isss.example.org",
        "requested_category": categories["associate"].pk,
        "contact_name": "María Pérez",
        "contact_email": "maria@isss.example.org",
        "contact_phone": "+51 1 555 0000",
        "statement": "Queremos unirnos.",
        "homepage": "",
    }
    data.update(overrides)
    return data


def nothing_recorded() -> bool:
    return (
        not MembershipRequest.objects.exists()
        and not RequestAttachment.objects.exists()
        and not ActionLog.objects.exists()
    )


# --- The page --------------------------------------------------------------------------


def test_it_shows_the_form_to_anonymous_visitors(as_anonymous, countries, categories):
    # when
    response = as_anonymous.get(APPLY)
    # then
    body = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in body
    assert 'type="file" name="documents"' in body and "multiple" in body
    assert "Perú" in body or "Peru" in body


def test_it_hides_the_honeypot_from_people(as_anonymous, countries, categories):
    # when
    body = as_anonymous.get(APPLY).content.decode()
    # then: visually hidden, hidden from assistive technology, out of the tab order
    assert '<div class="visually-hidden" aria-hidden="true"><label for="id_homepage">' in body
    assert 'tabindex="-1"' in body and 'autocomplete="off"' in body


def test_it_shows_the_form_to_logged_in_users_too(as_rep_a, countries, categories):
    # when
    response = as_rep_a.get(APPLY)
    # then
    assert response.status_code == 200


# --- Submitting --------------------------------------------------------------------------


def test_it_records_a_valid_application_with_its_documents(as_anonymous, countries, categories):
    # when
    response = as_anonymous.post(
        APPLY,
        {**form_data(countries, categories), "documents": [pdf("letter.pdf"), pdf("statute.pdf")]},
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == DONE
    request = MembershipRequest.objects.get()
    assert request.kind == MembershipRequest.Kind.AFFILIATION
    assert request.channel == MembershipRequest.Channel.PUBLIC_FORM
    assert request.applicant_name == "Instituto de Seguridad Social del Sur"
    assert request.applicant_country == countries["PE"]
    assert request.requested_category == categories["associate"]
    assert request.contact_email == "maria@isss.example.org"
    assert sorted(a.original_name for a in request.attachments.all()) == [
        "letter.pdf",
        "statute.pdf",
    ]
    log = ActionLog.objects.get()
    assert log.event == "request.submitted"
    assert log.target_type == "members.membershiprequest" and log.target_id == str(request.pk)
    assert log.actor is None and log.actor_label == "system"
    assert log.new_values["attachments"] == 2


def test_it_shows_the_reference_after_submitting_but_not_in_the_url(
    as_anonymous, countries, categories
):
    # given
    response = as_anonymous.post(APPLY, {**form_data(countries, categories), "documents": [pdf()]})
    reference = MembershipRequest.objects.get().reference
    # when
    done = as_anonymous.get(response["Location"])
    # then
    assert reference not in response["Location"]
    assert reference in done.content.decode()
    assert "Your application was received." in done.content.decode()


def test_it_accepts_an_application_without_documents_or_category(
    as_anonymous, countries, categories
):
    # when
    response = as_anonymous.post(APPLY, form_data(countries, categories, requested_category=""))
    # then
    assert response.status_code == 302
    assert MembershipRequest.objects.get().requested_category is None


def test_it_shows_no_reference_on_the_done_page_without_a_submission(as_anonymous):
    # when
    response = as_anonymous.get(DONE)
    # then
    assert response.status_code == 200
    assert "Your reference" not in response.content.decode()


# --- Bad input -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("applicant_name", ""),
        ("applicant_country", ""),
        ("applicant_country", "999999"),
        ("contact_name", ""),
        ("contact_email", ""),
        ("contact_email", "not-an-address"),
        ("applicant_website", "javascript:alert(1)"),
        ("requested_category", "'; DROP TABLE members_membershiprequest; --"),
        ("applicant_name", "x" * 10_000),
        ("statement", "x" * 10_000),
        ("contact_phone", "9" * 100),
        ("applicant_name", "Instituto \u202eABC"),
        ("applicant_acronym", "\u200fISSS"),
        ("contact_name", "María \u2066Pérez"),
    ],
)
def test_it_refuses_missing_or_wrong_fields_and_records_nothing(
    as_anonymous, countries, categories, field, value
):
    # when
    response = as_anonymous.post(APPLY, form_data(countries, categories, **{field: value}))
    # then
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert 'class="callout callout--danger error-summary" role="alert"' in response.content.decode()
    assert nothing_recorded()


def test_it_escapes_hostile_text_when_showing_the_form_again(as_anonymous, countries, categories):
    # when: valid name with markup, but a missing e-mail keeps the form on screen
    response = as_anonymous.post(
        APPLY,
        form_data(
            countries, categories, applicant_name="<script>alert(1)</script>", contact_email=""
        ),
    )
    # then
    body = response.content.decode()
    assert "<script>alert(1)</script>" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert nothing_recorded()


def test_it_refuses_a_file_of_the_wrong_type(as_anonymous, countries, categories):
    # when
    upload = SimpleUploadedFile("tool.exe", b"MZ\x90\x00", content_type="application/octet-stream")
    response = as_anonymous.post(APPLY, {**form_data(countries, categories), "documents": [upload]})
    # then: the error is on the files field
    assert response.status_code == 200
    errors = response.context["form"].errors["documents"]
    assert errors == ["tool.exe: Only PDF, PNG, JPEG or Word (.docx) files are accepted."]
    assert 'id="id_documents_error"' in response.content.decode()
    assert nothing_recorded()


def test_it_refuses_a_file_whose_content_is_not_what_its_name_says(
    as_anonymous, countries, categories
):
    # when
    fake = pdf("letter.pdf", b"<html><script>alert(1)</script></html>")
    response = as_anonymous.post(
        APPLY, {**form_data(countries, categories), "documents": [pdf("ok.pdf"), fake]}
    )
    # then
    assert response.context["form"].errors["documents"] == [
        "letter.pdf: The file's content does not match its type."
    ]
    assert nothing_recorded()


def test_it_refuses_an_oversized_file(as_anonymous, countries, categories, settings):
    # given
    settings.SECRETARIAT_MAX_UPLOAD_BYTES = 1024 * 1024
    # when
    big = pdf("big.pdf", PDF + b"0" * (1024 * 1024))
    response = as_anonymous.post(APPLY, {**form_data(countries, categories), "documents": [big]})
    # then
    assert response.context["form"].errors["documents"] == [
        "big.pdf: The file is too large; the limit is 1 MB."
    ]
    assert nothing_recorded()


def test_it_refuses_more_than_five_files(as_anonymous, countries, categories):
    # when
    files = [pdf(f"doc{i}.pdf") for i in range(6)]
    response = as_anonymous.post(APPLY, {**form_data(countries, categories), "documents": files})
    # then
    assert response.context["form"].errors["documents"] == ["Send at most 5 files; 6 were chosen."]
    assert nothing_recorded()


def test_it_pretends_success_to_a_robot_but_records_nothing(as_anonymous, countries, categories):
    # when: the hidden field is filled in
    response = as_anonymous.post(
        APPLY,
        {**form_data(countries, categories, homepage="http://spam.example"), "documents": [pdf()]},
    )
    # then
    assert response.status_code == 302
    assert response["Location"] == DONE
    assert nothing_recorded()
    done = as_anonymous.get(DONE)
    assert "Your reference" not in done.content.decode()


def test_it_limits_applications_to_five_an_hour_per_address(countries, categories):
    # given: five applications from one address
    client = client_for(None)
    for i in range(5):
        response = client.post(
            APPLY,
            form_data(countries, categories, applicant_name=f"Instituto {i}"),
            REMOTE_ADDR="203.0.113.7",
        )
        assert response.status_code == 302
    # when
    sixth = client.post(
        APPLY,
        form_data(countries, categories, applicant_name="Instituto 6"),
        REMOTE_ADDR="203.0.113.7",
    )
    other_address = client.post(
        APPLY,
        form_data(countries, categories, applicant_name="Instituto 7"),
        REMOTE_ADDR="198.51.100.1",
    )
    # then
    assert sixth.status_code == 429
    assert "Too many applications were sent from this address" in sixth.content.decode()
    assert other_address.status_code == 302
    assert MembershipRequest.objects.count() == 6
    assert ActionLog.objects.filter(event="request.submitted").count() == 6


def test_it_does_not_count_rejected_forms_towards_the_limit(countries, categories):
    # given: five invalid posts
    client = client_for(None)
    for _ in range(5):
        client.post(
            APPLY, form_data(countries, categories, contact_email=""), REMOTE_ADDR="203.0.113.8"
        )
    # when
    response = client.post(APPLY, form_data(countries, categories), REMOTE_ADDR="203.0.113.8")
    # then
    assert response.status_code == 302


def test_it_shows_a_service_error_on_the_form(as_anonymous, countries, categories, monkeypatch):
    # given: the service refuses (e.g. a rule checked only there)
    from django.core.exceptions import ValidationError

    from secretariat.members.services import requests as services

    def refuse(**kwargs):
        raise ValidationError(
            {"applicant_name": "Refused by the service.", "reference": "Internal problem."}
        )

    monkeypatch.setattr(services, "request_submit_public", refuse)
    # when
    response = as_anonymous.post(APPLY, form_data(countries, categories))
    # then
    form = response.context["form"]
    assert response.status_code == 200
    assert form.errors["applicant_name"] == ["Refused by the service."]
    assert form.non_field_errors() == ["Internal problem."]


def test_it_says_why_a_name_with_bidi_controls_is_refused(as_anonymous, countries, categories):
    # when
    response = as_anonymous.post(
        APPLY, form_data(countries, categories, applicant_name="Instituto \u202eABC")
    )
    # then
    assert "invisible characters that change the direction of the text" in (
        response.content.decode()
    )
    assert nothing_recorded()


@pytest.mark.parametrize("field", ["statement", "applicant_name"])
def test_it_does_not_echo_a_10_mb_value_back_in_full(as_anonymous, countries, categories, field):
    # given: 10 MB in one field of the public form
    huge = "x" * (10 * 1024 * 1024)
    # when
    response = as_anonymous.post(APPLY, form_data(countries, categories, **{field: huge}))
    # then: refused, the limit said, and at most the limit shown again
    body = response.content.decode()
    limit = 5000 if field == "statement" else 300
    assert response.status_code == 200
    assert f"Ensure this value has at most {limit} characters" in body
    assert len(body) < 100_000
    assert "x" * limit in body and "x" * (limit + 1) not in body
    assert nothing_recorded()
