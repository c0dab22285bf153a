"""What tests in more than one folder share: servers, mail, cards, webhooks, plans, page and record
readers. A feature's own conftest.py holds only what that feature's tests use."""
