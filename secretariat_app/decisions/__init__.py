"""Decisions and the chairmanship: the register of decisions, the silence
procedure, and the chairmanship ledger.

- `models`: Decision, SilenceObjection, Chairmanship.
- `services/`: decisions (record, circulate under silence, object, close),
  chair (terms and hand-overs).
- `web/`: the decisions register (blueprint "decisions").
- `chair/`: the chairmanship ledger (blueprint "chair").
- The pure rules: `domain/silence.py`, `domain/chair_ledger.py`.
"""
