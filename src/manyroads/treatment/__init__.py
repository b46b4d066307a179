"""Treatment facilities: where medication for opioid use disorder is offered."""

from manyroads.treatment.model import MEDICATIONS, Facility

__all__ = ["MEDICATIONS", "Facility"]
