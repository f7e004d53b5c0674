"""Fixtures shared by several test modules."""

import pytest

from site_build import built_site


@pytest.fixture(scope="session")
def site():
    """The documentation site, built once per test run with --strict (tests/site_build.py).

    Several modules read it (tests/test_docs.py, tests/test_zh_pages.py, tests/test_site.py);
    the build is slow, so it happens once.
    """
    return built_site()
