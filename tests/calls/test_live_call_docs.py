"""The curl examples of docs/live-calls.md work as written, against a live server with the demo's reference data
(the analysis runs in the server's threads, as without a broker)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

DOC = Path(__file__).resolve().parents[2] / "docs" / "live-calls.md"


def curl_examples() -> str:
    text = DOC.read_text(encoding="utf-8")
    block = re.search(
        r"<!-- live-call-examples:start -->\s*```bash\n(.*?)```\s*<!-- live-call-examples:end -->", text, re.S
    )
    assert block, "docs/live-calls.md lost its curl examples block"
    return block.group(1)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migration_rows")
def test_the_live_call_curl_examples_work_as_written(live_server) -> None:
    if not (settings.HOTLINE["DATASETS_DIR"] / "teddy2020c" / "taxonomy.csv").is_file():
        pytest.skip("the shared data set is missing")
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    call_command("seed_demo", no_history=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    script = curl_examples().replace("HOTLINE=http://127.0.0.1:8000", f"HOTLINE={live_server.url}")
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    lines = result.stdout.strip().splitlines()

    assert '"status":"open"' in lines[0].replace(" ", "") and "/calls/CALL-20261207-0042/" in lines[0]  # 1. opened
    assert '"changed":false' in lines[4].replace(" ", "")  # 2. the final turn sent again changed nothing
    assert lines[5] == "('open', 2, 'gas', '特急')"  # 3. two utterances, the gas leak raised, the order urgent
    assert "speaker" in lines[6]  # 4. the 400 names the field
    assert '"status":"closed"' in lines[7].replace(" ", "")  # 5. ended
    assert lines[8] == "409" and lines[9] == "('closed', True)"  # no turn after the end; the intake has analysed it
