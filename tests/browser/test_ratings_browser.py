"""好差评 and 12345 tickets in a real browser, both languages: the requester rates an answered
request (errors first), the coordinator closes the bad rating's follow-up and opens the 12345
form; axe on every new page, blank and with errors."""

import re

import pytest

from tests.browser.conftest import run_axe
from tests.browser.test_conversation_browser import submit_without_email
from tests.browser.test_staff_browser import sign_in


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_rating_follow_up_and_hotline_pages(browser, server, lang):
    requester = browser.new_context(base_url=server).new_page()
    number = submit_without_email(requester, lang)
    token = re.search(r"/status/([\w-]+)", requester.url).group(1)

    coordinator = browser.new_context(base_url=server).new_page()
    sign_in(coordinator, "coordinator@demo.invalid", lang="en")
    coordinator.goto("/en/staff/?status=all")
    coordinator.get_by_role("link", name=number).click()
    coordinator.get_by_role("button", name="Accept").click()
    coordinator.wait_for_load_state()
    coordinator.get_by_role("button", name="Mark as answered").click()
    coordinator.wait_for_load_state()

    requester.goto(f"/{lang}/requests/status/{token}")
    requester.locator(f"a[href='/{lang}/requests/rate/{token}']").click()
    requester.wait_for_load_state()
    assert run_axe(requester) == []
    requester.locator("form button[type=submit]").last.click()  # no level chosen: an error
    requester.wait_for_load_state()
    assert requester.locator(".error-summary").count() == 1 and run_axe(requester) == []
    requester.locator("#level-3").check()  # dissatisfied
    requester.locator("#comment").fill("没有人回电话。")
    requester.locator("form button[type=submit]").last.click()
    requester.wait_for_url(re.compile(r".*\?rated=1"))
    assert run_axe(requester) == []

    coordinator.goto(f"/{lang}/staff/follow-ups/")
    assert run_axe(coordinator) == []
    coordinator.get_by_role("link", name=number).click()
    coordinator.wait_for_load_state()
    assert "没有人回电话。" in coordinator.content() and run_axe(coordinator) == []
    coordinator.locator("form button[type=submit]").last.click()  # nothing filled in: errors
    coordinator.wait_for_load_state()
    assert coordinator.locator(".error-summary").count() == 1 and run_axe(coordinator) == []
    coordinator.locator("#action_taken").fill("电话联系了申请人，机构补发了材料清单。")
    coordinator.locator("#called_back-0").check()
    coordinator.locator("form button[type=submit]").last.click()
    coordinator.wait_for_url(re.compile(r".*/staff/follow-ups/$"))

    coordinator.goto(f"/{lang}/staff/hotline/new")
    assert run_axe(coordinator) == []
    coordinator.locator("form button[type=submit]").last.click()
    coordinator.wait_for_load_state()
    assert coordinator.locator(".error-summary").count() == 1 and run_axe(coordinator) == []


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_consent_to_a_move_to_a_bank(browser, server, lang):
    requester = browser.new_context(base_url=server).new_page()
    number = submit_without_email(requester, lang)
    status = requester.url.split("?")[0]

    coordinator = browser.new_context(base_url=server).new_page()
    sign_in(coordinator, "coordinator@demo.invalid", lang="en")
    coordinator.goto("/en/staff/?status=all")
    coordinator.get_by_role("link", name=number).click()
    coordinator.goto(coordinator.url.split("?")[0] + "?all=1")
    bank = coordinator.locator("#institution-reassign option", has_text="Example Bank A").first.get_attribute("value")
    coordinator.locator("#institution-reassign").select_option(bank)
    coordinator.locator("#text-reassign").fill("The owner asks about a pledge loan.")
    coordinator.get_by_role("button", name="Reassign").click()
    coordinator.wait_for_load_state()

    requester.goto(status)
    box = requester.locator("section[aria-labelledby=consent-title]")
    assert box.count() == 1 and ("Example Bank A" in box.inner_text() or "示例银行甲" in box.inner_text())
    assert run_axe(requester) == []
    box.locator("button[value=yes]").click()  # "I agree" (beside it, "I do not agree")
    requester.wait_for_load_state()
    assert requester.locator("section[aria-labelledby=consent-title]").count() == 0
    assert run_axe(requester) == []
