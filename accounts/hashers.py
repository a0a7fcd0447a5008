"""
Passwords of users imported from the Flask tutorial's site.

That site stored what werkzeug's ``generate_password_hash`` made, in one of
the formats werkzeug has used over the years:

- ``pbkdf2:sha256:ITERATIONS$salt$hexdigest`` (werkzeug 0.12 to 2.x, and
  still available in 3.x), ``pbkdf2:sha1:1000$salt$hexdigest`` (0.9 to 0.11);
- ``scrypt:N:r:p$salt$hexdigest``, the default since werkzeug 3.0;
- ``sha1$salt$hexdigest`` (0.8 and older, the only format before PBKDF2): an
  HMAC of the password keyed with the salt, or a plain digest of the password
  when the salt is empty. Werkzeug accepted any hashlib digest name there.

A scrypt string is 162 characters long and Django's password column holds
128, so the imported hash is stored in a compact form that keeps every bit of
it: ``werkzeug$<method>$<salt>$<digest>``, where the digest is base64 (without
padding) instead of hex, and scrypt's cost N, always a power of two, is written
as its base-2 logarithm (``scrypt:15:8:1`` for werkzeug's ``scrypt:32768:8:1``,
as passlib writes it). ``WerkzeugHash`` converts between the two forms.

A hash is only ever checked at a cost werkzeug's own defaults once asked for
(``PBKDF2_MAX_ITERATIONS``, ``SCRYPT_MAX_COST``): the importer refuses a
costlier one, and the hasher refuses it again before hashing anything, so
that no stored value can make a login take minutes or fail with an error.
"""

import base64
import binascii
import hashlib
import hmac
import re
from dataclasses import dataclass

from django.contrib.auth.hashers import BasePasswordHasher, mask_hash

ALGORITHM = "werkzeug"

# The digest names werkzeug offered (hashlib.algorithms of its day), which
# both hmac and hashlib.pbkdf2_hmac accept on every Python.
DIGESTS = frozenset({"md5", "sha1", "sha224", "sha256", "sha384", "sha512"})

# The costliest hashes werkzeug ever made by default: a stored hash may ask
# for no more work than these, so that one row cannot hold a web worker for
# minutes per login (2**31 - 1 PBKDF2 iterations take over twenty) or keep it
# from ever answering. PBKDF2's default rose from 50000 iterations (0.12) to
# 150000, 260000 (2.x), 600000 (3.0) and 1000000 (3.1); scrypt's has been
# N=2**15, r=8, p=1 since 3.0. Time grows with N·r·p, and memory, about
# 128·N·r bytes, stays under the 32 MiB of werkzeug's default with it.
PBKDF2_MAX_ITERATIONS = 1_000_000
SCRYPT_MAX_COST = 2**15 * 8 * 1

_HEX = re.compile(r"(?:[0-9a-f]{2})+")
# A positive number of at most ten digits: no sign, space or underscore,
# which int() would accept and werkzeug never wrote, and never a string of
# digits long enough to cost time to read.
_DECIMAL = re.compile(r"[1-9][0-9]{0,9}")


class UnusableHash(ValueError):
    """A werkzeug hash this hasher will not check a password against; the
    message says why."""


