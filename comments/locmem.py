"""
Django's local-memory cache, bounded by the bytes it keeps.

LocMemCache's own bound, MAX_ENTRIES, counts entries whatever their size,
and a page of long comments is a hundred times the size of a short one: 300
entries may be 3 MB or 300 MB. This backend also keeps the total size of
what it holds under OPTIONS["MAX_BYTES"]. LocMemCache keeps every value
pickled, so the pickle's length is what a value costs, give or take the
key and a few dictionary slots. Beyond either bound the least recently used
entries go first, and a value bigger than the whole bound is not kept.
"""

import pickle

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.locmem import LocMemCache

DEFAULT_MAX_BYTES = 32 * 1024 * 1024


class _Usage:
    """The sizes of one named cache's entries; guarded by that cache's lock."""

    def __init__(self):
        self.sizes: dict[str, int] = {}
        self.total = 0


# Keyed by the cache's name, as LocMemCache keeps its entries: every thread's
# instance of one cache shares them.
_usages: dict[str, _Usage] = {}


class SizedLocMemCache(LocMemCache):
    def __init__(self, name, params):
        super().__init__(name, params)
        self.max_bytes = int(
            params.get("OPTIONS", {}).get("MAX_BYTES", DEFAULT_MAX_BYTES)
        )
        self._usage = _usages.setdefault(name, _Usage())

    @property
    def total_bytes(self) -> int:
        return self._usage.total

    def _set(self, key, value, timeout=DEFAULT_TIMEOUT):
        # What the key held before no longer counts.
        self._delete(key)
        size = len(value)
        if size > self.max_bytes:
            return
        while self._cache and self._usage.total + size > self.max_bytes:
            # The least recently used entry is the last.
            self._delete(next(reversed(self._cache)))
        super()._set(key, value, timeout)
        self._usage.sizes[key] = size
        self._usage.total += size

    def _cull(self):
        # MAX_ENTRIES reached: as LocMemCache does, but through _delete so
        # that the sizes follow.
        if self._cull_frequency == 0:
            doomed = list(self._cache)
        else:
            count = len(self._cache) // self._cull_frequency
            doomed = list(reversed(self._cache))[:count]
        for key in doomed:
            self._delete(key)

    def _delete(self, key):
        if not super()._delete(key):
            return False
        # 0 for an entry stored before the sizes were counted (a plain
        # LocMemCache on the same LOCATION earlier in the process).
        self._usage.total -= self._usage.sizes.pop(key, 0)
        return True

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        with self._lock:
            if self._has_expired(key):
                self._delete(key)
                raise ValueError(f"Key '{key}' not found")
            new_value = pickle.loads(self._cache[key]) + delta
            expiry = self._expire_info[key]
            self._set(key, pickle.dumps(new_value, self.pickle_protocol))
            if key in self._expire_info:
                self._expire_info[key] = expiry
        return new_value

    def clear(self):
        with self._lock:
            self._cache.clear()
            self._expire_info.clear()
            self._usage.sizes.clear()
            self._usage.total = 0
