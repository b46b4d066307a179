"""The referral sheet: plans for real situations over the demo data, the cited guidance, the PDF
(rendered to PNG with poppler), the calendar, the API, the web form in chromium, and the CLI."""

from __future__ import annotations

import shutil
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import icalendar
import pytest
import yaml
from typer.testing import CliRunner

from manyroads.cli import app as cli_app
from manyroads.config import Settings
from manyroads.medication import statements
from manyroads.referral import ReferralPlan, Situation, build_plan
from manyroads.referral.guidance import GuidanceError, guide, load_library
from manyroads.referral.pdf import render_pdf
from manyroads.referral.present import plan_calendar, plan_json, plan_text
from manyroads.store import Store
from manyroads.surfaces.context import AppContext
from tests.browser import axe_violations
from tests.conftest import FINDER_AT, Finder
from tests.helpers import syncer, write_json

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts" / "referral"
AT = datetime.fromisoformat(FINDER_AT)
BASE = "https://meetings.example.org"
GUIDANCE = Path(__file__).resolve().parents[1] / "src" / "manyroads" / "data" / "guidance"
# Words that would say what the sheet is about to anyone who picks it up.
COVER_WORDS = [
    "opioid",
    "medication",
    "methadone",
    "buprenorphine",
    "naltrexone",
    "addiction",
    "disorder",
    "narcotics",
    "alcoholics",
    "treatment",
    "drug",
    "metadona",
    "medicamento",
    "tratamiento",
    "opioides",
]


def _plan(finder: Finder, **situation: Any) -> ReferralPlan:
    return build_plan(finder.server.context, Situation(at=AT, **situation))


def _facility(finder: Finder, facility_id: str) -> dict[str, Any]:
    return finder.server.context.store.facility_records([facility_id])[0]


def _names(meetings: list[Any]) -> list[str]:
    return [m.record["name"] for m in meetings]


# -- situations ------------------------------------------------------------------------------


def test_on_methadone_in_a_city(finder: Finder) -> None:
    plan = _plan(finder, place="Springfield, IL", medication="methadone")
    first = plan.meetings[0]
    assert first.record["name"] == "Welcome All Paths (demo)", "the meeting known to welcome medication leads"
    assert first.stance["stance"] == "welcoming" and "welcoming" in first.reasons
    assert all(m.distance_km is not None and m.distance_km <= 25 for m in plan.meetings)
    assert plan.online, "people on medication also get online options (MARA-style meetings are mostly online)"
    names = [f["name"] for f in plan.facilities]
    assert "Capital City Opioid Treatment Program (demo)" in names
    for facility in plan.facilities:
        assert "methadone" in facility["medications"], f"{facility['name']} does not offer methadone"
        assert facility["distance_km"] <= 50
    assert plan.facility_note is None
    clinician = {t.id for t in plan.clinician_guide.topics}
    assert {"offer-not-condition", "medication-in-meetings", "methadone-program", "help-now"} <= clinician
    assert "youth" not in clinician, "topics for other situations stay out"


def test_a_seventeen_year_old_with_no_transport(finder: Finder) -> None:
    plan = _plan(finder, place="Springfield, IL", age_group="youth", barriers=["transport"], medication="buprenorphine")
    assert plan.meetings[0].record["name"] == "Young People's Group (demo)"
    assert "young_people" in plan.meetings[0].reasons
    assert all(m.distance_km is not None and m.distance_km <= 8 for m in plan.meetings), "walkable or a short ride"
    assert len(plan.online) >= 2 and all(m.record["attendance"] == "online" for m in plan.online)
    assert all("online" in m.reasons for m in plan.online)
    assert "Sangamon Youth Services (demo)" in [f["name"] for f in plan.facilities]
    for facility in plan.facilities:
        record = _facility(finder, facility["id"])
        assert "children_adolescents" in record["ages"], f"{facility['name']} does not see people under 18"
        assert "buprenorphine" in facility["medications"]
    person = {t.id for t in plan.person_guide.topics}
    assert {"youth", "barriers-online", "help-now"} <= person


def test_a_spanish_speaker_online_only(finder: Finder) -> None:
    plan = _plan(finder, online_only=True, language="es", meeting_languages=["es"])
    assert plan.meetings == [] and plan.place is None
    assert len(plan.online) >= 3
    for meeting in plan.online:
        assert meeting.record["attendance"] == "online"
        assert "es" in meeting.record["languages"], f"{meeting.record['name']} is not held in Spanish"
    text = plan_text(plan, BASE)
    assert text.startswith("Sus opciones de apoyo")
    assert "Reuniones en línea" in text and "Cada " in text
    assert plan.person_guide.language == "es"
    assert "988" in text, "the crisis line is on every sheet"
    assert plan.facilities == [] and plan.facility_note is None, "no medication, no treatment list"


