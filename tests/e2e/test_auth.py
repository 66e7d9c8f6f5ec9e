"""Users added by the admin, sign in, the settings page, and what a rejected token does."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.conftest import ADMIN, PASSWORD, Server, sign_in

pytestmark = pytest.mark.browser


def test_a_fresh_install_takes_no_walk_ins_and_the_admin_adds_users(
    page: Page, server: Server
) -> None:
    email = f"newcomer-{time.time_ns() % 10**8}@example.com"
    page.goto("/register")
    expect(page.get_by_role("heading", name="Registration is closed")).to_be_visible()
    page.get_by_role("link", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
    expect(page.get_by_role("link", name="Create an account")).to_have_count(0)

    sign_in(page, ADMIN)
    page.get_by_role("link", name="Users", exact=True).click()
    page.get_by_text("Add a user").click()
    page.get_by_label("Email").fill(email)
    page.get_by_label("First password").fill("short")
    page.get_by_role("button", name="Add user").click()
    # The API's field error sits next to its field.
    expect(page.locator("label", has_text="First password").get_by_role("alert")).to_be_visible()
    page.get_by_label("First password").fill(PASSWORD)
    page.get_by_role("button", name="Add user").click()
    expect(page.get_by_text(f"Added {email}")).to_be_visible()
    row = page.get_by_role("row").filter(has=page.get_by_role("cell", name=email, exact=True))
    expect(row).to_be_visible()

    # They lost it at once: the admin sets another.
    row.get_by_text("Password", exact=True).click()
    row.get_by_label(f"New password for {email}").fill("a second password")
    row.get_by_role("button", name="Set password").click()
    expect(row.get_by_text("Password set")).to_be_visible()
    page.get_by_role("button", name="Sign out").click()

    page.goto("/login")
    page.get_by_label("Email or username").fill(email)
    page.get_by_label("Password").fill("a second password")
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
    sign_in(page, ADMIN)
    page.get_by_role("link", name="Users", exact=True).click()
    expect(page.get_by_role("cell", name=user_email, exact=True)).to_be_visible()
    page.get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/login"))

    sign_in(page, user_email)
    expect(page.get_by_role("link", name="Users", exact=True)).to_have_count(0)
