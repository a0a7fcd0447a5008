"""The werkzeug hasher against hashes made by werkzeug itself."""

import hashlib

import pytest
from django.contrib.auth.hashers import check_password, identify_hasher
from werkzeug.security import generate_password_hash

from accounts.hashers import UnusableHash, WerkzeugHash, WerkzeugPasswordHasher

PASSWORD = "pässwörd ☃ with spaces"

# What the installed werkzeug (3.x) still makes, one per era: the 2017
# tutorial's werkzeug 0.12 used pbkdf2:sha256 with 50000 iterations, later
# releases 150000, 260000, 600000 and 1000000; werkzeug 0.9 to 0.11 made
# pbkdf2:sha1 with 1000; werkzeug 3 makes scrypt (N=32768, r=8, p=1). The
# hasher reads the cost from the hash, so these are the same formats at a
# test's cost; test_werkzeug_hash_at_its_real_cost_is_verified has the real
# ones.
WERKZEUG_METHODS = [
    "pbkdf2:sha256:1000",
    "pbkdf2:sha256:1500",
    "pbkdf2:sha1:1000",
    "scrypt:1024:8:1",
    "scrypt:512:8:2",
]

# werkzeug 3 no longer makes or checks the oldest format, so these were made
# by werkzeug 2.2.3, the last release with the werkzeug 0.8 code path
# (``_hash_internal``: ``hmac.new(salt, password, method)`` with a salt,
# ``hashlib.new(method, password)`` without), by
# ``generate_password_hash("old-timer ☃", method=M, salt_length=8)``. Its
# ``check_password_hash`` accepted each with that password and refused
# "wrong". The unsalted one is ``"sha1$$" + sha1(password).hexdigest()``,
# which werkzeug 2.2.3 also accepted: werkzeug could check it, not make it.
LEGACY_PASSWORD = "old-timer ☃"
LEGACY_HASHES = [
    "sha1$T14lfHu9$3d749ecd67e5df9f0ff3ea85b4aced54e5f1feb3",
    "md5$SMwHKQTb$ad94d9149965e8229a65bae0bc712254",
    "sha256$WuYNrwFo$f6ba3c2df7d7849bb19783cba664226031c666d0bd41b16e23d168135bedfe93",
    "sha1$$e824a6596db18324073f610b28032b0168d07a8c",
]


@pytest.fixture(scope="module", params=WERKZEUG_METHODS)
def werkzeug_hash(request):
    return generate_password_hash(PASSWORD, method=request.param)


@pytest.fixture
def hashers(settings):
    from scratchpad import settings as project_settings

    settings.PASSWORD_HASHERS = project_settings.PASSWORD_HASHERS


def stored(werkzeug_hash):
    return WerkzeugHash.from_werkzeug(werkzeug_hash).to_django()


def test_right_password_is_accepted(werkzeug_hash):
    assert WerkzeugPasswordHasher().verify(PASSWORD, stored(werkzeug_hash))


@pytest.mark.parametrize("wrong", ["", PASSWORD.upper(), PASSWORD + " "])
def test_wrong_password_is_refused(werkzeug_hash, wrong):
    assert not WerkzeugPasswordHasher().verify(wrong, stored(werkzeug_hash))


def test_stored_form_fits_the_password_column(werkzeug_hash):
    assert len(stored(werkzeug_hash)) <= 128


def test_stored_form_gives_back_the_werkzeug_hash_exactly(werkzeug_hash):
    encoded = stored(werkzeug_hash)
    assert WerkzeugHash.from_django(encoded).to_werkzeug() == werkzeug_hash


@pytest.mark.parametrize(
    "method, made, length",
    [
        # What werkzeug 3 makes by default, and with method="pbkdf2": about
        # a second each to make or to check. The scrypt one is longer than
        # Django's password column.
        ("scrypt", "scrypt:32768:8:1$", 162),
        ("pbkdf2", "pbkdf2:sha256:1000000$", 103),
    ],
)
def test_werkzeug_hash_at_its_real_cost_is_verified(method, made, length):
    werkzeug_hash = generate_password_hash(PASSWORD, method=method)
    assert werkzeug_hash.startswith(made)
    assert len(werkzeug_hash) == length
    encoded = stored(werkzeug_hash)
    assert len(encoded) <= 128
    # Wrong passwords are refused in every format above, at a test's cost.
    assert WerkzeugPasswordHasher().verify(PASSWORD, encoded)


@pytest.mark.parametrize("legacy_hash", LEGACY_HASHES)
def test_legacy_hash_accepts_the_right_password(legacy_hash):
    encoded = stored(legacy_hash)
    assert WerkzeugPasswordHasher().verify(LEGACY_PASSWORD, encoded)
    assert WerkzeugHash.from_django(encoded).to_werkzeug() == legacy_hash


