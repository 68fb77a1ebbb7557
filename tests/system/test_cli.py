"""The `socredit` console command fronts all management work."""

import subprocess
import sys

from socredit.cli import main


def test_help_lists_the_product_commands(capsys):
    assert main(["socredit", "--help"]) == 0
    out = capsys.readouterr().out
    for command in ("demo-data", "demo-logins", "import", "issue-token", "create-staff"):
        assert f"  {command} " in out, f"{command} missing from socredit --help"
    assert "migrate" in out  # Django's own commands are listed too


def test_hyphenated_names_reach_the_command():
    # A real process: `socredit demo-data --help` must resolve to the demo_data command.
    proc = subprocess.run([sys.executable, "-m", "socredit.cli", "demo-data", "--help"],
                          capture_output=True, text=True, timeout=60)  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    assert "--orgs" in proc.stdout and "--seed" in proc.stdout
