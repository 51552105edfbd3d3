"""The append-only audit trail: `models` (AuditEntry and the triggers that keep
it append-only) and `services` (writing an entry inside the caller's
transaction). The page that shows it is `accounts/admin/routes_audit.py`."""