def test_spanish_speakers_see_spanish_speaking_places_first_without_losing_the_nearest(finder: Finder) -> None:
    english = _plan(finder, place="Springfield, IL", medication="buprenorphine")
    spanish = _plan(finder, place="Springfield, IL", medication="buprenorphine", language="es")
    first = _facility(finder, spanish.facilities[0]["id"])
    assert "es" in first["languages"]
    nearest = english.facilities[0]["name"]
    assert nearest in [f["name"] for f in spanish.facilities]


def test_planned_medication_and_a_women_only_preference(finder: Finder) -> None:
    plan = _plan(
        finder, place="Springfield, IL", gender_preference="women", medication="naltrexone", medication_status="planned"
    )
    assert plan.meetings[0].record["name"] == "Women's Step Study (demo)"
    assert all("men" not in m.reasons for m in plan.all_meetings)
    assert all("naltrexone" in f["medications"] for f in plan.facilities)


def test_a_group_that_says_medication_is_unwelcome_is_left_out_for_people_on_medication(tmp_path: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'manyroads.db'}")
    rows = [
        {
            "slug": slug,
            "name": name,
            "day": 2,
            "time": time,
            "types": ["O"],
            "formatted_address": f"{number} Main St, Springfield, IL 62701, USA",
            "latitude": 39.80 + number / 10_000,
            "longitude": -89.65,
        }
        for number, (slug, name, time) in enumerate(
            [("strict", "Strict Abstinence Group", "18:00"), ("open", "Open Door Group", "19:00")], start=1
        )
    ]
    feed = write_json(tmp_path / "area.json", rows)
    store.add_source(name="area", kind="meeting-guide", location=str(feed), fellowship="AA")
    syncer(store).sync()
    statements.add_statement(
        store,
        meeting_id="area:strict",
        stance="unwelcoming",
        statement="Members on methadone or buprenorphine may not share or chair.",
        given_by="the group's secretary",
        given_on=datetime(2026, 9, 1, tzinfo=UTC),
        operator="ops",
    )
    store.close()
    context = AppContext.open(Settings(data_dir=tmp_path))
    try:
        on_medication = build_plan(context, Situation(place="Springfield, IL", medication="methadone", at=AT))
        without = build_plan(context, Situation(place="Springfield, IL", at=AT))
    finally:
        context.store.close()
    assert _names(on_medication.meetings) == ["Open Door Group"]
    assert sorted(_names(without.meetings)) == ["Open Door Group", "Strict Abstinence Group"]


def test_impossible_situations_say_what_is_wrong(finder: Finder) -> None:
    with pytest.raises(ValueError, match="give a place"):
        Situation()
    with pytest.raises(ValueError, match="no place called 'Nowhere Special, ZZ'"):
        _plan(finder, place="Nowhere Special, ZZ")
    with pytest.raises(ValueError, match="'Mars/Olympus' is not an IANA time zone"):
        _plan(finder, online_only=True, tz="Mars/Olympus")


# -- guidance as data --------------------------------------------------------------------------


def test_every_published_point_is_cited_and_translated() -> None:
    library = load_library()
    assert any(t.status == "published" for t in library.topics)
    for topic in library.topics:
        for point in topic.points:
            assert point.cite and all(library.citations[c].text for c in point.cite)
            for texts in (point.person, point.clinician):
                if texts is not None:
                    assert texts.en.strip() and texts.es.strip(), f"{topic.id}: both languages"
    broad = Situation(place="x", medication="methadone", barriers=["transport"], age_group="youth")
    for audience in ("person", "clinician"):
        shown = guide(library, broad, audience, "en")
        assert shown.references, "a guide with points has sources"
        cited = {n for t in shown.topics for p in t.points for n in p.references}
        assert cited == set(range(1, len(shown.references) + 1)), "every reference is used and numbered in order"


def test_only_published_topics_show(tmp_path: Path) -> None:
    topics = yaml.safe_load((GUIDANCE / "topics.yaml").read_text())
    drafts = {t["id"] for t in topics if t["status"] != "published"}
    assert drafts, "the packaged guidance keeps at least one draft to prove the rule"
    situation = Situation(online_only=True, medication="buprenorphine")
    shown = {t.id for t in guide(load_library(), situation, "person", "en").topics}
    assert not drafts & shown
    # Demote a published topic in a copy: it disappears.
    for topic in topics:
        if topic["id"] == "help-now":
            topic["status"] = "reviewed"
    (tmp_path / "topics.yaml").write_text(yaml.safe_dump(topics, allow_unicode=True))
    shutil.copy(GUIDANCE / "citations.yaml", tmp_path / "citations.yaml")
    demoted = {t.id for t in guide(load_library(tmp_path), situation, "person", "en").topics}
    assert "help-now" in shown and "help-now" not in demoted


