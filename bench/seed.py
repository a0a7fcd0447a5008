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


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("comments", type=int)
    parser.add_argument("users", type=int)
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "scratchpad.settings")
    import django

    django.setup()

    from django.contrib.auth import get_user_model
    from django.contrib.auth.hashers import make_password

    from comments.models import Comment

    User = get_user_model()
    password = make_password(PASSWORD)
    users = User.objects.bulk_create(
        User(username=f"reader{n}", password=password) for n in range(args.users)
    )
    rng = random.Random(0)
    start = datetime.datetime(2017, 10, 13, 16, 36, tzinfo=datetime.UTC)
    for offset in range(0, args.comments, BATCH_SIZE):
        numbers = range(offset, min(offset + BATCH_SIZE, args.comments))
        comments = Comment.objects.bulk_create(
            Comment(
                content=f"Comment number {n}. " * rng.randint(1, 8),
                # reader0 never comments: the benchmark's logged-in reader
                # with no links of their own on the page.
                commenter=rng.choice(users[1:] or users),
            )
            for n in numbers
        )
        # auto_now_add stamped every row with the same instant; a board's
        # history spreads over years.
        for n, comment in zip(numbers, comments, strict=True):
            comment.posted = start + datetime.timedelta(minutes=n)
        Comment.objects.bulk_update(comments, ["posted"], batch_size=1000)


if __name__ == "__main__":
    main()
