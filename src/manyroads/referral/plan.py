"""A referral plan for one situation: a few meetings worth trying, treatment nearby, and a guide.

Meetings are chosen by a transparent score, and each carries the reasons it was chosen:
for a person on (or starting) medication, meetings known to welcome people on medication come
first and meetings reported unwelcoming are left out; young-people, women's or men's, and
community meetings come first for those who asked; online meetings are added when barriers
(transport, schedule, anxiety) or an online-only choice call for them. The plan is built in
memory and returned; nothing about the situation is stored or logged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time

from manyroads.geo import Geocoder, Place
from manyroads.index.holder import IndexHolder
from manyroads.index.query import QueryError, SearchQuery, search
from manyroads.medication.provider import StanceEvidence
from manyroads.medication.stance import STANCE_CODES, summarise
from manyroads.model import Attendance
from manyroads.referral.guidance import Guide, Library, guide, load_library
from manyroads.referral.situation import Situation
from manyroads.store import Store
from manyroads.treatment.index import FacilityIndexHolder, FacilityQuery, facility_details

IN_PERSON_KM = 25.0
IN_PERSON_KM_NO_TRANSPORT = 8.0
FACILITY_KM = 50.0
IN_PERSON_COUNT = 4
ONLINE_COUNT = 3
STANCE_NAMES = {code: name for name, code in STANCE_CODES.items()}
_YOUTH = {"youth", "young_adult"}


class Resources(Protocol):
    """What a plan is built from (an AppContext is one)."""

    store: Store
    index: IndexHolder
    facilities: FacilityIndexHolder
    stance: StanceEvidence
    geocoder: Geocoder


class ReferralError(ValueError):
    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(slots=True)
class ChosenMeeting:
    record: dict[str, Any]
    stance: dict[str, Any]
    next_start: datetime | None
    distance_km: float | None
    reasons: list[str]
    when_person: str = ""
    when_meeting: str = ""

    @property
    def id(self) -> str:
        return str(self.record["id"])


@dataclass(slots=True)
class ReferralPlan:
    situation: Situation
    generated_at: datetime
    zone: str
    place: Place | None
    meetings: list[ChosenMeeting]
    online: list[ChosenMeeting]
    facilities: list[dict[str, Any]]
    facility_note: str | None
    person_guide: Guide
    clinician_guide: Guide
    notes: list[str] = field(default_factory=list)

    @property
    def all_meetings(self) -> list[ChosenMeeting]:
        return self.meetings + self.online


def build_plan(
    resources: Resources, situation: Situation, *, library: Library | None = None, now: datetime | None = None
) -> ReferralPlan:
    now = (situation.at or now or datetime.now(UTC)).astimezone(UTC)
    place = None
    if situation.place:
        found = resources.geocoder.lookup(situation.place, limit=1)
        if not found:
            raise ReferralError("place", f"no place called {situation.place!r} was found; try a ZIP code")
        place = found[0]
    zone = situation.tz or (place.timezone if place and place.timezone else None) or "UTC"
    try:
        ZoneInfo(zone)
    except (KeyError, ValueError):
        raise ReferralError("tz", f"{zone!r} is not an IANA time zone") from None
    chooser = _Chooser(resources, situation, now, zone)
    notes: list[str] = []
    meetings: list[ChosenMeeting] = []
    if place is not None and not situation.online_only:
        radius = IN_PERSON_KM_NO_TRANSPORT if "transport" in situation.barriers else IN_PERSON_KM
        meetings = chooser.pick(
            {Attendance.IN_PERSON, Attendance.HYBRID},
            IN_PERSON_COUNT,
            near=(place.latitude, place.longitude),
            radius=radius,
        )
        if not meetings:
            notes.append("no_in_person")
    wants_online = situation.online_only or bool(situation.barriers) or len(meetings) < 2 or situation.on_medication
    online: list[ChosenMeeting] = []
    if wants_online:
        count = IN_PERSON_COUNT + ONLINE_COUNT if situation.online_only else ONLINE_COUNT
        online = chooser.pick({Attendance.ONLINE}, count, exclude={m.id for m in meetings})
    facilities, facility_note = _facilities(resources, situation, place)
    chosen_library = library or load_library()
    return ReferralPlan(
        situation=situation,
        generated_at=now,
        zone=zone,
        place=place,
        meetings=meetings,
        online=online,
        facilities=facilities,
        facility_note=facility_note,
        person_guide=guide(chosen_library, situation, "person", situation.language),
        clinician_guide=guide(chosen_library, situation, "clinician", situation.language),
        notes=notes,
    )


class _Chooser:
    def __init__(self, resources: Resources, situation: Situation, now: datetime, zone: str):
        self.resources = resources
        self.situation = situation
        self.now = now
        self.zone = zone

    def _query(
        self, attendance: set[Attendance], near: tuple[float, float] | None, radius: float | None
    ) -> dict[str, Any]:
        features_all = set()
        if "wheelchair" in self.situation.needs and attendance != {Attendance.ONLINE}:
            features_all.add("wheelchair")
        if "asl" in self.situation.needs:
            features_all.add("asl")
        raw: dict[str, Any] = {
            "attendance": frozenset(attendance),
            "features_all": frozenset(features_all),
            "fellowships": frozenset(f.upper() for f in self.situation.fellowships) or None,
            "languages": frozenset(self.situation.meeting_languages) or None,
            "at": self.now,
            "tz": self.zone,
            "limit": 200,
        }
        if near is not None:
            raw.update(near=near, radius_km=radius)
        if self.situation.on_medication:
            raw["medication"] = frozenset({"welcoming", "unknown", "mixed"})  # never a meeting reported unwelcoming
        return raw

    def pick(
        self,
        attendance: set[Attendance],
        count: int,
        *,
        near: tuple[float, float] | None = None,
        radius: float | None = None,
        exclude: set[str] | None = None,
    ) -> list[ChosenMeeting]:
        columns = self.resources.index.current()
        raw = self._query(attendance, near, radius)
        try:
            hits = search(columns, SearchQuery(**{k: v for k, v in raw.items() if v is not None})).hits
            if not hits and raw.get("languages"):  # no meeting in that language: say so, show others
                raw["languages"] = None
                hits = search(columns, SearchQuery(**{k: v for k, v in raw.items() if v is not None})).hits
        except QueryError as error:
            raise ReferralError(error.field, error.message) from None
        records = self.resources.store.meeting_records_by_id([h.id for h in hits])
        scored = []
        for hit in hits:
            record = records.get(hit.id)
            if record is None or hit.next_start is None or hit.id in (exclude or set()):
                continue
            stance = STANCE_NAMES.get(int(columns.stance[hit.row]), "unknown")
            score, reasons = self._score(record, stance, hit.distance_km, hit.next_start)
            scored.append((score, hit.next_start, hit, record, reasons))
        scored.sort(key=lambda item: -item[0])
        chosen: list[ChosenMeeting] = []
        seen_names: set[str] = set()
        per_day: dict[int, int] = {}
        for _, next_start, hit, record, reasons in scored:
            name = f"{record['fellowship']}|{record['group'] or record['name']}".lower()
            day = record["weekday"]
            if name in seen_names or per_day.get(day, 0) >= 2:  # variety: other groups, other days
                continue
            seen_names.add(name)
            per_day[day] = per_day.get(day, 0) + 1
            chosen.append(self._chosen(record, next_start, hit.distance_km, reasons))
            if len(chosen) == count:
                break
        return chosen

    def _score(
        self, record: dict[str, Any], stance: str, distance_km: float | None, next_start: int
    ) -> tuple[float, list[str]]:
        situation = self.situation
        features = set(record["features"])
        reasons: list[str] = []
        score = 0.0
        if stance == "welcoming":
            score += 5 if situation.on_medication else 1
            reasons.append("welcoming")
        elif stance == "mixed" and situation.on_medication:
            score -= 3
        if situation.age_group in _YOUTH and "young_people" in features:
            # Under 18, a meeting of peers matters most: many adult meetings are a hard first room for a teenager.
            score += 6 if situation.age_group == "youth" else 4
            reasons.append("young_people")
        if situation.age_group == "older_adult" and "seniors" in features:
            score += 3
            reasons.append("seniors")
        if situation.gender_preference != "any" and situation.gender_preference in features:
            score += 4
            reasons.append(situation.gender_preference)
        for community in situation.communities:
            if community in features:
                score += 3
                reasons.append(community)
        if "childcare" in situation.needs and features & {"babysitting", "children_welcome"}:
            score += 2
            reasons.append("childcare")
        for need in ("wheelchair", "asl"):
            if need in situation.needs and need in features:
                reasons.append(need)
        wanted = set(situation.meeting_languages)
        spoken = set(record["languages"])
        if wanted and wanted & spoken:
            score += 3
            reasons.append("language")
        elif spoken and situation.language not in spoken and not wanted & spoken:
            score -= 4  # a meeting held in a language the person may not speak
        elif situation.language != "en" and situation.language in spoken:
            score += 2
            reasons.append("language")
        if record["attendance"] == Attendance.ONLINE.value:
            reasons.append("online")
            if "social_anxiety" in situation.barriers:
                score += 1
        if distance_km is not None:
            score -= distance_km / 10
            reasons.append("near")
        hours = (next_start - self.now.timestamp()) / 3600
        score -= hours / 48  # sooner is better, gently: a week away costs 3.5
        return score, reasons

    def _chosen(
        self, record: dict[str, Any], next_start: int, distance_km: float | None, reasons: list[str]
    ) -> ChosenMeeting:
        language = self.situation.language
        locale = "es" if language == "es" else "en_US"
        start = datetime.fromtimestamp(next_start, UTC)
        mine = start.astimezone(ZoneInfo(self.zone))
        own = start.astimezone(ZoneInfo(record["timezone"]))
        when_person = f"{format_date(mine, 'EEEE', locale=locale)} {format_time(mine, 'short', locale=locale)}"
        when_meeting = ""
        if record["timezone"] != self.zone:
            when_meeting = (
                f"{format_date(own, 'EEEE', locale=locale)} {format_time(own, 'short', locale=locale)} "
                f"({record['timezone'].replace('_', ' ')})"
            )
        stance = summarise(record, language, self.resources.stance.evidence_for(record["id"], language)).public()
        return ChosenMeeting(record, stance, start, distance_km, reasons, when_person, when_meeting)


def _facilities(
    resources: Resources, situation: Situation, place: Place | None
) -> tuple[list[dict[str, Any]], str | None]:
    if not situation.on_medication:
        return [], None
    if place is None:
        return [], "no_place"
    query = FacilityQuery(
        near=(place.latitude, place.longitude),
        radius_km=FACILITY_KM,
        medications=frozenset({situation.medication}),
        ages=frozenset({"children_adolescents"}) if situation.age_group == "youth" else frozenset(),
        limit=4,
        offset=0,
    )
    columns = resources.facilities.current()
    hits = columns.search(query).hits
    if not hits and situation.age_group == "youth":  # no youth service near: any place offering the medication
        query = query.model_copy(update={"ages": frozenset()})
        hits = columns.search(query).hits
    if situation.language != "en":
        # Places that speak the person's language come first, but the nearest others stay on the list:
        # a Spanish-speaking clinic 35 km away should not hide the opioid treatment program down the street.
        speaking = columns.search(query.model_copy(update={"languages": frozenset({situation.language})})).hits
        first = speaking[:2]
        taken = {h.id for h in first}
        hits = first + [h for h in hits if h.id not in taken]
        hits = hits[: query.limit]
    found = facility_details(resources.store, [(h.id, h.distance_km) for h in hits])
    return found, None if found else "none_near"
