"""The notices on a real Celery worker, against the machine's Redis: a notice written in a
step's transaction is delivered by the worker once the step commits, and a send that fails
is retried with its backoff and still goes out exactly once. Skipped where no Redis answers
on 127.0.0.1:6379, except in CI."""

import os
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.db import connection, transaction

from hcppcc.celery import app
from hcppcc.notices import delivery, services
from hcppcc.notices.models import Delivery, DeliveryStatus

# One Redis database per test process (pytest-xdist's gw0, gw1, …): each process's worker
# takes only its own tasks, which point at its own test database.
_PROCESS = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
BROKER = os.environ.get("HCPPCC_TEST_BROKER", f"redis://127.0.0.1:6379/{15 - _PROCESS % 8}")
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def worker(settings):
    """A worker thread consuming from Redis, tasks no longer run in the caller."""
    import redis
    from celery.contrib.testing.worker import start_worker

    if connection.vendor == "sqlite":
        pytest.skip("a worker thread needs a database server: run on PostgreSQL")
    try:
        redis.Redis.from_url(BROKER, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        if os.environ.get("CI"):
            pytest.fail(f"no Redis at {BROKER}")
        pytest.skip(f"no Redis at {BROKER}")
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.HCPPCC_NOTICE_RETRY_SECONDS = 0.5
    saved = {key: app.conf[key] for key in ("broker_url", "task_always_eager", "result_backend")}
    app.conf.update(broker_url=BROKER, task_always_eager=False, result_backend=None)
    _forget_connections()
    redis.Redis.from_url(BROKER).flushdb()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        yield
    app.conf.update(saved)
    _forget_connections()


def _forget_connections() -> None:
    """Drop the producers the app keeps: they hold a connection to the broker of the
    moment they were made."""
    app.close()
    app.amqp._producer_pool = None


def _wait_for(condition, seconds=20):
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return False


def test_the_worker_delivers_a_notice_once_after_the_commit(worker, unit_a_user):
    unit_a_user.email = "unit@example.cn"
    unit_a_user.save()
    with transaction.atomic():
        (notice,) = services.notify([unit_a_user], kind="assigned", title="新交办")
    sent = _wait_for(lambda: Delivery.objects.filter(status=DeliveryStatus.SENT).exists())
    assert sent, list(Delivery.objects.values())
    assert [m.to for m in mail.outbox] == [["unit@example.cn"]]
    # The same notice handed to the worker again: nothing goes out twice.
    from hcppcc.notices.tasks import deliver

    deliver.delay([notice.pk])
    assert not _wait_for(lambda: len(mail.outbox) > 1, seconds=3)


def test_a_failed_send_is_retried_by_the_worker_and_sent_once(worker, unit_a_user):
    unit_a_user.email = "unit@example.cn"
    unit_a_user.save()
    real = delivery.send_mail
    calls = []

    def flaky(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            raise smtplib.SMTPServerDisconnected("the mail server went away")
        return real(*args, **kwargs)

    with mock.patch.object(delivery, "send_mail", flaky):
        with transaction.atomic():
            services.notify([unit_a_user], kind="assigned", title="新交办")
        done = _wait_for(lambda: Delivery.objects.filter(status=DeliveryStatus.SENT).exists())
        assert done, list(Delivery.objects.values())
    sent = Delivery.objects.get()
    assert (sent.attempts, len(calls), len(mail.outbox)) == (2, 2, 1)
