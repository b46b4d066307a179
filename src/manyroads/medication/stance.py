"""Whether people on medication for opioid use disorder are known to be welcome at a meeting.

Evidence, strongest first: (a) the fellowship's own charter; (b) our code in the meeting's
feed (`MOUD`); (c) a statement the group gave the operator; (d) reports from attendees,
moderated and aggregated. The default is "unknown". Nothing is ever inferred from a code
that means something else (`MED` is meditation).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import numpy as np
import numpy.typing as npt

from manyroads.fellowships import fellowship

STANCE_CODES = {"unknown": 0, "welcoming": 1, "mixed": 2, "unwelcoming": 3}


@dataclass(frozen=True, slots=True)
class Evidence:
    kind: str  # charter | feed_code | group_statement | attendee_reports
    stance: str
    summary: str
    as_of: str | None = None  # ISO date the evidence was last checked / given
    sources: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True, slots=True)
class StanceSummary:
    stance: str
    evidence: tuple[Evidence, ...] = field(default_factory=tuple)

    def public(self) -> dict[str, Any]:
        return {
            "stance": self.stance,
            "evidence": [
                {"kind": e.kind, "stance": e.stance, "summary": e.summary, "as_of": e.as_of, "sources": list(e.sources)}
                for e in self.evidence
            ],
        }


@cache
def charter_evidence(fellowship_code: str, language: str = "en") -> Evidence | None:
    entry = fellowship(fellowship_code)
    position = entry.medication
    if position.stance == "unknown" and not position.summary_en:
        return None
    stance = "welcoming" if position.stance == "welcoming" else "unknown"
    return Evidence(
        kind="charter",
        stance=stance,
        summary=position.summary(language),
        as_of=position.checked.isoformat() if position.checked else None,
        sources=tuple(s.model_dump(exclude_none=True) for s in position.sources),
    )


_CODE_SUMMARY = {
    "en": "The listing from {source} marks this meeting as welcoming people on medication.",
    "es": "La lista de {source} indica que esta reunión da la bienvenida a personas que toman medicamentos.",
}


def code_evidence(record: Mapping[str, Any], language: str = "en") -> Evidence | None:
    if "medication_welcome" not in record["features"]:
        return None
    updated = record.get("source_updated") or record.get("last_seen_at")  # the feed's date, else when we read it
    template = _CODE_SUMMARY["es" if language.startswith("es") else "en"]
    return Evidence(
        kind="feed_code",
        stance="welcoming",
        summary=template.format(source=record.get("source", "?")),
        as_of=str(updated)[:10] if updated else None,
    )


def decide(evidence: Sequence[Evidence]) -> str:
    """The stance shown. The strongest kind of evidence that says anything decides (the
    group's own statement, then the feed's code, then the fellowship's charter); attendee
    reports decide only when nothing else does, and otherwise can only show that experiences
    differ ("mixed")."""
    reports = next((e.stance for e in evidence if e.kind == "attendee_reports" and e.stance != "unknown"), None)
    for kind in ("group_statement", "feed_code", "charter"):
        for item in evidence:
            if item.kind == kind and item.stance != "unknown":
                if reports is not None and reports != item.stance:
                    return "mixed"
                return item.stance
    return reports or "unknown"


def summarise(record: Mapping[str, Any], language: str = "en", extra: Sequence[Evidence] = ()) -> StanceSummary:
    evidence = [e for e in (charter_evidence(record["fellowship"], language), code_evidence(record, language)) if e]
    evidence.extend(extra)
    return StanceSummary(decide(evidence), tuple(evidence))


def stance_codes(
    ids: Sequence[str], fellowships: Sequence[str], features: Sequence[Sequence[str]]
) -> npt.NDArray[np.int8]:
    """The index's stance column from charter and feed code; `manyroads.medication.provider`
    adds group statements and attendee reports."""
    charter: dict[str, int] = {}
    codes = np.zeros(len(ids), np.int8)
    for row, (code, names) in enumerate(zip(fellowships, features, strict=True)):
        if "medication_welcome" in names:
            codes[row] = STANCE_CODES["welcoming"]
            continue
        if code not in charter:
            evidence = charter_evidence(code)
            charter[code] = STANCE_CODES[evidence.stance] if evidence else 0
        codes[row] = charter[code]
    return codes
