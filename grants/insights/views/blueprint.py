"""The insights blueprint, which the dashboards and the exports hang off, and what their routes load."""

from flask import Blueprint

from grants.calls.services.listing import find_call
from grants.calls.services.programmes import find_programme
from grants.security.policy import Loads

bp = Blueprint("insights", __name__)

LOAD_CALL = Loads("call_id", find_call, "call")
LOAD_PROGRAMME = Loads("programme_id", find_programme, "programme")
