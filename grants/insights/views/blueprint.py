"""The insights blueprint: dashboards, the portfolio and the exports hang off it."""

from flask import Blueprint

bp = Blueprint("insights", __name__)
