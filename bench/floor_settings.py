"""The site's settings, with the floor's view beside its pages (bench/floor.py)."""

from scratchpad.settings import *  # noqa: F403

ROOT_URLCONF = "bench.floor"
