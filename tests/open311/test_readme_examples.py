"""The README's Open311 curl examples work as written, against a live server with the demo's reference data."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

README = Path(__file__).resolve().parents[2] / "README.md"


def open311_examples() -> str:
    text = README.read_text(encoding="utf-8")
    block = re.search(
        r"<!-- open311-curl-examples:start -->\s*```bash\n(.*?)```\s*<!-- open311-curl-examples:end -->", text, re.S
    )
    assert block, "the README lost its Open311 curl examples block"
    return block.group(1)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migration_rows")
def test_the_readme_open311_examples_work_as_written(live_server, tmp_path: Path) -> None:
    if not (settings.HOTLINE["DATASETS_DIR"] / "teddy2020c" / "taxonomy.csv").is_file():
        pytest.skip("the shared data set is missing")
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    call_command("seed_demo", no_history=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    script = open311_examples().replace("http://127.0.0.1:8000", live_server.url)
    script = script.replace("/tmp/open311.json", str(tmp_path / "open311.json"))
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout

    assert "['text/xml', 'application/json']" in out  # 1. discovery
    assert "<services><service><service_code>" in out
    number = re.search(r'"service_request_id": "([^"]+)"', out).group(1)  # 2. created
    assert f"<service_requests><request><service_request_id>{number}</service_request_id><status>open" in out  # 3.
    assert f"\n1 {number} open\n" in out
    assert "13700000000" not in out and "王先生" not in out  # never the citizen's phone or name
    assert "<errors><error><code>403</code><description>提交请求需要接入系统的 api_key。" in out  # 4.
    assert '{"code": 400, "description": "lat: ' in out and '"description": "service_code: ' in out
