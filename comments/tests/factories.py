import factory

from accounts.tests.factories import UserFactory
from comments.models import Comment


class CommentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Comment

    content = factory.Faker("sentence")
    commenter = factory.SubFactory(UserFactory)
