"""The client's real address behind the reverse proxies the operator trusts.

Behind the TLS proxy the README prescribes, every request comes from the proxy.
`TRUSTED_PROXY_COUNT` says how many proxies stand in front of the app; Werkzeug's
ProxyFix then takes the client's address (and scheme and host) from that many
X-Forwarded-* entries, counted from the right, so a client cannot forge its own.
With 0 (the default, no proxy) the headers are ignored.
"""
from __future__ import annotations

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix


def register_proxy_fix(app: Flask) -> None:
    count = int(app.config.get("TRUSTED_PROXY_COUNT", 0))
    if count > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=count, x_proto=count, x_host=count)  # type: ignore[method-assign]
