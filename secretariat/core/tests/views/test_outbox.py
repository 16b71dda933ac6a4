"""The outbox page: who sees the e-mails, filtering, and sending a failed one again."""

from __future__ import annotations

import pytest
from django.urls import reverse

from secretariat.conftest import client_for
from secretariat.core.models import EmailDelivery

pytestmark = pytest.mark.django_db


def make(n: int, **fields):
    common = {"purpose": "p", "from_email": "s@x.org", "body": "B"}
    return [
        EmailDelivery.objects.create(
            **({"to": [f"m{i}@x.org"], "subject": f"Subject {i}"} | common | fields)
        )
        for i in range(n)
    ]


def test_it_lists_the_emails_for_staff_in_a_constant_number_of_queries(
    officer, django_assert_max_num_queries
):
    client = client_for(officer)
    client.get(reverse("core:outbox"))  # the first request records the second factor's check
    make(3)
    # session, user, roles, count, the page's rows
    with django_assert_max_num_queries(5):
        small = client.get(reverse("core:outbox"))
    make(30)
    with django_assert_max_num_queries(5):
        large = client.get(reverse("core:outbox"))
    assert small.status_code == large.status_code == 200
    assert "Subject 2" in small.content.decode()


def test_it_filters_by_state(officer):
    make(1, state=EmailDelivery.State.SENT)
    make(1, state=EmailDelivery.State.FAILED, subject="Broken")
    html = client_for(officer).get(reverse("core:outbox"), {"state": "failed"}).content.decode()
    assert "Broken" in html and "Subject 0" not in html


def test_an_officer_sends_a_failed_one_again_from_the_page(officer, mailoutbox):
    # given
    (delivery,) = make(1, state=EmailDelivery.State.FAILED)
    client = client_for(officer)
    assert "Send again" in client.get(reverse("core:outbox")).content.decode()
    # when
    response = client.post(
        reverse("core:outbox-retry", kwargs={"pk": delivery.pk}), {"reason": "Fixed"}
    )
    # then: queued again (sent once the worker runs: after commit)
    assert response.status_code == 302
    delivery.refresh_from_db()
    assert delivery.state in (EmailDelivery.State.QUEUED, EmailDelivery.State.SENT)


def test_a_retry_without_a_reason_changes_nothing(officer):
    (delivery,) = make(1, state=EmailDelivery.State.FAILED)
    client_for(officer).post(reverse("core:outbox-retry", kwargs={"pk": delivery.pk}), {})
    delivery.refresh_from_db()
    assert delivery.state == EmailDelivery.State.FAILED


def test_the_comptroller_reads_but_does_not_send_again(comptroller):
    (delivery,) = make(1, state=EmailDelivery.State.FAILED)
    client = client_for(comptroller)
    page = client.get(reverse("core:outbox")).content.decode()
    assert "Subject 0" in page and "Send again" not in page
    response = client.post(
        reverse("core:outbox-retry", kwargs={"pk": delivery.pk}), {"reason": "x"}
    )
    assert response.status_code == 403
    delivery.refresh_from_db()
    assert delivery.state == EmailDelivery.State.FAILED