@pytest.mark.parametrize("legacy_hash", LEGACY_HASHES)
def test_legacy_hash_refuses_a_wrong_password(legacy_hash):
    hasher = WerkzeugPasswordHasher()
    assert not hasher.verify("wrong", stored(legacy_hash))
    assert not hasher.verify(LEGACY_PASSWORD.upper(), stored(legacy_hash))


def test_legacy_hash_is_an_hmac_keyed_with_the_salt_not_a_salted_digest():
    # Django's own old SHA1 hasher hashed salt + password: that reading of
    # the same string must not be what is checked.
    method, salt, hexdigest = LEGACY_HASHES[0].split("$")
    salted = hashlib.sha1((salt + LEGACY_PASSWORD).encode()).hexdigest()
    assert salted != hexdigest
    assert WerkzeugPasswordHasher().verify(LEGACY_PASSWORD, stored(LEGACY_HASHES[0]))


@pytest.mark.parametrize(
    "werkzeug_hash",
    [
        # What MySQL without strict mode kept of a scrypt hash (162 characters
        # at werkzeug's cost).
        generate_password_hash(PASSWORD, method="scrypt:1024:8:1")[:128],
        "plain$$" + PASSWORD,
        "bcrypt$salt$" + "ab" * 30,
        "pbkdf2:sha256$salt$" + "ab" * 32,  # iterations left to the default
        "pbkdf2:sha256:0$salt$" + "ab" * 32,
        "pbkdf2:sha256:600000$$" + "ab" * 32,  # no salt
        "pbkdf2:sha256:600000$salt$" + "AB" * 32,  # werkzeug never wrote upper case
        "pbkdf2:sha256:600000$salt$" + "ab" * 31,  # a digest too short
        "pbkdf2:whirlpool:600000$salt$" + "ab" * 32,
        "scrypt$salt$" + "ab" * 64,  # cost left to the default
        "scrypt:1000:8:1$salt$" + "ab" * 64,  # N is not a power of two
        "scrypt:1048576:8:1$salt$" + "ab" * 64,  # a gigabyte per login
        # Costlier than any werkzeug default: minutes of work per login, or
        # more iterations than hashlib takes (an OverflowError).
        "pbkdf2:sha256:1000001$salt$" + "ab" * 32,
        "pbkdf2:sha256:2147483647$salt$" + "ab" * 32,
        "pbkdf2:sha256:2147483648$salt$" + "ab" * 32,
        "scrypt:32768:8:2$salt$" + "ab" * 64,
        "scrypt:2:1:1000000$salt$" + "ab" * 64,
        "scrypt:2:1000000:1$salt$" + "ab" * 64,
        "scrypt:65536:1:1$salt$" + "ab" * 64,  # N too large for r: OpenSSL refuses
        # Numbers werkzeug never wrote.
        "pbkdf2:sha256:-1$salt$" + "ab" * 32,
        "pbkdf2:sha256:+1000$salt$" + "ab" * 32,
        "pbkdf2:sha256:1_000$salt$" + "ab" * 32,
        "pbkdf2:sha256: 1000$salt$" + "ab" * 32,
        "pbkdf2:sha256:" + "9" * 5000 + "$salt$" + "ab" * 32,
        "scrypt:16384:8:" + "1" * 5000 + "$salt$" + "ab" * 64,
        "sha1$salt$" + "ab" * 20 + "$extra",
        "",
        "not a hash",
        None,
    ],
)
def test_hash_it_cannot_verify_is_not_taken(werkzeug_hash):
    assert WerkzeugHash.from_werkzeug(werkzeug_hash) is None


@pytest.mark.parametrize(
    "encoded",
    [
        "werkzeug$scrypt:99:8:1$salt$AAAA",
        "werkzeug$pbkdf2:sha256$salt$AAAA",
        "werkzeug$sha1$salt$not base64!",
        "werkzeug$sha1$salt",
        "pbkdf2_sha256$1000$salt$AAAA",
    ],
)
def test_damaged_stored_form_verifies_nothing(encoded):
    assert not WerkzeugPasswordHasher().verify(PASSWORD, encoded)


