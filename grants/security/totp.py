"""Time-based one-time passwords (RFC 6238): sealing the shared secret, checking codes, and the
provisioning URI and QR code an authenticator app scans.

The secret is sealed with Fernet under a key derived by HKDF from ``SECRET_KEY`` with its own
``info`` string, so a database dump alone does not give anyone the secrets, and no other use of
``SECRET_KEY`` (cookies, signed links) shares this key.
"""

import base64
from datetime import datetime

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from markupsafe import Markup

ISSUER = "Grants"
STEP_SECONDS = 30
DIGITS = 6
# One step either side: the phone's clock may be up to about half a minute off.
VALID_WINDOW = 1
_HKDF_INFO = b"grants totp secret sealing v1"


class SecretUnreadable(Exception):
    """The sealed secret does not open with this ``SECRET_KEY`` (rotated key or tampering)."""


def derive_key(secret_key: str, info: bytes) -> bytes:
    """A 32-byte key for one purpose, named by ``info``, derived from ``SECRET_KEY``."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(secret_key.encode())


def _fernet(secret_key: str) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(derive_key(secret_key, _HKDF_INFO)))


def new_secret() -> str:
    """A fresh base32 secret of 160 bits, as RFC 4226 recommends."""
    return pyotp.random_base32(32)


def seal(secret: str, secret_key: str) -> str:
    return _fernet(secret_key).encrypt(secret.encode()).decode()


def unseal(sealed: str, secret_key: str) -> str:
    try:
        return _fernet(secret_key).decrypt(sealed.encode()).decode()
    except InvalidToken:
        raise SecretUnreadable from None


def time_step(moment: datetime) -> int:
    return int(moment.timestamp()) // STEP_SECONDS


def matching_step(secret: str, code: str, moment: datetime, last_step: int | None) -> int | None:
    """The time step ``code`` belongs to, within one step of ``moment`` and after ``last_step``;
    None when it matches none. The caller stores the step, so the same code cannot be used twice."""
    cleaned = "".join((code or "").split())
    if len(cleaned) != DIGITS or not cleaned.isdigit():
        return None
    totp = pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS)
    current = time_step(moment)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if last_step is not None and step <= last_step:
            continue
        # pyotp compares in constant time.
        if pyotp.utils.strings_equal(totp.generate_otp(step), cleaned):
            return step
    return None


def code_at(secret: str, moment: datetime) -> str:
    """The code an authenticator app shows at ``moment`` (the demo CLI and tests use this)."""
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).at(moment)


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret, digits=DIGITS, interval=STEP_SECONDS).provisioning_uri(
        name=email, issuer_name=ISSUER
    )


def qr_svg(uri: str, title: str) -> Markup:
    """The URI as an inline SVG QR code: no script and no image request, so the strict content
    security policy needs nothing extra."""
    svg = segno.make(uri, error="m").svg_inline(scale=4, border=2, title=title, dark="#0b0c0c", light="#fff")
    return Markup(svg)  # noqa: S704 (segno escapes the title; the rest is generated markup)
