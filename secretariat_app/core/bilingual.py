"""Free text that officers write in English and, optionally, in Russian (a venue, a note, a reason)."""
from __future__ import annotations


def in_language(english: str, russian: str, language: str) -> str:
    """The Russian text for a Russian reader when it was written; the English otherwise (the fallback)."""
    if language == "ru" and (russian or "").strip():
        return russian
    return english or ""
