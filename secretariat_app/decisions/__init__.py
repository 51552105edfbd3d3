"""Decisions and the chairmanship: the register of decisions, the silence
procedure, the chairmanship ledger and the succession to the chair.

- `models`: Decision, SilenceObjection, Chairmanship.
- `services/`: decisions (record, circulate under silence, object, close),
  chair (terms and hand-overs).
- `web/`: the decisions register (blueprint "decisions").
- `chair/`: the chairmanship ledger (blueprint "chair").
- `succession/`: candidatures, the members informed, the SOC's recommendation,
  the MFA's or Summit's decision, the daily warning (its own models, services,
  notices and blueprint "succession").
- The pure rules: `domain/silence.py`, `domain/chair_ledger.py`, `domain/succession.py`.
"""
