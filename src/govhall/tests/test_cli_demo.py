"""The README's demo command, end to end, as a newcomer runs it: a real `govhall demo` process
serving HTTP with its worker, on SQLite in a fresh data folder."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _env(data_dir: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    env["GOVHALL_DATA_DIR"] = str(data_dir)
    env["GOVHALL_WORKER_POLL_SECONDS"] = "0.2"
    return env


def _get(url: str) -> tuple[int, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 (loopback only)
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def _post_json(url: str, body: dict) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 (loopback only)
        url, data=json.dumps(body).encode(), headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _govhall(*args: str, data_dir: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "govhall.cli", *args, "--data-dir", str(data_dir)],
        env=_env(data_dir),
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("demo-city")
    port = _free_port()
    log = (data_dir / "demo.log").open("w")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "govhall.cli",
            "demo",
            "--port",
            str(port),
            "--persons",
            "300",
            "--data-dir",
            str(data_dir),
        ],
        env=_env(data_dir),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 240
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail("govhall demo exited: " + (data_dir / "demo.log").read_text()[-3000:])
        try:
            if _get(base + "/")[0] == 200:
                break
        except OSError:
            pass
        time.sleep(0.5)
    else:
        process.kill()
        pytest.fail("govhall demo did not serve: " + (data_dir / "demo.log").read_text()[-3000:])
    yield base, data_dir, process
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
    log.close()


def test_demo_serves_home_schema_and_docs(demo):
    base, _, _ = demo
    status, body = _get(base + "/")
    assert status == 200 and "网上办事大厅" in body.decode()
    assert _get(base + "/api/schema/")[0] == 200
    assert _get(base + "/api/docs/")[0] == 200
    assert _get(base + "/static/portal/css/site.css")[0] == 200


def test_demo_accounts_file_lists_personas_that_can_log_in(demo):
    base, data_dir, _ = demo
    accounts = json.loads((data_dir / "demo-accounts.json").read_text(encoding="utf-8"))
    assert {"username", "password", "kind", "name", "department", "posts"} <= set(accounts[0])
    kinds = {a["kind"] for a in accounts}
    assert {"citizen", "enterprise", "staff", "agent", "admin"} <= kinds
    chosen = {a["kind"]: a for a in accounts}
    for account in chosen.values():
        status, body = _post_json(
            base + "/api/v1/auth/token",
            {"username": account["username"], "password": account["password"]},
        )
        assert status == 201, (account["username"], body)
        request = urllib.request.Request(  # noqa: S310
            base + "/api/v1/me", headers={"Authorization": f"Bearer {body['token']}"}
        )
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            me = json.loads(response.read())
        assert me["username"] == account["username"] and me["kind"] == account["kind"]
    staff = chosen["staff"]
    assert staff["department"] and staff["posts"]


def test_demo_worker_runs_periodic_jobs(demo):
    _, data_dir, _ = demo
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        with sqlite3.connect(data_dir / "govhall.sqlite3") as db:
            done = db.execute("SELECT count(*) FROM core_job WHERE status = 'done'").fetchone()[0]
        if done:
            return
        time.sleep(0.5)
    pytest.fail("the demo's worker ran no job within 60 s")


def test_audit_verify_command_detects_a_hand_edited_row(demo):
    _, data_dir, _ = demo
    ok = _govhall("audit", "verify", "--no-record", data_dir=data_dir)
    assert ok.returncode == 0, ok.stderr
    assert "audit chain OK" in ok.stdout
    with sqlite3.connect(data_dir / "govhall.sqlite3") as db:
        db.execute("UPDATE core_auditentry SET action = 'forged' WHERE seq = 2")
    broken = _govhall("audit", "verify", "--no-record", data_dir=data_dir)
    assert broken.returncode != 0
    assert "row seq 2" in broken.stderr


def test_demo_stops_cleanly_on_ctrl_c(demo):
    _, _, process = demo
    os.killpg(process.pid, signal.SIGINT)
    assert process.wait(timeout=30) == 0
