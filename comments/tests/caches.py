"""The cache settings tests put in place of CACHE_URL's."""

import environ


def use_redis(settings, location, **options):
    """Redis as the shared cache, as CACHE_URL=redis://... sets it."""
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": location,
            **options,
        },
    }


def use_cache_url(settings, url):
    """The shared cache as CACHE_URL=url sets it."""
    settings.CACHES = {**settings.CACHES, "default": environ.Env.cache_url_config(url)}
