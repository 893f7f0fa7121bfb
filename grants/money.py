"""Money as integer minor units plus a currency code; parsing and showing amounts without floats."""

from decimal import Decimal, InvalidOperation, localcontext

from babel.numbers import format_currency, get_currency_precision, get_currency_symbol, is_currency

from grants.accounts.reference import FORMAT_LOCALES, reading_language
from grants.errors import ValidationError

# Currencies offered when an officer adds a funder; any ISO 4217 code Babel knows is accepted.
COMMON_CURRENCIES = ("GBP", "CNY", "EUR", "USD")


def check_currency(code: str, field: str = "currency") -> str:
    code = (code or "").strip().upper()
    if not is_currency(code):
        raise ValidationError("Enter a three-letter currency code such as GBP or CNY.", field=field)
    return code


def parse_amount(text: str | None, currency: str, field: str = "amount") -> int:
    """``"12,500.50"`` in GBP -> 1250050 pence. Refuses negatives, other currencies' symbols and more
    decimals than the currency has; nothing is ever rounded."""
    cleaned = (text or "").strip().replace(",", "").replace(" ", "")
    for symbol in sorted(currency_symbols(currency), key=len, reverse=True):
        cleaned = cleaned.removeprefix(symbol)
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        raise ValidationError(
            f"Enter an amount in {currency}, in numbers, like 12,500.00.", field=field
        ) from None
    if not value.is_finite() or value < 0:
        raise ValidationError("Enter an amount of zero or more.", field=field)
    if value and value.adjusted() >= 15:
        raise ValidationError("That amount is too large.", field=field)
    digits = get_currency_precision(currency)
    with localcontext() as exact:
        exact.prec = 60  # wide enough that scaling never rounds what the limits above allow
        minor = value.scaleb(digits)
    if minor != minor.to_integral_value():
        raise ValidationError(f"{currency} amounts have at most {digits} decimal places.", field=field)
    return int(minor)


def currency_symbols(currency: str) -> set[str]:
    """What people type before an amount in ``currency``: its code and its symbols (£; ¥ and CN¥)."""
    return {currency, get_currency_symbol(currency, "en_GB"), get_currency_symbol(currency, "zh_Hans_CN")}


def to_major(minor: int, currency: str) -> Decimal:
    return Decimal(minor).scaleb(-get_currency_precision(currency))


def format_money(minor: int | None, currency: str, locale: str = "en_GB") -> str:
    """British English by default: what is stored (audit records) never depends on the reader."""
    if minor is None:
        return ""
    return format_currency(to_major(minor, currency), currency, locale=locale)


def reader_money(minor: int | None, currency: str) -> str:
    """An amount as the reader writes money (¥ rather than CN¥ in Chinese)."""
    return format_money(minor, currency, locale=FORMAT_LOCALES[reading_language()])


def amount_input(minor: int | None, currency: str) -> str:
    """The value to put back in an amount field: plain digits, no symbol."""
    if minor is None:
        return ""
    return f"{to_major(minor, currency):f}"
