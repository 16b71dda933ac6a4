"""The bank statement services (services/banking.py): import after a preview, idempotent
by SHA-256; matching one-to-one with its refusals; explaining, unmatching, auto-match; the
reconciliation and its report."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from secretariat.core.models import ActionLog
from secretariat.finance.models import BankStatement, BankStatementLine
from secretariat.finance.selectors.banking import (
    auto_match_pairs,
    reconciliation_report,
    suggestions_for,
)
from secretariat.finance.services.banking import (
    bank_line_explain,
    bank_line_match,
    bank_line_unmatch,
    bank_statement_auto_match,
    bank_statement_preview,
    bank_statement_reconcile,
)
from secretariat.finance.services.ledger import LineSpec, entry_draft
from secretariat.finance.tests.banking_world import (  # noqa: F401  (fixtures)
    TWO_MOVEMENTS,
    bank_line_of,
    bank_world_fixture,
    books_fixture,
    camt053,
    import_file,
    pay,
    receive,
)


def last_log(event: str) -> ActionLog:
    return ActionLog.objects.filter(event=event).latest("id")


# --- Import ---------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_previews_without_saving_anything(books, finance_officer):
    # given
    content = camt053(TWO_MOVEMENTS, closing="2249.50")
    # when
    preview = bank_statement_preview(
        actor=finance_officer,
        account=books["accounts"]["1110"],
        file_name="march.xml",
        content=content,
        file_format="camt053",
    )
    # then
    assert preview.can_confirm and preview.errors == () and preview.warnings == ()
    assert len(preview.parsed.lines) == 2
    assert BankStatement.objects.count() == 0


@pytest.mark.django_db
def test_it_imports_a_statement_and_logs_it(books, finance_officer):
    # when
    statement = import_file(
        finance_officer, books["accounts"]["1110"], camt053(TWO_MOVEMENTS, closing="2249.50")
    )
    # then
    assert statement.state == BankStatement.State.OPEN
    assert statement.lines.filter(state="unmatched").count() == 2
    assert (statement.opening_balance, statement.closing_balance) == (100000, 224950)
    log = last_log("bank_statement.imported")
    assert log.actor == finance_officer and log.new_values["sha256"] == statement.sha256
    assert ActionLog.objects.filter(event="bank_line.imported").count() == 2


@pytest.mark.django_db
def test_it_refuses_the_same_file_twice(books, finance_officer):
    # given
    content = camt053(TWO_MOVEMENTS)
    import_file(finance_officer, books["accounts"]["1110"], content)
    # when / then
    with pytest.raises(ValidationError, match="already imported"):
        import_file(finance_officer, books["accounts"]["1110"], content)
    assert BankStatement.objects.count() == 1


@pytest.mark.django_db
def test_it_refuses_a_statement_in_another_currency(books, finance_officer):
    # when / then
    with pytest.raises(ValidationError, match="kept in MXN"):
        import_file(finance_officer, books["accounts"]["1120"], camt053(TWO_MOVEMENTS))
    assert BankStatement.objects.count() == 0


@pytest.mark.django_db
def test_it_refuses_an_account_that_is_not_a_bank_account(books, finance_officer):
    with pytest.raises(ValidationError, match="not an open bank account"):
        import_file(finance_officer, books["accounts"]["5310"], camt053(TWO_MOVEMENTS))


@pytest.mark.django_db
def test_it_refuses_a_file_with_unreadable_lines_and_saves_nothing(books, finance_officer):
    # given
    content = b"date;amount\n2026-03-01;10.00\n2026-03-02;abc\n"
    # when / then
    with pytest.raises(ValidationError, match="Line 3"):
        import_file(finance_officer, books["accounts"]["1110"], content, "csv")
    assert BankStatement.objects.count() == 0 and BankStatementLine.objects.count() == 0


@pytest.mark.django_db
def test_it_warns_when_the_balances_do_not_add_up(books, finance_officer):
    # when
    preview = bank_statement_preview(
        actor=finance_officer,
        account=books["accounts"]["1110"],
        file_name="x.xml",
        content=camt053(TWO_MOVEMENTS, closing="9999.00"),
        file_format="camt053",
    )
    # then: a warning, not an error
    assert preview.can_confirm
    assert "do not add up" in preview.warnings[0]


@pytest.mark.django_db
def test_it_refuses_an_import_without_permission(books, officer):
    with pytest.raises(PermissionDenied):
        import_file(officer, books["accounts"]["1110"], camt053(TWO_MOVEMENTS))


# --- Matching -------------------------------------------------------------------------


@pytest.mark.django_db
def test_it_suggests_the_ledger_line_with_the_same_amount(bank_world):
    # when
    found = suggestions_for(
        bank_world["statement"].account_id, [bank_world["credit"], bank_world["debit"]]
    )
    # then
    credit = found[bank_world["credit"].pk]
    assert [s.line for s in credit] == [bank_world["receipt"]]
    assert credit[0].days == 1 and credit[0].similarity == 1.0
    assert [s.line for s in found[bank_world["debit"].pk]] == [bank_world["payment"]]


@pytest.mark.django_db
def test_it_ranks_suggestions_by_reference_then_date(bank_world, finance_officer):
    # given: another receipt of the same amount, nearer in date but another reference
    other = receive(
        bank_world, finance_officer, amount=150000, day=dt.date(2026, 3, 5), reference="XYZ-9"
    )
    far = receive(
        bank_world, finance_officer, amount=150000, day=dt.date(2026, 3, 20), reference="ABC"
    )
    # when
    found = suggestions_for(bank_world["statement"].account_id, [bank_world["credit"]])
    # then: the same reference first, then the nearest; beyond ten days none
    lines = [s.line for s in found[bank_world["credit"].pk]]
    assert lines == [bank_world["receipt"], bank_line_of(other, bank_world["accounts"]["1110"])]
    assert bank_line_of(far, bank_world["accounts"]["1110"]) not in lines


@pytest.mark.django_db
def test_it_matches_a_line_and_logs_it(bank_world, finance_officer):
    # when
    line = bank_line_match(
        actor=finance_officer, bank_line=bank_world["credit"], ledger_line=bank_world["receipt"]
    )
    # then
    assert line.state == "matched" and line.matched_line == bank_world["receipt"]
    assert line.matched_by == finance_officer
    log = last_log("bank_line.matched")
    assert log.new_values["matched_line"] == bank_world["receipt"].pk


@pytest.mark.django_db
def test_it_refuses_a_match_of_another_amount_or_side(bank_world, finance_officer):
    # when / then: the payment (a credit in the books) for a credit on the statement
    with pytest.raises(ValidationError, match="amounts differ"):
        bank_line_match(
            actor=finance_officer, bank_line=bank_world["credit"], ledger_line=bank_world["payment"]
        )
    assert BankStatementLine.objects.get(pk=bank_world["credit"].pk).state == "unmatched"


@pytest.mark.django_db
def test_it_refuses_a_match_on_another_account(bank_world, finance_officer):
    # given: the receivable side of the same entry
    other = bank_world["receipt"].entry.lines.exclude(pk=bank_world["receipt"].pk).get()
    # when / then
    with pytest.raises(ValidationError, match="not on this bank account"):
        bank_line_match(actor=finance_officer, bank_line=bank_world["credit"], ledger_line=other)


@pytest.mark.django_db
def test_it_refuses_a_ledger_line_matched_twice(bank_world, finance_officer):
    # given: a second statement with the same movement
    second = import_file(
        finance_officer,
        bank_world["accounts"]["1110"],
        camt053(TWO_MOVEMENTS[:1], statement_id="OTHER"),
    )
    bank_line_match(
        actor=finance_officer, bank_line=bank_world["credit"], ledger_line=bank_world["receipt"]
    )
    # when / then
    with pytest.raises(ValidationError, match="already matched"):
        bank_line_match(
            actor=finance_officer, bank_line=second.lines.get(), ledger_line=bank_world["receipt"]
        )


@pytest.mark.django_db
def test_it_refuses_a_line_of_a_draft_entry(bank_world, finance_officer):
    # given
    bank = bank_world["accounts"]["1110"]
    draft = entry_draft(
        actor=finance_officer,
        journal=bank_world["journals"]["BNK"],
        date=dt.date(2026, 3, 5),
        description="Draft receipt",
        lines=[
            LineSpec(bank, "debit", 150000),
            LineSpec(bank_world["accounts"]["1210"], "credit", 150000),
        ],
    )
    # when / then
    with pytest.raises(ValidationError, match="not posted"):
        bank_line_match(
            actor=finance_officer,
            bank_line=bank_world["credit"],
            ledger_line=draft.lines.get(account=bank),
        )


@pytest.mark.django_db
def test_it_refuses_to_match_a_line_already_matched(bank_world, finance_officer):
    # given
    bank_line_match(
        actor=finance_officer, bank_line=bank_world["credit"], ledger_line=bank_world["receipt"]
    )
    # when / then
    with pytest.raises(ValidationError, match="already matched or explained"):
        bank_line_match(
            actor=finance_officer, bank_line=bank_world["credit"], ledger_line=bank_world["receipt"]
        )


@pytest.mark.django_db
def test_it_refuses_matching_without_permission(bank_world, comptroller):
    with pytest.raises(PermissionDenied):
        bank_line_match(
            actor=comptroller, bank_line=bank_world["credit"], ledger_line=bank_world["receipt"]
        )


@pytest.mark.django_db
def test_it_unmatches_with_a_reason(bank_world, finance_officer):
    # given
    bank_line_match(
        actor=finance_officer, bank_line=bank_world["credit"], ledger_line=bank_world["receipt"]
    )
    # when
    line = bank_line_unmatch(
        actor=finance_officer, bank_line=bank_world["credit"], reason="Wrong receipt"
    )
    # then
    assert line.state == "unmatched" and line.matched_line is None and line.matched_by is None
    log = last_log("bank_line.unmatched")
    assert log.reason == "Wrong receipt" and log.old_values["state"] == "matched"


@pytest.mark.django_db
def test_it_refuses_an_unmatch_without_a_reason(bank_world, finance_officer):
    bank_line_match(
        actor=finance_officer, bank_line=bank_world["credit"], ledger_line=bank_world["receipt"]
    )
    with pytest.raises(ValidationError):
        bank_line_unmatch(actor=finance_officer, bank_line=bank_world["credit"], reason="  ")


@pytest.mark.django_db
def test_it_explains_a_line(bank_world, finance_officer):
    # when
    line = bank_line_explain(
        actor=finance_officer, bank_line=bank_world["debit"], explanation="Bank charges, to post"
    )
    # then
    assert line.state == "explained" and line.explanation == "Bank charges, to post"
    assert last_log("bank_line.explained").reason == "Bank charges, to post"


@pytest.mark.django_db
def test_it_refuses_an_empty_explanation(bank_world, finance_officer):
    with pytest.raises(ValidationError):
        bank_line_explain(actor=finance_officer, bank_line=bank_world["debit"], explanation="")
    assert BankStatementLine.objects.get(pk=bank_world["debit"].pk).state == "unmatched"


@pytest.mark.django_db
def test_it_auto_matches_exact_unique_suggestions(bank_world, finance_officer):
    # given: a third line whose amount has two candidates in the books is left alone
    receive(bank_world, finance_officer, amount=700, day=dt.date(2026, 3, 6), reference="R1")
    receive(bank_world, finance_officer, amount=700, day=dt.date(2026, 3, 7), reference="R2")
    third = import_file(
        finance_officer,
        bank_world["accounts"]["1110"],
        camt053([("7.00", "CRDT", "2026-03-06", "R3", "x")], statement_id="S3"),
    )
    # when
    assert len(auto_match_pairs(bank_world["statement"])) == 2
    count = bank_statement_auto_match(actor=finance_officer, statement=bank_world["statement"])
    # then
    assert count == 2
    assert set(bank_world["statement"].lines.values_list("state", flat=True)) == {"matched"}
    assert auto_match_pairs(third) == []


# --- Reconciling ----------------------------------------------------------------------


@pytest.mark.django_db
def test_it_refuses_to_reconcile_with_unmatched_lines(bank_world, finance_officer):
    # given
    bank_line_match(
        actor=finance_officer, bank_line=bank_world["credit"], ledger_line=bank_world["receipt"]
    )
    # when / then
    with pytest.raises(ValidationError, match="still unmatched"):
        bank_statement_reconcile(actor=finance_officer, statement=bank_world["statement"])
    assert BankStatement.objects.get().state == "open"


@pytest.mark.django_db
def test_it_reconciles_and_freezes_the_lines(bank_world, finance_officer):
    # given
    bank_line_match(
        actor=finance_officer, bank_line=bank_world["credit"], ledger_line=bank_world["receipt"]
    )
    bank_line_explain(actor=finance_officer, bank_line=bank_world["debit"], explanation="Timing")
    # when
    statement = bank_statement_reconcile(actor=finance_officer, statement=bank_world["statement"])
    # then
    assert statement.state == "reconciled" and statement.reconciled_at is not None
    assert last_log("bank_statement.reconciled").new_values["state"] == "reconciled"
    with pytest.raises(ValidationError, match="reconciled"):
        bank_line_unmatch(actor=finance_officer, bank_line=bank_world["credit"], reason="x")
    with pytest.raises(ValidationError, match="already reconciled"):
        bank_statement_reconcile(actor=finance_officer, statement=statement)


@pytest.mark.django_db
def test_it_reports_the_difference_explained_by_outstanding_items(bank_world, finance_officer):
    # given: the books start with the opening 1,000.00; a cheque not yet on the statement
    receive(
        bank_world, finance_officer, amount=100000, day=dt.date(2026, 2, 28), reference="OPENING"
    )
    pay(bank_world, finance_officer, amount=4000, day=dt.date(2026, 3, 30), reference="CHQ-9")
    opening = bank_world["accounts"]["1110"].lines.get(entry__source_reference="OPENING")
    bank_line_match(
        actor=finance_officer, bank_line=bank_world["credit"], ledger_line=bank_world["receipt"]
    )
    bank_line_match(
        actor=finance_officer, bank_line=bank_world["debit"], ledger_line=bank_world["payment"]
    )
    # when
    report = reconciliation_report(BankStatement.objects.get())
    # then: ledger 1,000 + 1,500 − 250.50 − 40 = 2,209.50; the cheque is the outstanding
    # item (the opening line, before the first statement, is in its opening balance)
    assert report.ledger_balance == 220950
    assert report.closing_balance == 224950
    assert report.difference == 4000
    cheque = bank_world["accounts"]["1110"].lines.get(entry__source_reference="CHQ-9")
    assert [row.pk for row in report.ledger_only] == [cheque.pk]
    assert opening.pk not in {row.pk for row in report.ledger_only}
    assert report.ledger_only_total == -4000
    assert report.bank_only == ()
    assert report.adjusted_ledger_balance == 224950
    assert report.unexplained == 0


@pytest.mark.django_db
def test_it_reports_unmatched_statement_lines(bank_world):
    # when
    report = reconciliation_report(bank_world["statement"])
    # then
    assert [row.sequence for row in report.bank_only] == [1, 2]
    assert report.bank_only_total == 150000 - 25050
    assert report.unexplained == 224950 - (
        report.ledger_balance + report.bank_only_total - report.ledger_only_total
    )
    with pytest.raises(AttributeError):
        report.closing_balance = 0  # frozen
