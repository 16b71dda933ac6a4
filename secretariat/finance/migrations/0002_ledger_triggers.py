"""On PostgreSQL the database repeats the ledger's two rules (design.md "Finance ledger"):

- every posted entry balances per currency and in the base currency, and has two lines
  or more: a deferred constraint trigger checks it at commit, whatever wrote the rows;
- a posted entry's lines never change, and a posted entry changes only to "reversed":
  a trigger refuses the update or delete.

SQLite has no such triggers here: the service (finance.services.ledger) checks both."""

from django.db import migrations

BALANCE = """
CREATE OR REPLACE FUNCTION finance_entry_must_balance() RETURNS trigger AS $$
DECLARE
    eid bigint;
    entry_state varchar;
BEGIN
    IF TG_TABLE_NAME = 'finance_entry' THEN
        eid := NEW.id;
    ELSIF TG_OP = 'DELETE' THEN
        eid := OLD.entry_id;
    ELSE
        eid := NEW.entry_id;
    END IF;
    SELECT state INTO entry_state FROM finance_entry WHERE id = eid;
    IF entry_state IN ('posted', 'reversed') THEN
        IF (SELECT count(*) FROM finance_line WHERE entry_id = eid) < 2
           OR EXISTS (
                SELECT 1 FROM finance_line WHERE entry_id = eid
                GROUP BY currency HAVING sum(debit) <> sum(credit))
           OR (SELECT coalesce(sum(base_debit - base_credit), 0)
                 FROM finance_line WHERE entry_id = eid) <> 0 THEN
            RAISE EXCEPTION 'finance entry % does not balance', eid
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE CONSTRAINT TRIGGER finance_line_balance
    AFTER INSERT OR UPDATE OR DELETE ON finance_line
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION finance_entry_must_balance();

CREATE CONSTRAINT TRIGGER finance_entry_balance
    AFTER INSERT OR UPDATE ON finance_entry
    DEFERRABLE INITIALLY DEFERRED
    FOR EACH ROW EXECUTE FUNCTION finance_entry_must_balance();

CREATE OR REPLACE FUNCTION finance_posted_lines_are_frozen() RETURNS trigger AS $$
DECLARE
    entry_state varchar;
BEGIN
    SELECT state INTO entry_state FROM finance_entry WHERE id = OLD.entry_id;
    IF entry_state IN ('posted', 'reversed') THEN
        RAISE EXCEPTION 'finance entry % is posted: its lines never change', OLD.entry_id
            USING ERRCODE = 'check_violation';
    END IF;
    IF TG_OP = 'DELETE' THEN
        RETURN OLD;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER finance_line_frozen
    BEFORE UPDATE OR DELETE ON finance_line
    FOR EACH ROW EXECUTE FUNCTION finance_posted_lines_are_frozen();

CREATE OR REPLACE FUNCTION finance_posted_entry_is_frozen() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF OLD.state <> 'draft' THEN
            RAISE EXCEPTION 'finance entry % is not a draft: it is never deleted', OLD.id
                USING ERRCODE = 'check_violation';
        END IF;
        RETURN OLD;
    END IF;
    IF OLD.state IN ('posted', 'reversed', 'discarded') THEN
        IF NEW.journal_id <> OLD.journal_id OR NEW.number IS DISTINCT FROM OLD.number
           OR NEW.date <> OLD.date OR NEW.period_id <> OLD.period_id
           OR NEW.fiscal_year_id <> OLD.fiscal_year_id
           OR NOT (NEW.state = OLD.state OR (OLD.state = 'posted' AND NEW.state = 'reversed')) THEN
            RAISE EXCEPTION 'finance entry % is %: it never changes', OLD.id, OLD.state
                USING ERRCODE = 'check_violation';
        END IF;
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER finance_entry_frozen
    BEFORE UPDATE OR DELETE ON finance_entry
    FOR EACH ROW EXECUTE FUNCTION finance_posted_entry_is_frozen();
"""

DROP = """
DROP TRIGGER IF EXISTS finance_entry_frozen ON finance_entry;
DROP FUNCTION IF EXISTS finance_posted_entry_is_frozen();
DROP TRIGGER IF EXISTS finance_line_frozen ON finance_line;
DROP FUNCTION IF EXISTS finance_posted_lines_are_frozen();
DROP TRIGGER IF EXISTS finance_entry_balance ON finance_entry;
DROP TRIGGER IF EXISTS finance_line_balance ON finance_line;
DROP FUNCTION IF EXISTS finance_entry_must_balance();
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:  # no parameters: % is plpgsql's
            cursor.execute(BALANCE)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(DROP)


class Migration(migrations.Migration):
    dependencies = [("finance", "0001_initial")]

    operations = [migrations.RunPython(forwards, backwards)]
