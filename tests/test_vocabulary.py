"""The feature vocabulary and its explicit mappings."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest

from manyroads.vocabulary.bmlt import WORLD_ID_MEANINGS, WORLD_ID_MULTI, language_from_key
from manyroads.vocabulary.codes import CodeKind
from manyroads.vocabulary.features import FEATURES_BY_NAME
from manyroads.vocabulary.languages import known_languages
from manyroads.vocabulary.meeting_guide import (
    STANDARD_CODE_FOR_FEATURE,
    STANDARD_CODE_FOR_LANGUAGE,
    STANDARD_TYPES,
    type_meaning,
)


def test_all_87_spec_codes_are_mapped(shared_data: Path) -> None:
    spec = orjson.loads((shared_data / "meeting-guide/spec/types.json").read_bytes())
    assert len(spec) == 87
    for code in spec:
        meaning = type_meaning(code, "AA")
        assert meaning is not None, f"spec code {code} has no mapping"
        if meaning.kind == CodeKind.FEATURE:
            assert meaning.value in FEATURES_BY_NAME


def test_spec_english_names_are_recognised(shared_data: Path) -> None:
    spec = orjson.loads((shared_data / "meeting-guide/spec/types.json").read_bytes())
    for code, names in spec.items():
        assert STANDARD_TYPES[code][0] == names["en"], code


def test_med_is_meditation_everywhere() -> None:
    for fellowship in ("AA", "NA", "CA", "AL-ANON"):
        meaning = type_meaning("MED", fellowship)
        assert meaning is not None and meaning.value == "meditation"
    assert WORLD_ID_MEANINGS["MED"].value == "meditation"


def test_codes_mean_different_things_per_fellowship() -> None:
    transgender = type_meaning("T", "AA")
    assert transgender is not None and transgender.value == "transgender"
    assert type_meaning("T", "UA") is None, "T is Tools in Underearners Anonymous: kept as a tag"
    spanish = type_meaning("S", "AA")
    assert spanish is not None and spanish.kind == CodeKind.LANGUAGE and spanish.value == "es"
    na_discussion = type_meaning("DISC", "NA")
    assert na_discussion is not None and na_discussion.value == "discussion"
    assert type_meaning("IW", "RD") is None, "IW is Inquiry Writing in Recovery Dharma, not It Works"


def test_unknown_code_has_no_meaning() -> None:
    assert type_meaning("ASBI", "AA") is None
    assert type_meaning("", "AA") is None


def test_every_stock_world_id_maps(shared_data: Path) -> None:
    stock = orjson.loads((shared_data / "bmlt/bmlt_stock_formats_DERIVED.json").read_bytes())
    for row in stock:
        world = row["world_id"]
        if not world or world == "LANG":
            continue
        if world == "PI":  # one stock translation carries a typo'd world id; kept as a tag
            continue
        assert world in WORLD_ID_MEANINGS or world in WORLD_ID_MULTI, f"{world} ({row['key_string']}) unmapped"


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ("ES", ("es",)),
        ("es", ("es",)),
        ("FIN", ("fi",)),
        ("PER", ("fa",)),
        ("ENG", ("en",)),
        ("L/R", ("lt", "ru")),
        ("BL", ()),
    ],
)
def test_language_format_keys(key: str, expected: tuple[str, ...]) -> None:
    assert language_from_key(key, known_languages()) == expected


def test_every_feature_can_be_published_as_a_meeting_guide_code() -> None:
    missing = [name for name in FEATURES_BY_NAME if name not in STANDARD_CODE_FOR_FEATURE]
    assert not missing, f"features with no Meeting Guide code on output: {missing}"
    assert STANDARD_CODE_FOR_LANGUAGE["es"] == "S"
    assert STANDARD_CODE_FOR_FEATURE["medication_welcome"] == "MOUD"


def test_features_have_both_labels() -> None:
    for feature in FEATURES_BY_NAME.values():
        assert feature.label_en and feature.label_es
        assert "addict" not in feature.label_en.lower()


def test_vocabulary_page_is_current() -> None:
    from manyroads.vocabulary.document import vocabulary_markdown

    page = Path(__file__).resolve().parents[1] / "docs/vocabulary.md"
    assert page.read_text() == vocabulary_markdown(), "regenerate: manyroads vocabulary --markdown > docs/vocabulary.md"
