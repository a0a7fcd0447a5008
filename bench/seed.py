"""
Fill the database named by DATABASE_URL with COMMENTS comments by USERS users,
quickly: bulk inserts, one password hash shared by every user.

    python -m bench.seed COMMENTS USERS
"""

import argparse
import datetime
import os
import random

BATCH_SIZE = 5000
PASSWORD = "benchmark-password-1"
# A board's history spreads over years: comment n was posted n minutes on.
START = datetime.datetime(2017, 10, 13, 16, 36, tzinfo=datetime.UTC)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("comments", type=int)
    parser.add_argument("users", type=int)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scratchpad.settings")
    import django

    django.setup()
    seed(args.comments, args.users)


def seed(comments: int, users: int) -> None:
    """Add ``users`` users, reader0 to reader{users-1}, and ``comments``
    comments by them (none by reader0), to a database without readers yet.

    Nothing relies on the database giving the ids of bulk-inserted rows
    back, which MySQL does not.
    """
    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from comments.models import Comment

    User = get_user_model()
    password = make_password(PASSWORD)
    names = [f"reader{n}" for n in range(users)]
    User.objects.bulk_create(User(username=name, password=password) for name in names)
    by_name = User.objects.in_bulk(names, field_name="username")
    readers = [by_name[name] for name in names]
    rng = random.Random(0)
    for offset in range(0, comments, BATCH_SIZE):
        Comment.objects.bulk_create_keeping_times(
            Comment(
                content=f"Comment number {n}. " * rng.randint(1, 8),
                posted=START + datetime.timedelta(minutes=n),
                # reader0 never comments: the benchmark's logged-in reader
                # with no links of their own on the page.
                commenter=rng.choice(readers[1:] or readers),
            )
            for n in range(offset, min(offset + BATCH_SIZE, comments))
        )


if __name__ == "__main__":
    main()
