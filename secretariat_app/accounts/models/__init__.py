"""Models of accounts and states, one module per aggregate: people, states, staff;
second_factor (recovery codes; the TOTP columns are the user's)."""
from secretariat_app.accounts.models import second_factor  # noqa: F401  (its table, for create_all and Alembic)
