"""What the browser tests do again and again: give the personas a password to sign in
with, and take a step from a record's page."""

PASSWORD = "e2e-correct-horse-battery"


def with_password(*users) -> None:
    """Give ``users`` the password the tabs sign in with."""
    for user in users:
        user.set_password(PASSWORD)
        user.save()


def take(tab, link: str, name: str, fill=None) -> None:
    """Click a step's button, fill its form, submit, and keep a screenshot of both; the
    page must show no error."""
    tab.page.locator("main").get_by_role("link", name=link, exact=True).first.click()
    tab.page.wait_for_selector("#step-form")
    if fill:
        fill(tab.page)
    tab.shot(f"{name}-form")
    tab.page.click("#step-form button[type=submit]")
    tab.page.wait_for_load_state()
    assert tab.page.locator("#form-errors").count() == 0, tab.page.inner_text("main")
    tab.shot(name)
