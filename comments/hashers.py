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

# werkzeug gives hashlib.scrypt a maxmem of 132 * n * r * p (a little more
# than the 128 * n * r * p scrypt needs). A hash that asks for more than a
# quarter of a gigabyte per login would let one imported row exhaust a web
# worker's memory; werkzeug's own default needs 32 MiB.
SCRYPT_MAX_MEMORY = 256 * 1024 * 1024

_HEX = re.compile(r"(?:[0-9a-f]{2})+")
_DECIMAL = re.compile(r"[1-9][0-9]*")


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
    def from_werkzeug(cls, value: object) -> "WerkzeugHash | None":
        """Parse what ``generate_password_hash`` made; None if this hasher
        could not verify a password against it (an unknown method, a
        digest of the wrong length, a hash cut short)."""
        if not isinstance(value, str) or value.count("$") != 2:
            return None
        method, salt, hexdigest = value.split("$")
        if not _HEX.fullmatch(hexdigest):
            # werkzeug compares lower-case hex: anything else never matched.
            return None
        kind, *args = method.split(":")
        if kind == "pbkdf2":
            if len(args) != 2 or not salt or not _DECIMAL.fullmatch(args[1]):
                return None
            params = (args[0], int(args[1]))
        elif kind == "scrypt":
            if len(args) != 3 or not all(_DECIMAL.fullmatch(arg) for arg in args):
                return None
            params = tuple(int(arg) for arg in args)
        elif not args:
            params = ()
        else:
            return None
        parsed = cls(kind, params, salt, bytes.fromhex(hexdigest))
        return parsed if parsed._is_verifiable() else None

    @classmethod
    def from_django(cls, encoded: str) -> "WerkzeugHash | None":
        """Parse the stored form; None if it is not one."""
        try:
            algorithm, method, salt, digest = encoded.split("$")
            kind, *args = method.split(":")
            if kind == "scrypt":
                log_n, r, p = map(int, args)
                if not 0 < log_n < 64:
                    return None
                params = (2**log_n, r, p)
            elif kind == "pbkdf2":
                digest_name, iterations = args
                params = (digest_name, int(iterations))
            elif args:
                return None
            else:
                params = ()
            padding = "=" * (-len(digest) % 4)
            digest_bytes = base64.b64decode(digest + padding, validate=True)
        except (ValueError, binascii.Error):
            return None
        if algorithm != ALGORITHM:
            return None
        parsed = cls(kind, params, salt, digest_bytes)
        return parsed if parsed._is_verifiable() else None

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

    def _is_verifiable(self) -> bool:
        try:
            self.salt.encode("utf-8")
        except UnicodeEncodeError:
            return False
        if self.kind == "scrypt":
            n, r, p = self.params
            return (
                n > 1
                and n & (n - 1) == 0
                and r > 0
                and p > 0
                and 132 * n * r * p <= SCRYPT_MAX_MEMORY
                and len(self.digest) == 64
            )
        if self.kind == "pbkdf2":
            digest_name, iterations = self.params
            return (
                digest_name in DIGESTS
                and iterations > 0
                and len(self.digest) == hashlib.new(digest_name).digest_size
            )
        return (
            self.kind in DIGESTS
            and not self.params
            and len(self.digest) == hashlib.new(self.kind).digest_size
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
        parsed = WerkzeugHash.from_django(encoded)
        return parsed is not None and parsed.verify(password)

    def decode(self, encoded):
        parsed = WerkzeugHash.from_django(encoded)
        if parsed is None:
            raise ValueError("Not a stored werkzeug password hash.")
        return {
            "algorithm": self.algorithm,
            "method": parsed.method,
            "salt": parsed.salt,
            "hash": encoded.rsplit("$", 1)[1],
        }

    def safe_summary(self, encoded):
        decoded = self.decode(encoded)
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
