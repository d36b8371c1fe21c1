import pytest

from .base import build_cast


@pytest.fixture
def cast(db):
    """Council A with one person per role, and an officer of council B."""
    return build_cast()


@pytest.fixture
def client_for(client):
    """`client_for(user)`: the test client signed in as `user` (None: anonymous)."""

    def sign_in(user):
        client.logout()
        if user is not None:
            client.force_login(user)
        return client

    return sign_in
