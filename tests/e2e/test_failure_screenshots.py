"""A failing browser test leaves a screenshot, whether its body or its setup failed.

Runs a small pytest session in a subprocess with the e2e conftest's hook and browser fixture
and a page that shows known content, then reads the report and the PNG files it names.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image

from tests.e2e.conftest import ROOT

pytestmark = pytest.mark.browser

CONFTEST = """
import pytest
from tests.e2e.conftest import browser, pytest_runtest_makereport  # noqa: F401


@pytest.fixture
def page(browser, request):
    context = browser.new_context(viewport={"width": 400, "height": 300})
    page = context.new_page()
    request.node._e2e_page = page
    page.set_content("<body style='background:#c00;margin:0'><h1>under test</h1></body>")
    yield page
    context.close()


@pytest.fixture
def broken_fixture(page):
    raise RuntimeError("a fixture after the page broke")
"""

TESTS = """
def test_body_fails(page):
    assert page.title() == "not this"


def test_setup_fails(broken_fixture):
    pass


def test_passes(page):
    assert page.locator("h1").inner_text() == "under test"
"""


def test_failures_in_body_and_setup_leave_screenshots(tmp_path: Path) -> None:
    (tmp_path / "conftest.py").write_text(CONFTEST)
    (tmp_path / "test_inner.py").write_text(TESTS)
    artifacts = tmp_path / "artifacts"
    env = {
        **os.environ,
        "PYTHONPATH": str(ROOT),
        "PIXSIM7_E2E_ARTIFACTS": str(artifacts),
    }
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", str(tmp_path)],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    out = run.stdout + run.stderr
    assert run.returncode == 1, out
    assert "1 failed, 1 passed, 1 error" in out, out

    named = re.findall(r"screenshot of the page at \S+: (\S+\.png)", out)
    assert sorted(Path(p).name for p in named) == [
        "test_body_fails-call.png",
        "test_setup_fails-setup.png",
    ], out
    for path in map(Path, named):
        assert path.parent == artifacts
        with Image.open(path) as shot:
            assert shot.size[0] >= 400
            # The page's red background is in the picture: it is the page, not a blank.
            assert shot.convert("RGB").getpixel((390, 290)) == (204, 0, 0)
    assert sorted(p.name for p in artifacts.iterdir()) == sorted(Path(p).name for p in named)
