"""Two cookies, never one: the console's pages read and write their own signed cookie, scoped to
/console, and never the debtor's; the debtor's pages never receive the console's.

Flask has one `session` per request. This interface picks which cookie backs it from the request's
path, with a different signing salt, so a debtor's cookie copied under the staff name (or the
reverse) does not verify. Flask-WTF's CSRF token and Flask-Login then live in the right cookie
without knowing about it.
"""

from __future__ import annotations

from flask import Flask, request
from flask.sessions import SecureCookieSessionInterface, SessionInterface

PREFIX = "/console"
#: What a browser fetches beside a page, often while the page's own form is being sent: a cookie
#: written in their answer would be the older copy, and could overwrite the form's newer one.
SUBRESOURCES = ("/static/", "/brand.css", "/favicon.ico")


def is_console_path(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


class _StaffCookie(SecureCookieSessionInterface):
    salt = "console-session"

    def get_cookie_name(self, app: Flask) -> str:
        return app.config["STAFF_COOKIE_NAME"]

    def get_cookie_path(self, app: Flask) -> str:
        return PREFIX

    def get_cookie_samesite(self, app: Flask) -> str | None:
        # A link from an email or another site never arrives signed in to the console.
        return "Strict"

    def get_cookie_domain(self, app: Flask) -> str | None:
        # Host-only: the staff cookie never reaches a sibling subdomain.
        return None


class SplitSessionInterface(SessionInterface):
    """The debtor's cookie everywhere but under /console, where the staff cookie is used."""

    def __init__(self) -> None:
        self.debtor = SecureCookieSessionInterface()
        self.staff = _StaffCookie()

    def _for(self, request) -> SecureCookieSessionInterface:
        return self.staff if is_console_path(request.path) else self.debtor

    def open_session(self, app: Flask, request):
        return self._for(request).open_session(app, request)

    def save_session(self, app: Flask, session, response) -> None:
        if request.path.startswith(SUBRESOURCES):
            return  # they never change the session, so they never write its cookie
        self._for(request).save_session(app, session, response)

    def make_null_session(self, app: Flask):
        return self.debtor.make_null_session(app)


def init_app(app: Flask) -> None:
    app.session_interface = SplitSessionInterface()
