"""Use cases of the CBM feature, one transaction each."""
