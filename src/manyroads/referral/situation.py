"""What a clinician or peer worker tells manyroads about one person's situation.

Nothing here is ever stored or logged: a situation lives for one request (or one command)
and is gone with it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

Medication = Literal["none", "buprenorphine", "methadone", "naltrexone"]
AgeGroup = Literal["youth", "young_adult", "adult", "older_adult"]
Barrier = Literal["transport", "schedule", "social_anxiety"]
Need = Literal["wheelchair", "asl", "childcare"]
Community = Literal["lgbtq", "people_of_color"]


class Situation(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    place: str | None = Field(None, max_length=200, description="a ZIP code or 'Town, State'; none for online only")
    online_only: bool = False
    language: Literal["en", "es"] = Field("en", description="the person's language: the sheet is written in it")
    meeting_languages: list[str] = Field([], max_length=5, description="languages meetings should be in (ISO 639)")
    age_group: AgeGroup = "adult"
    gender_preference: Literal["any", "women", "men"] = "any"
    communities: list[Community] = Field([], description="meetings for these communities are preferred")
    medication: Medication = "none"
    medication_status: Literal["now", "planned"] = "now"
    barriers: list[Barrier] = []
    needs: list[Need] = []
    fellowships: list[str] = Field([], max_length=20, description="fellowship codes; empty means any")
    tz: str | None = Field(None, max_length=64, description="the person's time zone (default: the place's)")
    at: datetime | None = Field(None, description="plan as of this instant (default: now)")

    @model_validator(mode="after")
    def _somewhere(self) -> Situation:
        if not self.place and not self.online_only:
            raise ValueError("give a place (a ZIP code or 'Town, State'), or choose online only")
        return self

    @property
    def on_medication(self) -> bool:
        return self.medication != "none"