@dataclass(frozen=True)
class WerkzeugHash:
    """One werkzeug password hash, taken apart."""

    # "pbkdf2", "scrypt", or a digest name for the HMAC of werkzeug 0.8.
    kind: str
    # pbkdf2: (digest name, iterations); scrypt: (n, r, p); HMAC: ().
    params: tuple
    salt: str
    digest: bytes

    @classmethod
    def parse_werkzeug(cls, value: object) -> "WerkzeugHash":
        """Parse what ``generate_password_hash`` made; raise UnusableHash if
        this hasher would not verify a password against it (an unknown
        method, a digest of the wrong length, a hash cut short, a cost
        werkzeug never used)."""
        if value is None:
            raise UnusableHash("it has no password hash")
        if not isinstance(value, str):
            raise UnusableHash("its password hash is not text")
        if value.count("$") != 2:
            raise UnusableHash("its password hash is in no format werkzeug made")
        method, salt, hexdigest = value.split("$")
        if not _HEX.fullmatch(hexdigest):
            # werkzeug compares lower-case hex: anything else never matched.
            raise UnusableHash("its digest is not lower-case hexadecimal")
        kind = method.partition(":")[0]
        parsed = cls(kind, cls._params(method), salt, bytes.fromhex(hexdigest))
        parsed.check()
        return parsed

    @classmethod
    def from_werkzeug(cls, value: object) -> "WerkzeugHash | None":
        """``parse_werkzeug``, with None for a hash it refuses."""
        try:
            return cls.parse_werkzeug(value)
        except UnusableHash:
            return None

    @classmethod
    def parse_django(cls, encoded: str) -> "WerkzeugHash":
        """Parse the stored form; raise UnusableHash if it is not one, or
        not one this hasher would verify a password against."""
        parts = encoded.split("$")
        if len(parts) != 4 or parts[0] != ALGORITHM:
            raise UnusableHash("it is not a stored werkzeug password hash")
        _, method, salt, digest = parts
        if method.startswith("scrypt:"):
            # N is stored as its base-2 logarithm.
            log_n, r, p = cls._params(method)
            if log_n >= 64:
                raise UnusableHash(
                    f"its scrypt N is 2**{log_n}, more than werkzeug's default"
                )
            method = f"scrypt:{2**log_n}:{r}:{p}"
        try:
            padding = "=" * (-len(digest) % 4)
            digest_bytes = base64.b64decode(digest + padding, validate=True)
        except (ValueError, binascii.Error):
            raise UnusableHash("its digest is not base64") from None
        kind = method.partition(":")[0]
        parsed = cls(kind, cls._params(method), salt, digest_bytes)
        parsed.check()
        return parsed

    @classmethod
    def from_django(cls, encoded: str) -> "WerkzeugHash | None":
        """``parse_django``, with None for a value it refuses."""
        try:
            return cls.parse_django(encoded)
        except UnusableHash:
            return None

    @staticmethod
    def _params(method: str) -> tuple:
        """The parameters of ``method``; the numbers are read only when they
        are written as werkzeug wrote them."""
        kind, *args = method.split(":")
        if kind == "pbkdf2":
            if len(args) != 2 or not _DECIMAL.fullmatch(args[1]):
                raise UnusableHash(
                    "its PBKDF2 method does not name a digest and an iteration "
                    "count as werkzeug wrote them"
                )
            return (args[0], int(args[1]))
        if kind == "scrypt":
            if len(args) != 3 or not all(_DECIMAL.fullmatch(arg) for arg in args):
                raise UnusableHash(
                    "its scrypt method does not give N, r and p as werkzeug wrote them"
                )
            return tuple(int(arg) for arg in args)
        if args:
            raise UnusableHash("its method is not one werkzeug used")
        return ()

    @property
    def method(self) -> str:
        """The method as werkzeug writes it."""
        return ":".join([self.kind, *map(str, self.params)])

    def to_werkzeug(self) -> str:
        return f"{self.method}${self.salt}${self.digest.hex()}"

    def to_django(self) -> str:
        if self.kind == "scrypt":
            n, r, p = self.params
            method = f"scrypt:{n.bit_length() - 1}:{r}:{p}"
        else:
            method = self.method
        digest = base64.b64encode(self.digest).decode("ascii").rstrip("=")
        return f"{ALGORITHM}${method}${self.salt}${digest}"

    def hash_password(self, password: str) -> bytes:
        """What werkzeug computes for ``password`` with this method and salt."""
        secret = password.encode("utf-8")
        salt = self.salt.encode("utf-8")
        if self.kind == "scrypt":
            n, r, p = self.params
            return hashlib.scrypt(
                secret, salt=salt, n=n, r=r, p=p, maxmem=132 * n * r * p, dklen=64
            )
        if self.kind == "pbkdf2":
            digest_name, iterations = self.params
            return hashlib.pbkdf2_hmac(digest_name, secret, salt, iterations)
        if salt:
            return hmac.new(salt, secret, self.kind).digest()
        return hashlib.new(self.kind, secret).digest()

    def verify(self, password: str) -> bool:
        return hmac.compare_digest(self.hash_password(password), self.digest)

    def check(self) -> None:
        """Raise UnusableHash unless a password can be checked against this
        hash at no more cost than werkzeug's own defaults ever asked."""
        try:
            self.salt.encode("utf-8")
        except UnicodeEncodeError:
            raise UnusableHash("its salt is not valid UTF-8") from None
        if self.kind == "scrypt":
            n, r, p = self.params
            if n < 2 or n & (n - 1):
                raise UnusableHash("its scrypt N is not a power of two above 1")
            if n * r * p > SCRYPT_MAX_COST:
                raise UnusableHash(
                    f"its scrypt cost N·r·p is {n * r * p:,}, more than "
                    f"werkzeug's default ({SCRYPT_MAX_COST:,})"
                )
            if n >= 2 ** (16 * r):
                # OpenSSL refuses these, and werkzeug could not check them.
                raise UnusableHash("its scrypt N is too large for its r")
            expected = 64
        elif self.kind == "pbkdf2":
            digest_name, iterations = self.params
            if digest_name not in DIGESTS:
                raise UnusableHash("its PBKDF2 digest is not one werkzeug offered")
            if iterations > PBKDF2_MAX_ITERATIONS:
                raise UnusableHash(
                    f"it asks for {iterations:,} PBKDF2 iterations, more than "
                    f"werkzeug ever made ({PBKDF2_MAX_ITERATIONS:,})"
                )
            if not self.salt:
                raise UnusableHash("its PBKDF2 hash has no salt")
            expected = hashlib.new(digest_name).digest_size
        elif self.kind in DIGESTS and not self.params:
            expected = hashlib.new(self.kind).digest_size
        else:
            raise UnusableHash("its method is not one werkzeug used")
        if len(self.digest) != expected:
            raise UnusableHash(
                f"its digest is {len(self.digest)} bytes long, not {expected} "
                "(a hash cut short?)"
            )


