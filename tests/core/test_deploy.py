"""The production process files of deploy/ (README "Running it in production")."""

import shutil
import subprocess

from tests.integration import ROOT

UNIT = ROOT / "deploy" / "systemd" / "ensie@.service"


def test_the_systemd_unit_is_valid_and_restarts_always(tmp_path):
    """``systemd-analyze verify`` of the unit for each process, pointed at this checkout."""
    text = UNIT.read_text().replace("/srv/ensie", str(ROOT))
    assert "\nRestart=always\n" in text
    for kind in ("web", "worker", "beat"):
        unit = tmp_path / f"ensie@{kind}.service"
        unit.write_text(text)
        result = subprocess.run(
            [shutil.which("systemd-analyze") or "systemd-analyze", "verify", str(unit)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        assert result.stderr.strip() == ""


def test_deploy_run_refuses_an_unknown_process():
    result = subprocess.run(
        [str(ROOT / "deploy" / "run"), "cron"], capture_output=True, text=True, check=False
    )
    assert result.returncode == 2
    assert "usage: deploy/run web|worker|beat" in result.stderr
