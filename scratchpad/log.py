import logging


class RequestFilter(logging.Filter):
    """
    Give every record a ``request_line`` ("GET /path ") when it carries the
    request it is about, as Django's request loggers do, and "" otherwise.

    Only the method and path: the query string, the headers and the body are
    left out, so that no token or password can reach the log.
    """

    def filter(self, record):
        request = getattr(record, "request", None)
        method = getattr(request, "method", None)
        path = getattr(request, "path", None)
        record.request_line = f"{method} {path} " if method and path else ""
        return True
