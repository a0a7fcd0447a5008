from django.conf import settings


def site(request):
    """The board's name and description, for every page's navigation bar,
    title and description. Takes no request: the error pages rendered
    without one (scratchpad.views.render_error_page) use it too."""
    return {
        "board_name": settings.SITE_NAME,
        "board_description": settings.SITE_DESCRIPTION,
    }
