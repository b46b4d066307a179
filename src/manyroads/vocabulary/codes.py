"""What a source's code means to us: a feature, a language, a status or an attendance hint."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class CodeKind(StrEnum):
    FEATURE = "feature"
    LANGUAGE = "language"
    TEMPORARILY_CLOSED = "temporarily_closed"
    ONLINE = "online"  # legacy "this meeting is online" marker (MG `ONL`, NAWS `VM`)
    HYBRID = "hybrid"  # NAWS `HYBR`


@dataclass(frozen=True, slots=True)
class CodeMeaning:
    kind: CodeKind
    value: str = ""  # feature name or ISO 639-1 language code

    @staticmethod
    def feature(name: str) -> CodeMeaning:
        return CodeMeaning(CodeKind.FEATURE, name)

    @staticmethod
    def language(iso: str) -> CodeMeaning:
        return CodeMeaning(CodeKind.LANGUAGE, iso)


TEMPORARILY_CLOSED = CodeMeaning(CodeKind.TEMPORARILY_CLOSED)
ONLINE = CodeMeaning(CodeKind.ONLINE)
HYBRID = CodeMeaning(CodeKind.HYBRID)

# manyroads' own extension code for "people on medication for opioid use disorder are
# welcome". No standard has such a code (standards digest, part 5), so we publish one
# that is not a language code and not in the Meeting Guide reserved list, and use the
# same key for the BMLT format (with an empty world_id, as non-NAWS formats have).
MEDICATION_WELCOME_CODE = "MOUD"
