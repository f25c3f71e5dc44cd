"""Without a broker, background tasks run eagerly in the calling process."""

import pytest
from celery import shared_task

from hcppcc import celery_app


@shared_task
def add(a: int, b: int) -> int:
    return a + b


@shared_task
def fail() -> None:
    raise ValueError("the spreadsheet is unreadable")


def test_tasks_run_eagerly_when_no_broker_is_configured():
    assert not celery_app.conf.broker_url
    assert celery_app.conf.task_always_eager is True


def test_a_queued_task_runs_in_the_caller_and_returns_its_value():
    assert add.delay(2, 3).get(timeout=1) == 5


def test_a_failing_task_raises_to_its_caller():
    # Otherwise an import that failed in the request would look like one that succeeded.
    with pytest.raises(ValueError, match="unreadable"):
        fail.delay()
