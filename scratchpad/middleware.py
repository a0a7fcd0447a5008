"""The site's own page for a method that an address does not take."""

from django.http import HttpResponseNotAllowed
from django.shortcuts import render


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
            page["Allow"] = response["Allow"]
            return page
        return response
