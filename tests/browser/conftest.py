"""The browser tests' fixtures (Chromium, and no Content-Security-Policy violation on any page) for every module
here; they are defined with the first browser tests."""

from tests.browser.test_roles_in_a_browser import browser, no_csp_violation  # noqa: F401
