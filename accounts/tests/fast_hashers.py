"""
The site's password hashers at a test's cost.

Django's own hashers, as production lists them, made cheap by subclassing:
each writes the same format under the same algorithm name (``argon2$...``,
``pbkdf2_sha256$...``) and reads any cost from the hash it checks, so a test
of logging in, upgrading or importing runs in milliseconds instead of a
second per hash. A few tests keep the real cost, one for each format
(test_security.py, test_hashers.py).
"""

from django.contrib.auth.hashers import (
    Argon2PasswordHasher,
    PBKDF2PasswordHasher,
    PBKDF2SHA1PasswordHasher,
    ScryptPasswordHasher,
)

from scratchpad import settings as project_settings


class FastArgon2PasswordHasher(Argon2PasswordHasher):
    time_cost = 1
    memory_cost = 8  # KiB: argon2's least for one lane.
    parallelism = 1


class FastPBKDF2PasswordHasher(PBKDF2PasswordHasher):
    iterations = 1000


class FastPBKDF2SHA1PasswordHasher(PBKDF2SHA1PasswordHasher):
    iterations = 1000


class FastScryptPasswordHasher(ScryptPasswordHasher):
    work_factor = 2**10
    parallelism = 1


DJANGO = "django.contrib.auth.hashers"
FAST = {
    f"{DJANGO}.Argon2PasswordHasher": f"{__name__}.FastArgon2PasswordHasher",
    f"{DJANGO}.PBKDF2PasswordHasher": f"{__name__}.FastPBKDF2PasswordHasher",
    f"{DJANGO}.PBKDF2SHA1PasswordHasher": f"{__name__}.FastPBKDF2SHA1PasswordHasher",
    f"{DJANGO}.ScryptPasswordHasher": f"{__name__}.FastScryptPasswordHasher",
}


def fast_production_hashers() -> list[str]:
    """PASSWORD_HASHERS as production has it, each of Django's made cheap."""
    return [FAST.get(path, path) for path in project_settings.PASSWORD_HASHERS]
