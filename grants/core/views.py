from flask import Blueprint, jsonify, render_template
from sqlalchemy import text

from grants.extensions import db
from grants.security.policy import PUBLIC, declare

bp = Blueprint("core", __name__)


@bp.get("/")
@declare(PUBLIC)
def home():
    return render_template("core/home.html")


@bp.get("/healthz")
@declare(PUBLIC)
def health():
    """For load balancers: answers 200 only when the database answers."""
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:
        return jsonify(status="unavailable", database="down"), 503
    return jsonify(status="ok", database="up")
