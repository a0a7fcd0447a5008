"""Changing one's password, from the navigation bar."""

from django.urls import reverse
from playwright.sync_api import expect

NEW_PASSWORD = "a brand new passphrase for bob"


def fill_password_form(page, old, new):
    page.get_by_label("Old password").fill(old)
    page.get_by_label("New password", exact=True).fill(new)
    page.get_by_label("New password confirmation").fill(new)
    page.get_by_role("button", name="Change password").click()


def test_password_change_from_the_navbar(bob_page, bob, password, log_in):
    bob_page.get_by_role("navigation").get_by_role(
        "link", name="Change password"
    ).click()
    expect(bob_page.get_by_role("heading", name="Change password")).to_be_visible()

    fill_password_form(bob_page, password, "bob12345")
    expect(bob_page.get_by_role("main")).to_contain_text("This password is too common.")
    expect(bob_page.get_by_role("heading", name="Change password")).to_be_visible()
    bob.refresh_from_db()
    assert bob.check_password(password)

    fill_password_form(bob_page, password, NEW_PASSWORD)
    expect(bob_page.get_by_role("heading", name="Password changed")).to_be_visible()
    expect(bob_page.get_by_role("status")).to_contain_text("Your password was changed")
    # Still logged in here.
    expect(bob_page.get_by_role("navigation")).to_contain_text("bob")
    expect(bob_page.get_by_role("button", name="Log out")).to_be_visible()

    bob_page.get_by_role("button", name="Log out").click()
    bob_page.goto(reverse("login"))
    bob_page.get_by_label("Username").fill("bob")
    bob_page.get_by_label("Password").fill(password)
    bob_page.get_by_role("button", name="Log in").click()
    expect(bob_page.get_by_role("alert")).to_have_text("Incorrect username or password")
    log_in(bob_page, "bob", NEW_PASSWORD)
    expect(bob_page.get_by_role("textbox", name="Comment")).to_be_visible()


def test_the_log_out_address_opened_asks_first(bob_page):
    # Django's logout takes only a POST: the address typed shows its button.
    bob_page.goto(reverse("logout"))
    main = bob_page.get_by_role("main")
    expect(main.get_by_role("heading", name="Log out")).to_be_visible()
    expect(main).to_contain_text("You are logged in as bob.")
    main.get_by_role("button", name="Log out").click()
    expect(bob_page.get_by_role("status")).to_contain_text("You have been logged out")
    expect(
        bob_page.get_by_role("navigation").get_by_role("link", name="Log in")
    ).to_be_visible()
