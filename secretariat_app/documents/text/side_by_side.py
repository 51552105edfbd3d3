"""The English and Russian text of a document, side by side: the latest upload
of each language with what `file_text` holds of it, and why there is no text
when there is none (not uploaded, not read yet, a scan, unreadable)."""
from __future__ import annotations

from dataclasses import dataclass

from secretariat_app.documents.models import Document, DocumentVersion, TextStatus
from secretariat_app.documents.services.reading import latest_versions
from secretariat_app.documents.text.extraction import texts_of

LANGUAGES = ("en", "ru")


@dataclass(frozen=True)
class LanguageText:
    language: str
    version: DocumentVersion | None  # None: no file in this language
    status: TextStatus | None  # None with a version: no file_text row yet (read soon)
    text: str = ""

    @property
    def shown(self) -> bool:
        return self.status is TextStatus.EXTRACTED and bool(self.text)


def side_by_side(document: Document) -> list[LanguageText]:
    """English, then Russian (a document's versions must be loaded)."""
    latest = {version.language: version for version in latest_versions(document.versions)}
    rows = texts_of(latest[code].file_sha256 for code in LANGUAGES if code in latest)
    texts = []
    for code in LANGUAGES:
        version = latest.get(code)
        row = rows.get(version.file_sha256) if version else None
        texts.append(LanguageText(code, version, row.status if row else None, row.text if row else ""))
    return texts


def has_both(document: Document) -> bool:
    """Whether the document has an English and a Russian file (the view is offered)."""
    return {version.language for version in document.versions} >= set(LANGUAGES)
