"""The canonical feature vocabulary: one name per idea, whatever the feed called it.

Feeds speak in codes whose meaning depends on the fellowship and the server (`S` is
Spanish in an AA feed, Closed on a Swedish BMLT server and Step on a German one). Everything
inside manyroads speaks in the names below; the mapping modules translate at the edges.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class FeatureGroup(StrEnum):
    ATTENDANCE = "attendance"  # who may come: open, closed
    AUDIENCE = "audience"  # meetings for a community of people
    ACCESS = "access"  # accessibility and facilities
    FORMAT = "format"  # what happens in the meeting
    MEDICATION = "medication"  # the medication stance signal


@dataclass(frozen=True, slots=True)
class Feature:
    name: str
    group: FeatureGroup
    label_en: str
    label_es: str

    def label(self, language: str) -> str:
        return self.label_es if language.startswith("es") else self.label_en


def _f(name: str, group: FeatureGroup, en: str, es: str) -> Feature:
    return Feature(name, group, en, es)


A, U, X, F, M = (
    FeatureGroup.ATTENDANCE,
    FeatureGroup.AUDIENCE,
    FeatureGroup.ACCESS,
    FeatureGroup.FORMAT,
    FeatureGroup.MEDICATION,
)

FEATURES: tuple[Feature, ...] = (
    _f("open", A, "Open: anyone may attend", "Abierta: puede asistir cualquier persona"),
    _f(
        "closed",
        A,
        "Closed: for people who want to stop using",
        "Cerrada: para quienes quieren dejar de consumir",
    ),
    _f(
        "restricted_access",
        A,
        "Restricted access (for example in an institution)",
        "Acceso restringido (por ejemplo, en una institución)",
    ),
    _f("newcomers", U, "Newcomers especially welcome", "Especial para recién llegados"),
    _f("women", U, "Women", "Mujeres"),
    _f("men", U, "Men", "Hombres"),
    _f("young_people", U, "Young people", "Jóvenes"),
    _f("seniors", U, "Older adults", "Personas mayores"),
    _f("lgbtq", U, "LGBTQ+", "LGBTQ+"),
    _f("gay", U, "Gay", "Gay"),
    _f("lesbian", U, "Lesbian", "Lesbianas"),
    _f("bisexual", U, "Bisexual", "Bisexuales"),
    _f("transgender", U, "Transgender", "Transgénero"),
    _f("non_binary", U, "Non-binary", "No binarias"),
    _f("people_of_color", U, "People of color (BIPOC)", "Personas racializadas (BIPOC)"),
    _f("native_american", U, "Native American", "Nativos americanos"),
    _f("indigenous", U, "Indigenous", "Indígenas"),
    _f("professionals", U, "Professionals", "Profesionales"),
    _f("secular", U, "Secular / agnostic", "Secular / agnóstica"),
    _f("dual_diagnosis", U, "Dual diagnosis (mental health and substance use)", "Diagnóstico dual"),
    _f("concurrent_alateen", U, "Alateen meets at the same time", "Alateen se reúne a la misma hora"),
    _f("concurrent_al_anon", U, "Al-Anon meets at the same time", "Al-Anon se reúne a la misma hora"),
    _f("children_welcome", U, "Children welcome", "Se admiten niños"),
    _f("no_children", U, "No children", "Sin niños"),
    _f("wheelchair", X, "Wheelchair accessible", "Accesible en silla de ruedas"),
    _f("wheelchair_bathroom", X, "Wheelchair-accessible bathroom", "Baño accesible en silla de ruedas"),
    _f("asl", X, "American Sign Language", "Lengua de señas americana (ASL)"),
    _f("babysitting", X, "Babysitting available", "Servicio de cuidado de niños"),
    _f("fragrance_free", X, "Fragrance free", "Sin fragancias"),
    _f("smoking_permitted", X, "Smoking permitted", "Se permite fumar"),
    _f("non_smoking", X, "Non-smoking", "No se permite fumar"),
    _f("outdoor", X, "Outdoors", "Al aire libre"),
    _f("candlelight", X, "Candlelight", "A la luz de las velas"),
    _f("closed_holidays", X, "Closed on holidays", "Cerrada en días festivos"),
    _f("discussion", F, "Discussion", "Discusión"),
    _f("speaker", F, "Speaker", "Oradores"),
    _f("topic", F, "Topic", "Tema"),
    _f("question_answer", F, "Questions and answers", "Preguntas y respuestas"),
    _f("step_study", F, "Step study", "Estudio de pasos"),
    _f("tradition_study", F, "Tradition study", "Estudio de tradiciones"),
    _f("concepts_study", F, "Concepts study", "Estudio de conceptos"),
    _f("literature", F, "Literature study", "Estudio de literatura"),
    _f("big_book", F, "Big Book study", "Estudio del Libro Grande"),
    _f("twelve_and_twelve", F, "12 Steps & 12 Traditions study", "Estudio de Doce Pasos y Doce Tradiciones"),
    _f("as_bill_sees_it", F, "As Bill Sees It", "Como lo ve Bill"),
    _f("daily_reflections", F, "Daily Reflections", "Reflexiones diarias"),
    _f("grapevine", F, "Grapevine", "Grapevine"),
    _f("living_sober", F, "Living Sober", "Viviendo sobrio"),
    _f("basic_text", F, "Basic Text study", "Estudio del Texto Básico"),
    _f("it_works", F, "It Works: How and Why study", "Estudio de Funciona: cómo y por qué"),
    _f("just_for_today", F, "Just for Today", "Solo por hoy"),
    _f("living_clean", F, "Living Clean study", "Estudio de Vivir limpio"),
    _f("guiding_principles", F, "Guiding Principles study", "Estudio de Principios guía"),
    _f("step_working_guide", F, "Step Working Guide study", "Estudio de la Guía para trabajar los pasos"),
    _f("spiritual_principle_a_day", F, "A Spiritual Principle a Day", "Un principio espiritual al día"),
    _f("pamphlet_study", F, "Pamphlet study", "Estudio de folletos"),
    _f("format_varies", F, "Format varies", "Formato variable"),
    _f("meditation", F, "Meditation", "Meditación"),
    _f("eleventh_step_meditation", F, "11th Step meditation", "Meditación del Paso 11"),
    _f("birthday", F, "Birthday / anniversary celebrations", "Celebración de aniversarios"),
    _f("breakfast", F, "Breakfast", "Desayuno"),
    _f("cross_talk", F, "Cross talk permitted", "Se permiten comentarios cruzados"),
    _f("digital_basket", F, "Digital basket (online contributions)", "Canasta digital"),
    _f("proof_of_attendance", F, "Proof of attendance available", "Se entrega constancia de asistencia"),
    _f(
        "medication_welcome",
        M,
        "People on medication for opioid use disorder welcome",
        "Bienvenidas las personas que toman medicamentos para el trastorno por consumo de opioides",
    ),
)

FEATURES_BY_NAME: dict[str, Feature] = {f.name: f for f in FEATURES}

# The finder's coarse filters expand to several precise features ("LGBTQ" covers every
# identity-specific meeting), so a person filtering for LGBTQ meetings also sees a
# lesbian meeting whose feed never used the umbrella code.
FEATURE_FAMILIES: dict[str, tuple[str, ...]] = {
    "lgbtq": ("lgbtq", "gay", "lesbian", "bisexual", "transgender", "non_binary"),
    "people_of_color": ("people_of_color", "native_american", "indigenous"),
    "wheelchair": ("wheelchair", "wheelchair_bathroom"),
    "meditation": ("meditation", "eleventh_step_meditation"),
}


def is_feature(name: str) -> bool:
    return name in FEATURES_BY_NAME


def feature_label(name: str, language: str) -> str:
    """A feature in plain words in `language` (en or es); unknown names come back as they are."""
    feature = FEATURES_BY_NAME.get(name)
    return feature.label(language) if feature else name
