"""The fellowship registry: who each fellowship is, and what it has published about medication.

The data lives in data/fellowships.yaml, each medication claim with its sources.
"""

from __future__ import annotations

from datetime import date
from functools import cache
from importlib import resources
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict

CharterStance = Literal["welcoming", "group_decides", "unknown"]


class Citation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str
    publisher: str
    url: str | None = None
    year: int | None = None


class MedicationPosition(BaseModel):
    model_config = ConfigDict(extra="forbid")
    stance: CharterStance = "unknown"
    checked: date | None = None
    summary_en: str = ""
    summary_es: str = ""
    sources: list[Citation] = []

    def summary(self, language: str) -> str:
        return self.summary_es if language.startswith("es") and self.summary_es else self.summary_en


class Fellowship(BaseModel):
    model_config = ConfigDict(extra="forbid")
    code: str
    name: str
    kind: str
    focus: str
    website: str | None = None
    medication: MedicationPosition = MedicationPosition()


@cache
def registry() -> dict[str, Fellowship]:
    text = resources.files("manyroads").joinpath("data/fellowships.yaml").read_text(encoding="utf-8")
    items = [Fellowship.model_validate(item) for item in yaml.safe_load(text)]
    return {item.code: item for item in items}


def fellowship(code: str) -> Fellowship:
    """The registry entry, or a plain one for a code the registry does not know."""
    known = registry().get(code.upper())
    return known or Fellowship(code=code.upper(), name=code.upper(), kind="unknown", focus="unknown")
