"""The health endpoint reports the database and the broker."""
from __future__ import annotations

from tests import services_available as services


def test_health_reports_database_and_broker(client):
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok", "broker": "ok", "smtp": "ok",
                                   "throttle": "in-process"}


def test_health_with_unreachable_broker_is_503(app, client, monkeypatch):
    from tests.conftest import free_port

    celery = app.extensions["celery"]
    monkeypatch.setattr(celery.conf, "broker_url", f"redis://127.0.0.1:{free_port()}/0")
    response = client.get("/health")
    assert response.status_code == 503
    assert response.get_json()["broker"] == "unreachable"
    assert response.get_json()["database"] == "ok"


def test_health_with_real_redis_broker(app, client, monkeypatch):
    services.require("Redis", services.redis_available(), services.REDIS_URL)
    celery = app.extensions["celery"]
    monkeypatch.setattr(celery.conf, "broker_url", services.REDIS_URL)
    response = client.get("/health")
    assert response.status_code == 200
    assert response.get_json()["broker"] == "ok"
