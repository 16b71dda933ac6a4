"""Synthetic sessions for the benchmarks only (origin "synthetic"; never real data).

`seed_session_scale --items 60 --participants 300 --voters 1000` creates, or completes:

- synthetic full members ("Miembro titular sintético NNNNN", origin synthetic, one full
  membership each), as many as the larger of the voters and the delegations needed;
- the benchmark session: General Assembly, ordinary session No. 900 ("Benchmark session"),
  convened, agenda adopted and documents published, with ITEMS agenda items (every tenth
  with two sub-items), two documents per item each with a small PDF in es and en, and
  PARTICIPANTS delegates with accepted credentials (three per synthetic member: head,
  delegate, adviser);
- the vote session: General Assembly, ordinary session No. 901, open, with VOTERS synthetic
  full members each with one present, accredited head of delegation who has an account
  (voter0001@bench.invalid ...; no usable password: the load script makes their sessions),
  and one motion ready to be put to a secret vote;
- a staff account, bench.staff@bench.invalid (officer role), for the staff page and to open
  and close the vote.

Rows are bulk-created without history rows: this is benchmark data, not anyone's record.
Running it again with the same numbers adds nothing; larger numbers add what is missing.
"""

from __future__ import annotations

import datetime as dt
import math
import zoneinfo
from typing import Any

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction
from django.utils import timezone

from secretariat.core import roles
from secretariat.core.models import User
from secretariat.governance.management.sample_files import tiny_pdf
from secretariat.governance.models import (
    AgendaItem,
    Body,
    Document,
    DocumentFile,
    Motion,
    Participant,
    Session,
)
from secretariat.members.models import Category, Country, Institution, Membership, Source

BENCH_NUMBER = 900
VOTE_NUMBER = 901
SLUG_PREFIX = "bench-titular-"
SOURCE = "Datos sintéticos para pruebas de rendimiento (seed_session_scale)"
STAFF_EMAIL = "bench.staff@bench.invalid"
TZ = zoneinfo.ZoneInfo("America/Mexico_City")
BATCH = 500
OUTCOMES = [o for o, _label in AgendaItem.Outcome.choices]
DELEGATE_ROLES = [Participant.Role.HEAD, Participant.Role.DELEGATE, Participant.Role.ADVISER]


def voter_email(n: int) -> str:
    return f"voter{n:04d}@bench.invalid"


