"""The email telling a creditor's technical contact that their webhook endpoint was disabled.

It goes to a collection system's operator, not to a debtor, so it is not an outbox message (those
belong to an account and follow the debtor's contact rules); it is sent straight over SMTP by the
task runner that disabled the endpoint. It is written in English in code, not as a template: the
templates are the debtor's, translated into every language the portal speaks.
"""

from __future__ import annotations

from flask import current_app

from portal.models.webhooks import WebhookEndpoint
from portal.notify import mailer


def endpoint_disabled_mail(endpoint: WebhookEndpoint) -> mailer.Mail:
    """The notice for *endpoint*: which one, why, since when, and how to turn it back on."""
    since = endpoint.failing_since.strftime("%Y-%m-%d %H:%M UTC") if endpoint.failing_since else "a day"
    text = "\n".join(
        [
            "Hello,",
            "",
            f"The webhook endpoint {endpoint.id} of {endpoint.creditor.name} ({endpoint.creditor.slug}) "
            "has been disabled because every delivery to it has failed since "
            f"{since}:",
            "",
            f"    {endpoint.url}",
            "",
            "Events are no longer sent to it. Messages that were waiting are kept and will be sent "
            "once it is enabled again; events that happen while it is disabled can be sent with "
            "replay-webhooks --since.",
            "",
            "The delivery log shows each try and what the endpoint answered:",
            f"    flask --app wsgi webhook-log {endpoint.id}",
            "When the endpoint answers again, enable it with:",
            f"    flask --app wsgi enable-webhook {endpoint.id}",
            "",
            current_app.config["COLLECTOR_NAME"],
        ]
    )
    subject = f"Webhook endpoint {endpoint.id} disabled: every delivery failed for a day"
    return mailer.Mail(to=endpoint.contact_email, subject=subject, text=text)


def send_endpoint_disabled(endpoint: WebhookEndpoint) -> bool:
    """Send the notice now; True when the mail server took it."""
    return mailer.send(endpoint_disabled_mail(endpoint))
