"""Treatment facilities: the locator's JSON (the real sample), the directory's XLSX (built here in
its published shape), sync with history, search, and the API."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import orjson
import pytest
from openpyxl import Workbook

from manyroads.sources import SourceContext, SourceFormatError, adapter_for
from manyroads.store import Store
from manyroads.treatment.index import FacilityColumns, FacilityQuery
from tests.conftest import LoopbackServer
from tests.helpers import syncer
from tests.live import LiveServer

CHARLOTTESVILLE = (38.0293, -78.4767)


def _context(name: str = "samhsa", location: str = "x") -> SourceContext:
    return SourceContext(name=name, kind="findtreatment", location=location, fellowship="TREATMENT")


@pytest.fixture
def sample(shared_data: Path) -> Path:
    return shared_data / "treatment" / "findtreatment_api_sample.json"


def _by_name(facilities: list[Any], name: str) -> Any:
    return next(f for f in facilities if f.name == name)


def test_the_locator_sample_imports_with_its_medications(sample: Path) -> None:
    raw = orjson.loads(sample.read_bytes())
    result = adapter_for("findtreatment").parse(sample.read_bytes(), _context())
    assert len(result.facilities) == len(raw["rows"]) == 30
    assert result.problems == []
    ars = _by_name(result.facilities, "Addiction Recovery Systems LLC")
    assert ars.medications == ["buprenorphine", "methadone"] and ars.opioid_treatment_program
    allies = _by_name(result.facilities, "Addiction Allies LLC")
    assert allies.medications == ["buprenorphine", "naltrexone"] and not allies.opioid_treatment_program
    # A facility that lists no medication but says it accepts people on medication prescribed elsewhere.
    first = result.facilities[0]
    assert first.medications == [] and first.accepts_people_on_medication
    assert first.latitude == pytest.approx(38.0282239) and not first.location_approximate
    assert first.services["Type of Opioid Treatment"] == ["Accepts clients on opioid medication"]
    languages = {code for f in result.facilities for code in f.languages}
    assert {"es", "de"} <= languages
    with_bup = [f.name for f in result.facilities if "buprenorphine" in f.medications]
    raw_bup = [
        r["name1"]
        for r in raw["rows"]
        if any("buprenorphine" in s["f3"].lower() and "pain" not in s["f3"].lower() for s in r["services"] or [])
    ]
    assert sorted(with_bup) == sorted(raw_bup), "every row whose services name buprenorphine (not for pain)"


def test_bad_locator_documents_say_what_is_wrong() -> None:
    adapter = adapter_for("findtreatment")
    with pytest.raises(SourceFormatError, match="not valid JSON"):
        adapter.parse(b'{"rows": [', _context())
    with pytest.raises(SourceFormatError, match="'rows' must be a JSON array"):
        adapter.parse(b'{"rows": 3}', _context())
    result = adapter.parse(
        orjson.dumps(
            {
                "rows": [
                    {"frid": "a", "name1": "Fine", "latitude": "38.0", "longitude": "-78.4", "services": None},
                    {"frid": "b", "name1": "No place", "zip": "00000"},
                    {"name1": "No id"},
                    {"frid": "a", "name1": "Again", "latitude": "38", "longitude": "-78"},
                    "not an object",
                ]
            }
        ),
        _context(),
    )
    assert [f.name for f in result.facilities] == ["Fine"]
    reasons = " | ".join(p.reason for p in result.quarantined)
    assert (
        "not known" in reasons and "needs an id" in reasons and "appears twice" in reasons and "JSON object" in reasons
    )


def _directory(rows: list[list[Any]], *, reference: bool = True, columns: list[str] | None = None) -> bytes:
    book = Workbook()
    facilities = book.active
    assert facilities is not None
    facilities.title = "Facilities List"
    header = columns or [
        "name1",
        "name2",
        "street1",
        "street2",
        "city",
        "state",
        "zip",
        "phone",
        "intake1",
        "intake2",
        "intake1a",
        "intake2a",
        "service_code_info",
    ]
    facilities.append(header)
    for row in rows:
        facilities.append(row)
    if reference:
        sheet = book.create_sheet("Service Code Reference")
        sheet.append(["category_code", "category_name", "service_code", "service_name", "service_description"])
        for category, category_name, code, name in [
            ("TC", "Type of Care", "SA", "Substance use treatment"),
            ("OT", "Type of Opioid Treatment", "BU", "Buprenorphine used in treatment"),
            ("OT", "Type of Opioid Treatment", "MU", "Methadone used in treatment"),
            ("OT", "Type of Opioid Treatment", "OTP", "SAMHSA-certified opioid treatment program"),
            ("OT", "Type of Opioid Treatment", "MOA", "Accepts clients on medication prescribed elsewhere"),
            ("OT", "Type of Opioid Treatment", "VTRL", "Extended-release injectable naltrexone"),
            ("SET", "Service Setting", "TELE", "Telemedicine/telehealth therapy"),
            ("SL", "Language Services", "SP", "Spanish"),
            ("OL", "Other Languages", "F70", "Russian"),
            ("AGE", "Age Groups Accepted", "ADLT", "Adults"),
            ("AGE", "Age Groups Accepted", "CHLD", "Children/Adolescents"),
            ("PAY", "Payment/Insurance/Funding Accepted", "MD", "Medicaid"),
        ]:
            sheet.append([category, category_name, code, name, ""])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


_BLANK_INTAKE = ["", "", ""]
DIRECTORY_ROWS = [
    ["Riverside OTP", "", "10 Main St", "", "Charlottesville", "VA", 22902, "434-555-0100", "", *_BLANK_INTAKE,
     "SA MU BU OTP * ADLT MD"],
    ["Hillside Clinic", "Teen program", "5 Oak Ave", "Suite 2", "Charlottesville", "VA", "22903.0", "434-555-0101",
     "434-555-0199", *_BLANK_INTAKE, "SA VTRL MOA TELE * SP F70 CHLD ADLT ZZZ"],
    ["Nowhere House", "", "1 Road", "", "Atlantis", "VA", "00000", "", "", *_BLANK_INTAKE, "SA"],
    ["Riverside OTP", "", "10 Main St", "", "Charlottesville", "VA", 22902, "434-555-0100", "", *_BLANK_INTAKE, "SA"],
]  # fmt: skip


def test_directory_workbook_imports() -> None:
    result = adapter_for("findtreatment").parse(_directory(DIRECTORY_ROWS), _context("directory"))
    assert [f.name for f in result.facilities] == ["Riverside OTP", "Hillside Clinic"]
    otp, clinic = result.facilities
    assert otp.medications == ["buprenorphine", "methadone"] and otp.opioid_treatment_program
    assert otp.postal_code == "22902" and otp.location_approximate and otp.latitude is not None
    assert otp.payment == ["medicaid"] and otp.ages == ["adults"]
    assert clinic.postal_code == "22903" and clinic.site_name == "Teen program"
    assert clinic.street == "5 Oak Ave, Suite 2"
    assert clinic.medications == ["naltrexone"] and clinic.accepts_people_on_medication and clinic.telehealth
    assert clinic.languages == ["es", "ru"], "language names come from the workbook's own reference sheet"
    assert clinic.services["Other codes"] == ["ZZZ"], "an unknown code is kept, not dropped"
    assert clinic.services["Type of Opioid Treatment"] == [
        "Extended-release injectable naltrexone",
        "Accepts clients on medication prescribed elsewhere",
    ]
    reasons = {p.record: p.reason for p in result.problems}
    assert "00000" in reasons["row 4"] and "appears twice" in reasons["row 5"]
    assert "'ZZZ'" in reasons["Service Code Reference"]


def test_directory_workbook_in_the_wrong_shape() -> None:
    adapter = adapter_for("findtreatment")
    with pytest.raises(SourceFormatError, match="no 'Service Code Reference' sheet"):
        adapter.parse(_directory(DIRECTORY_ROWS, reference=False), _context())
    with pytest.raises(SourceFormatError, match=r"lacks the column.*service_code_info"):
        adapter.parse(_directory([], columns=["name1", "street1", "city", "state", "zip", "phone"]), _context())
    with pytest.raises(SourceFormatError, match="cannot be read as XLSX"):
        adapter.parse(b"PK\x03\x04 but not really a workbook", _context())


def test_sync_keeps_history_and_last_good_data(store: Store, tmp_path: Path, sample: Path) -> None:
    path = tmp_path / "locator.json"
    data = orjson.loads(sample.read_bytes())
    path.write_bytes(orjson.dumps(data))
    store.add_source(name="samhsa", kind="findtreatment", location=str(path), fellowship="TREATMENT")
    [first] = syncer(store).sync()
    assert (first.outcome, first.added, first.meetings) == ("applied", 30, 30)
    assert store.count_facilities() == 30 and store.count_meetings() == 0
    gone = data["rows"].pop(0)
    data["rows"][0]["phone"] = "434-555-0000"
    path.write_bytes(orjson.dumps(data))
    [second] = syncer(store).sync()
    assert (second.added, second.changed, second.removed) == (0, 1, 1)
    history = {h["action"]: h for h in store.history(source="samhsa", limit=5)}
    assert history["removed"]["meeting"] == f"samhsa:{gone['frid']}"
    assert history["changed"]["changes"]["phone"][1] == "434-555-0000"
    path.write_bytes(b"<html>the locator is down</html>")
    [third] = syncer(store).sync()
    assert third.outcome == "failed" and "not valid JSON" in third.message
    assert store.count_facilities() == 29, "a failing source keeps its last good facilities"


def test_harvest_the_locator_api_page_by_page(store: Store, http_server: LoopbackServer, sample: Path) -> None:
    rows = orjson.loads(sample.read_bytes())["rows"]

    def locator(request: Any) -> tuple[int, dict[str, str], bytes]:
        page = int(parse_qs(urlsplit(request.path).query)["page"][0])
        chunk = rows[(page - 1) * 12 : page * 12]
        body = {"page": page, "totalPages": 3, "recordCount": len(rows), "rows": chunk}
        return 200, {"Content-Type": "application/json"}, orjson.dumps(body)

    http_server.routes["/locator/exportsAsJson/v2"] = locator
    url = f"{http_server.base}/locator/exportsAsJson/v2?sAddr=38.03,-78.48&limitType=2&limitValue=40233.6&pageSize=12"
    store.add_source(name="locator", kind="findtreatment", location=url, fellowship="TREATMENT")
    [report] = syncer(store).sync()
    assert (report.outcome, report.meetings, report.requests) == ("applied", 30, 3)
    pages = [parse_qs(urlsplit(r["path"]).query) for r in http_server.requests]
    assert [p["page"] for p in pages] == [["1"], ["2"], ["3"]]
    assert all(p["sAddr"] == ["38.03,-78.48"] for p in pages), "the operator's query is kept"


def test_search_near_a_place_with_filters(sqlite_store: Store, tmp_path: Path, sample: Path) -> None:
    sqlite_store.add_source(name="samhsa", kind="findtreatment", location=str(sample), fellowship="TREATMENT")
    syncer(sqlite_store).sync()
    columns = FacilityColumns.build(sqlite_store)
    every = columns.search(FacilityQuery(near=CHARLOTTESVILLE, radius_km=300, limit=100))
    assert every.total == 30
    assert [h.distance_km for h in every.hits] == sorted(h.distance_km for h in every.hits)
    records = {r["id"]: r for r in sqlite_store.facility_records()}

    def names(**filters: Any) -> set[str]:
        found = columns.search(FacilityQuery(near=CHARLOTTESVILLE, radius_km=300, limit=100, **filters))
        assert found.total == len(found.hits)
        return {records[h.id]["name"] for h in found.hits}

    assert names(medications=frozenset({"methadone"})) == {
        "Addiction Recovery Systems LLC",
        "Staunton Treatment Center",
    }
    assert "Valley Community Services Board" in names(medications=frozenset({"naltrexone"}))
    bup = columns.search(FacilityQuery(near=CHARLOTTESVILLE, radius_km=300, medications=frozenset({"buprenorphine"})))
    assert all("buprenorphine" in records[h.id]["medications"] for h in bup.hits) and bup.total == 4
    assert all(
        records[h.id]["accepts_people_on_medication"]
        for h in columns.search(FacilityQuery(near=CHARLOTTESVILLE, accepts_people_on_medication=True)).hits
    )
    spanish = columns.search(FacilityQuery(near=CHARLOTTESVILLE, radius_km=300, languages=frozenset({"es"}), limit=100))
    assert spanish.total == sum("es" in r["languages"] for r in records.values())
    near = columns.search(FacilityQuery(near=CHARLOTTESVILLE, radius_km=2, limit=100))
    assert 0 < near.total < 30 and all(h.distance_km <= 2 for h in near.hits)
    with pytest.raises(ValueError, match="medication must be one of"):
        FacilityQuery(near=CHARLOTTESVILLE, medications=frozenset({"suboxone"}))


def test_facilities_api(tmp_path: Path, sample: Path) -> None:
    store = Store(f"sqlite:///{tmp_path / 'manyroads.db'}")
    store.add_source(name="samhsa", kind="findtreatment", location=str(sample), fellowship="TREATMENT")
    syncer(store).sync()
    store.close()
    with LiveServer(tmp_path) as server:
        found = httpx.get(
            f"{server.url}/api/v1/facilities", params={"place": "22902", "radius_mi": 40, "medication": "methadone"}
        ).json()
        assert found["place"]["name"].startswith("22902")
        assert found["total"] == 2 and {f["name"] for f in found["facilities"]} == {
            "Addiction Recovery Systems LLC",
            "Staunton Treatment Center",
        }
        first = found["facilities"][0]
        assert first["matched_on"] and first["distance_km"] > 0 and "Type of Opioid Treatment" in first["services"]
        one = httpx.get(f"{server.url}/api/v1/facilities/{first['id']}").json()
        assert one["name"] == first["name"] and one["distance_km"] is None
        bad = httpx.get(f"{server.url}/api/v1/facilities", params={"place": "22902", "medication": "suboxone"})
        assert bad.status_code == 400 and bad.json()["error"]["field"] == "medication"
        nowhere = httpx.get(f"{server.url}/api/v1/facilities")
        assert nowhere.status_code == 400 and nowhere.json()["error"]["field"] == "place"
        far = httpx.get(f"{server.url}/api/v1/facilities", params={"near": "38,-78", "radius_km": 5000})
        assert far.status_code == 400 and "at most 500 km" in far.json()["error"]["message"]
        missing = httpx.get(f"{server.url}/api/v1/facilities/samhsa:nope")
        assert missing.status_code == 404
