"""The site's icon, in the tab and wherever a browser asks for /favicon.ico."""

from django.urls import reverse


def icon_is_drawn(page, url):
    """Whether Chromium loads the image at url and draws it at some size."""
    return page.evaluate(
        """async (url) => {
            const image = new Image();
            image.src = url;
            await image.decode();
            return image.naturalWidth > 0 && image.naturalHeight > 0;
        }""",
        url,
    )


def test_pages_name_the_sites_icon(page):
    page.goto(reverse("comments:list"))
    href = page.locator("link[rel=icon]").get_attribute("href")
    response = page.request.get(href)
    assert response.status == 200
    assert response.headers["content-type"].startswith("image/svg+xml")
    assert icon_is_drawn(page, href)


def test_favicon_ico_leads_to_the_same_icon(page):
    page.goto(reverse("comments:list"))
    href = page.locator("link[rel=icon]").get_attribute("href")
    response = page.request.get(reverse("favicon"))
    assert response.ok
    assert response.url == page.url.rstrip("/") + href
    assert icon_is_drawn(page, reverse("favicon"))
