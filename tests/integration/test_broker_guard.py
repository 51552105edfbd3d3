"""workers/broker_guard.py, on kombu's Redis transport as the worker's
consumer uses it: Redis stops while a message is unacknowledged and a BRPOP
is pending, and the consumer tears the connection down the way Celery 5.7
does (`collect()`, then `close()`).

Without the guard the close raises AttributeError (the worker's
"Unrecoverable error": it exits) and so does the late ack; with it both are
connection errors, which the consumer ignores and reconnects after."""
from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest
from kombu import Connection, Queue

from tests import services_available as services
from tests.integration.test_dispatch import RedisServer
from workers import broker_guard

pytestmark = [pytest.mark.integration, pytest.mark.redis]


@pytest.fixture
def without_guard() -> Iterator[None]:
    broker_guard.uninstall()
    yield
    broker_guard.uninstall()


@pytest.fixture
def with_guard() -> Iterator[None]:
    broker_guard.install()
    broker_guard.install()  # idempotent: one guard, not two
    yield
    broker_guard.uninstall()


def _lose_the_broker_with_a_message_unacked(tmp_path):
    """A connection whose consumer holds one unacked message, its channel waiting on
    BRPOP as the event loop leaves it, a second channel also waiting (the worker's
    remote-control channel), then Redis stops. Returns (connection, message)."""
    services.require("redis-server (the program)", shutil.which("redis-server") is not None)
    server = RedisServer(tmp_path / "redis.log").start()
    try:
        connection = Connection(server.url)
        received: list = []
        queue = Queue("guard-tasks")
        connection.Consumer(queue, callbacks=[lambda _body, message: received.append(message)],
                            accept=["json"]).consume()
        other = connection.channel()
        connection.Consumer(Queue("guard-other"), channel=other, callbacks=[lambda *_: None],
                            accept=["json"]).consume()
        with connection.Producer() as producer:
            producer.publish({"task": 1}, routing_key="guard-tasks", declare=[queue], serializer="json")
        connection.drain_events(timeout=10)
        channel = connection.default_channel
        assert len(received) == 1 and len(channel.qos._delivered) == 1  # received, not acked (acks_late)
        channel._brpop_start()  # waiting for the next message, as the event loop leaves it
    finally:
        server.stop()
    return connection, received[0]


def _tear_down_as_celery_does(connection: Connection) -> None:
    """celery.worker.consumer.Consumer.on_connection_error_after_connected (5.7)."""
    try:
        connection.collect(socket_timeout=4)
    except Exception:  # noqa: BLE001  (Celery ignores every error here)
        pass
    errors = connection.connection_errors + connection.channel_errors
    try:
        connection.close()
    except errors:  # kombu.common.ignore_errors: only these
        pass


def test_without_the_guard_the_lost_broker_is_an_unrecoverable_error(tmp_path, without_guard):
    connection, message = _lose_the_broker_with_a_message_unacked(tmp_path)
    # If this stops raising, kombu/Celery fixed it upstream and the guard may go.
    with pytest.raises(AttributeError, match="hostname"):
        _tear_down_as_celery_does(connection)
    with pytest.raises(AttributeError, match="hostname"):
        message.ack()


def test_with_the_guard_the_lost_broker_is_a_connection_error(tmp_path, with_guard):
    connection, message = _lose_the_broker_with_a_message_unacked(tmp_path)
    _tear_down_as_celery_does(connection)  # no AttributeError: the consumer goes on to reconnect
    with pytest.raises(connection.connection_errors, match="broker connection was closed"):
        message.ack()  # Celery's ack_log_error logs "Couldn't ack" and goes on


def test_the_guard_leaves_a_live_connection_alone(tmp_path, with_guard):
    services.require("redis-server (the program)", shutil.which("redis-server") is not None)
    server = RedisServer(tmp_path / "redis.log").start()
    try:
        with Connection(server.url) as connection:
            queue = Queue("guard-live")
            with connection.Producer() as producer:
                producer.publish({"n": 1}, routing_key="guard-live", declare=[queue], serializer="json")
            message = queue(connection.default_channel).get(accept=["json"])
            assert message is not None and message.payload == {"n": 1}
            message.ack()
            assert queue(connection.default_channel).get() is None
    finally:
        server.stop()
