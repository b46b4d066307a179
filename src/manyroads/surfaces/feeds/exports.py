"""Any search as GeoJSON (for maps) or CSV (for spreadsheets)."""

from __future__ import annotations

import csv
import io
from typing import Any

CSV_COLUMNS = (
    "id",
    "name",
    "fellowship",
    "attendance",
    "status",
    "weekday",
    "local_start",
    "duration_minutes",
    "timezone",
    "next_start",
    "distance_km",
    "location_name",
    "address",
    "city",
    "region",
    "postal_code",
    "country",
    "latitude",
    "longitude",
    "approximate",
    "online_url",
    "online_phone",
    "features",
    "languages",
    "medication",
    "source",
    "source_updated",
    "page",
)


def geojson(summaries: list[dict[str, Any]]) -> dict[str, Any]:
    features = []
    for meeting in summaries:
        location = meeting["location"]
        exact = location["latitude"] is not None and not location["approximate"]
        features.append(
            {
                "type": "Feature",
                "id": meeting["id"],
                "geometry": {"type": "Point", "coordinates": [location["longitude"], location["latitude"]]}
                if exact
                else None,
                "properties": {k: v for k, v in meeting.items() if k != "location"} | {"address": location["address"]},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def csv_text(summaries: list[dict[str, Any]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_COLUMNS)
    for m in summaries:
        location, schedule, online = m["location"], m["schedule"], m["online"]
        writer.writerow(
            [
                m["id"],
                m["name"],
                m["fellowship"],
                m["attendance"],
                m["status"],
                schedule["weekday"] or "",
                schedule["local_start"] or "",
                schedule["duration_minutes"],
                schedule["timezone"] or "",
                m["next_start"] or "",
                "" if m["distance_km"] is None else m["distance_km"],
                location["name"] or "",
                location["address"] or "",
                location["city"] or "",
                location["region"] or "",
                location["postal_code"] or "",
                location["country"] or "",
                "" if location["latitude"] is None else location["latitude"],
                "" if location["longitude"] is None else location["longitude"],
                "yes" if location["approximate"] else "no",
                online["url"] or "",
                online["phone"] or "",
                ";".join(m["features"]),
                ";".join(m["languages"]),
                m["medication"]["stance"],
                m["source"]["name"],
                m["source"]["updated"] or "",
                m["links"]["page"],
            ]
        )
    return out.getvalue()
