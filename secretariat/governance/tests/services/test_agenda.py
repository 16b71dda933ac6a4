"""The agenda services (services/agenda.py): numbering, reordering until adoption,
sub-item depth, withdrawal, adoption, audit."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from secretariat.core.models import ActionLog
from secretariat.governance.models import AgendaItem, Session
from secretariat.governance.selectors.agenda import agenda_tree
from secretariat.governance.services import agenda as services
from secretariat.governance.tests.helpers import add_item as add
from secretariat.governance.tests.helpers import agenda_numbers as numbers
from secretariat.governance.tests.helpers import agenda_session as make_session


@pytest.fixture
def ga(session_world) -> Session:
    return make_session(session_world.assembly)


# --- Numbering ---------------------------------------------------------------------------------


def test_it_numbers_items_and_sub_items_and_skips_withdrawn_ones(ga, officer):
    # given
    opening = add(officer, ga, "Apertura")
    report = add(officer, ga, "Informe")
    add(officer, ga, "Informe financiero", parent=report)
    audit = add(officer, ga, "Auditoría", parent=report)
    add(officer, ga, "Clausura")
    assert numbers(ga) == [
        ("1", "Apertura"),
        ("2", "Informe"),
        ("2.1", "Informe financiero"),
        ("2.2", "Auditoría"),
        ("3", "Clausura"),
    ]
    # when
    services.agenda_item_withdraw(actor=officer, item=opening, reason="Merged into item 2")
    services.agenda_item_withdraw(actor=officer, item=audit, reason="Not ready")
    # then: withdrawn items stay, unnumbered; the others close ranks
    assert numbers(ga) == [
        ("", "Apertura"),
        ("1", "Informe"),
        ("1.1", "Informe financiero"),
        ("", "Auditoría"),
        ("2", "Clausura"),
    ]
    assert AgendaItem.objects.filter(session=ga).count() == 5  # never deleted
    log = ActionLog.objects.filter(event="agenda.item_withdrawn").order_by("pk").first()
    assert log.reason == "Merged into item 2" and log.old_values["number"] == "1"


def test_it_withdraws_the_sub_items_with_their_item(ga, officer):
    report = add(officer, ga, "Informe")
    child = add(officer, ga, "Anexo", parent=report)
    services.agenda_item_withdraw(actor=officer, item=report, reason="Postponed")
    child.refresh_from_db()
    assert child.withdrawn is True
    assert numbers(ga) == [("", "Informe"), ("", "Anexo")]


def test_it_keeps_sub_items_one_level_deep(ga, session_world, officer):
    # given
    report = add(officer, ga, "Informe")
    child = add(officer, ga, "Anexo", parent=report)
    other = make_session(session_world.committee, number=90)
    foreign = add(officer, other, "Otro")
    # when / then
    with pytest.raises(ValidationError) as deep:
        add(officer, ga, "Sub-sub", parent=child)
    assert "one level deep" in str(deep.value.message_dict["parent"])
    with pytest.raises(ValidationError) as elsewhere:
        add(officer, ga, "Ajeno", parent=foreign)
    assert "another session" in str(elsewhere.value.message_dict["parent"])
    assert AgendaItem.objects.filter(session=ga).count() == 2


def test_it_requires_the_spanish_title(ga, officer):
    with pytest.raises(ValidationError) as error:
        services.agenda_item_add(actor=officer, session=ga, title_es=" ", title_en="Opening")
    assert "title_es" in error.value.message_dict
    assert not AgendaItem.objects.exists()


def test_it_refuses_agenda_changes_to_those_who_do_not_manage_sessions(ga, comptroller, rep_a):
    for actor in (comptroller, rep_a):
        with pytest.raises(PermissionDenied):
            add(actor, ga, "Apertura")
    assert not AgendaItem.objects.exists()


def test_it_refuses_changes_once_the_session_is_closed(session_world, officer):
    closed = make_session(session_world.assembly, number=29, state=Session.State.CLOSED)
    with pytest.raises(ValidationError) as error:
        add(officer, closed, "Tarde")
    assert "can no longer change" in error.value.messages[0]


# --- Reordering --------------------------------------------------------------------------------


def test_it_moves_items_up_and_down_and_renumbers_their_level(ga, officer):
    # given
    a = add(officer, ga, "A")
    b = add(officer, ga, "B")
    c = add(officer, ga, "C")
    b1 = add(officer, ga, "B1", parent=b)
    b2 = add(officer, ga, "B2", parent=b)
    # when
    services.agenda_item_move(actor=officer, item=c, direction="up")
    services.agenda_item_move(actor=officer, item=b2, direction="up")
    # then
    assert numbers(ga) == [("1", "A"), ("2", "C"), ("3", "B"), ("3.1", "B2"), ("3.2", "B1")]
    log = ActionLog.objects.filter(event="agenda.item_moved", target_id=str(c.pk)).get()
    assert (log.old_values, log.new_values) == ({"number": "3"}, {"number": "2"})
    # when: down, and to a number
    services.agenda_item_move(actor=officer, item=a, direction="down")
    services.agenda_item_move(actor=officer, item=b1, to=1)
    assert numbers(ga) == [("1", "C"), ("2", "A"), ("3", "B"), ("3.1", "B1"), ("3.2", "B2")]
    # the first cannot go up, the last cannot go down
    with pytest.raises(ValidationError, match="already the first"):
        services.agenda_item_move(actor=officer, item=c, direction="up")
    with pytest.raises(ValidationError, match="already the last"):
        services.agenda_item_move(actor=officer, item=b, direction="down")


def test_it_moves_past_a_withdrawn_item(ga, officer):
    add(officer, ga, "A")
    b = add(officer, ga, "B")
    c = add(officer, ga, "C")
    services.agenda_item_withdraw(actor=officer, item=b, reason="Dropped")
    services.agenda_item_move(actor=officer, item=c, direction="up")
    assert [n for n, _t in numbers(ga) if n] == ["1", "2"]
    assert [t for n, t in numbers(ga) if n] == ["C", "A"]


def test_it_refuses_to_reorder_an_adopted_agenda(ga, officer):
    # given
    add(officer, ga, "A")
    b = add(officer, ga, "B")
    services.agenda_adopt(actor=officer, session=ga)
    # when
    with pytest.raises(ValidationError) as error:
        services.agenda_item_move(actor=officer, item=b, direction="up")
    # then
    assert "it can no longer be reordered" in error.value.messages[0]
    assert "The agenda was adopted on" in error.value.messages[0]
    assert numbers(ga) == [("1", "A"), ("2", "B")]
    assert not ActionLog.objects.filter(event="agenda.item_moved").exists()


def test_it_adopts_the_agenda_once(ga, officer):
    with pytest.raises(ValidationError, match="no items"):
        services.agenda_adopt(actor=officer, session=ga)
    add(officer, ga, "A")
    services.agenda_adopt(actor=officer, session=ga, reason="Adopted at the opening")
    ga = Session.objects.get(pk=ga.pk)
    assert ga.agenda_adopted_at is not None and ga.revision > 0
    assert ActionLog.objects.get(event="agenda.adopted").reason == "Adopted at the opening"
    with pytest.raises(ValidationError, match="already adopted"):
        services.agenda_adopt(actor=officer, session=ga)


def test_it_requires_a_reason_to_add_to_an_adopted_agenda(ga, officer):
    # given
    add(officer, ga, "A")
    services.agenda_adopt(actor=officer, session=ga)
    # when: no reason
    with pytest.raises(ValidationError) as error:
        add(officer, ga, "Asuntos varios")
    assert "say why" in error.value.message_dict["reason"][0]
    assert AgendaItem.objects.filter(session=ga).count() == 1
    # when: with a reason
    item = add(officer, ga, "Asuntos varios", reason="Requested by Mexico at the opening")
    # then
    log = ActionLog.objects.get(event="agenda.item_added_after_adoption")
    assert log.target_id == str(item.pk) and log.reason.startswith("Requested by Mexico")
    entries = agenda_tree(Session.objects.get(pk=ga.pk)).flat()
    assert [(e.number, e.added_after_adoption) for e in entries] == [("1", False), ("2", True)]


def test_it_corrects_texts_of_an_adopted_agenda_with_a_reason(ga, officer):
    item = add(officer, ga, "Informe", title_en="Reprot")
    services.agenda_adopt(actor=officer, session=ga)
    with pytest.raises(ValidationError):
        services.agenda_item_update(actor=officer, item=item, data={"title_en": "Report"})
    services.agenda_item_update(
        actor=officer, item=item, data={"title_en": "Report"}, reason="Typo in the English title"
    )
    item.refresh_from_db()
    assert item.title_en == "Report"
    log = ActionLog.objects.get(event="agenda.item_updated")
    assert log.old_values == {"title_en": "Reprot"} and log.new_values == {"title_en": "Report"}
    assert item.history.first().history_change_reason == "Typo in the English title"
