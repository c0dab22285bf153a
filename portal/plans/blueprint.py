"""The plans blueprint, shared by the plan builder's questions and the plan's own pages."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("plans", __name__)
