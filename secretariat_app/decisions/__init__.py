"""Decisions and the chairmanship: the register of decisions, the silence
procedure, the chairmanship ledger and the succession to the chair.

- `models`: Decision, SilenceCirculation, SilenceObjection, Chairmanship.
- `services/`: decisions (record, circulate under silence, object, close),
  silence_circulation (to whom, and their notices), silence_mail (the notices'
  mails and the deadline's iCalendar event), objections (a member delegation
  breaks silence on the page), deadline_text (the end of silence in the
  forum's time and the reader's), silence_story (the page's timeline),
  chair (terms and hand-overs).
- `notice_kinds.py`: silence_circulated, silence_reminder.
- `web/`: the decisions register (blueprint "decisions"); routes_silence:
  breaking silence, an objection's file.
- `chair/`: the chairmanship ledger (blueprint "chair").
- `succession/`: candidatures, the members informed, the SOC's recommendation,
  the MFA's or Summit's decision, the daily warning (its own models, services,
  notices and blueprint "succession").
- The pure rules: `domain/silence.py`, `domain/silence_clock.py`,
  `domain/silence_timeline.py`, `domain/chair_ledger.py`, `domain/succession.py`; who may:
  `permissions/decisions.py`, `permissions/succession.py`.
"""
