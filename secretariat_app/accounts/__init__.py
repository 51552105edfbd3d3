"""Accounts and states: users, roles and logging in; delegations; states,
organisations, memberships and bodies; the staff register.

- `models/`: people (User, Role, Delegation), states (State, Membership, Body),
  staff (StaffAppointment), second_factor (RecoveryCode).
- `services/`: users, delegations, states, staff, reference_data, mail (password
  reset), second_factor (enrolment, codes, the administrator's reset).
- `login`, `passwords`: Flask-Login wiring; argon2id hashes.
- `totp`, `sealing`, `second_factor_gate`: one-time and recovery codes; secrets
  sealed with a key from SECRET_KEY; staff without a second factor enrol first
  (docs/security.md#second-factor).
- `auth/`: log in and out, the second step and two-step verification
  (`routes_second_factor`), passwords (blueprint "auth").
- `admin/`: the officer's administration pages (blueprint "admin"), including
  the audit log page; the audit trail itself is `secretariat_app.audit`.
- `delegation/`: a delegate's own delegation and its meeting registrations
  (blueprint "delegation"; the meeting rules are in `secretariat_app.meetings`).
"""
