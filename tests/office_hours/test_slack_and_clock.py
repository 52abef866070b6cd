"""The Slack gateway (over `responses`) and the command's clock and prepare window."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
import requests
import responses

from sync.commands.office_hours import now_from, window_closed
from sync.config import Schedule
from sync.errors import AmbiguousWrite, ApiFailure, UsageError
from sync.office_hours.schedule import session_on
from sync.retry import RetryPolicy
from sync.slack import SlackWebhook

URL = "https://hooks.slack.com/services/T000/B000/secretXYZ"


def webhook() -> tuple[SlackWebhook, list[float]]:
    slept: list[float] = []
    return SlackWebhook(URL, RetryPolicy(sleep=slept.append, jitter=lambda: 0.0)), slept


@responses.activate
def test_a_rate_limited_message_is_sent_again_after_retry_after() -> None:
    responses.post(URL, status=429, body="rate_limited", headers={"Retry-After": "2"})
    responses.post(URL, status=200, body="ok")
    hook, slept = webhook()
    hook.post({"text": "hi"}, what="send")
    assert slept == [2.0] and len(responses.calls) == 2


@responses.activate
@pytest.mark.parametrize(("status", "hint"), [(404, "check SLACK_WEBHOOK_URL"), (410, "archived")])
def test_a_refused_message_says_why_without_the_url(status: int, hint: str) -> None:
    responses.post(URL, status=status, body="channel_not_found")
    hook, _ = webhook()
    with pytest.raises(ApiFailure) as caught:
        hook.post({"text": "hi"}, what="send")
    assert hint in str(caught.value) and "secretXYZ" not in str(caught.value)


@responses.activate
def test_a_server_error_is_not_resent() -> None:
    responses.post(URL, status=500, body="oops")
    hook, _ = webhook()
    with pytest.raises(AmbiguousWrite):
        hook.post({"text": "hi"}, what="send")
    assert len(responses.calls) == 1


@responses.activate
def test_a_connection_failure_never_shows_the_url() -> None:
    responses.post(URL, body=requests.exceptions.ConnectionError(f"cannot reach {URL}"))
    hook, _ = webhook()
    with pytest.raises(ApiFailure) as caught:
        hook.post({"text": "hi"}, what="send")
    assert "secretXYZ" not in str(caught.value)


def test_now_is_the_variable_or_the_clock() -> None:
    assert now_from({"COMMUNITY_SYNC_NOW": "2026-01-15T09:00:00Z"}) == datetime(
        2026, 1, 15, 9, tzinfo=UTC
    )
    assert now_from({"COMMUNITY_SYNC_NOW": "2026-01-15"}) == datetime(2026, 1, 15, tzinfo=UTC)
    plus_one = now_from({"COMMUNITY_SYNC_NOW": "2026-01-15T10:00:00+01:00"})
    assert plus_one.utcoffset() == timedelta(hours=1) and plus_one == datetime(
        2026, 1, 15, 9, tzinfo=UTC
    )
    assert abs(now_from({}) - datetime.now(UTC)) < timedelta(minutes=1)
    with pytest.raises(UsageError, match="COMMUNITY_SYNC_NOW"):
        now_from({"COMMUNITY_SYNC_NOW": "tomorrow"})


def test_the_prepare_window_across_a_daylight_saving_change() -> None:
    schedule = Schedule(date(2026, 3, 4), every_days=14, timezone="Europe/Berlin", prepare_days=7)
    session = session_on(schedule, date(2026, 4, 1))  # summer time began on 2026-03-29
    assert session is not None
    opened = datetime(2026, 3, 25, 15, tzinfo=UTC)  # 16:00 CET, a week before 16:00 CEST
    assert window_closed(schedule, session, opened - timedelta(seconds=1)) == (
        "the agenda of 2026-04-01 is published from 2026-03-25 16:00 Europe/Berlin "
        "(7 days before); pass --force to publish now"
    )
    assert window_closed(schedule, session, opened) is None
    assert "has ended" in str(window_closed(schedule, session, session.end_utc))
