"""Use cases of accounts and states, one transaction each."""
