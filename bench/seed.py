"""
Fill the database named by DATABASE_URL with COMMENTS comments by USERS users,
quickly: bulk inserts, one password hash shared by every user.

Every fourth comment is a reply in Markdown (emphasis, a link, code, a
list) to an earlier comment, so that every page has replies and formatting
on it; their words come from WORDS, what the benchmark's searches look for.

    python -m bench.seed COMMENTS USERS
"""

import argparse
import datetime
import os
import random

BATCH_SIZE = 5000
FIRST_BATCH_SIZE = 8
PASSWORD = "benchmark-password-1"
# A board's history spreads over years: comment n was posted n minutes on.
START = datetime.datetime(2017, 10, 13, 16, 36, tzinfo=datetime.UTC)
# The replies' words: each is in about one reply in twenty.
WORDS = [
    "kettle", "lantern", "harbour", "meadow", "quiet", "copper", "willow",
    "orchard", "thunder", "pebble", "saffron", "glacier", "bramble", "cinder",
    "falcon", "juniper", "marble", "nettle", "quarry", "velvet",
]  # fmt: skip
REPLY_EVERY = 4


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
    # Ids of comments already stored, for replies to answer: read back after
    # each batch, as MySQL gives no ids back from a bulk insert.
    earlier = []
    # A small first batch, so that replies start early on small boards too.
    starts = [0, *range(FIRST_BATCH_SIZE, comments, BATCH_SIZE)]
    for start, end in zip(starts, [*starts[1:], comments], strict=True):
        Comment.objects.bulk_create_keeping_times(
            comment(n, rng, readers, earlier) for n in range(start, end)
        )
        earlier = list(
            Comment.objects.order_by("-pk").values_list("pk", flat=True)[:BATCH_SIZE]
        )


def comment(n, rng, readers, earlier):
    from comments.models import Comment

    # reader0 never comments: the benchmark's logged-in reader with no
    # links of their own on the page.
    commenter = rng.choice(readers[1:] or readers)
    posted = START + datetime.timedelta(minutes=n)
    if n % REPLY_EVERY != REPLY_EVERY - 1 or not earlier:
        return Comment(
            content=f"Comment number {n}. " * rng.randint(1, 8),
            format=Comment.Format.PLAIN,
            posted=posted,
            commenter=commenter,
        )
    first, second = rng.sample(WORDS, 2)
    return Comment(
        content=(
            f"**{first.title()}** and *{second}*, as [number {n}]"
            f"(https://example.com/{n}) says: `{first}_{n}()`\n\n"
            f"- the {first} {second}\n- {rng.randint(1, 99)} more"
        ),
        format=Comment.Format.MARKDOWN,
        posted=posted,
        commenter=commenter,
        parent_id=rng.choice(earlier),
        is_reply=True,
    )


if __name__ == "__main__":
    main()
