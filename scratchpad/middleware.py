"""
The site's own middleware: what every response of the site gets.

Cache-Control for the pages of one visitor (PrivatePageMiddleware):

Django marks a page that read the session or the CSRF token with ``Vary:
Cookie``, and leaves it at that: a shared cache in front of the site (a CDN,
a caching proxy) may still keep it, and one that keys it badly or ignores
Vary hands one person's page to the next. So:

- a page that sets the CSRF cookie holds a token in a form (every page with
  the navbar's logout form does): ``no-store``, kept by no cache at all;
- a page that varies by cookie, asked for with a session or a messages
  cookie, or setting a cookie, is one person's: ``private``, kept only by
  their own browser.

A reader without those cookies gets the page everyone gets, left publicly
cacheable: the same readers comments.middleware.CachedPageMiddleware serves
from the cache.

The Content-Security-Policy header, built once per process
(ContentSecurityPolicyMiddleware).

And the site's own page for a method an address does not take
(MethodNotAllowedMiddleware).
"""

import functools

from csp.constants import HEADER, HEADER_REPORT_ONLY
from csp.middleware import CheckableLazyObject, CSPMiddleware
from csp.utils import build_policy
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponseNotAllowed
from django.shortcuts import render
from django.utils.cache import has_vary_header, patch_cache_control

PERSONAL_COOKIES = (settings.SESSION_COOKIE_NAME, CookieStorage.cookie_name)


class PrivatePageMiddleware:
    """Goes above the sessions' and CSRF middleware, to see what they added."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if settings.CSRF_COOKIE_NAME in response.cookies:
            patch_cache_control(response, private=True, no_store=True)
        elif has_vary_header(response, "Cookie") and (
            response.cookies
            or any(name in request.COOKIES for name in PERSONAL_COOKIES)
        ):
            patch_cache_control(response, private=True)
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp's middleware, with the site's policy built once.

    The site's policy (settings.CONTENT_SECURITY_POLICY) has no nonce and no
    view changes it, so every response gets the same header; django-csp
    builds it from the settings for each response again, a quarter of the
    time an anonymous reader's page from the cache spent in Django. Here it
    is built once per process, and again when the settings change. A
    response that asks for a policy of its own (django-csp's decorators), a
    request that took a nonce, or settings that exclude addresses or let
    DEBUG's error pages go without it, go through django-csp as before.
    """

    def process_response(self, request, response):
        if (
            getattr(request, "_csp_nonce", None) is not None
            or settings.DEBUG
            # django-csp's decorators (csp_update, csp_exempt, ...) mark
            # the response with attributes of this prefix.
            or any(name.startswith("_csp_") for name in vars(response))
            or any(
                (getattr(settings, name, None) or {}).get("EXCLUDE_URL_PREFIXES")
                for name in (
                    "CONTENT_SECURITY_POLICY",
                    "CONTENT_SECURITY_POLICY_REPORT_ONLY",
                )
            )
        ):
            return super().process_response(request, response)
        for header, policy in site_policy().items():
            if policy and header not in response:
                response[header] = policy
        # As django-csp does: a nonce asked for once the header is written
        # would be in no policy, and is an error.
        request.csp_nonce = CheckableLazyObject(self._csp_nonce_post_response)
        return response


@functools.cache
def site_policy() -> dict[str, str]:
    """The site's Content-Security-Policy headers, as django-csp builds them
    for a response that changes nothing of the settings' policy."""
    return {
        HEADER: build_policy(),
        HEADER_REPORT_ONLY: build_policy(report_only=True),
    }


@receiver(setting_changed, dispatch_uid="scratchpad.middleware.policy_changed")
def policy_changed(*, setting, **kwargs):
    if setting.startswith("CONTENT_SECURITY_POLICY"):
        site_policy.cache_clear()


class MethodNotAllowedMiddleware:
    """Gives every empty 405 the site's page, keeping its Allow header.

    Django has no handler405: a view refuses a method by returning an empty
    HttpResponseNotAllowed (require_http_methods, a class-based view's
    http_method_not_allowed), which a browser shows as its own blank error
    page. Any such answer, from any view, becomes templates/405.html here.

    Goes after the middleware that the page's rendering needs (sessions,
    authentication, messages) and before those that add headers to every
    response (django-csp), so that the new response gets them too.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if isinstance(response, HttpResponseNotAllowed) and not response.content:
            page = render(request, "405.html", status=405)
            # The view's other headers (Allow, never_cache's Cache-Control)
            # and cookies still hold for the page that replaces its answer.
            for header, value in response.items():
                if header.lower() not in {"content-type", "content-length"}:
                    page[header] = value
            page.cookies.update(response.cookies)
            return page
        return response
