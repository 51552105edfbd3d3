"""Models of accounts and states, one module per aggregate: people, states, staff."""
