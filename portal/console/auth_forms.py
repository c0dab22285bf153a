"""The forms of signing in and setting up: each field from the form kit, each error said plainly."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from portal.forms.base import Form
from portal.forms.fields import PasswordField, TextField


class SignInForm(Form):
    email = TextField(_l("Email address"), required=_l("Enter your email address"))
    password = PasswordField(_l("Password"), required=_l("Enter your password"))


class CodeForm(Form):
    code = TextField(
        _l("Code from your authenticator app"),
        required=_l("Enter the 6-digit code from your authenticator app, or a recovery code"),
        keeps_typed=False,
    )


class NewPasswordForm(Form):
    password = PasswordField(_l("New password"), required=_l("Enter a new password"))
    again = PasswordField(_l("Type the new password again"), required=_l("Type the new password again"))


class SetUpCodeForm(Form):
    code = TextField(
        _l("Code from your authenticator app"),
        required=_l("Enter the 6-digit code your authenticator app shows"),
        keeps_typed=False,
    )
