"""In the browser: a listing is posted and edited accepting every default the form offers.

The expiry date once reached the browser as "27/02/2027" in an <input type="date">, which a browser
shows as blank: every post failed with "Enter a date." while tests that filled the field passed.
Here nobody types a date: the 90-day default, and on edit the current expiry, must survive.
"""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, ViewportSize, expect

from accounts.models import User
from listings.models import Listing
from tests.browser.conftest import DESKTOP, PHONE, log_in
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_post_and_edit_a_listing_with_the_offered_dates(
    new_page: Callable[..., Page], live_server, bob: User, viewport: ViewportSize
) -> None:
    page = new_page(viewport)
    log_in(page, live_server.url, bob.email, PASSWORD)
    page.goto(f"{live_server.url}/listings/new/")

    expiry = page.get_by_label("Show it until")
    offered = (timezone.localdate() + timedelta(days=90)).isoformat()
    expect(expiry).to_have_value(offered)  # what the browser shows, not what the HTML says

    page.get_by_label("A request: I need help").check()
    page.get_by_label("Title").fill("Help reading our SPC chart")
    page.get_by_label("Description").fill("Our falls data jumps about and we cannot tell signal from noise.")
    page.get_by_label("The improvement it serves").fill("Fewer falls on elderly care wards")
    page.get_by_label("Statistical process control").check()
    page.get_by_role("button", name="Publish").click()

    expect(page.locator("h1")).to_have_text("Help reading our SPC chart")
    listing = Listing.objects.get(title="Help reading our SPC chart")
    assert timezone.localtime(listing.expires_at).date().isoformat() == offered

    page.get_by_role("button", name="Edit", exact=True).click()
    expect(page.get_by_label("Show it until")).to_have_value(offered)
    page.get_by_label("Title").fill("Help reading our SPC chart, please")
    page.get_by_role("button", name="Save changes").click()

    expect(page.locator("h1")).to_have_text("Help reading our SPC chart, please")
    listing.refresh_from_db()
    assert timezone.localtime(listing.expires_at).date().isoformat() == offered