class Command(BaseCommand):
    help = "Synthetic General Assembly sessions for the benchmarks (agenda, delegates, voters)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--items", type=int, default=60, help="Agenda items (default 60).")
        parser.add_argument(
            "--participants", type=int, default=300, help="Accredited delegates (default 300)."
        )
        parser.add_argument(
            "--voters", type=int, default=1000, help="Voting members present (default 1000)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        items, participants, voters = options["items"], options["participants"], options["voters"]
        if min(items, participants, voters) < 1:
            raise CommandError("--items, --participants and --voters must be 1 or more.")
        if not Body.objects.filter(code="general-assembly").exists():
            call_command("seed_ciss", stdout=self.stdout, stderr=self.stderr)
        self.now = timezone.now()
        self.created = 0
        delegations = math.ceil(participants / len(DELEGATE_ROLES))
        with transaction.atomic():
            assembly = Body.objects.get(code="general-assembly")
            members = self._members(max(voters, delegations))
            self.staff = self._staff()
            bench = self._session(
                assembly,
                BENCH_NUMBER,
                state=Session.State.CONVENED,
                starts_at=self._local(timezone.localdate() + dt.timedelta(days=45), 10),
                title_es="Sesión de benchmark (datos sintéticos)",
                title_en="Benchmark session",
            )
            self._agenda(bench, items)
            self._delegates(bench, members[:delegations], participants)
            vote = self._session(
                assembly,
                VOTE_NUMBER,
                state=Session.State.OPEN,
                starts_at=self.now - dt.timedelta(hours=1),
                title_es="Sesión de benchmark: votación secreta (datos sintéticos)",
                title_en="Benchmark session: secret vote",
            )
            self._voters(vote, members[:voters])
            self._motion(vote)
        self.stdout.write(
            self.style.SUCCESS(
                f"Benchmark sessions: {self.created} rows created. "
                f"Session page: /es/sessions/{bench.pk}/ ({items} items, {participants} "
                f"delegates); vote session pk={vote.pk} ({voters} voters)."
            )
        )

    # --- helpers ---------------------------------------------------------------------------

    def _local(self, day: dt.date, hour: int) -> dt.datetime:
        return dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)

    def _members(self, count: int) -> list[int]:
        """Ids of `count` synthetic full members, in order, creating the missing ones."""
        existing = dict(
            Institution.objects.filter(slug__startswith=SLUG_PREFIX).values_list("slug", "pk")
        )
        missing = [n for n in range(1, count + 1) if f"{SLUG_PREFIX}{n:05d}" not in existing]
        if missing:
            countries = list(Country.objects.order_by("code"))
            full = Category.objects.get(code="full")
            new = [
                Institution(
                    name=f"Miembro titular sintético {n:05d}",
                    acronym=f"MTS{n:05d}",
                    slug=f"{SLUG_PREFIX}{n:05d}",
                    country=countries[n % len(countries)],
                    origin=Source.SYNTHETIC,
                    source=SOURCE,
                )
                for n in missing
            ]
            Institution.objects.bulk_create(new, batch_size=BATCH)
            existing = dict(
                Institution.objects.filter(slug__startswith=SLUG_PREFIX).values_list("slug", "pk")
            )
            Membership.objects.bulk_create(
                [
                    Membership(
                        institution_id=existing[f"{SLUG_PREFIX}{n:05d}"],
                        category=full,
                        valid_from=dt.date(2000, 1, 1),
                        source=SOURCE,
                    )
                    for n in missing
                ],
                batch_size=BATCH,
            )
            self.created += 2 * len(missing)
        return [existing[f"{SLUG_PREFIX}{n:05d}"] for n in range(1, count + 1)]

    def _staff(self) -> User:
        user = User.objects.filter(email=STAFF_EMAIL).first()
        if user is None:
            user = User.objects.create_user(
                email=STAFF_EMAIL, password=None, full_name="Oficial sintético (benchmark)"
            )
            self.created += 1
        group, _ = Group.objects.get_or_create(name=roles.OFFICER)
        user.groups.add(group)
        return user

    def _session(
        self,
        body: Body,
        number: int,
        *,
        state: str,
        starts_at: dt.datetime,
        title_es: str,
        title_en: str,
    ) -> Session:
        session = Session.objects.filter(
            body=body, kind=Session.Kind.ORDINARY, number=number
        ).first()
        if session is not None:
            if session.origin != Source.SYNTHETIC:
                raise CommandError(f"Session No. {number} of {body} exists and is not synthetic.")
            return session
        session = Session(
            body=body,
            kind=Session.Kind.ORDINARY,
            number=number,
            title_es=title_es,
            title_en=title_en,
            starts_at=starts_at,
            ends_at=starts_at + dt.timedelta(days=2),
            place="Ciudad de México",
            country=Country.objects.filter(code="MX").first(),
            languages=["es", "en"],
            state=state,
            convened_at=self.now - dt.timedelta(days=60),
            documents_deadline=starts_at - dt.timedelta(days=15),
            agenda_adopted_at=self.now - dt.timedelta(days=30),
            documents_published_at=self.now - dt.timedelta(days=20),
            opened_at=self.now if state == Session.State.OPEN else None,
            chair="Presidencia (sintético)",
            secretary="Secretaría General (sintético)",
            origin=Source.SYNTHETIC,
            source=SOURCE,
        )
        session.save()
        self.created += 1
        return session

    def _agenda(self, session: Session, count: int) -> None:
        """`count` top-level items (every tenth with two sub-items), two documents each."""
        top = list(
            AgendaItem.objects.filter(session=session, parent__isnull=True).order_by("position")
        )
        have = len(top)
        if have >= count:
            return
        new = [
            AgendaItem(
                session=session,
                position=n,
                title_es=f"Punto sintético {n}: informe y deliberación",
                title_en=f"Synthetic item {n}: report and deliberation",
                description_es="Punto de orden del día generado para la prueba de rendimiento.",
                description_en="Agenda item generated for the benchmark.",
                presenter="Secretaría General",
                outcome=OUTCOMES[n % len(OUTCOMES)],
            )
            for n in range(have + 1, count + 1)
        ]
        AgendaItem.objects.bulk_create(new, batch_size=BATCH)
        new = list(
            AgendaItem.objects.filter(
                session=session, parent__isnull=True, position__gt=have
            ).order_by("position")
        )
        children = [
            AgendaItem(
                session=session,
                parent=item,
                position=k,
                title_es=f"Subpunto {item.position}.{k}",
                title_en=f"Sub-item {item.position}.{k}",
                presenter="Secretaría General",
                outcome=AgendaItem.Outcome.INFORMATION,
            )
            for item in new
            if item.position % 10 == 3
            for k in (1, 2)
        ]
        AgendaItem.objects.bulk_create(children, batch_size=BATCH)
        documents = [
            Document(
                session=session,
                agenda_item=item,
                symbol=f"BENCH/{item.position:02d}/{k}",
                title_es=f"Documento {k} del punto {item.position}",
                title_en=f"Document {k} of item {item.position}",
                created_by=self.staff,
            )
            for item in new
            for k in (1, 2)
        ]
        Document.objects.bulk_create(documents, batch_size=BATCH)
        documents = list(
            Document.objects.filter(session=session, agenda_item__in=new).order_by("pk")
        )
        files = []
        for doc in documents:
            for lang in ("es", "en"):
                content = tiny_pdf(f"{doc.symbol} ({lang})", ["Documento sintético (benchmark)."])
                name = default_storage.save(
                    f"governance/sessions/{session.pk}/{doc.pk}/v1-{lang}-documento.pdf",
                    ContentFile(content),
                )
                files.append(
                    DocumentFile(
                        document=doc,
                        version=1,
                        language=lang,
                        file=name,
                        original_name=f"{doc.symbol.replace('/', '-')}-{lang}.pdf",
                        size=len(content),
                        content_type="application/pdf",
                        uploaded_by=self.staff,
                    )
                )
        DocumentFile.objects.bulk_create(files, batch_size=BATCH)
        self.created += len(new) + len(children) + len(documents) + len(files)

    def _delegates(self, session: Session, members: list[int], count: int) -> None:
        have = Participant.objects.filter(session=session).count()
        if have >= count:
            return
        rows = []
        for index in range(have, count):
            institution_id = members[index // len(DELEGATE_ROLES)]
            role = DELEGATE_ROLES[index % len(DELEGATE_ROLES)]
            rows.append(
                Participant(
                    session=session,
                    institution_id=institution_id,
                    full_name=f"Persona sintética {index + 1:05d}",
                    position="Cargo sintético",
                    email=f"delegado{index + 1:05d}@bench.invalid",
                    role=role,
                    credentials=Participant.Credentials.ACCEPTED,
                    checked_by=self.staff,
                    checked_at=self.now,
                    registered_by=self.staff,
                )
            )
        Participant.objects.bulk_create(rows, batch_size=BATCH)
        self.created += len(rows)

    def _voters(self, session: Session, members: list[int]) -> None:
        """One present, accredited head of delegation with an account per member."""
        seated = set(
            Participant.objects.filter(session=session).values_list("institution_id", flat=True)
        )
        todo = [(n, pk) for n, pk in enumerate(members, start=1) if pk not in seated]
        if not todo:
            return
        emails = [voter_email(n) for n, _pk in todo]
        known = set(User.objects.filter(email__in=emails).values_list("email", flat=True))
        users = [
            User(
                username=voter_email(n),
                email=voter_email(n),
                full_name=f"Votante sintético {n:04d}",
                password=make_password(None),  # unusable: sessions are made by the load script
            )
            for n, _pk in todo
            if voter_email(n) not in known
        ]
        User.objects.bulk_create(users, batch_size=BATCH)
        user_ids = dict(User.objects.filter(email__in=emails).values_list("email", "pk"))
        rows = [
            Participant(
                session=session,
                institution_id=pk,
                user_id=user_ids[voter_email(n)],
                full_name=f"Votante sintético {n:04d}",
                email=voter_email(n),
                role=Participant.Role.HEAD,
                credentials=Participant.Credentials.ACCEPTED,
                checked_by=self.staff,
                checked_at=self.now,
                registered_by=self.staff,
                present=True,
                present_since=self.now,
            )
            for n, pk in todo
        ]
        Participant.objects.bulk_create(rows, batch_size=BATCH)
        self.created += len(users) + len(rows)

    def _motion(self, session: Session) -> None:
        """A motion ready for a vote (the load script adds one per run when it is used up)."""
        if Motion.objects.filter(session=session, state=Motion.State.PROPOSED).exists():
            return
        number = Motion.objects.filter(session=session).order_by("-number").first()
        Motion.objects.create(
            session=session,
            number=(number.number + 1) if number else 1,
            proposer="Secretaría General (sintético)",
            title_es="Moción sintética para la prueba de carga",
            title_en="Synthetic motion for the load test",
            text_es="Texto sintético de la moción.",
            text_en="Synthetic text of the motion.",
            created_by=self.staff,
        )
        self.created += 1
