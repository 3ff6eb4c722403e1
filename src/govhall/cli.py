"""The ``govhall`` console command.

    govhall demo   [--host H] [--port P] [--persons N] [--data-dir D]
    govhall serve  [--host H] [--port P] [--workers N] [--data-dir D]
    govhall worker [--once] [--data-dir D]
    govhall migrate | seed --persons N | audit verify | calendar ... | <any Django command>

``--data-dir`` (or ``GOVHALL_DATA_DIR``) picks the instance: its SQLite database, uploads and
generated secret key. It may stand anywhere on the command line.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8000


def _pop_option(argv: list[str], name: str) -> str | None:
    """Remove ``--name VALUE`` or ``--name=VALUE`` from argv and return VALUE."""
    for index, arg in enumerate(argv):
        if arg == name and index + 1 < len(argv):
            value = argv[index + 1]
            del argv[index : index + 2]
            return value
        if arg.startswith(name + "="):
            del argv[index]
            return arg.split("=", 1)[1]
    return None


def _pop_flag(argv: list[str], name: str) -> bool:
    if name in argv:
        argv.remove(name)
        return True
    return False


def _setup(argv: list[str]) -> None:
    data_dir = _pop_option(argv, "--data-dir")
    if data_dir:
        os.environ["GOVHALL_DATA_DIR"] = str(Path(data_dir).expanduser().resolve())
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govhall.settings")


def _django(args: list[str]) -> None:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["govhall", *args])


def _child_env() -> dict[str, str]:
    return dict(os.environ)


def _serve_process(host: str, port: int, workers: int, threads: int) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "govhall.wsgi:application",
        "--bind",
        f"{host}:{port}",
        "--workers",
        str(workers),
        "--threads",
        str(threads),
        "--access-logfile",
        "-",
        "--graceful-timeout",
        "10",
        "--no-control-socket",  # one per user by default: two instances would share it
    ]
    env = {**_child_env(), "GOVHALL_WARMUP": "1"}  # load search tables before the first request
    return subprocess.Popen(command, env=env)  # noqa: S603 (our own interpreter)


def _worker_process() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "govhall.cli", "worker"], env=_child_env())


def _supervise(processes: list[subprocess.Popen]) -> int:
    """Wait until one child exits or we are interrupted; then stop them all."""
    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    code = 0
    while not stopping:
        exited = [p for p in processes if p.poll() is not None]
        if exited:
            code = exited[0].returncode or 0
            break
        time.sleep(0.5)
    for process in processes:
        if process.poll() is None:
            process.terminate()
    for process in processes:
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
    # Ctrl-C reaches the children too; one may exit before we notice the signal ourselves.
    time.sleep(0.1)
    return 0 if stopping else code


def _print_accounts(accounts_file: Path) -> None:
    accounts = json.loads(accounts_file.read_text(encoding="utf-8"))
    print(f"\n示范账号 / demo accounts (also in {accounts_file}):")
    for account in accounts:
        posts = ",".join(account.get("posts") or [])
        department = account.get("department") or ""
        print(
            f"  {account['username']:<20} {account['password']:<12} {account['kind']:<10} "
            f"{account['name']} {department} {posts}".rstrip()
        )


def cmd_demo(argv: list[str]) -> int:
    host = _pop_option(argv, "--host") or DEFAULT_HOST
    port = int(_pop_option(argv, "--port") or DEFAULT_PORT)
    persons = _pop_option(argv, "--persons") or "2000"
    no_worker = _pop_flag(argv, "--no-worker")
    _django(["migrate", "--noinput", "-v", "0"])
    from django.conf import settings

    accounts_file = Path(settings.DATA_DIR) / "demo-accounts.json"
    _django(["demo_load", "--persons", persons, "--accounts-file", str(accounts_file)])
    _print_accounts(accounts_file)
    print(f"\n{settings.GOVHALL_CITY_NAME}网上办事大厅: http://{host}:{port}/")
    print(
        f"工作台 workbench: http://{host}:{port}/workbench/   API: http://{host}:{port}/api/docs/"
    )
    print(f"数据目录 data folder: {settings.DATA_DIR}\n", flush=True)
    processes = [_serve_process(host, port, workers=2, threads=4)]
    if not no_worker:
        processes.append(_worker_process())
    return _supervise(processes)


def cmd_serve(argv: list[str]) -> int:
    host = _pop_option(argv, "--host") or DEFAULT_HOST
    port = int(_pop_option(argv, "--port") or DEFAULT_PORT)
    workers = int(_pop_option(argv, "--workers") or os.environ.get("GOVHALL_WEB_WORKERS", "2"))
    threads = int(_pop_option(argv, "--threads") or os.environ.get("GOVHALL_WEB_THREADS", "4"))
    _django(
        [
            "check",
            "--deploy" if os.environ.get("GOVHALL_ENV") == "production" else "--fail-level=ERROR",
        ]
    )
    return _supervise([_serve_process(host, port, workers, threads)])


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    _setup(argv)
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        return 0
    command, rest = argv[0], argv[1:]
    if command == "demo":
        return cmd_demo(rest)
    if command == "serve":
        return cmd_serve(rest)
    if command == "migrate":
        _django(["migrate", "--noinput", *rest])
        return 0
    # worker, seed, audit, calendar, createsuperuser, ...: Django management commands
    _django([command, *rest])
    return 0


if __name__ == "__main__":
    sys.exit(main())