def test_guidance_files_are_checked(tmp_path: Path) -> None:
    topics = yaml.safe_load((GUIDANCE / "topics.yaml").read_text())
    topics[0]["points"][0]["cite"] = ["no-such-study"]
    (tmp_path / "topics.yaml").write_text(yaml.safe_dump(topics, allow_unicode=True))
    shutil.copy(GUIDANCE / "citations.yaml", tmp_path / "citations.yaml")
    with pytest.raises(GuidanceError, match=rf"topic {topics[0]['id']}, point 1: unknown citation\(s\) no-such-study"):
        load_library(tmp_path)
    unreviewed = tmp_path / "unreviewed"
    unreviewed.mkdir()
    topics = yaml.safe_load((GUIDANCE / "topics.yaml").read_text())
    topics[0]["review"] = {}
    (unreviewed / "topics.yaml").write_text(yaml.safe_dump(topics, allow_unicode=True))
    shutil.copy(GUIDANCE / "citations.yaml", unreviewed / "citations.yaml")
    with pytest.raises(ValueError, match="published topics name who reviewed them and when"):
        load_library(unreviewed)


# -- outputs ---------------------------------------------------------------------------------------


def _pdf_pages(pdf: bytes, name: str) -> list[str]:
    """The text of each page, and PNGs of every page in test-artifacts/referral/ for people to look at."""
    if not (shutil.which("pdftoppm") and shutil.which("pdftotext")):
        pytest.skip("poppler-utils (pdftoppm, pdftotext) is not installed")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "50", "-png", str(path), str(ARTIFACTS / name)], check=True)
    assert list(ARTIFACTS.glob(f"{name}-*.png")), "pdftoppm drew the pages"
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], check=True, capture_output=True, text=True).stdout
    return text.split("\f")


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_pdf_renders_with_a_neutral_cover_and_the_chosen_meetings(finder: Finder, language: str) -> None:
    plan = _plan(finder, place="Springfield, IL", medication="methadone", language=language)
    pages = _pdf_pages(render_pdf(plan, BASE, clinician_pages=True), f"methadone-{language}")
    cover = pages[0].lower()
    assert ("your support options" if language == "en" else "sus opciones de apoyo") in cover
    assert [w for w in COVER_WORDS if w in cover] == [], "the cover says nothing about why"
    assert "place=Springfield" in pages[0], "the QR code's address is printed under it"
    details = " ".join(" ".join(page.split()) for page in pages[1:])
    for meeting in plan.all_meetings:
        assert meeting.record["name"] in details
    for facility in plan.facilities:
        assert facility["name"] in details
    assert "988" in details
    clinician = "For the clinician or peer worker" if language == "en" else "Para el profesional"
    assert clinician in details


def test_the_pdf_leaves_out_the_clinician_pages_unless_asked(finder: Finder) -> None:
    plan = _plan(finder, place="Springfield, IL", medication="buprenorphine")
    pages = _pdf_pages(render_pdf(plan, BASE), "buprenorphine-person")
    assert "For the clinician" not in "".join(pages)


def test_the_calendar_holds_the_chosen_meetings(finder: Finder) -> None:
    plan = _plan(finder, place="Springfield, IL", medication="methadone")
    events = list(icalendar.Calendar.from_ical(plan_calendar(plan, BASE, AT)).walk("VEVENT"))
    assert sorted(str(e["SUMMARY"]) for e in events) == sorted(_names(plan.all_meetings))
    assert all(e.get("RRULE") for e in events), "weekly meetings repeat weekly"


def test_the_json_plan_shows_where_each_stance_came_from(finder: Finder) -> None:
    data = plan_json(_plan(finder, place="Springfield, IL", medication="methadone"), BASE)
    welcoming = data["meetings"][0]
    assert welcoming["stance"] == "welcoming" and welcoming["stance_evidence"]
    assert {"kind", "summary"} <= set(welcoming["stance_evidence"][0])
    assert welcoming["stance_basis"].startswith("Known from the meeting list's own code, as of 20")
    unknown = [m for m in data["meetings"] + data["online_meetings"] if m["stance"] == "unknown"]
    assert all(m["stance_basis"] == "" for m in unknown), "an unknown stance claims no source"
    assert data["finder"] == f"{BASE}/meetings?lang=en&place=Springfield%2C+IL"
    assert "methadone" not in data["finder"], "the printed link says nothing about the person"


# -- the API, the web page and the CLI -------------------------------------------------------------


