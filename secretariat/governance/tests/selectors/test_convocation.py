"""The convocation's default text: one template whose words are msgids (context
"convocation"), rendered under translation.override, gives the same text as the four
templates it replaced (session_convocation_{es,en,pt,fr}.txt), in each language.

The expected texts below are what those templates rendered. English is the msgids
themselves; Spanish, Portuguese and French need the translations listed in
/work/notes/prep-strings.md to be in the catalogs (locale/ is the lead's in this round):
until then those cases are expected to fail, and fail loudly once they pass (strict).
"""

from __future__ import annotations

import datetime as dt

import pytest

from secretariat.governance.models import Body, Session
from secretariat.governance.selectors.convocation import convocation_default_text
from secretariat.governance.selectors.sessions import zone
from secretariat.members.models import Country

MX = zone("America/Mexico_City")
_assembly = Body(
    code="general-assembly",
    name_es="Asamblea General",
    name_en="General Assembly",
    all_members_sit=True,
)
_cass = Body(
    code="cass-actuarial",
    name_es="Comisión Americana Actuarial",
    name_en="American Actuarial Commission",
    name_fr="Commission actuarielle",
)
_panama = Country(code="PA", name_es="Panamá", name_en="Panama", name_pt="Panamá", name_fr="Panama")
_convened = dt.datetime(2025, 9, 1, 12, 0, tzinfo=MX)


def _session(
    body,
    kind,
    convened_by,
    ends_at,
    place,
    online,
    country,
    languages,
    starts_at=dt.datetime(2025, 11, 20, 9, 30, tzinfo=MX),
):
    session = Session(
        body=body,
        kind=kind,
        convened_by=convened_by,
        number=31,
        starts_at=starts_at,
        ends_at=ends_at,
        time_zone="America/Mexico_City",
        title_es="XXXI Asamblea General Ordinaria",
        title_en="XXXI Ordinary General Assembly",
        title_fr="XXXI Assemblée générale ordinaire",
        requested_by="Instituto Uno\nInstituto Dos",
        languages=languages,
        place=place,
        online=online,
    )
    session.country = country
    return session


SCENARIOS: dict[str, tuple[Session, dt.datetime | None, dt.datetime]] = {
    "ordinary": (
        _session(
            _assembly,
            "ordinary",
            "statute",
            dt.datetime(2025, 11, 20, 18, 0, tzinfo=MX),
            "Ciudad de Panamá",
            True,
            _panama,
            ["es", "en", "pt", "fr"],
        ),
        dt.datetime(2025, 10, 21, 9, 30, tzinfo=MX),
        _convened,
    ),
    "requested": (
        _session(
            _assembly,
            "extraordinary",
            "committee_members",
            dt.datetime(2025, 11, 22, 13, 0, tzinfo=MX),
            "Ciudad de México",
            False,
            None,
            ["es", "fr"],
        ),
        None,
        _convened,
    ),
    "commission": (
        _session(_cass, "extraordinary", "body_members", None, "", True, None, ["es", "pt"]),
        dt.datetime(2025, 11, 1, 18, 0, tzinfo=MX),
        _convened,
    ),
    "by_its_president": (
        _session(_cass, "extraordinary", "body_president", None, "Lima", False, None, ["es"]),
        None,
        _convened,
    ),
}


