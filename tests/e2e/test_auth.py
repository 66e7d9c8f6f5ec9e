"""Register, sign in, the settings page, and what a rejected token does."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import PASSWORD, Server, sign_in

pytestmark = pytest.mark.browser


def test_register_then_sign_in_and_see_sessions(page: Page, server: Server) -> None:
    email = f"newcomer-{time.time_ns() % 10**8}@example.com"
    page.goto("/register")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("short")
    page.get_by_role("button", name="Create account").click()
    # The API's field error sits next to its field.
    expect(page.locator("label", has_text="Password").get_by_role("alert")).to_be_visible()

    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page).to_have_url(re.compile(r"/login\?registered=1"))
    expect(page.get_by_label("Email or username")).to_have_value(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()

    expect(page.get_by_role("heading", name="Welcome")).to_be_visible()
    expect(page.get_by_text("database (sqlite) ok")).to_be_visible()
    page.get_by_role("link", name=email).click()
    expect(page.get_by_role("heading", name="Sessions")).to_be_visible()
    expect(page.get_by_text("this device")).to_be_visible()


def test_a_rejected_token_sends_the_user_to_login_and_back(
    page: Page, server: Server, user_email: str
) -> None:
    sign_in(page, user_email)
    page.evaluate("localStorage.setItem('pixsim7.token', 'expired-or-revoked')")
    page.goto("/settings")  # a deep link: the server falls back to the app
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fsettings"))

    page.get_by_label("Email or username").fill(user_email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).to_have_url(re.compile(r"/settings$"))
    expect(page.get_by_role("heading", name="Settings")).to_be_visible()


def test_admin_sees_users_and_a_user_does_not(page: Page, server: Server, user_email: str) -> None:
    sign_in(page, "admin@example.com")
    page.get_by_role("link", name="Users", exact=True).click()
    expect(page.get_by_role("cell", name=user_email, exact=True)).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login"))

    sign_in(page, user_email)
    expect(page.get_by_role("link", name="Users", exact=True)).to_have_count(0)
