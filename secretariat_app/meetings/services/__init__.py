"""Use cases of meetings, one transaction each."""
