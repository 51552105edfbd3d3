"""Use cases of documents, one transaction each."""
