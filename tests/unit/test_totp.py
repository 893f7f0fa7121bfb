"""TOTP without a database: sealing the secret, the one-step window, the replay guard, recovery
code digests, and the QR code the setup page shows."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from grants.accounts.services import two_factor
from grants.security import totp

KEY = "testing-secret-key-with-enough-length-0123456789"
SECRET = "GRANTSTESTSECRETGRANTSTESTSECRET"
NOON = datetime(2026, 12, 5, 12, 0, 0, tzinfo=UTC)


def test_sealing_round_trips_and_hides_the_secret():
    sealed = totp.seal(SECRET, KEY)
    assert SECRET not in sealed
    assert totp.unseal(sealed, KEY) == SECRET
    assert totp.seal(SECRET, KEY) != sealed  # a fresh nonce each time


def test_a_sealed_secret_does_not_open_with_another_key():
    with pytest.raises(totp.SecretUnreadable):
        totp.unseal(totp.seal(SECRET, KEY), "another-secret-key-of-similar-length-987654321")


def test_the_sealing_key_is_not_the_secret_key_itself():
    assert totp.derive_key(KEY, b"grants totp secret sealing v1") != KEY.encode()[:32]
    assert totp.derive_key(KEY, b"one purpose") != totp.derive_key(KEY, b"another purpose")


@pytest.mark.parametrize("offset", [-30, 0, 30])
def test_a_code_one_step_either_side_is_accepted(offset):
    code = totp.code_at(SECRET, NOON + timedelta(seconds=offset))
    assert totp.matching_step(SECRET, code, NOON, None) == totp.time_step(NOON) + offset // 30


@pytest.mark.parametrize("offset", [-90, -60, 60, 90])
def test_a_code_two_steps_away_is_refused(offset):
    assert (
        totp.matching_step(SECRET, totp.code_at(SECRET, NOON + timedelta(seconds=offset)), NOON, None) is None
    )


def test_a_step_at_or_before_the_last_accepted_one_is_refused():
    step = totp.time_step(NOON)
    code = totp.code_at(SECRET, NOON)
    assert totp.matching_step(SECRET, code, NOON, step - 1) == step
    assert totp.matching_step(SECRET, code, NOON, step) is None
    # Even a code from the step before is refused once a later step was used.
    earlier = totp.code_at(SECRET, NOON - timedelta(seconds=30))
    assert totp.matching_step(SECRET, earlier, NOON, step) is None


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "abcdef", None])
def test_malformed_codes_match_nothing(typed):
    assert totp.matching_step(SECRET, typed, NOON, None) is None


def test_spaces_in_a_typed_code_are_ignored():
    code = totp.code_at(SECRET, NOON)
    assert totp.matching_step(SECRET, f"{code[:3]} {code[3:]}", NOON, None) == totp.time_step(NOON)


def test_the_provisioning_uri_names_the_issuer_and_the_account():
    uri = totp.provisioning_uri(SECRET, "li.na@example.org")
    assert uri.startswith("otpauth://totp/Grants:li.na%40example.org?")
    assert f"secret={SECRET}" in uri and "issuer=Grants" in uri


def test_the_qr_code_is_inline_svg_with_no_script():
    svg = str(totp.qr_svg(totp.provisioning_uri(SECRET, "a@example.org"), "Scan <me>"))
    assert svg.startswith("<svg") and "<script" not in svg
    assert "Scan &lt;me&gt;" in svg


def test_recovery_codes_have_fifty_bits_from_an_unambiguous_alphabet():
    code = two_factor._new_recovery_code()
    letters = code.replace("-", "")
    assert len(letters) == 10 and set(letters) <= set(two_factor.RECOVERY_ALPHABET)
    assert len(set(two_factor.RECOVERY_ALPHABET)) == 32  # 5 bits a character, 50 in all
    assert not set("ilou") & set(two_factor.RECOVERY_ALPHABET)


@pytest.mark.parametrize(
    "typed", ["0A1B-C2D3-E4", "0a1b c2d3 e4", "0a1bc2d3e4", "oa1b-c2d3-e4", "0alb-c2d3-e4"]
)
def test_a_recovery_code_matches_however_it_is_typed(typed):
    assert two_factor.recovery_digest(7, typed) == two_factor.recovery_digest(7, "0a1b-c2d3-e4")


def test_a_recovery_code_digest_belongs_to_one_account():
    assert two_factor.recovery_digest(8, "0a1b-c2d3-e4") != two_factor.recovery_digest(7, "0a1b-c2d3-e4")


@given(st.integers(min_value=10, max_value=2**30), st.sampled_from(range(-3, 4)))
def test_only_the_neighbouring_steps_match(step, distance):
    moment = datetime.fromtimestamp(step * 30, UTC)
    code = totp.code_at(SECRET, moment + timedelta(seconds=30 * distance))
    found = totp.matching_step(SECRET, code, moment, None)
    if abs(distance) <= 1:
        assert found is not None
    else:
        # Six digits collide by chance one time in a million; a collision must still be in the window.
        assert found is None or abs(found - step) <= 1
