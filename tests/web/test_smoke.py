from tests.conftest import log_in, post_form
from tests.factories import delegate, officer


def test_login_page_renders(client):
    response = client.get("/auth/login")
    assert response.status_code == 200
    assert b"csrf_token" in response.data


def test_officer_and_delegate_see_different_navigation(app_ctx, client, reference):
    from sqlalchemy import select

    from secretariat_app.accounts.models.people import Delegation
    from secretariat_app.accounts.models.states import State
    from secretariat_app.extensions import db

    kaz = db.session.scalar(select(Delegation).join(State).where(State.code == "KAZ"))
    o = officer(email="o@cica.example")
    d = delegate(delegation=kaz, email="d@cica.example")
    log_in(client, o.email)
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "Audit log" in page and "My delegation" not in page
    assert client.post("/auth/logout").status_code == 400  # no CSRF token: refused
    assert post_form(client, "/auth/logout", {}, page="/admin/").status_code == 302
    log_in(client, d.email)
    page = client.get("/", follow_redirects=True).get_data(as_text=True)
    assert "My delegation" in page and "Audit log" not in page
    assert "Kazakhstan" in page
