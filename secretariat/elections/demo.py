"""The demo's example election cycle, built through the elections services (registered with
core.demo; `manage.py seed_demo`).

An EXAMPLE, labelled as one wherever it shows (Call.is_example, titles starting
"Ejemplo —" / "Example —", candidates named "… de ejemplo (ficticia)"): a Call for
Candidates for the 2029–2031 term of the Secretary General and the Comptroller, electing at
the demo's example General Assembly session, with the default requirements of
shared/domain.md [D] (nominated by a full member in good standing, national of a member
country, CV, letter of acceptance and nominating letter, re-election limit) and, for the
Comptroller, the nationality different from the Secretary General's [C]. Approved by a
recorded decision and published; then:

- rep.a@demo.ciss nominates, in the member portal, a candidate for each office for its full
  member (Institución de ejemplo 01), with every document;
- a second full member (Institución de ejemplo 03) sends a candidate for Secretary General on
  paper, recorded by the Secretariat with its date of receipt, without the letter of
  acceptance: the review marks it not met and the Secretariat asks for it;
- every nomination is reviewed (the pre-filled findings confirmed), the list of candidates
  published and the eligibility report drafted and signed by the Secretary General.

The ballot is NOT run (an elected example would then hold a real office on the Authorities
page): a visitor can open the example session at the console and run it from the Call's
ballot page. Every person named here is fictitious. Nothing runs twice: when an example
Call exists, the builder leaves it as it is.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile
from django.utils import timezone

from secretariat.core import demo
from secretariat.core.audit import save_audited, snapshot
from secretariat.core.demo import DemoContext
from secretariat.core.models import User
from secretariat.elections.models import Call, CallOffice, Nomination, Requirement
from secretariat.elections.selectors.eligibility import applicable_requirements, latest_version
from secretariat.elections.selectors.reports import default_agenda_item, report_agenda_items
from secretariat.elections.services import call_parts
from secretariat.elections.services import calls as call_services
from secretariat.elections.services import nominations as nomination_services
from secretariat.elections.services import reports as report_services
from secretariat.elections.services import reviews as review_services
from secretariat.governance.management.sample_files import tiny_pdf
from secretariat.governance.models import AgendaItem, Body, Office, Session
from secretariat.members.models import Country, Institution, Membership, Source

TZ_NAME = "America/Mexico_City"
TZ = zoneinfo.ZoneInfo(TZ_NAME)
REASON = "seed_demo: ciclo electoral de ejemplo"
TERM_START = dt.date(2029, 1, 1)
TERM_END = dt.date(2032, 1, 1)  # exclusive: the term is 2029–2031
OFFICES = ("secretary-general", "comptroller")

TITLE = {
    "es": "Ejemplo — Convocatoria a candidaturas: Secretaría General y Contraloría, 2029–2031",
    "en": "Example — Call for Candidates: Secretary General and Comptroller, 2029–2031",
    "pt": "Exemplo — Convocatória de candidaturas: Secretaria-Geral e Controladoria, 2029–2031",
    "fr": "Exemple — Appel à candidatures : Secrétariat général et Contrôle, 2029–2031",
}
TEXT = {
    "es": (
        "Convocatoria de EJEMPLO creada para la demostración: no es una convocatoria real de "
        "la CISS. La Secretaría General invita a los miembros titulares a presentar "
        "candidaturas para la Secretaría General y la Contraloría, periodo 2029–2031."
    ),
    "en": (
        "EXAMPLE Call created for the demonstration: not a real CISS Call. The General "
        "Secretariat invites the full members to nominate candidates for Secretary General "
        "and Comptroller, term 2029–2031."
    ),
}


def is_acceptance_letter(requirement: Requirement) -> bool:
    """The default document requirement "Letter of acceptance" (its label in any language)."""
    labels = " ".join(
        str(getattr(requirement, f"label_{lang}", "") or "") for lang in ("es", "en", "pt", "fr")
    )
    return requirement.kind == Requirement.Kind.DOCUMENT and any(
        word in labels.lower() for word in ("accept", "acept", "aceit")
    )


class ExampleElection:
    """Builds the example cycle step by step, each step through the elections services."""

    def __init__(self, context: DemoContext) -> None:
        self.context = context
        self.today = context.today
        self.officer = context.account("officer@demo.ciss")
        self.sg = context.account("sg@demo.ciss")
        self.rep_a = context.account("rep.a@demo.ciss")
        self.now = timezone.now()

    # --- the pieces it stands on ----------------------------------------------------------

    def session(self) -> Session | None:
        assembly = Body.objects.filter(code="general-assembly").first()
        return (
            Session.objects.filter(body=assembly, origin=Source.EXAMPLE)
            .order_by("-starts_at")
            .first()
        )

    def represented(self, user: User) -> Institution:
        rep = user.representations.open_ended().select_related("institution").first()
        assert rep is not None, f"{user.email} represents no institution"
        return rep.institution

    def second_member(self, first: Institution) -> Institution:
        """A full member other than rep.a's (Institución de ejemplo 03, full since 2019)."""
        membership = (
            Membership.objects.active_on(self.today)
            .filter(category__code="full", institution__origin=Source.EXAMPLE)
            .exclude(institution=first)
            .select_related("institution")
            .order_by("institution__slug")
            .first()
        )
        assert membership is not None, "the demo has no second full member"
        return membership.institution

    # --- the cycle ------------------------------------------------------------------------

    def run(self) -> None:
        if Call.objects.filter(is_example=True).exists():
            return
        session = self.session()
        call = self.call(session)
        call = self.approve_and_publish(call)
        nominations = self.nominations(call)
        self.review(call, nominations)
        self.report(call)
        self.context.summary.append(
            f"Example election: Call {call.pk} ({call.state}), "
            f"{len(nominations)} nominations reviewed, ballot ready at session "
            f"{session.pk if session else '—'}."
        )

    def call(self, session: Session | None) -> Call:
        opens = dt.datetime.combine(self.today - dt.timedelta(days=30), dt.time(9), tzinfo=TZ)
        deadline = dt.datetime.combine(
            self.today + dt.timedelta(days=7), dt.time(23, 59, 59), tzinfo=TZ
        )
        call = call_services.call_create(
            actor=self.officer,
            data={
                "reference": "EJEMPLO-2029",
                "title_es": TITLE["es"],
                "title_en": TITLE["en"],
                "title_pt": TITLE["pt"],
                "title_fr": TITLE["fr"],
                "text_es": TEXT["es"],
                "text_en": TEXT["en"],
                "session": session,
                "opens_at": opens,
                "deadline": deadline,
                "time_zone": TZ_NAME,
                "languages": ["es", "en", "pt", "fr"],
            },
        )
        self._mark_example(call)
        self.context.created += 1
        for order, code in enumerate(OFFICES):
            call_parts.call_office_add(
                actor=self.officer,
                call=call,
                office=Office.objects.get(code=code),
                data={"places": 1, "term_start": TERM_START, "term_end": TERM_END, "order": order},
            )
            self.context.created += 1
        self.context.created += Requirement.objects.filter(call=call).count()
        return call

    def _mark_example(self, call: Call) -> None:
        """Label the draft as the demo's example (the pages say so), recorded like any change."""
        before = snapshot(call, ["is_example"])
        call.is_example = True
        save_audited(
            call,
            actor=self.officer,
            event="call.marked_example",
            fields=["is_example"],
            before=before,
            exclude=["state"],  # FSM-protected: cleaning would set it
            reason=REASON,
        )

    def approve_and_publish(self, call: Call) -> Call:
        call = call_services.call_approve(
            actor=self.sg,
            call=call,
            decision=(
                "Ejemplo: aprobada por la Secretaría General para la demostración "
                "(decisión ficticia)."
            ),
            resolution=None,
        )
        return call_services.call_publish(actor=self.sg, call=call)

    def _files(
        self, call: Call, candidate: str, *, without_acceptance: bool = False
    ) -> dict[int, UploadedFile]:
        """A small example PDF for each document requirement (all, or all but the letter of
        acceptance)."""
        files: dict[int, UploadedFile] = {}
        for requirement in Requirement.objects.filter(
            call=call, kind=Requirement.Kind.DOCUMENT
        ).order_by("order", "pk"):
            label = getattr(requirement, "label_es", "") or requirement.label
            if without_acceptance and is_acceptance_letter(requirement):
                continue
            content = tiny_pdf(label, [f"Documento de ejemplo: {candidate}", "Contenido ficticio."])
            files[requirement.pk] = SimpleUploadedFile(
                f"ejemplo-{requirement.pk}.pdf", content, content_type="application/pdf"
            )
        return files

    def nominations(self, call: Call) -> list[Nomination]:
        first = self.represented(self.rep_a)
        second = self.second_member(first)
        offices = {co.office.code: co for co in CallOffice.objects.filter(call=call)}
        countries = {c.code: c for c in Country.objects.filter(code__in=["MX", "CL", "CO"])}
        made = []
        for code, name, country, bio in (
            (
                "secretary-general",
                "Candidata de ejemplo A (ficticia)",
                "MX",
                "Persona ficticia creada para la demostración.",
            ),
            (
                "comptroller",
                "Candidato de ejemplo C (ficticio)",
                "CO",
                "Persona ficticia creada para la demostración.",
            ),
        ):
            made.append(
                nomination_services.nomination_submit(
                    actor=self.rep_a,
                    call=call,
                    call_office=offices[code],
                    institution=first,
                    data={
                        "candidate_name": name,
                        "candidate_nationality": countries[country],
                        "candidate_email": "candidatura@ejemplo.invalid",
                        "candidate_biography": bio,
                        "note": "Ejemplo de demostración.",
                    },
                    files=self._files(call, name),
                )
            )
        name = "Candidato de ejemplo B (ficticio)"
        made.append(
            nomination_services.nomination_record_paper(
                actor=self.officer,
                call=call,
                call_office=offices["secretary-general"],
                institution=second,
                received_at=self.now - dt.timedelta(days=2),
                data={
                    "candidate_name": name,
                    "candidate_nationality": countries["CL"],
                    "candidate_email": "",
                    "candidate_biography": "Persona ficticia creada para la demostración.",
                    "note": "Ejemplo: recibida en papel en la sede de la CISS.",
                },
                files=self._files(call, name, without_acceptance=True),
            )
        )
        self.context.created += len(made)
        return made

    def review(self, call: Call, nominations: list[Nomination]) -> None:
        """Each finding confirmed as the data suggest (met where the data have nothing to
        say); the missing letter of acceptance marked not met and asked for."""
        for nomination in nominations:
            version = latest_version(nomination)
            assert version is not None
            suggestions = review_services.findings_prefill(version=version)
            documents = set(version.documents.values_list("requirement_id", flat=True))
            for requirement in applicable_requirements(nomination.call_office):
                suggestion = suggestions.get(requirement.pk)
                suggested = suggestion.result if suggestion is not None else ""
                missing = (
                    requirement.kind == Requirement.Kind.DOCUMENT
                    and requirement.pk not in documents
                )
                # the data's suggestion where it decides; met where only an officer can tell
                result = "not_met" if missing else (suggested if suggested != "pending" else "")
                result = result or "met"
                note = (
                    "Ejemplo: no se recibió el documento; se solicitó al miembro."
                    if missing
                    else "Ejemplo: verificado por la Secretaría (demostración)."
                )
                review_services.finding_record(
                    actor=self.officer,
                    version=version,
                    requirement=requirement,
                    result=result,
                    note=note,
                    evidence="Expediente de ejemplo" if not missing else "",
                )
                if missing:
                    review_services.correction_request(
                        actor=self.officer,
                        nomination=nomination,
                        requirement=requirement,
                        message=(
                            "Ejemplo: falta la carta de aceptación de la candidatura; "
                            "por favor envíela dentro del plazo."
                        ),
                    )
        review_services.candidates_publish(actor=self.officer, call=call)

    def election_item(self, call: Call) -> AgendaItem | None:
        """The session's election item ("Elección de autoridades"), where the report goes."""
        return default_agenda_item(list(report_agenda_items(call)))

    def report(self, call: Call) -> None:
        report = report_services.report_draft(actor=self.officer, call=call, reason="")
        report_services.report_sign(
            actor=self.sg, report=report, agenda_item=self.election_item(call), reason=REASON
        )


def build(context: DemoContext) -> None:
    """The example election cycle (once)."""
    ExampleElection(context).run()


def register_demo() -> None:
    demo.register("elections.example", build, order=30)