EXPECTED = {
    "ordinary/es": (
        "CONVOCATORIA\n\n"
        "La Secretaría General de la Conferencia Interamericana de Seguridad Social (CISS) convoca a la XXXI Asamblea General Ordinaria.\n\n"
        "Sesión ordinaria, convocada conforme al Estatuto.\n\n"
        "Fecha: 20 de noviembre de 2025, a las 09:30 hasta las 18:00 (huso horario: America/Mexico_City, UTC−06:00).\n\n"
        "Lugar: Ciudad de Panamá, Panamá; también en línea.\n\n"
        "Idiomas de trabajo: español, inglés, portugués, francés.\n\n"
        "Los documentos para la sesión deberán enviarse a la Secretaría General a más tardar el 21 de octubre de 2025, a las 09:30 (huso horario: America/Mexico_City, UTC−06:00). El orden del día y los documentos de la sesión estarán a disposición de los miembros en la página de la sesión.\n\n"
        "Ciudad de México, 1 de septiembre de 2025. Secretaría General de la Conferencia Interamericana de Seguridad Social.\n"
    ),
    "ordinary/en": (
        "CONVOCATION\n\n"
        "The General Secretariat of the Inter-American Conference on Social Security (CISS) convenes the XXXI Ordinary General Assembly.\n\n"
        "Ordinary session, convened under the Statute.\n\n"
        "Date: Nov. 20, 2025, 9:30 a.m. to 6 p.m. (time zone: America/Mexico_City, UTC−06:00).\n\n"
        "Place: Ciudad de Panamá, Panama; also online.\n\n"
        "Working languages: Spanish, English, Portuguese, French.\n\n"
        "Documents for the session must reach the General Secretariat no later than Oct. 21, 2025, 9:30 a.m. (time zone: America/Mexico_City, UTC−06:00). The agenda and the session's documents will be available to the members on the session's page.\n\n"
        "Mexico City, Sept. 1, 2025. General Secretariat of the Inter-American Conference on Social Security.\n"
    ),
    "ordinary/pt": (
        "CONVOCAÇÃO\n\n"
        "A Secretaria-Geral da Conferência Interamericana de Seguridade Social (CISS) convoca a XXXI Asamblea General Ordinaria.\n\n"
        "Sessão ordinária, convocada nos termos do Estatuto.\n\n"
        "Data: 20 de Novembro de 2025, às 09:30 até as 18:00 (fuso horário: America/Mexico_City, UTC−06:00).\n\n"
        "Local: Ciudad de Panamá, Panamá; também on-line.\n\n"
        "Idiomas de trabalho: espanhol, inglês, português, francês.\n\n"
        "Os documentos para a sessão deverão ser enviados à Secretaria-Geral até 21 de Outubro de 2025, às 09:30 (fuso horário: America/Mexico_City, UTC−06:00). A ordem do dia e os documentos da sessão estarão à disposição dos membros na página da sessão.\n\n"
        "Cidade do México, 1 de Setembro de 2025. Secretaria-Geral da Conferência Interamericana de Seguridade Social.\n"
    ),
    "ordinary/fr": (
        "CONVOCATION\n\n"
        "Le Secrétariat général de la Conférence interaméricaine de sécurité sociale (CISS) convoque la XXXI Assemblée générale ordinaire.\n\n"
        "Session ordinaire, convoquée conformément au Statut.\n\n"
        "Date : le 20 novembre 2025, à 09:30 jusqu’à 18:00 (fuseau horaire : America/Mexico_City, UTC−06:00).\n\n"
        "Lieu : Ciudad de Panamá, Panama ; également en ligne.\n\n"
        "Langues de travail : espagnol, anglais, portugais, français.\n\n"
        "Les documents de la session doivent parvenir au Secrétariat général au plus tard le 21 octobre 2025, à 09:30 (fuseau horaire : America/Mexico_City, UTC−06:00). L’ordre du jour et les documents de la session seront mis à la disposition des membres sur la page de la session.\n\n"
        "Mexico, le 1 septembre 2025. Secrétariat général de la Conférence interaméricaine de sécurité sociale.\n"
    ),
    "requested/es": (
        "CONVOCATORIA\n\n"
        "La Secretaría General de la Conferencia Interamericana de Seguridad Social (CISS) convoca a la XXXI Asamblea General Ordinaria.\n\n"
        "Sesión extraordinaria, convocada a solicitud de los siguientes miembros del Comité Permanente: Instituto Uno; Instituto Dos.\n\n"
        "Fecha: del 20 de noviembre de 2025, a las 09:30, al 22 de noviembre de 2025, a las 13:00 (huso horario: America/Mexico_City, UTC−06:00).\n\n"
        "Lugar: Ciudad de México.\n\n"
        "Idiomas de trabajo: español, francés.\n\n"
        "El orden del día y los documentos de la sesión estarán a disposición de los miembros en la página de la sesión.\n\n"
        "Ciudad de México, 1 de septiembre de 2025. Secretaría General de la Conferencia Interamericana de Seguridad Social.\n"
    ),
    "requested/en": (
        "CONVOCATION\n\n"
        "The General Secretariat of the Inter-American Conference on Social Security (CISS) convenes the XXXI Ordinary General Assembly.\n\n"
        "Extraordinary session, convened at the request of the following members of the Standing Committee: Instituto Uno; Instituto Dos.\n\n"
        "Date: from Nov. 20, 2025, 9:30 a.m., to Nov. 22, 2025, 1 p.m. (time zone: America/Mexico_City, UTC−06:00).\n\n"
        "Place: Ciudad de México.\n\n"
        "Working languages: Spanish, French.\n\n"
        "The agenda and the session's documents will be available to the members on the session's page.\n\n"
        "Mexico City, Sept. 1, 2025. General Secretariat of the Inter-American Conference on Social Security.\n"
    ),
    "requested/pt": (
        "CONVOCAÇÃO\n\n"
        "A Secretaria-Geral da Conferência Interamericana de Seguridade Social (CISS) convoca a XXXI Asamblea General Ordinaria.\n\n"
        "Sessão extraordinária, convocada a pedido dos seguintes membros do Comitê Permanente: Instituto Uno; Instituto Dos.\n\n"
        "Data: de 20 de Novembro de 2025, às 09:30, a 22 de Novembro de 2025, às 13:00 (fuso horário: America/Mexico_City, UTC−06:00).\n\n"
        "Local: Ciudad de México.\n\n"
        "Idiomas de trabalho: espanhol, francês.\n\n"
        "A ordem do dia e os documentos da sessão estarão à disposição dos membros na página da sessão.\n\n"
        "Cidade do México, 1 de Setembro de 2025. Secretaria-Geral da Conferência Interamericana de Seguridade Social.\n"
    ),
    "requested/fr": (
        "CONVOCATION\n\n"
        "Le Secrétariat général de la Conférence interaméricaine de sécurité sociale (CISS) convoque la XXXI Assemblée générale ordinaire.\n\n"
        "Session extraordinaire, convoquée à la demande des membres suivants du Comité permanent : Instituto Uno ; Instituto Dos.\n\n"
        "Date : du 20 novembre 2025, à 09:30, au 22 novembre 2025, à 13:00 (fuseau horaire : America/Mexico_City, UTC−06:00).\n\n"
        "Lieu : Ciudad de México.\n\n"
        "Langues de travail : espagnol, français.\n\n"
        "L’ordre du jour et les documents de la session seront mis à la disposition des membres sur la page de la session.\n\n"
        "Mexico, le 1 septembre 2025. Secrétariat général de la Conférence interaméricaine de sécurité sociale.\n"
    ),
    "commission/es": (
        "CONVOCATORIA\n\n"
        "La Secretaría General de la Conferencia Interamericana de Seguridad Social (CISS) convoca a la XXXI Asamblea General Ordinaria.\n\n"
        "Sesión extraordinaria, convocada a solicitud de los siguientes miembros de Comisión Americana Actuarial: Instituto Uno; Instituto Dos.\n\n"
        "Fecha: 20 de noviembre de 2025, a las 09:30 (huso horario: America/Mexico_City, UTC−06:00).\n\n"
        "Modalidad: en línea.\n\n"
        "Idiomas de trabajo: español, portugués.\n\n"
        "Los documentos para la sesión deberán enviarse a la Secretaría General a más tardar el 1 de noviembre de 2025, a las 18:00 (huso horario: America/Mexico_City, UTC−06:00). El orden del día y los documentos de la sesión estarán a disposición de los miembros en la página de la sesión.\n\n"
        "Ciudad de México, 1 de septiembre de 2025. Secretaría General de la Conferencia Interamericana de Seguridad Social.\n"
    ),
    "commission/en": (
        "CONVOCATION\n\n"
        "The General Secretariat of the Inter-American Conference on Social Security (CISS) convenes the XXXI Ordinary General Assembly.\n\n"
        "Extraordinary session, convened at the request of the following members of the American Actuarial Commission: Instituto Uno; Instituto Dos.\n\n"
        "Date: Nov. 20, 2025, 9:30 a.m. (time zone: America/Mexico_City, UTC−06:00).\n\n"
        "Held online.\n\n"
        "Working languages: Spanish, Portuguese.\n\n"
        "Documents for the session must reach the General Secretariat no later than Nov. 1, 2025, 6 p.m. (time zone: America/Mexico_City, UTC−06:00). The agenda and the session's documents will be available to the members on the session's page.\n\n"
        "Mexico City, Sept. 1, 2025. General Secretariat of the Inter-American Conference on Social Security.\n"
    ),
    "commission/pt": (
        "CONVOCAÇÃO\n\n"
        "A Secretaria-Geral da Conferência Interamericana de Seguridade Social (CISS) convoca a XXXI Asamblea General Ordinaria.\n\n"
        "Sessão extraordinária, convocada a pedido dos seguintes membros de Comisión Americana Actuarial: Instituto Uno; Instituto Dos.\n\n"
        "Data: 20 de Novembro de 2025, às 09:30 (fuso horário: America/Mexico_City, UTC−06:00).\n\n"
        "Modalidade: on-line.\n\n"
        "Idiomas de trabalho: espanhol, português.\n\n"
        "Os documentos para a sessão deverão ser enviados à Secretaria-Geral até 1 de Novembro de 2025, às 18:00 (fuso horário: America/Mexico_City, UTC−06:00). A ordem do dia e os documentos da sessão estarão à disposição dos membros na página da sessão.\n\n"
        "Cidade do México, 1 de Setembro de 2025. Secretaria-Geral da Conferência Interamericana de Seguridade Social.\n"
    ),
    "commission/fr": (
        "CONVOCATION\n\n"
        "Le Secrétariat général de la Conférence interaméricaine de sécurité sociale (CISS) convoque la XXXI Assemblée générale ordinaire.\n\n"
        "Session extraordinaire, convoquée à la demande des membres suivants de l’organe Commission actuarielle : Instituto Uno ; Instituto Dos.\n\n"
        "Date : le 20 novembre 2025, à 09:30 (fuseau horaire : America/Mexico_City, UTC−06:00).\n\n"
        "Session tenue en ligne.\n\n"
        "Langues de travail : espagnol, portugais.\n\n"
        "Les documents de la session doivent parvenir au Secrétariat général au plus tard le 1 novembre 2025, à 18:00 (fuseau horaire : America/Mexico_City, UTC−06:00). L’ordre du jour et les documents de la session seront mis à la disposition des membres sur la page de la session.\n\n"
        "Mexico, le 1 septembre 2025. Secrétariat général de la Conférence interaméricaine de sécurité sociale.\n"
    ),
    "by_its_president/es": (
        "CONVOCATORIA\n\n"
        "La Secretaría General de la Conferencia Interamericana de Seguridad Social (CISS) convoca a la XXXI Asamblea General Ordinaria.\n\n"
        "Sesión extraordinaria, convocada por la presidencia de Comisión Americana Actuarial.\n\n"
        "Fecha: 20 de noviembre de 2025, a las 09:30 (huso horario: America/Mexico_City, UTC−06:00).\n\n"
        "Lugar: Lima.\n\n"
        "Idiomas de trabajo: español.\n\n"
        "El orden del día y los documentos de la sesión estarán a disposición de los miembros en la página de la sesión.\n\n"
        "Ciudad de México, 1 de septiembre de 2025. Secretaría General de la Conferencia Interamericana de Seguridad Social.\n"
    ),
    "by_its_president/en": (
        "CONVOCATION\n\n"
        "The General Secretariat of the Inter-American Conference on Social Security (CISS) convenes the XXXI Ordinary General Assembly.\n\n"
        "Extraordinary session, convened by the president of the American Actuarial Commission.\n\n"
        "Date: Nov. 20, 2025, 9:30 a.m. (time zone: America/Mexico_City, UTC−06:00).\n\n"
        "Place: Lima.\n\n"
        "Working languages: Spanish.\n\n"
        "The agenda and the session's documents will be available to the members on the session's page.\n\n"
        "Mexico City, Sept. 1, 2025. General Secretariat of the Inter-American Conference on Social Security.\n"
    ),
    "by_its_president/pt": (
        "CONVOCAÇÃO\n\n"
        "A Secretaria-Geral da Conferência Interamericana de Seguridade Social (CISS) convoca a XXXI Asamblea General Ordinaria.\n\n"
        "Sessão extraordinária, convocada pela presidência de Comisión Americana Actuarial.\n\n"
        "Data: 20 de Novembro de 2025, às 09:30 (fuso horário: America/Mexico_City, UTC−06:00).\n\n"
        "Local: Lima.\n\n"
        "Idiomas de trabalho: espanhol.\n\n"
        "A ordem do dia e os documentos da sessão estarão à disposição dos membros na página da sessão.\n\n"
        "Cidade do México, 1 de Setembro de 2025. Secretaria-Geral da Conferência Interamericana de Seguridade Social.\n"
    ),
    "by_its_president/fr": (
        "CONVOCATION\n\n"
        "Le Secrétariat général de la Conférence interaméricaine de sécurité sociale (CISS) convoque la XXXI Assemblée générale ordinaire.\n\n"
        "Session extraordinaire, convoquée par la présidence de l’organe Commission actuarielle.\n\n"
        "Date : le 20 novembre 2025, à 09:30 (fuseau horaire : America/Mexico_City, UTC−06:00).\n\n"
        "Lieu : Lima.\n\n"
        "Langues de travail : espagnol.\n\n"
        "L’ordre du jour et les documents de la session seront mis à la disposition des membres sur la page de la session.\n\n"
        "Mexico, le 1 septembre 2025. Secrétariat général de la Conférence interaméricaine de sécurité sociale.\n"
    ),
}


CASES = [
    pytest.param(name, lang, id=f"{name}-{lang}")
    for name in SCENARIOS
    for lang in ("es", "en", "pt", "fr")
]


@pytest.mark.parametrize(("name", "lang"), CASES)
def test_it_gives_the_same_text_as_the_templates_it_replaced(name, lang):
    # given
    session, deadline, convened_at = SCENARIOS[name]
    # when
    text = convocation_default_text(
        session, lang, documents_deadline=deadline, convened_at=convened_at
    )
    # then
    assert text == EXPECTED[f"{name}/{lang}"]
