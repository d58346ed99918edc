"""The README's curl examples work as written, against a live server with the demo's reference data."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

README = Path(__file__).resolve().parents[1] / "README.md"


def curl_examples() -> str:
    text = README.read_text(encoding="utf-8")
    block = re.search(r"<!-- curl-examples:start -->\s*```bash\n(.*?)```\s*<!-- curl-examples:end -->", text, re.S)
    assert block, "the README lost its curl examples block"
    return block.group(1)


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("migration_rows")
def test_the_readme_curl_examples_work_as_written(live_server, tmp_path: Path) -> None:
    if not (settings.HOTLINE["DATASETS_DIR"] / "teddy2020c" / "taxonomy.csv").is_file():
        pytest.skip("the shared data set is missing")
    if shutil.which("curl") is None:
        pytest.skip("curl is not installed")
    call_command("seed_demo", no_history=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    script = curl_examples().replace("HOTLINE=http://127.0.0.1:8000", f"HOTLINE={live_server.url}")
    script = script.replace("/tmp/submitted.json", str(tmp_path / "submitted.json"))
    result = subprocess.run(["bash", "-euo", "pipefail", "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    out = result.stdout

    assert '"duplicate":false' in out.replace(" ", "")  # 1. created
    assert "\n201\n200\n409\n" in out  # 2. created, the retry returns the same order, another call is refused
    assert '"channel"' in out and '"sender_id"' in out  # 3. the 400 names both fields
    assert "城乡建设 / 住房保障与房地产 / 物业服务" in out  # 4. category confirmed
    assert "工单已被修改" in out or "changed after you opened it" in out  # the stale dispatch was refused
    assert "dispatched A市住房和城乡建设局物业监管科" in out  # the catalogue's department
    for status in ("signed", "replied", "callback", "closed"):
        assert f"\n{status}\n" in out
    history = out.strip().splitlines()[-8:]
    assert [line.split()[1] for line in history] == [
        "create",
        "triage",
        "edit",
        "dispatch",
        "sign",
        "reply",
        "callback",
        "close",
    ]
