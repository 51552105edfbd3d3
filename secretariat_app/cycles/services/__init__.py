"""Use cases of the cycle rules."""
