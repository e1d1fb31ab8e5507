"""The Export tab's Publish section in headless Chromium: it opens, lists what can be published, and a push without
a chosen run shows its message at the section (nothing reaches the network: the page stays on 127.0.0.1)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def test_publish_section_message(page, shots):
    page.locator("#tab-export-button").click()
    page.locator("#publish").get_by_text("Publish to the Hugging Face Hub").first.click()
    page.locator("#publish-repo textarea, #publish-repo input").first.fill("alice/tiny")
    assert page.locator("#publish-token input").first.get_attribute("type") == "password"
    page.locator("#publish-go").click()
    page.locator("#msg-publish").get_by_text("Choose a finished run first.").wait_for(timeout=60_000)
    page.screenshot(path=str(shots / "publish.png"), full_page=True)
    page.locator("#lang label").filter(has_text="简体中文").click()
    page.locator("#publish").get_by_text("发布到 Hugging Face Hub").first.wait_for()
    assert all("127.0.0.1" in u or u.startswith(("data:", "blob:")) for u in page.requests)
