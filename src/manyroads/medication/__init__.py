"""Medication for opioid use disorder: welcoming signals for meetings, treatment locations, referrals."""
