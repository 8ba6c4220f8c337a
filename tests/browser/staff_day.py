"""What the staff's day tests share: counting clicks and logging in as a person does."""

from wagtail.users.models import UserProfile

from tests.feedback_helpers import staff_user


class Clicks:
    """Counts what a person does: each click, choice in a list or field typed into is one."""

    def __init__(self):
        self.steps = []

    def __call__(self, step, action, *args, **kwargs):
        action(*args, **kwargs)
        self.steps.append(step)

    def __len__(self):
        return len(self.steps)

    def report(self):
        return f"{len(self.steps)} clicks: " + "; ".join(self.steps)


def russian_staff(username, group_name, first_name, last_name):
    """A member of the group whose admin speaks Russian, as the demo users' does."""
    user = staff_user(username, group_name)
    user.first_name, user.last_name = first_name, last_name
    user.save()
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "ru"
    profile.save()
    return user


def log_in(browser, site_server, user, clicks):
    """A fresh browser window on the admin's login form, filled in and sent: three clicks."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    admin = context.new_page()
    admin.goto(f"{site_server.url}/admin/login/")
    clicks("login: name", admin.locator("#id_username").fill, user.username)
    clicks("login: password", admin.locator("#id_password").fill, "secret-password")
    clicks("login: «Войти»", admin.locator("form button[type=submit]").click)
    admin.wait_for_url(f"{site_server.url}/admin/")
    return admin
