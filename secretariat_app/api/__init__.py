"""The JSON API for the delegations' and the Secretariat's own systems.

- models.py: personal access tokens (the hash of each secret, its scopes, expiry);
- services/tokens.py: making, revoking and finding a token;
- authentication.py: a request under /api/ is its bearer token's owner, never a
  cookie's; the scope a view needs; the rate limit's key;
- setup.py: what create_app takes (the hook, the problem details of invalid input);
- openapi.py: the OpenAPI 3.1 document APIFlask writes from the views, finished;
- schemas/: the typed schemas (pydantic) of what each operation takes and returns;
- v1/: the operations (blueprint "api", /api/v1), over the pages' services and rules;
- my_tokens/: the profile's page of tokens (blueprint "my_tokens", /my/tokens).

The access rules are the pages' (permissions/); the scopes of a token are in
permissions/tokens.py."""
