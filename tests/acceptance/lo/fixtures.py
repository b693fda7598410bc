"""pytest fixture for LibreOffice-driven tests: ``from lo.fixtures import office``."""
import os

import pytest

from .office import Office, soffice_available


@pytest.fixture(scope="session")
def office():
    """One headless LibreOffice for the whole session; skipped locally without it, fails in CI."""
    if not soffice_available():
        if os.environ.get("CI"):
            pytest.fail("LibreOffice is required in CI")
        pytest.skip("LibreOffice (soffice) is not installed")
    with Office() as lo:
        yield lo
