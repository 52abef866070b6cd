"""Which failures skip one change (refused for good) and which stop the run (the next run
goes on): a rate limit that outlasted the retries must stop it, or every later write of the
run would wait out the same limit again."""

from __future__ import annotations

import pytest

from sync.errors import ApiFailure
from sync.mirror.apply import permanent
from sync.retry import GaveUp, OutOfTime


@pytest.mark.parametrize(
    ("failure", "skipped"),
    [
        (ApiFailure("Asana", "assignee: Not a user in Workspace", 400), True),
        (ApiFailure("Asana", "custom_fields: locked", 403), True),
        (ApiFailure("Asana", "Not Found", 404), True),
        (GaveUp("Asana", "rate limited (429) (gave up after 6 attempts)", 429), False),
        (
            GaveUp(
                "GitHub",
                "comment on o/r#1: rate limited (403): You have exceeded a secondary rate limit "
                "(gave up after 6 attempts)",
                403,
            ),
            False,
        ),
        (GaveUp("GitHub", "server error 502 (gave up after 6 attempts)", 502), False),
        (OutOfTime("Asana", "no time left in the run's budget to retry", 403), False),
    ],
)
def test_a_refusal_is_skipped_and_a_limit_stops_the_run(failure: ApiFailure, skipped: bool) -> None:
    assert permanent(failure) is skipped
