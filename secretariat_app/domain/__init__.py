"""Pure rules of the domain: plain data in, findings out. No Flask, no database."""
