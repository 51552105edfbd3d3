"""What "another (original) language" means: a version in a language other than the
forum's two working languages, English and Russian (domain README: "English and
Russian, and the original language where it differs"). One definition for the
inbox's filter on a document (services/inbox.filter_clauses), the lists' copy of it
(documents/list_filters.py's triggers) and the versions' partial index and its
statistics (documents/models.py: ix_document_version_other_language)."""
from __future__ import annotations

from sqlalchemy import String, literal_column

MAIN_LANGUAGES = ("en", "ru")
# As SQL on document_version's `language`: the condition of ix_document_version_other_language.
OTHER_LANGUAGE_SQL = "language NOT IN (" + ", ".join(f"'{code}'" for code in MAIN_LANGUAGES) + ")"


def in_other_language(version):
    """The condition on a version (the model, an alias or a table's columns), its languages
    as constants: a bound list would not match the partial index's predicate."""
    return version.language.not_in([literal_column(f"'{code}'", String) for code in MAIN_LANGUAGES])
