"""The China-UK demo: partner institutions, researchers, reviewers, an officer and an admin.

Addresses use example.org subdomains (reserved by RFC 2606), so no demo email can reach a real
inbox even where SMTP is configured. The demo's programme and calls are in ``grants.demo.calls``.
"""

from flask import current_app
from sqlalchemy import func, select

from grants.accounts.models import Institution, User, UserRole
from grants.accounts.roles import Role
from grants.accounts.services.two_factor import two_factor_required
from grants.audit.services import record
from grants.extensions import db
from grants.security.passwords import hash_password
from grants.security.totp import seal
from grants.timeutil import utcnow

DEMO_PASSWORD = "flagship-demo-2018"  # noqa: S105 (printed by make run on purpose)
# The two-factor key of the demo's officer and admin (their roles require two-factor). Published
# in the README on purpose: add it to any authenticator app, or run ``grants demo-code EMAIL``.
DEMO_TOTP_SECRET = "FLAGSHIPDEMOTWOFACTORKEYFORGRANT"  # noqa: S105

INSTITUTIONS = [
    ("University of Edinburgh", "GB", "edinburgh.example.org"),
    ("University of Reading", "GB", "reading.example.org"),
    ("Rothamsted Research", "GB", "rothamsted.example.org"),
    ("John Innes Centre", "GB", "jic.example.org"),
    ("UK Research and Innovation", "GB", "ukri.example.org"),
    ("China Agricultural University", "CN", "cau.example.org"),
    ("Nanjing Agricultural University", "CN", "njau.example.org"),
    ("Zhejiang University", "CN", "zju.example.org"),
    ("Chinese Academy of Agricultural Sciences", "CN", "caas.example.org"),
    ("Northwest A&F University", "CN", "nwafu.example.org"),
    ("University of Leeds", "GB", "leeds.example.org"),
    ("South China Agricultural University", "CN", "scau.example.org"),
    ("Wageningen University & Research", "NL", "wur.example.org"),
    ("University of Bonn", "DE", "bonn.example.org"),
    ("Cornell University", "US", "cornell.example.org"),
]

# (name, email local part, institution domain, time zone, language, roles, ORCID iD)
PEOPLE = [
    ("Alison Grant", "admin", "ukri", "Europe/London", "en", (Role.ADMIN,), None),
    ("Daniel Okafor", "officer", "ukri", "Europe/London", "en", (Role.OFFICER,), None),
    ("Fiona MacLeod", "f.macleod", "edinburgh", "Europe/London", "en", (), "0000-0002-1825-0097"),
    ("James Whitfield", "j.whitfield", "reading", "Europe/London", "en", (), None),
    ("Priya Raman", "p.raman", "rothamsted", "Europe/London", "en", (), None),
    ("Thomas Hale", "t.hale", "jic", "Europe/London", "en", (), None),
    ("Emma Lawson", "e.lawson", "edinburgh", "Europe/London", "en", (), None),
    ("Owen Price", "o.price", "reading", "Europe/London", "en", (), None),
    ("Wang Lei", "wang.lei", "cau", "Asia/Shanghai", "zh_Hans", (), None),
    ("Li Na", "li.na", "njau", "Asia/Shanghai", "zh_Hans", (), None),
    ("Zhang Wei", "zhang.wei", "zju", "Asia/Shanghai", "zh_Hans", (), None),
    ("Chen Jing", "chen.jing", "caas", "Asia/Shanghai", "zh_Hans", (), None),
    ("Liu Yang", "liu.yang", "nwafu", "Asia/Shanghai", "en", (), None),
    ("Zhao Min", "zhao.min", "cau", "Asia/Shanghai", "zh_Hans", (), None),
    ("Helen Carter", "h.carter", "rothamsted", "Europe/London", "en", (Role.REVIEWER,), None),
    ("Martin Doyle", "m.doyle", "jic", "Europe/London", "en", (Role.REVIEWER,), None),
    ("Sun Hui", "sun.hui", "zju", "Asia/Shanghai", "zh_Hans", (Role.REVIEWER,), None),
    ("Guo Feng", "guo.feng", "caas", "Asia/Shanghai", "en", (Role.REVIEWER,), None),
    ("Sarah Mitchell", "s.mitchell", "leeds", "Europe/London", "en", (Role.REVIEWER,), None),
    ("Ma Jun", "ma.jun", "scau", "Asia/Shanghai", "zh_Hans", (Role.REVIEWER,), None),
    ("Pieter de Vries", "p.devries", "wur", "Europe/Amsterdam", "en", (Role.REVIEWER,), None),
    ("Anna Keller", "a.keller", "bonn", "Europe/Berlin", "en", (Role.REVIEWER,), None),
    ("Rosa Alvarez", "r.alvarez", "cornell", "America/New_York", "en", (Role.REVIEWER,), None),
    ("Tom Bennett", "t.bennett", "reading", "Europe/London", "en", (Role.REVIEWER,), None),
]

DEMO_LOGINS = [
    ("admin", "admin@ukri.example.org"),
    ("programme officer", "officer@ukri.example.org"),
    ("researcher (UK)", "f.macleod@edinburgh.example.org"),
    ("researcher (China)", "wang.lei@cau.example.org"),
    ("reviewer", "h.carter@rothamsted.example.org"),
]


def seed_demo(force: bool = False) -> int | None:
    """Add the demo people; returns how many, or None when accounts already exist."""
    if not force and db.session.scalar(select(func.count(User.id))):
        return None
    institutions = _ensure_institutions()
    password_hash = hash_password(DEMO_PASSWORD)
    now = utcnow()
    created = 0
    for name, local, domain_key, zone, language, roles, orcid in PEOPLE:
        institution = institutions[domain_key]
        email = f"{local}@{institution.email_domain}"
        if db.session.scalar(select(User.id).where(User.email == email)):
            continue
        user = User(
            email=email,
            full_name=name,
            password_hash=password_hash,
            email_verified_at=now,
            institution=institution,
            country=institution.country,
            orcid=orcid,
            time_zone=zone,
            language=language,
            role_rows=[UserRole(role=role.value) for role in roles],
        )
        if two_factor_required(user):
            user.totp_secret = seal(DEMO_TOTP_SECRET, current_app.config["SECRET_KEY"])
            user.totp_enabled_at = now
        db.session.add(user)
        record(None, "demo.seeded", user, {"email": [None, email]})
        created += 1
    db.session.flush()
    return created


def _ensure_institutions() -> dict[str, Institution]:
    by_key = {}
    for name, country, domain in INSTITUTIONS:
        institution = db.session.scalar(select(Institution).where(Institution.email_domain == domain))
        if institution is None:
            institution = Institution(name=name, country=country, email_domain=domain)
            db.session.add(institution)
        by_key[domain.split(".")[0]] = institution
    db.session.flush()
    return by_key