# Stored forms that must be refused before any hashing: each would hold a
# worker for seconds to minutes, or fail with an error, if it were hashed.
# (An imported hash is refused at import; these stand for a row written
# some other way, or imported before the bound.)
PBKDF2_DIGEST = "A" * 43
SCRYPT_DIGEST = "A" * 86
COSTLY_OR_MALFORMED = [
    f"werkzeug$pbkdf2:sha256:2147483647$salt${PBKDF2_DIGEST}",  # ~23 minutes
    f"werkzeug$pbkdf2:sha256:2147483648$salt${PBKDF2_DIGEST}",  # OverflowError
    f"werkzeug$pbkdf2:sha512:1000001$salt${'A' * 86}",
    f"werkzeug$scrypt:1:1:1000000$salt${SCRYPT_DIGEST}",  # 2.6 seconds
    f"werkzeug$scrypt:15:8:2$salt${SCRYPT_DIGEST}",
    f"werkzeug$scrypt:16:1:1$salt${SCRYPT_DIGEST}",  # OpenSSL's ValueError
    f"werkzeug$scrypt:64:8:1$salt${SCRYPT_DIGEST}",
    f"werkzeug$pbkdf2:sha256:-1$salt${PBKDF2_DIGEST}",
    f"werkzeug$pbkdf2:sha256:1_000$salt${PBKDF2_DIGEST}",
    f"werkzeug$pbkdf2:sha256: 1000$salt${PBKDF2_DIGEST}",
    f"werkzeug$pbkdf2:sha256:{'9' * 5000}$salt${PBKDF2_DIGEST}",
    f"werkzeug$pbkdf2:sha256:1000$${PBKDF2_DIGEST}",  # no salt
    f"werkzeug$pbkdf2:sha256:1000$\udcff${PBKDF2_DIGEST}",  # not UTF-8
]


@pytest.mark.parametrize("encoded", COSTLY_OR_MALFORMED)
def test_costly_or_malformed_stored_hash_is_refused_before_hashing(encoded, no_hashing):
    assert WerkzeugPasswordHasher().verify(PASSWORD, encoded) is False


@pytest.mark.parametrize("encoded", COSTLY_OR_MALFORMED)
def test_costly_or_malformed_stored_hash_has_a_summary_not_an_error(encoded):
    summary = WerkzeugPasswordHasher().safe_summary(encoded)
    assert summary["algorithm"] == "werkzeug"
    assert summary["unusable"]


def test_costliest_hashes_werkzeug_made_are_still_verified():
    hasher = WerkzeugPasswordHasher()
    for method in ["pbkdf2:sha256:1000000", "scrypt:32768:8:1", "scrypt:16384:8:2"]:
        encoded = stored(generate_password_hash(PASSWORD, method=method))
        assert hasher.verify(PASSWORD, encoded), method


@pytest.mark.parametrize(
    ("werkzeug_hash", "reason"),
    [
        (
            "pbkdf2:sha256:2147483647$salt$" + "ab" * 32,
            "it asks for 2,147,483,647 PBKDF2 iterations, more than werkzeug "
            "ever made (1,000,000)",
        ),
        (
            "scrypt:2:1:1000000$salt$" + "ab" * 64,
            "its scrypt cost N·r·p is 2,000,000, more than werkzeug's default "
            "(262,144)",
        ),
        (None, "it has no password hash"),
        ("pbkdf2:sha256:1000$salt$" + "ab" * 31, "its digest is 31 bytes long, not 32"),
    ],
)
def test_refused_hash_says_why(werkzeug_hash, reason):
    with pytest.raises(UnusableHash) as refusal:
        WerkzeugHash.parse_werkzeug(werkzeug_hash)
    assert str(refusal.value).startswith(reason)


def test_django_identifies_the_stored_form(hashers):
    assert isinstance(
        identify_hasher(stored(generate_password_hash(PASSWORD, "scrypt:1024:8:1"))),
        WerkzeugPasswordHasher,
    )


def test_check_password_upgrades_to_the_preferred_hasher(hashers):
    upgraded = []
    encoded = stored(generate_password_hash(PASSWORD, method="pbkdf2:sha1:1000"))
    assert check_password(PASSWORD, encoded, setter=upgraded.append)
    assert upgraded == [PASSWORD]


def test_check_password_with_a_wrong_password_upgrades_nothing(hashers):
    upgraded = []
    encoded = stored(generate_password_hash(PASSWORD, method="pbkdf2:sha1:1000"))
    assert not check_password("wrong", encoded, setter=upgraded.append)
    assert upgraded == []


def test_safe_summary_masks_salt_and_hash():
    werkzeug_hash = generate_password_hash(PASSWORD, method="pbkdf2:sha256:50000")
    method, salt, hexdigest = werkzeug_hash.split("$")
    summary = WerkzeugPasswordHasher().safe_summary(stored(werkzeug_hash))
    assert summary["algorithm"] == "werkzeug"
    assert summary["method"] == "pbkdf2:sha256:50000"
    assert summary["salt"] != salt and summary["salt"].startswith(salt[:6])
    assert "*" in summary["hash"]
