"""A handler previews files in Chromium: the 预览 of a PDF reply letter opens the browser's
PDF viewer in a new tab, and a follow-up's photograph opens as an image, under the
application's own security headers (no exception to the CSP is needed)."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile

from suggestions import services
from suggestions.demo.portal import png_bytes
from suggestions.models import FollowUpEvidence
from suggestions.models import Suggestion
from tests.browser.conftest import login
from tests.browser.test_deputy_portal import replied_item

pytestmark = pytest.mark.browser


def test_a_pdf_letter_and_a_photograph_open_in_the_browser(page, live_server, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path
    s = replied_item(tmp_path)
    handler = s.replies.get().created_by
    services.follow_up_record(
        suggestion=Suggestion.objects.get(pk=s.pk),
        actor=handler,
        kind="visit",
        findings="上门走访代表。",
        evidence=[ContentFile(png_bytes(), name="现场照片.png")],
    )
    photo = FollowUpEvidence.objects.get()

    login(page, live_server, "fangguan")
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(f"{live_server.url}/suggestions/{s.pk}/")
    letter = page.get_by_role("link", name="预览").first
    with page.context.expect_page() as opened:
        letter.click()
    viewer = opened.value
    viewer.wait_for_load_state()
    assert (
        viewer.url
        == f"{live_server.url}/suggestions/{s.pk}/replies/{s.replies.get().pk}/letter/preview/"
    )
    # Shown by the browser's PDF viewer: the tab's document is the PDF itself (a download
    # would leave no such document), under the site's CSP with object-src 'none'.
    assert viewer.evaluate("document.contentType") == "application/pdf"
    viewer.close()

    page.get_by_role("link", name="现场照片.png").wait_for()
    with page.context.expect_page() as opened:
        page.locator("ul.evidence").get_by_role("link", name="预览").click()
    image = opened.value
    image.wait_for_load_state()
    assert image.url.endswith(f"/evidence/{photo.pk}/preview/")
    assert image.evaluate("document.images.length === 1 && document.images[0].naturalWidth") == 48
    image.close()
