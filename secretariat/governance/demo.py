"""The demo's example sessions, built through the governance services (registered with
core.demo; `manage.py seed_demo`).

- An example ordinary General Assembly (origin "example": the pages label it), numbered next
  in the Assembly's ordinary series after the reference sessions, about three weeks ahead,
  in Mexico City, in es/en/pt, convened; an agenda of nine items (two sub-items under the
  financial report) with small generated PDFs for some; delegates of twenty full members
  (example persons: "Delegada de ejemplo 1"...; the delegations are the demo's example
  institutions), credentials accepted for most, one rejected with a note, two pending, one
  proxy accepted, the seat holders registered. rep.a@demo.ciss is the head of its full
  member's delegation (so the demo can show a vote), rep.b@demo.ciss heads its associate
  member's delegation (voice only).
- An extraordinary session of the Standing Committee, in preparation (draft), convened by
  the President, with no agenda yet: the demo builds it.

Every person named here is fictitious. Nothing runs twice: a body that already has an
example session is left as it is.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from dataclasses import dataclass

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db.models import Max

from secretariat.core import demo
from secretariat.core.demo import DemoContext
from secretariat.core.models import User
from secretariat.governance.management.sample_files import tiny_pdf
from secretariat.governance.models import AgendaItem, Body, Participant, Session
from secretariat.governance.services import agenda as agenda_services
from secretariat.governance.services import convocation as convocation_services
from secretariat.governance.services import documents as document_services
from secretariat.governance.services import proxies as proxy_services
from secretariat.governance.services import registration as registration_services
from secretariat.governance.services import sessions as session_services
from secretariat.members.models import Country, Institution, Membership, Source

TZ_NAME = "America/Mexico_City"
TZ = zoneinfo.ZoneInfo(TZ_NAME)
EXAMPLE_SOURCE = "Ejemplo de demostración (seed_demo): sesión ficticia, no es una sesión real"
EXAMPLE_NOTES = (
    "[es] Sesión de ejemplo creada para la demostración: no es una sesión real de la CISS; "
    "las personas y los documentos son ficticios.\n\n"
    "[en] Example session created for the demonstration: not a real CISS session; the "
    "persons and documents are fictitious."
)
REASON = "seed_demo: sesión de ejemplo"
DELEGATIONS = 20
Outcome = AgendaItem.Outcome


@dataclass(frozen=True)
class Item:
    es: str
    en: str
    pt: str
    outcome: str
    presenter: str = ""
    document: tuple[str, str, str] | None = None  # titles es/en/pt of a document, if any
    children: tuple[Item, ...] = ()


AGENDA: tuple[Item, ...] = (
    Item(
        "Apertura de la sesión",
        "Opening of the session",
        "Abertura da sessão",
        Outcome.INFORMATION,
        "Presidencia de la CISS",
    ),
    Item(
        "Adopción del orden del día",
        "Adoption of the agenda",
        "Adoção da ordem do dia",
        Outcome.DECISION,
        "Presidencia de la CISS",
    ),
    Item(
        "Informe de la Secretaría General",
        "Report of the Secretary General",
        "Relatório da Secretaria-Geral",
        Outcome.INFORMATION,
        "Secretaría General",
        (
            "Informe de la Secretaría General",
            "Report of the Secretary General",
            "Relatório da Secretaria-Geral",
        ),
    ),  # fmt: skip
    Item(
        "Informe financiero y presupuestario",
        "Financial and budgetary report",
        "Relatório financeiro e orçamentário",
        Outcome.DECISION,
        "Secretaría General",
        children=(
            Item(
                "Estados financieros auditados e informe de la Contraloría",
                "Audited financial statements and report of the Comptroller",
                "Demonstrações financeiras auditadas e relatório da Controladoria",
                Outcome.INFORMATION,
                "Contraloría",
                (
                    "Estados financieros auditados",
                    "Audited financial statements",
                    "Demonstrações financeiras auditadas",
                ),
            ),  # fmt: skip
            Item(
                "Programa de actividades y proyecciones financieras del trienio",
                "Triennial activity programme and financial projections",
                "Programa de atividades e projeções financeiras do triênio",
                Outcome.DECISION,
                "Secretaría General",
                (
                    "Proyecto de programa trienal",
                    "Draft triennial programme",
                    "Projeto de programa trienal",
                ),
            ),  # fmt: skip
        ),
    ),
    Item(
        "Solicitudes de afiliación",
        "Affiliation requests",
        "Pedidos de filiação",
        Outcome.DECISION,
        "Secretaría General",
        (
            "Solicitudes de afiliación recibidas",
            "Affiliation requests received",
            "Pedidos de filiação recebidos",
        ),
    ),  # fmt: skip
    Item(
        "Elección de autoridades",
        "Election of authorities",
        "Eleição das autoridades",
        Outcome.ELECTION,
        "Secretaría General",
        (
            "Candidaturas recibidas e informe de elegibilidad",
            "Nominations received and eligibility report",
            "Candidaturas recebidas e relatório de elegibilidade",
        ),
    ),  # fmt: skip
    Item(
        "Informes de las comisiones CASS",
        "Reports of the CASS commissions",
        "Relatórios das comissões CASS",
        Outcome.INFORMATION,
        "Presidencias de las comisiones CASS",
    ),
    Item(
        "Sede y fecha de la próxima sesión",
        "Venue and date of the next session",
        "Sede e data da próxima sessão",
        Outcome.DECISION,
        "Presidencia de la CISS",
    ),
    Item(
        "Clausura de la sesión",
        "Closing of the session",
        "Encerramento da sessão",
        Outcome.INFORMATION,
        "Presidencia de la CISS",
    ),
)


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=TZ)


def _pdf(name: str, title: str, lang: str, session: Session) -> SimpleUploadedFile:
    lines = {
        "es": ["Documento de ejemplo para la demostración.", "Contenido ficticio."],
        "en": ["Example document for the demonstration.", "Fictitious content."],
        "pt": ["Documento de exemplo para a demonstração.", "Conteúdo fictício."],
    }[lang]
    heading = getattr(session, f"title_{lang}") or getattr(session, "title_es", "")
    content = tiny_pdf(title, [heading, *lines])
    return SimpleUploadedFile(f"{name}-{lang}.pdf", content, content_type="application/pdf")


class ExampleSessions:
    def __init__(self, *, actor: User, today: dt.date, rep_a: User, rep_b: User) -> None:
        self.actor = actor
        self.today = today
        self.rep_a = rep_a
        self.rep_b = rep_b
        self.created = 0
        self.assembly = Body.objects.get(code="general-assembly")
        self.committee = Body.objects.get(code="standing-committee")

    def run(self) -> int:
        if not Session.objects.filter(body=self.assembly, origin=Source.EXAMPLE).exists():
            self.assembly_session()
        if not Session.objects.filter(body=self.committee, origin=Source.EXAMPLE).exists():
            self.committee_session()
        return self.created

    # --- General Assembly ------------------------------------------------------------------

    def _number(self) -> int:
        ordinary = Session.objects.filter(body=self.assembly, kind=Session.Kind.ORDINARY)
        highest = ordinary.filter(origin=Source.REFERENCE).aggregate(n=Max("number"))["n"]
        number = (highest or 0) + 1
        while ordinary.filter(number=number).exists():
            number += 1
        return number

    def assembly_session(self) -> Session:
        start = self.today + dt.timedelta(days=21)
        session = session_services.session_create(
            actor=self.actor,
            body=self.assembly,
            kind=Session.Kind.ORDINARY,
            number=self._number(),
            starts_at=_at(start, 10),
            ends_at=_at(start + dt.timedelta(days=2), 14),
            time_zone=TZ_NAME,
            place="Ciudad de México",
            country=Country.objects.filter(code="MX").first(),
            languages=["es", "en", "pt"],
            chair="Presidencia de la CISS",
            secretary="Secretaría General de la CISS",
            notes=EXAMPLE_NOTES,
            origin=Source.EXAMPLE,
            source=EXAMPLE_SOURCE,
            reason=REASON,
        )
        self.created += 1
        for item in AGENDA:
            self._item(session, item, None)
        session = convocation_services.session_convene(
            actor=self.actor,
            session=session,
            short_notice_reason="Ejemplo de demostración",
            reason=REASON,
        )
        self._delegations(session)
        return session

    def _item(self, session: Session, item: Item, parent: AgendaItem | None) -> None:
        row = agenda_services.agenda_item_add(
            actor=self.actor,
            session=session,
            title_es=item.es,
            title_en=item.en,
            title_pt=item.pt,
            presenter=item.presenter,
            outcome=item.outcome,
            parent=parent,
        )
        self.created += 1
        if item.document is not None:
            es, en, pt = item.document
            name = f"ejemplo-{row.pk}"
            document_services.document_add(
                actor=self.actor,
                session=session,
                agenda_item=row,
                title_es=es,
                title_en=en,
                title_pt=pt,
                files={
                    "es": _pdf(name, es, "es", session),
                    "en": _pdf(name, en, "en", session),
                },
                note="Documento de ejemplo (seed_demo)",
            )
            self.created += 1
        for child in item.children:
            self._item(session, child, row)

    def _full_members(self) -> list[Institution]:
        """Twenty example full members in force on the session's date, rep.a's first."""
        day = self.today + dt.timedelta(days=21)
        memberships = (
            Membership.objects.active_on(day)
            .filter(category__code="full", institution__origin=Source.EXAMPLE)
            .select_related("institution")
            .order_by("institution__slug")
        )
        members = [m.institution for m in memberships]
        own = self._represented(self.rep_a)
        if own in members:
            members.remove(own)
            members.insert(0, own)
        return members[:DELEGATIONS]

    def _represented(self, user: User) -> Institution | None:
        rep = user.representations.open_ended().select_related("institution")
        first = rep.first()
        return first.institution if first else None

    def _delegations(self, session: Session) -> None:
        members = self._full_members()
        heads = self._heads_and_delegates(session, members)
        self._check_credentials(heads)
        self._associate_and_seat_holders(session)
        self._proxy(session, members)

    def _heads_and_delegates(
        self, session: Session, members: list[Institution]
    ) -> list[Participant]:
        """A head for each full member (rep.a's own for its member), a second delegate for some."""
        register = registration_services.delegate_register
        heads: list[Participant] = []
        number = 0
        for index, institution in enumerate(members):
            user = self.rep_a if index == 0 else None
            number += 0 if user else 1
            feminine = number % 2 == 1
            head = register(
                actor=self.actor,
                session=session,
                institution=institution,
                full_name=(
                    user.full_name
                    if user
                    else f"{'Delegada' if feminine else 'Delegado'} de ejemplo {number}"
                ),
                role=Participant.Role.HEAD,
                position="Jefa de delegación" if feminine else "Jefe de delegación",
                email=user.email if user else f"delegado{number}@ejemplo.invalid",
                user=user,
            )
            heads.append(head)
            self.created += 1
            if index % 4 == 1:  # a second delegate for some delegations
                number += 1
                delegate = register(
                    actor=self.actor,
                    session=session,
                    institution=institution,
                    full_name=f"Delegado de ejemplo {number}",
                    role=Participant.Role.DELEGATE,
                    position="Delegado",
                    email=f"delegado{number}@ejemplo.invalid",
                )
                registration_services.credentials_decide(
                    actor=self.actor, participant=delegate, accept=True
                )
                self.created += 1
        return heads

    def _check_credentials(self, heads: list[Participant]) -> None:
        """Most accepted, one rejected with a note, the last two left to check."""
        decide = registration_services.credentials_decide
        rejected = heads[5] if len(heads) > 5 else None
        for head in heads[:-2]:
            if head is rejected:
                decide(
                    actor=self.actor,
                    participant=head,
                    accept=False,
                    note=(
                        "Ejemplo: la carta de credenciales no está firmada por la autoridad "
                        "competente de la institución."
                    ),
                )
            else:
                decide(actor=self.actor, participant=head, accept=True)

    def _associate_and_seat_holders(self, session: Session) -> None:
        """rep.b heads the delegation of its member (associate: voice, no vote); the seat
        holders (Secretary General, Comptroller, CIESS Director), accepted."""
        decide = registration_services.credentials_decide
        associate = self._represented(self.rep_b)
        if associate is not None:
            participant = registration_services.delegate_register(
                actor=self.actor,
                session=session,
                institution=associate,
                full_name=self.rep_b.full_name,
                role=Participant.Role.HEAD,
                position="Jefe de delegación",
                email=self.rep_b.email,
                user=self.rep_b,
            )
            decide(actor=self.actor, participant=participant, accept=True)
            self.created += 1
        self.created += registration_services.seat_holders_register(
            actor=self.actor, session=session
        )
        for holder in Participant.objects.filter(
            session=session, role=Participant.Role.SEAT_HOLDER, credentials="pending"
        ):
            decide(actor=self.actor, participant=holder, accept=True)

    def _proxy(self, session: Session, members: list[Institution]) -> None:
        """One proxy: a full member without delegates gives its vote to rep.a's member."""
        absent = self._full_members_without_delegation(session)
        if absent is not None and members:
            proxy = proxy_services.proxy_give(
                actor=self.actor,
                session=session,
                grantor=absent,
                holder=members[0],
                note="Ejemplo: carta poder de demostración.",
            )
            proxy_services.proxy_decide(actor=self.actor, proxy=proxy, accept=True)
            self.created += 1

    def _full_members_without_delegation(self, session: Session) -> Institution | None:
        day = self.today + dt.timedelta(days=21)
        seated = Participant.objects.filter(session=session, institution__isnull=False).values(
            "institution_id"
        )
        membership = (
            Membership.objects.active_on(day)
            .filter(category__code="full", institution__origin=Source.EXAMPLE)
            .exclude(institution_id__in=seated)
            .select_related("institution")
            .order_by("institution__slug")
            .first()
        )
        return membership.institution if membership else None

    # --- Standing Committee ----------------------------------------------------------------

    def committee_session(self) -> Session:
        start = self.today + dt.timedelta(days=45)
        session = session_services.session_create(
            actor=self.actor,
            body=self.committee,
            kind=Session.Kind.EXTRAORDINARY,
            convened_by=Session.ConvenedBy.PRESIDENT,
            starts_at=_at(start, 10),
            ends_at=_at(start, 14),
            time_zone=TZ_NAME,
            place="Ciudad de México",
            country=Country.objects.filter(code="MX").first(),
            languages=["es", "en"],
            chair="Presidencia de la CISS",
            secretary="Secretaría General de la CISS",
            notes=EXAMPLE_NOTES,
            origin=Source.EXAMPLE,
            source=EXAMPLE_SOURCE,
            reason=REASON,
        )
        self.created += 1
        return session


def seed_example_sessions(*, actor: User, today: dt.date, rep_a: User, rep_b: User) -> int:
    """Create the example sessions that do not exist yet; how many records were created."""
    return ExampleSessions(actor=actor, today=today, rep_a=rep_a, rep_b=rep_b).run()


def build(context: DemoContext) -> None:
    """The example General Assembly and Standing Committee sessions (once)."""
    context.created += seed_example_sessions(
        actor=context.account("sg@demo.ciss"),
        today=context.today,
        rep_a=context.account("rep.a@demo.ciss"),
        rep_b=context.account("rep.b@demo.ciss"),
    )


def register_demo() -> None:
    demo.register("governance.sessions", build, order=20)
