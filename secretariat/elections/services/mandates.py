"""The mandate an election gives: from the term's start to its end, naming how, where and by
which resolution the holder was elected (issue #11: "The mandates of those elected are
created from the term's start")."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify
from django.utils.translation import gettext as _

from secretariat.core.access import require
from secretariat.core.audit import locked, save_audited, snapshot
from secretariat.core.models import User
from secretariat.elections.models import Contest, NominationVersion, Round
from secretariat.elections.selectors.eligibility import latest_version
from secretariat.governance.models import Mandate, Person

MANAGE = "elections.manage_ballots"
PERSON_FIELDS = ["name", "slug", "nationality", "source"]
MANDATE_FIELDS = [
    "office",
    "holder",
    "person",
    "how",
    "session",
    "resolution",
    "valid_from",
    "valid_to",
    "term_label",
    "decision",
    "source",
]


def _free_slug(name: str) -> str:
    base = (slugify(name) or "person")[:100]
    slug, n = base, 1
    while Person.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def person_for_candidate(*, actor: User, version: NominationVersion) -> Person:
    """The governance person the candidate is: the nomination's, else the one of exactly that
    name, else a new one with the candidate's nationality (audited). Inside the caller's
    transaction."""
    nomination = version.nomination
    known = nomination.person
    if known is not None:
        return known
    person = Person.objects.filter(name=version.candidate_name).order_by("pk").first()
    if person is None:
        person = Person(
            name=version.candidate_name,
            slug=_free_slug(version.candidate_name),
            nationality=version.candidate_nationality,
            source=_("Nomination to %(call)s") % {"call": nomination.call},
        )
        save_audited(person, actor=actor, event="person.created", fields=PERSON_FIELDS)
    old = snapshot(nomination, ["person"])
    nomination.person = person
    save_audited(
        nomination,
        actor=actor,
        event="nomination.person_linked",
        old=old,
        new={"person": person.pk},
        clean=False,  # one foreign key set to a person just read or created
    )
    return person


@transaction.atomic
def mandate_from_election(*, actor: User, contest: Contest) -> Mandate:
    """The elected candidate's mandate from the Call's term start to its end (exclusive), how
    they were elected (secret ballot or acclamation), the session, the resolution and the
    round; the contest records it."""
    require(actor, MANAGE)
    contest = locked(contest)
    if contest.state != Contest.State.ELECTED or contest.elected_id is None:
        raise ValidationError(_("Nobody has been elected in this contest."))
    if contest.mandate_id is not None:
        raise ValidationError(_("The mandate of this election is already recorded."))
    elected = contest.elected
    assert elected is not None  # checked above
    version = latest_version(elected)
    if version is None:
        raise ValidationError(_("The nomination has no candidate's data."))
    last = contest.rounds.order_by("-number").first()
    assert last is not None
    person = person_for_candidate(actor=actor, version=version)
    call_office = contest.call_office
    session = contest.session
    mandate = Mandate(
        office=call_office.office,
        holder=version.candidate_name,
        person=person,
        how=Mandate.How.ACCLAMATION
        if last.method == Round.Method.ACCLAMATION
        else Mandate.How.ELECTED,
        session=session,
        resolution=contest.resolution,
        valid_from=call_office.term_start,
        valid_to=call_office.term_end,
        # the term's end is exclusive: a term to 1 January 2032 is "2029–2031"
        term_label=f"{call_office.term_start.year}–{(call_office.term_end - dt.timedelta(days=1)).year}",
        decision=(
            _("Resolution No. %(number)s") % {"number": contest.resolution.number}
            if contest.resolution
            else ""
        ),
        source=_("Elected at %(session)s, round %(number)s")
        % {"session": session, "number": last.number},
    )
    save_audited(
        mandate,
        actor=actor,
        event="mandate.elected",
        fields=MANDATE_FIELDS,
        reason=_("Election of %(office)s") % {"office": call_office.office},
    )
    old = snapshot(contest, ["mandate"])
    contest.mandate = mandate
    save_audited(
        contest,
        actor=actor,
        event="contest.mandate_recorded",
        old=old,
        new={"mandate": mandate.pk},
        clean=False,  # the mandate just created for this contest
    )
    return mandate
