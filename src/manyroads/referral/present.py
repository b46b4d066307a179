"""A referral plan as JSON (API), plain text (CLI), calendar and QR code.

Words a person reads are in their language. Titles are neutral ("Your support options"):
a sheet left on a bus seat must not say what it is about.
"""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any
from urllib.parse import urlencode

import segno

from manyroads.fellowships import fellowship
from manyroads.referral.guidance import Guide
from manyroads.referral.plan import ChosenMeeting, ReferralPlan
from manyroads.surfaces.feeds.calendar import calendar
from manyroads.vocabulary.features import feature_label
from manyroads.vocabulary.languages import language_name

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Your support options",
        "prepared": "Prepared on {date}. Meetings change: check the link or call before you go.",
        "meetings": "Meetings to try",
        "online": "Online meetings",
        "facilities": "Places that can help",
        "notes": "Notes",
        "clinician": "For the clinician or peer worker",
        "references": "Sources",
        "help_now": "If you need help now",
        "finder": "Find more meetings",
        "contents": "Inside",
        "your_time": "your time",
        "meeting_time": "meeting time",
        "join": "Join online",
        "phone": "Phone",
        "where": "Where",
        "why": "Why this one",
        "offers": "Offers",
        "accepts": "Accepts people already on medication",
        "telehealth": "Telehealth",
        "matched": "From SAMHSA's treatment locator, read on {date}. Call to confirm before going.",
        "no_in_person": "No in-person meeting matched nearby; online meetings are listed instead.",
        "no_place": "Give a place to see treatment locations near the person.",
        "none_near": "No treatment location offering this medication was found within 50 km. "
        "SAMHSA's National Helpline (1-800-662-4357) can help find one.",
        "stance_welcoming": "Known to welcome people on medication",
        "stance_mixed": "Reports differ about people on medication",
        "stance_unknown": "Not known how this group treats people on medication",
        "away": "{km} km away",
        "every": "Every {when}",
        "otp": "Certified opioid treatment program",
        "next": "Next: {date}",
        "languages": "Languages besides English",
        "basis": "Known from {what}, as of {date}",
        "basis_undated": "Known from {what}",
        "basis_charter": "the fellowship's published position",
        "basis_feed_code": "the meeting list's own code",
        "basis_group_statement": "a statement from the group",
        "basis_attendee_reports": "reports from people who went",
    },
    "es": {
        "title": "Sus opciones de apoyo",
        "prepared": "Preparado el {date}. Las reuniones cambian: revise el enlace o llame antes de ir.",
        "meetings": "Reuniones para probar",
        "online": "Reuniones en línea",
        "facilities": "Lugares que pueden ayudar",
        "notes": "Notas",
        "clinician": "Para el profesional o el acompañante de pares",
        "references": "Fuentes",
        "help_now": "Si necesita ayuda ahora",
        "finder": "Más reuniones",
        "contents": "Contenido",
        "your_time": "su hora",
        "meeting_time": "hora de la reunión",
        "join": "Unirse en línea",
        "phone": "Teléfono",
        "where": "Dónde",
        "why": "Por qué esta",
        "offers": "Ofrece",
        "accepts": "Acepta a personas que ya toman medicamento",
        "telehealth": "Telesalud",
        "matched": "Del localizador de tratamiento de SAMHSA, consultado el {date}. Llame para confirmar antes de ir.",
        "no_in_person": "No hay reuniones presenciales cercanas que coincidan; se muestran reuniones en línea.",
        "no_place": "Indique un lugar para ver centros de tratamiento cercanos.",
        "none_near": "No se encontró a menos de 50 km un centro que ofrezca este medicamento. "
        "La Línea Nacional de Ayuda de SAMHSA (1-800-662-4357) puede ayudar a encontrar uno.",
        "stance_welcoming": "Se sabe que da la bienvenida a personas con medicamento",
        "stance_mixed": "Los informes sobre personas con medicamento difieren",
        "stance_unknown": "No se sabe cómo trata este grupo a las personas con medicamento",
        "away": "a {km} km",
        "every": "Cada {when}",
        "otp": "Programa certificado de tratamiento de opioides",
        "next": "Próxima: {date}",
        "languages": "Idiomas además del inglés",
        "basis": "Según {what}, a fecha de {date}",
        "basis_undated": "Según {what}",
        "basis_charter": "la postura publicada de la confraternidad",
        "basis_feed_code": "el código de la propia lista de reuniones",
        "basis_group_statement": "una declaración del grupo",
        "basis_attendee_reports": "informes de personas que asistieron",
    },
}
REASONS = {
    "en": {
        "welcoming": "welcomes people on medication",
        "young_people": "young people's meeting",
        "seniors": "for older adults",
        "women": "women's meeting",
        "men": "men's meeting",
        "lgbtq": "LGBTQ+ meeting",
        "people_of_color": "for people of color",
        "childcare": "children welcome or childcare",
        "wheelchair": "wheelchair access",
        "asl": "American Sign Language",
        "language": "in the language asked for",
        "online": "online, no travel",
        "near": "close by",
    },
    "es": {
        "welcoming": "da la bienvenida a personas con medicamento",
        "young_people": "reunión para jóvenes",
        "seniors": "para personas mayores",
        "women": "reunión de mujeres",
        "men": "reunión de hombres",
        "lgbtq": "reunión LGBTQ+",
        "people_of_color": "para personas de color",
        "childcare": "se admiten niños o hay cuidado infantil",
        "wheelchair": "acceso en silla de ruedas",
        "asl": "lengua de señas americana",
        "language": "en el idioma pedido",
        "online": "en línea, sin desplazarse",
        "near": "cerca",
    },
}
MEDICATION_NAMES = {
    "en": {"buprenorphine": "buprenorphine", "methadone": "methadone", "naltrexone": "naltrexone"},
    "es": {"buprenorphine": "buprenorfina", "methadone": "metadona", "naltrexone": "naltrexona"},
}


