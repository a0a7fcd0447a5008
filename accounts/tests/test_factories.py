"""The tests' own factories: a test gets the user it asks for, or an error."""

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction

from .factories import UserFactory


def test_user_factory_refuses_a_taken_username_instead_of_reusing_its_user(db):
    UserFactory(username="bob")
    with pytest.raises(IntegrityError), transaction.atomic():
        UserFactory(username="bob", is_staff=True)
    assert list(get_user_model().objects.values_list("username", "is_staff")) == [
        ("bob", False)
    ]
