"""Bodies refused before they are read (core/limits.py, issue #9): a 300 MB POST to the
public affiliation form is answered 413 without a byte of it written anywhere, a sender over
the form's hourly limit is refused before its files are parsed, and a body without a length
is refused."""

from __future__ import annotations

import json

import pytest
from django.core.cache import cache
from django.core.files.uploadhandler import FileUploadHandler
from django.test import Client

from secretariat.core.limits import FORM_MARGIN_BYTES, largest_body_limit
from secretariat.members.models import MembershipRequest

APPLY = "/en/members/apply/"
HUGE = str(300 * 1024 * 1024)
BOUNDARY = "xYzZy"
MULTIPART = f"multipart/form-data; boundary={BOUNDARY}"


class RecordingHandler(FileUploadHandler):
    """Stands for every upload handler: notes that a body was parsed at all."""

    created = 0

    def __init__(self, request=None):
        super().__init__(request)
        type(self).created += 1

    def receive_data_chunk(self, raw_data, start):
        return raw_data

    def file_complete(self, file_size):
        return None


@pytest.fixture(autouse=True)
def _recorded(settings, tmp_path):
    settings.FILE_UPLOAD_HANDLERS = [f"{__name__}.RecordingHandler"]
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path / "uploads")
    (tmp_path / "uploads").mkdir()
    RecordingHandler.created = 0
    cache.clear()
    yield tmp_path / "uploads"


def _multipart(**fields: str) -> bytes:
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        for name, value in fields.items()
    ]
    parts.append(
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="documents"; '
        f'filename="letter.pdf"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4 x\r\n'
    )
    return ("".join(parts) + f"--{BOUNDARY}--\r\n").encode()


@pytest.mark.django_db
def test_it_refuses_a_300_mb_post_before_reading_it(_recorded):
    # given: a client that announces 300 MB and sends a few bytes
    client = Client()
    # when
    response = client.post(
        APPLY, data=_multipart(applicant_name="X"), content_type=MULTIPART, CONTENT_LENGTH=HUGE
    )
    # then
    assert response.status_code == 413
    page = response.content.decode()
    assert "The request is larger than this page accepts (at most 51 MB)" in page
    assert "nothing was saved" in page
    assert RecordingHandler.created == 0
    assert list(_recorded.iterdir()) == []
    assert not MembershipRequest.objects.exists()
    assert response["Content-Security-Policy"].startswith("default-src 'none'")


@pytest.mark.django_db
def test_it_answers_in_the_language_of_the_page():
    # when
    response = Client().post(
        "/es/members/apply/", data=b"x", content_type=MULTIPART, CONTENT_LENGTH=HUGE
    )
    # then
    assert response.status_code == 413
    assert '<html lang="es">' in response.content.decode()


@pytest.mark.django_db
def test_it_refuses_a_large_body_to_a_page_without_uploads():
    # given: the login form takes no file; its limit is DATA_UPLOAD_MAX_MEMORY_SIZE (12 MB)
    client = Client()
    # when
    too_big = client.post(
        "/en/accounts/login/",
        data=b"login=a",
        content_type="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(13 * 1024 * 1024),
    )
    # then
    assert too_big.status_code == 413
    assert "at most 12 MB" in too_big.content.decode()


def test_it_answers_the_api_in_json():
    # when
    response = Client().post(
        "/api/v1/members/", data=b"{}", content_type="application/json", CONTENT_LENGTH=HUGE
    )
    # then
    assert response.status_code == 413
    assert response["Content-Type"] == "application/json"
    assert "excede lo que esta página acepta" in json.loads(response.content)["detail"]  # es


@pytest.mark.django_db
def test_it_refuses_a_chunked_body_without_a_length(_recorded):
    # when
    response = Client().post(
        APPLY,
        data=_multipart(applicant_name="X"),
        content_type=MULTIPART,
        CONTENT_LENGTH="",
        HTTP_TRANSFER_ENCODING="chunked",
    )
    # then
    assert response.status_code == 411
    assert RecordingHandler.created == 0


@pytest.mark.django_db
def test_it_refuses_a_sender_over_the_hourly_limit_before_parsing_its_files(
    _recorded, countries, categories
):
    # given: five robot submissions (counted like real ones) from one address
    client = Client(REMOTE_ADDR="203.0.113.7")
    for _ in range(5):
        assert client.post(APPLY, {"homepage": "http://spam.example"}).status_code == 302
    RecordingHandler.created = 0
    # when: a sixth, with a file
    response = client.post(APPLY, data=_multipart(applicant_name="Y"), content_type=MULTIPART)
    # then
    assert response.status_code == 429
    assert "Too many applications were sent from this address" in response.content.decode()
    assert RecordingHandler.created == 0
    assert list(_recorded.iterdir()) == []


def test_it_tells_the_reverse_proxy_the_largest_body(settings):
    # given: 10 MB per file; the staff request forms take 10 files
    settings.SECRETARIAT_MAX_UPLOAD_BYTES = 10 * 1024 * 1024
    # then
    assert largest_body_limit() == 10 * 10 * 1024 * 1024 + FORM_MARGIN_BYTES
