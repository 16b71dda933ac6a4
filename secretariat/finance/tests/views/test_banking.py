"""The bank statement pages: list, import (preview, confirm, refusals shown with nothing
saved), the statement page with its suggestions and actions, auto-match, reconcile and the
report; query counts pinned for two sizes."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from secretariat.conftest import client_for
from secretariat.finance.models import BankStatement, BankStatementLine, SourceKind
from secretariat.finance.services.banking import bank_line_match
from secretariat.finance.services.ledger import LineSpec, entry_record
from secretariat.finance.tests.banking_world import (  # noqa: F401  (fixtures)
    TWO_MOVEMENTS,
    bank_world_fixture,
    books_fixture,
    camt053,
    import_file,
    receive,
)


def _client(user):
    client = client_for(user)
    client.get(reverse("finance:bank-list"))  # the session's first request writes last-seen
    return client


def _upload(books, client, content: bytes, file_format: str = "camt053", name: str = "march.xml"):
    return client.post(
        reverse("finance:bank-import"),
        {
            "step": "preview",
            "account": books["accounts"]["1110"].pk,
            "file_format": file_format,
            "file": SimpleUploadedFile(name, content),
        },
    )


# --- Import ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_previews_an_upload_and_saves_nothing(books, finance_officer):
    # given
    client = _client(finance_officer)
    # when
    response = _upload(books, client, camt053(TWO_MOVEMENTS, closing="2249.50"))
    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert "PAY-2026-0001" in page and "Confirm the import" in page
    assert BankStatement.objects.count() == 0


@pytest.mark.django_db
def test_it_imports_after_confirmation(books, finance_officer):
    # given
    client = _client(finance_officer)
    confirm = _upload(books, client, camt053(TWO_MOVEMENTS)).context["confirm"]
    # when
    response = client.post(reverse("finance:bank-import"), {"step": "confirm", **confirm.initial})
    # then
    statement = BankStatement.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("finance:bank-detail", kwargs={"pk": statement.pk})
    assert statement.lines.count() == 2 and statement.file_name == "march.xml"


@pytest.mark.django_db
def test_it_shows_why_the_same_file_cannot_be_imported_again(books, finance_officer):
    # given
    content = camt053(TWO_MOVEMENTS)
    import_file(finance_officer, books["accounts"]["1110"], content)
    client = _client(finance_officer)
    # when
    response = _upload(books, client, content)
    # then
    page = response.content.decode()
    assert "already imported" in page and "Confirm the import" not in page
    assert BankStatement.objects.count() == 1


@pytest.mark.django_db
def test_it_shows_hostile_xml_refused(books, finance_officer):
    # given
    client = _client(finance_officer)
    hostile = b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY x SYSTEM "file:///etc/passwd">]><Document>&x;</Document>'
    # when
    response = _upload(books, client, hostile)
    # then
    assert response.status_code == 200
    assert "refused for safety" in response.content.decode()
    assert BankStatement.objects.count() == 0


@pytest.mark.django_db
def test_it_shows_the_csv_rows_it_cannot_read(books, finance_officer):
    # given
    client = _client(finance_officer)
    content = (
        b"date;description;amount\n2026-03-05;<script>alert(1)</script>;10,00\n2026-03-06;x;diez\n"
    )
    # when
    response = _upload(books, client, content, "csv", "march.csv")
    # then
    page = response.content.decode()
    assert "Line 3" in page and "<script>alert(1)</script>" not in page
    assert BankStatement.objects.count() == 0


@pytest.mark.django_db
def test_it_refuses_a_file_over_the_size_limit(books, finance_officer):
    # given
    client = _client(finance_officer)
    # when
    response = _upload(books, client, b"x" * (2 * 1024 * 1024 + 1))
    # then
    assert response.status_code == 200
    assert "larger than 2 MB" in response.content.decode()
    assert response.context["preview"] is None


@pytest.mark.django_db
def test_it_refuses_a_tampered_confirmation(books, finance_officer):
    # given
    client = _client(finance_officer)
    # when
    response = client.post(
        reverse("finance:bank-import"),
        {
            "step": "confirm",
            "account": "x",
            "file_format": "camt053",
            "file_name": "a",
            "content": "%%%",
        },
    )
    # then
    assert response.status_code == 200 and BankStatement.objects.count() == 0


# --- The statement page and its actions -----------------------------------------------


@pytest.mark.django_db
def test_it_shows_the_lines_with_their_suggestions(bank_world, finance_officer):
    # when
    response = _client(finance_officer).get(
        reverse("finance:bank-detail", kwargs={"pk": bank_world["statement"].pk})
    )
    # then
    assert response.status_code == 200
    rows = response.context["view"].rows
    assert [s.line for s in rows[0].suggestions] == [bank_world["receipt"]]
    page = response.content.decode()
    assert reverse("finance:bank-line-match", kwargs={"pk": bank_world["credit"].pk}) in page
    assert "Reconcile</button>" not in page


@pytest.mark.django_db
def test_it_shows_the_comptroller_the_page_without_actions(bank_world, comptroller):
    # when
    response = _client(comptroller).get(
        reverse("finance:bank-detail", kwargs={"pk": bank_world["statement"].pk})
    )
    # then
    page = response.content.decode()
    assert response.status_code == 200
    assert "bank-line-match" not in page and "/match/" not in page and "/explain/" not in page


@pytest.mark.django_db
def test_it_matches_a_suggested_line(bank_world, finance_officer):
    # when
    response = _client(finance_officer).post(
        reverse("finance:bank-line-match", kwargs={"pk": bank_world["credit"].pk}),
        {"ledger_line": bank_world["receipt"].pk},
    )
    # then
    assert response.status_code == 302
    assert (
        BankStatementLine.objects.get(pk=bank_world["credit"].pk).matched_line
        == bank_world["receipt"]
    )


@pytest.mark.django_db
def test_it_finds_a_ledger_line_outside_the_window_and_matches_it(
    bank_world, finance_officer, django_assert_num_queries
):
    # given the debit of 250.50 on 12 March was recorded in the books five weeks earlier
    from secretariat.finance.tests.banking_world import bank_line_of, pay

    early = bank_line_of(
        pay(
            bank_world,
            finance_officer,
            amount=25050,
            day=dt.date(2026, 2, 5),
            reference="INV-76",
        ),
        bank_world["accounts"]["1110"],
    )
    client = _client(finance_officer)
    url = reverse("finance:bank-line-find", kwargs={"pk": bank_world["debit"].pk})
    # when
    client.get(url)
    with django_assert_num_queries(FIND_QUERIES):
        response = client.get(url)
    # then both ledger lines of 250.50 are offered, newest first, not the receipt
    assert response.status_code == 200
    assert list(response.context["page_obj"].object_list) == [bank_world["payment"], early]
    assert "Payment INV-76" in response.content.decode()
    # when the early one is chosen
    client.post(
        reverse("finance:bank-line-match", kwargs={"pk": bank_world["debit"].pk}),
        {"ledger_line": early.pk},
    )
    # then
    assert BankStatementLine.objects.get(pk=bank_world["debit"].pk).matched_line == early
    # and the line's page no longer offers anything to match
    page = client.get(url).content.decode()
    assert "no longer open to matching" in page or "ya no admite" in page
    assert "/match/" not in page


FIND_QUERIES = 8


@pytest.mark.django_db
def test_it_refuses_a_match_to_the_wrong_line_and_says_why(bank_world, finance_officer):
    # given
    client = _client(finance_officer)
    url = reverse("finance:bank-line-match", kwargs={"pk": bank_world["credit"].pk})
    # when
    response = client.post(url, {"ledger_line": bank_world["payment"].pk}, follow=True)
    # then
    assert "amounts differ" in response.content.decode()
    assert BankStatementLine.objects.get(pk=bank_world["credit"].pk).state == "unmatched"
    response = client.post(url, {"ledger_line": "1 OR 1=1"}, follow=True)
    assert "Choose a ledger line" in response.content.decode()


@pytest.mark.django_db
def test_it_explains_a_line_and_shows_an_empty_explanation_refused(bank_world, finance_officer):
    # given
    client = _client(finance_officer)
    url = reverse("finance:bank-line-explain", kwargs={"pk": bank_world["debit"].pk})
    # when
    empty = client.post(url, {"explanation": "   "})
    done = client.post(url, {"explanation": "Bank charges"})
    # then
    assert empty.status_code == 200 and "This field is required" in empty.content.decode()
    assert done.status_code == 302
    assert BankStatementLine.objects.get(pk=bank_world["debit"].pk).explanation == "Bank charges"


@pytest.mark.django_db
def test_it_unmatches_with_a_reason(bank_world, finance_officer):
    # given
    bank_line_match(
        actor=finance_officer, bank_line=bank_world["credit"], ledger_line=bank_world["receipt"]
    )
    client = _client(finance_officer)
    url = reverse("finance:bank-line-unmatch", kwargs={"pk": bank_world["credit"].pk})
    # when
    response = client.post(url, {"reason": "Wrong receipt"})
    # then
    assert response.status_code == 302
    assert BankStatementLine.objects.get(pk=bank_world["credit"].pk).state == "unmatched"


@pytest.mark.django_db
def test_it_auto_matches_what_the_officer_confirms(bank_world, finance_officer):
    # given
    client = _client(finance_officer)
    url = reverse("finance:bank-auto-match", kwargs={"pk": bank_world["statement"].pk})
    # when
    proposals = client.get(url)
    confirmed = client.post(url)
    # then
    assert len(proposals.context["pairs"]) == 2
    assert BankStatementLine.objects.filter(state="matched").count() == 2
    assert confirmed.status_code == 302


@pytest.mark.django_db
def test_it_refuses_to_reconcile_with_unmatched_lines_then_reconciles(bank_world, finance_officer):
    # given
    client = _client(finance_officer)
    url = reverse("finance:bank-reconcile", kwargs={"pk": bank_world["statement"].pk})
    # when
    refused = client.post(url, follow=True)
    client.post(reverse("finance:bank-auto-match", kwargs={"pk": bank_world["statement"].pk}))
    done = client.post(url)
    # then
    assert "still unmatched" in refused.content.decode()
    assert done.status_code == 302
    assert BankStatement.objects.get().state == "reconciled"


@pytest.mark.django_db
def test_it_shows_the_reconciliation_report(bank_world, comptroller):
    # when
    response = _client(comptroller).get(
        reverse("finance:bank-report", kwargs={"pk": bank_world["statement"].pk})
    )
    # then
    assert response.status_code == 200
    report = response.context["report"]
    assert report.closing_balance == 224950 and len(report.bank_only) == 2
    assert "Difference not explained" in response.content.decode()


@pytest.mark.django_db
def test_it_answers_404_for_a_missing_statement(books, finance_officer):
    response = _client(finance_officer).get(reverse("finance:bank-detail", kwargs={"pk": 999}))
    assert response.status_code == 404


# --- Query counts ---------------------------------------------------------------------


def _statement_of(books, actor, size: int, statement_id: str) -> BankStatement:
    """A statement of `size` receipts, and one entry with a bank line for each (so that every
    statement line has a suggestion)."""
    bank = books["accounts"]["1110"]
    amounts = [1000 + index for index in range(size)]
    entry_record(
        actor=actor,
        journal=books["journals"]["BNK"],
        date=dt.date(2026, 3, 10),
        description=f"Receipts {statement_id}",
        lines=[LineSpec(bank, "debit", cents) for cents in amounts]
        + [LineSpec(books["accounts"]["1210"], "credit", sum(amounts))],
        source_kind=SourceKind.TRANSFER,
    )
    movements = [
        (f"{cents / 100:.2f}", "CRDT", "2026-03-11", f"{statement_id}-{cents}", "Receipt")
        for cents in amounts
    ]
    return import_file(actor, bank, camt053(movements, statement_id=statement_id))


@pytest.mark.django_db
@pytest.mark.parametrize("size", [10, 100])
def test_it_reads_the_statement_page_in_a_fixed_number_of_queries(
    books, finance_officer, size, django_assert_num_queries
):
    # given
    statement = _statement_of(books, finance_officer, size, f"S{size}")
    client = _client(finance_officer)
    url = reverse("finance:bank-detail", kwargs={"pk": statement.pk})
    # when / then: session, user, groups (the permission), the statement, the page's count
    # and lines, the aggregate of counts, the suggestions (one query), and the messages
    with django_assert_num_queries(QUERIES_DETAIL):
        response = client.get(url)
    assert response.status_code == 200
    assert all(row.suggestions for row in response.context["view"].rows)


@pytest.mark.django_db
@pytest.mark.parametrize("size", [3, 30])
def test_it_reads_the_list_in_a_fixed_number_of_queries(
    books, finance_officer, size, django_assert_num_queries
):
    # given
    for index in range(size):
        import_file(
            finance_officer,
            books["accounts"]["1110"],
            camt053(TWO_MOVEMENTS[:1], statement_id=f"L{index}"),
        )
    client = _client(finance_officer)
    # when / then: session, user, groups, the count and the page of statements
    with django_assert_num_queries(QUERIES_LIST):
        response = client.get(reverse("finance:bank-list"))
    assert response.status_code == 200


QUERIES_DETAIL = 10
QUERIES_LIST = 7
