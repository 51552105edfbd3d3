"""Succession to the chairmanship (Rules of Procedure, chapter on the Chair):
candidatures, the members informed, the SOC's recommendation under silence, the
MFA's or Summit's decision, the ledger's term when it takes effect, and the
officers' warning a year before the term ends.

- `models`: ChairSuccession (a term to decide), ChairCandidature, CandidatureRecipient.
- `services`: the steps; `effect`: the decided term into the ledger; `alerts`: the daily warning.
- `notice_kinds`, `mail`: the members' and the officers' notices.
- `web/`: the pages (blueprint "succession", /chairmanship/succession).
- The pure rules: `domain/succession.py`; who may: `permissions/succession.py`.
"""