def labels(language: str) -> dict[str, str]:
    return LABELS["es" if language == "es" else "en"]


def finder_link(plan: ReferralPlan, base_url: str) -> str:
    """The finder, near the person's place, in their language. Deliberately nothing about
    medication or anything else about the person: the link is printed on the sheet."""
    query: dict[str, str] = {"lang": plan.situation.language}
    if plan.place is not None and not plan.situation.online_only:
        query["place"] = plan.situation.place or ""
    return f"{base_url}/meetings?{urlencode(query)}"


def qr_svg(text: str) -> str:
    buffer = io.BytesIO()
    segno.make(text, error="m").save(buffer, kind="svg", scale=4, xmldecl=False, svgns=True)
    return buffer.getvalue().decode()


def qr_modules(text: str) -> list[list[bool]]:
    """The QR code as rows of dark (True) and light modules, for drawing it as vector shapes."""
    return [[bool(module) for module in row] for row in segno.make(text, error="m").matrix]


def meeting_view(meeting: ChosenMeeting, language: str, base_url: str) -> dict[str, Any]:
    record = meeting.record
    text = labels(language)
    reasons = REASONS["es" if language == "es" else "en"]
    stance = meeting.stance["stance"]
    return {
        "id": record["id"],
        "name": record["name"],
        "fellowship": fellowship(record["fellowship"]).name,
        "attendance": record["attendance"],
        "when": text["every"].format(when=meeting.when_person),
        "meeting_time": meeting.when_meeting,
        "next_start": meeting.next_start.isoformat() if meeting.next_start else None,
        "address": record["location_formatted_address"] if record["attendance"] != "online" else "",
        "location_name": record["location_name"] if record["attendance"] != "online" else "",
        "conference_url": record["conference_url"] if record["attendance"] != "in_person" else "",
        "conference_phone": record["conference_phone"] if record["attendance"] != "in_person" else "",
        "distance_km": round(meeting.distance_km, 1) if meeting.distance_km is not None else None,
        "features": [feature_label(f, language) for f in record["features"][:6]],
        # "welcoming" is already said by the stance line; repeating it as a reason reads as padding
        "reasons": [reasons[r] for r in meeting.reasons if r in reasons and not (r == "welcoming" and stance == r)],
        "stance": stance,
        "stance_text": text.get(f"stance_{stance}", text["stance_unknown"]),
        "stance_basis": stance_basis(meeting.stance, text),
        "stance_evidence": meeting.stance["evidence"],
        "url": f"{base_url}/meetings/{record['id']}?lang={language}",
    }


def facility_view(facility: dict[str, Any], language: str) -> dict[str, Any]:
    names = MEDICATION_NAMES["es" if language == "es" else "en"]
    return {
        "id": facility["id"],
        "name": facility["name"],
        "site_name": facility["site_name"],
        "address": ", ".join(
            p
            for p in (facility["street"], facility["city"], f"{facility['region']} {facility['postal_code']}".strip())
            if p
        ),
        "approximate": facility["location_approximate"],
        "phone": facility["intake_phone"] or facility["phone"],
        "website": facility["website"],
        "medications": [names[m] for m in facility["medications"]],
        "otp": facility["opioid_treatment_program"],
        "accepts_people_on_medication": facility["accepts_people_on_medication"],
        "telehealth": facility["telehealth"],
        "languages": [language_name(code, language) for code in facility["languages"]],
        "distance_km": round(facility["distance_km"], 1),
        "matched_on": facility["matched_on"],
    }


