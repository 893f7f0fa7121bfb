"""Retries back off exponentially, are capped, and jitter so failed messages do not retry in step."""

import random
import smtplib

from grants.notifications.delivery import RetryPolicy, is_permanent

POLICY = RetryPolicy(base_seconds=30, cap_seconds=900, max_attempts=16)


def test_the_ceiling_doubles_from_the_base_up_to_the_cap():
    assert [POLICY.ceiling(n) for n in range(1, 8)] == [30, 60, 120, 240, 480, 900, 900]


def test_each_delay_lies_between_half_and_all_of_its_ceiling():
    rng = random.Random(7)
    for attempts in range(1, 17):
        ceiling = POLICY.ceiling(attempts)
        for _ in range(50):
            assert ceiling / 2 <= POLICY.delay(attempts, rng) <= ceiling


def test_delays_differ_between_messages_failing_together():
    rng = random.Random(11)
    assert len({round(POLICY.delay(3, rng), 3) for _ in range(20)}) > 15


def test_the_expected_wait_before_giving_up_spans_hours_not_minutes():
    total = sum(POLICY.ceiling(n) * 0.75 for n in range(1, POLICY.max_attempts))
    assert 2 * 3600 < total < 6 * 3600


def test_refusals_of_this_message_are_permanent_and_the_rest_retried():
    assert is_permanent(smtplib.SMTPDataError(554, b"5.7.1 rejected as spam"))
    assert is_permanent(smtplib.SMTPDataError(550, b"5.1.1 no such mailbox"))
    assert not is_permanent(smtplib.SMTPDataError(550, b"5.4.5 daily quota exceeded"))
    assert not is_permanent(smtplib.SMTPAuthenticationError(535, b"5.7.8 bad credentials"))
    assert not is_permanent(smtplib.SMTPSenderRefused(553, b"sender refused", "g@x"))
    assert not is_permanent(smtplib.SMTPDataError(451, b"try later"))
    assert not is_permanent(smtplib.SMTPServerDisconnected("gone"))
    assert is_permanent(smtplib.SMTPRecipientsRefused({"a@x": (550, b"no such user")}))
    assert not is_permanent(smtplib.SMTPRecipientsRefused({"a@x": (450, b"greylisted")}))
    assert not is_permanent(ConnectionRefusedError())