def test_the_api_returns_json_pdf_and_calendar(finder: Finder) -> None:
    body = {"place": "Springfield, IL", "medication": "methadone", "at": FINDER_AT}
    url = f"{finder.url}/api/v1/referral"
    plan = httpx.post(url, json=body)
    assert plan.status_code == 200, plan.text
    assert plan.headers["cache-control"] == "no-store"
    assert plan.json()["meetings"][0]["name"] == "Welcome All Paths (demo)"
    pdf = httpx.post(url, params={"format": "pdf"}, json=body)
    assert pdf.headers["content-type"] == "application/pdf" and pdf.content.startswith(b"%PDF")
    ics = httpx.post(url, params={"format": "ics"}, json=body)
    assert ics.headers["content-type"].startswith("text/calendar")
    events = list(icalendar.Calendar.from_ical(ics.content).walk("VEVENT"))
    assert len(events) == len(plan.json()["meetings"]) + len(plan.json()["online_meetings"])
    text = httpx.post(url, params={"format": "text"}, json={**body, "language": "es"})
    assert text.text.startswith("Sus opciones de apoyo")


@pytest.mark.parametrize(
    ("body", "params", "field", "message"),
    [
        ({"place": "Springfield, IL", "medication": "heroin"}, {}, "medication", "buprenorphine"),
        ({}, {}, "situation", "give a place"),
        ({"place": "Nowhere Special, ZZ"}, {}, "place", "no place called"),
        ({"online_only": True, "age": 17}, {}, "age", "Extra inputs are not permitted"),
        ({"online_only": True, "barriers": ["money"]}, {}, "barriers.0", "transport"),
        ({"online_only": True}, {"format": "docx"}, "format", "json, text, pdf or ics"),
    ],
)
def test_bad_api_input_names_what_was_wrong(
    finder: Finder, body: dict[str, Any], params: dict[str, str], field: str, message: str
) -> None:
    response = httpx.post(f"{finder.url}/api/v1/referral", params=params, json=body)
    assert response.status_code == 400
    error = response.json()
    assert field in error["error"]["message"] or error["error"].get("field") == field, error
    assert message in error["error"]["message"], error


def test_a_body_that_is_not_json_is_refused_clearly(finder: Finder) -> None:
    response = httpx.post(f"{finder.url}/api/v1/referral", content=b"place=Springfield")
    assert response.status_code == 400
    assert "JSON object" in response.json()["error"]["message"]


@pytest.mark.browser
def test_the_web_form_makes_a_plan_and_a_pdf(finder: Finder, chromium: Any) -> None:
    context = chromium.new_context(accept_downloads=True, bypass_csp=True)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    try:
        page.goto(f"{finder.url}/referral")
        assert axe_violations(page) == []
        page.fill("#r-place", "Springfield, IL")
        page.check("input[name=medication][value=methadone]")
        page.check("input[name=barriers][value=schedule]")
        page.click("form.referral button[type=submit]")
        page.wait_for_selector("#h-facilities")
        assert "Welcome All Paths (demo)" in page.inner_text("main")
        assert "Capital City Opioid Treatment Program (demo)" in page.inner_text("#h-facilities + ul")
        assert page.locator("svg").count() >= 1, "the QR code is drawn on the page"
        assert axe_violations(page) == []
        page.screenshot(path=str(ARTIFACTS / "web-result.png"), full_page=True)
        with page.expect_download() as download:
            page.get_by_role("button", name="Download the sheet (PDF)").click()
        pdf = Path(download.value.path()).read_bytes()
        with page.expect_download() as download:
            page.get_by_role("button", name="Download the meetings (.ics)").click()
        ics = Path(download.value.path()).read_bytes()
        page.goto(f"{finder.url}/referral")
        page.click("form.referral button[type=submit]")  # nothing filled in
        problem = page.inner_text("[role=alert]")
    finally:
        context.close()
    assert not errors, errors
    assert pdf.startswith(b"%PDF")
    assert "Welcome All Paths (demo)" in " ".join(" ".join(p.split()) for p in _pdf_pages(pdf, "web-download"))
    assert list(icalendar.Calendar.from_ical(ics).walk("VEVENT"))
    assert "give a place" in problem


def test_the_cli_prints_the_plan_and_writes_the_files(finder: Finder, tmp_path: Path) -> None:
    pdf, ics = tmp_path / "sheet.pdf", tmp_path / "meetings.ics"
    result = CliRunner().invoke(
        cli_app,
        [
            "--data-dir",
            str(finder.directory),
            "referral",
            "--place",
            "Springfield, IL",
            "--medication",
            "methadone",
            "--at",
            FINDER_AT,
            "--pdf",
            str(pdf),
            "--ics",
            str(ics),
            "--base-url",
            BASE,
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Welcome All Paths (demo)" in result.stdout and "Capital City Opioid Treatment Program" in result.stdout
    assert pdf.read_bytes().startswith(b"%PDF")
    assert list(icalendar.Calendar.from_ical(ics.read_bytes()).walk("VEVENT"))
    bad = CliRunner().invoke(cli_app, ["--data-dir", str(finder.directory), "referral", "--medication", "heroin"])
    assert bad.exit_code != 0 and "medication" in bad.output
