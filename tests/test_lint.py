"""ruff (with bugbear and gettext rules) is part of the test run, so style problems fail CI."""

import subprocess
import sys

from portal.config import ROOT


def test_ruff_finds_nothing():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "."], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
