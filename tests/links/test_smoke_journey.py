from portal.extensions import db
from portal.models import Event


def test_open_verify_and_see_overview(client, make_account, sign_in):
    account = make_account()
    sign_in(account)
    page = client.get("/account")
    assert page.status_code == 200
    assert "$1,060.25" in page.text
    kinds = db.session.scalars(db.select(Event.kind).where(Event.account_id == account.id)).all()
    assert kinds == ["link_issued", "link_opened", "identity_confirmed", "balance_viewed"]
