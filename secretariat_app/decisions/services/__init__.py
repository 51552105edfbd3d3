"""Use cases of decisions and the chairmanship, one transaction each."""
