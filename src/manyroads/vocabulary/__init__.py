"""The words manyroads uses for meetings, and how each source's codes map onto them."""

from manyroads.vocabulary.codes import MEDICATION_WELCOME_CODE, CodeKind, CodeMeaning
from manyroads.vocabulary.features import FEATURE_FAMILIES, FEATURES, FEATURES_BY_NAME, Feature, FeatureGroup

__all__ = [
    "FEATURES",
    "FEATURES_BY_NAME",
    "FEATURE_FAMILIES",
    "MEDICATION_WELCOME_CODE",
    "CodeKind",
    "CodeMeaning",
    "Feature",
    "FeatureGroup",
]
