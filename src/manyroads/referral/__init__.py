"""Referral sheets: a situation in, a plan out (meetings, treatment nearby, a cited guide),
as JSON, text, PDF and calendar. Nothing about the person is stored or logged."""

from manyroads.referral.plan import ReferralError, ReferralPlan, build_plan
from manyroads.referral.situation import Situation

__all__ = ["ReferralError", "ReferralPlan", "Situation", "build_plan"]