class WerkzeugPasswordHasher(BasePasswordHasher):
    """
    Checks passwords against the werkzeug hashes imported from the Flask
    tutorial's site, stored in the compact form described above.

    It only verifies: ``must_update`` is always true, so on a user's first
    successful login Django's ``check_password`` re-hashes the password with
    the site's preferred hasher, and this one is never used for that user
    again. It is listed after the preferred hasher in ``PASSWORD_HASHERS``
    and never first, so it never makes new hashes (``encode`` is left to the
    base class, which refuses).
    """

    algorithm = ALGORITHM

    def verify(self, password, encoded):
        # A stored value that is damaged, or asks for more work than
        # werkzeug's defaults ever did, is refused before any hashing: the
        # login fails as with a wrong password, at once.
        parsed = WerkzeugHash.from_django(encoded)
        return parsed is not None and parsed.verify(password)

    def decode(self, encoded):
        try:
            parsed = WerkzeugHash.parse_django(encoded)
        except UnusableHash as refusal:
            raise ValueError(
                f"Not a usable werkzeug password hash: {refusal}."
            ) from None
        return {
            "algorithm": self.algorithm,
            "method": parsed.method,
            "salt": parsed.salt,
            "hash": encoded.rsplit("$", 1)[1],
        }

    def safe_summary(self, encoded):
        try:
            decoded = self.decode(encoded)
        except ValueError as refusal:
            # The admin shows this on the user's page, where a ValueError
            # would be a server error.
            return {"algorithm": self.algorithm, "unusable": str(refusal)}
        return {
            "algorithm": decoded["algorithm"],
            "method": decoded["method"],
            "salt": mask_hash(decoded["salt"]),
            "hash": mask_hash(decoded["hash"]),
        }

    def must_update(self, encoded):
        return True

    def harden_runtime(self, password, encoded):
        # Django calls this only for the preferred hasher, which this one
        # never is: an imported hash lives until its user's first login.
        pass
