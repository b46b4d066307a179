"""The referral's guidance text, kept as data (data/guidance/*.yaml) with a citation on every point
and a review status. Only published topics are shown; an operator may use their own copy
(MANYROADS_GUIDANCE_DIR)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, model_validator

from manyroads.referral.situation import Situation

Audience = Literal["person", "clinician"]
AUDIENCES: tuple[Audience, ...] = ("person", "clinician")


class Citation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    text: str
    url: str | None = None


class Texts(BaseModel):
    model_config = ConfigDict(extra="forbid")
    en: str
    es: str


class Conditions(BaseModel):
    model_config = ConfigDict(extra="forbid")
    medication: list[str] | None = None
    on_medication: bool | None = None
    age_group: str | None = None
    barriers_any: list[str] | None = None
    online_only: bool | None = None

    def hold(self, situation: Situation) -> bool:
        if self.medication is not None and situation.medication not in self.medication:
            return False
        if self.on_medication is not None and situation.on_medication != self.on_medication:
            return False
        if self.age_group is not None and situation.age_group != self.age_group:
            return False
        if self.barriers_any is not None and not set(self.barriers_any) & set(situation.barriers):
            return False
        return self.online_only is None or situation.online_only == self.online_only


class Point(BaseModel):
    model_config = ConfigDict(extra="forbid")
    cite: list[str]
    when: Conditions = Conditions()
    person: Texts | None = None
    clinician: Texts | None = None


class Review(BaseModel):
    model_config = ConfigDict(extra="forbid")
    by: str = ""
    date: datetime.date | None = None


class Topic(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    order: int
    status: Literal["draft", "reviewed", "published"]
    review: Review = Review()
    audiences: list[Audience] = list(AUDIENCES)
    when: Conditions = Conditions()
    title: dict[Audience, Texts]
    points: list[Point]

    @model_validator(mode="after")
    def _complete(self) -> Topic:
        for audience in self.audiences:
            if audience not in self.title:
                raise ValueError(f"topic {self.id}: no {audience} title")
        if self.status == "published" and not (self.review.by and self.review.date):
            raise ValueError(f"topic {self.id}: published topics name who reviewed them and when")
        return self


@dataclass(frozen=True, slots=True)
class Library:
    topics: list[Topic]
    citations: dict[str, Citation]


@dataclass(frozen=True, slots=True)
class GuidePoint:
    text: str
    references: list[int]  # numbers in the guide's reference list


@dataclass(frozen=True, slots=True)
class GuideTopic:
    id: str
    title: str
    points: list[GuidePoint]


@dataclass(frozen=True, slots=True)
class Guide:
    audience: Audience
    language: str
    topics: list[GuideTopic]
    references: list[Citation]  # numbered from 1


class GuidanceError(ValueError):
    """The guidance files are inconsistent; says where."""


def load_library(directory: Path | None = None) -> Library:
    """Read and check the guidance (the packaged copy unless `directory` is given)."""
    if directory is None:
        return _packaged()
    return _from_directory(str(directory))


@cache
def _from_directory(directory: str) -> Library:
    base = Path(directory)
    return _read((base / "topics.yaml").read_text(encoding="utf-8"), (base / "citations.yaml").read_text())


@cache
def _packaged() -> Library:
    base = resources.files("manyroads").joinpath("data/guidance")
    return _read(base.joinpath("topics.yaml").read_text(encoding="utf-8"), base.joinpath("citations.yaml").read_text())


def _read(topics_text: str, citations_text: str) -> Library:
    citations = {key: Citation.model_validate(value) for key, value in (yaml.safe_load(citations_text) or {}).items()}
    topics = sorted((Topic.model_validate(item) for item in yaml.safe_load(topics_text) or []), key=lambda t: t.order)
    for topic in topics:
        for number, point in enumerate(topic.points, start=1):
            if not point.cite:
                raise GuidanceError(f"topic {topic.id}, point {number}: every point cites a source")
            unknown = [c for c in point.cite if c not in citations]
            if unknown:
                raise GuidanceError(f"topic {topic.id}, point {number}: unknown citation(s) {', '.join(unknown)}")
    return Library(topics, citations)


def guide(library: Library, situation: Situation, audience: Audience, language: str) -> Guide:
    """The published topics (and points) that apply to this situation, with numbered references."""
    lang = "es" if language == "es" else "en"
    numbers: dict[str, int] = {}
    chosen = []
    for topic in library.topics:
        if topic.status != "published" or audience not in topic.audiences or not topic.when.hold(situation):
            continue
        points = []
        for point in topic.points:
            texts = point.person if audience == "person" else point.clinician
            if texts is None or not point.when.hold(situation):
                continue
            refs = [numbers.setdefault(key, len(numbers) + 1) for key in point.cite]
            points.append(GuidePoint(getattr(texts, lang), refs))
        if points:
            chosen.append(GuideTopic(topic.id, getattr(topic.title[audience], lang), points))
    references = [library.citations[key] for key, _ in sorted(numbers.items(), key=lambda item: item[1])]
    return Guide(audience, lang, chosen, references)