def stance_basis(stance: dict[str, Any], text: dict[str, str]) -> str:
    """Where a known stance came from and when, in the sheet's words ("" when unknown)."""
    if stance["stance"] == "unknown":
        return ""

    def said(item: dict[str, Any]) -> str:
        what = text[f"basis_{item['kind']}"]
        return (
            text["basis"].format(what=what, date=item["as_of"])
            if item["as_of"]
            else text["basis_undated"].format(what=what)
        )

    for kind in ("group_statement", "feed_code", "charter", "attendee_reports"):
        for item in stance["evidence"]:
            if item["kind"] == kind and item["stance"] == stance["stance"]:
                return said(item)
    reports = next((e for e in stance["evidence"] if e["kind"] == "attendee_reports"), None)
    return said(reports) if reports is not None else ""  # "mixed": the reports are what differs


def facility_offers(facility: dict[str, Any], text: dict[str, str]) -> list[str]:
    """What a facility offers, in the sheet's words: medications first, then the program's kind."""
    offers = list(facility["medications"])
    if facility["otp"]:
        offers.append(text["otp"])
    if facility["accepts_people_on_medication"]:
        offers.append(text["accepts"])
    if facility["telehealth"]:
        offers.append(text["telehealth"])
    return offers


def guide_view(guide: Guide) -> dict[str, Any]:
    return {
        "audience": guide.audience,
        "language": guide.language,
        "topics": [
            {"id": t.id, "title": t.title, "points": [{"text": p.text, "references": p.references} for p in t.points]}
            for t in guide.topics
        ],
        "references": [{"number": i, "text": c.text, "url": c.url} for i, c in enumerate(guide.references, start=1)],
    }


def plan_json(plan: ReferralPlan, base_url: str) -> dict[str, Any]:
    language = plan.situation.language
    text = labels(language)
    return {
        "generated_at": plan.generated_at.isoformat(),
        "language": language,
        "time_zone": plan.zone,
        "place": {"name": plan.place.name, "latitude": plan.place.latitude, "longitude": plan.place.longitude}
        if plan.place
        else None,
        "meetings": [meeting_view(m, language, base_url) for m in plan.meetings],
        "online_meetings": [meeting_view(m, language, base_url) for m in plan.online],
        "facilities": [facility_view(f, language) for f in plan.facilities],
        "notes": [text[n] for n in plan.notes] + ([text[plan.facility_note]] if plan.facility_note else []),
        "person_guide": guide_view(plan.person_guide),
        "clinician_guide": guide_view(plan.clinician_guide),
        "finder": finder_link(plan, base_url),
    }


def plan_calendar(plan: ReferralPlan, base_url: str, now: datetime) -> bytes:
    name = labels(plan.situation.language)["meetings"]
    return bytes(calendar([m.record for m in plan.all_meetings], base_url, now, name=name).to_ical())


def plan_text(plan: ReferralPlan, base_url: str) -> str:
    """The plan as plain text, for the command line."""
    data = plan_json(plan, base_url)
    text = labels(plan.situation.language)
    lines = [text["title"], "=" * len(text["title"]), ""]
    for heading, key in ((text["meetings"], "meetings"), (text["online"], "online_meetings")):
        if not data[key]:
            continue
        lines += [heading, "-" * len(heading)]
        for m in data[key]:
            lines.append(f"* {m['name']} ({m['fellowship']})")
            lines.append(f"  {m['when']} ({text['your_time']}){'; ' + m['meeting_time'] if m['meeting_time'] else ''}")
            where = m["address"] or m["conference_url"] or m["conference_phone"]
            if where:
                lines.append(f"  {where}")
            basis = f" ({m['stance_basis']})" if m["stance_basis"] else ""
            lines.append(f"  {m['stance_text']}{basis}; {', '.join(m['reasons'])}")
            lines.append(f"  {m['url']}")
        lines.append("")
    if data["facilities"]:
        lines += [text["facilities"], "-" * len(text["facilities"])]
        for f in data["facilities"]:
            lines.append(f"* {f['name']}{' - ' + f['site_name'] if f['site_name'] else ''}")
            lines.append(f"  {f['address']} ({text['away'].format(km=f['distance_km'])})  {f['phone']}")
            lines.append(f"  {text['offers']}: {', '.join(facility_offers(f, text)) or '-'}")
            if f["languages"]:
                lines.append(f"  {text['languages']}: {', '.join(f['languages'])}")
        lines.append(f"  {text['matched'].format(date=data['facilities'][0]['matched_on'])}")
        lines.append("")
    for note in data["notes"]:
        lines.append(f"! {note}")
    for guide_key in ("person_guide", "clinician_guide"):
        guide = data[guide_key]
        heading = text["notes"] if guide_key == "person_guide" else text["clinician"]
        lines += ["", heading, "-" * len(heading)]
        for topic in guide["topics"]:
            lines.append(topic["title"])
            for point in topic["points"]:
                lines.append(f"  - {point['text']} [{', '.join(map(str, point['references']))}]")
        lines.append(text["references"] + ":")
        for ref in guide["references"]:
            lines.append(f"  [{ref['number']}] {ref['text']}{' ' + ref['url'] if ref['url'] else ''}")
    lines += ["", f"{text['finder']}: {data['finder']}"]
    return "\n".join(lines) + "\n"
