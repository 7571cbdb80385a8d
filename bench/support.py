"""Small helpers the benchmarks share: a free port, manage.py and gunicorn on a throwaway setup."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def manage(env, *args, input_text=None, timeout: int = 900) -> str:
    """Run ``manage.py`` with ``env``; stop the benchmark with its output if it fails."""
    result = subprocess.run(
        [PY, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, input=input_text, timeout=timeout
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result.stdout


def shell(env, code: str) -> str:
    return manage(env, "shell", "-c", code)


def app_env(
    *, database_url: str, static_root: Path, private_root: Path, task_backend: str = "immediate", **extra
) -> dict:
    """The environment of a throwaway mutu for a benchmark: no .env, no rate limits or lockouts,
    a fixed test key; ``extra`` adds or overrides variables (strings)."""
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "MUTU_IGNORE_DOTENV": "true",
        "DEBUG": "false",
        "SECRET_KEY": "bench-only-secret-key-" + "x" * 40,
        "RATELIMIT_ENABLED": "false",
        "AXES_ENABLED": "false",
        "ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "STATIC_ROOT": str(static_root),
        "PRIVATE_MEDIA_ROOT": str(private_root),
        "TASK_BACKEND": task_backend,
        **extra,
    }


@contextmanager
def gunicorn(env: dict, *, workers: int, probe: str = "/", quiet: bool = False) -> Iterator[str]:
    """Serve mutu under gunicorn on a free local port while the block runs; yields the base URL
    once ``probe`` answers (any HTTP status counts as up).  ``quiet`` drops the server's stdout
    (the console email backend prints every message)."""
    port = free_port()
    server = subprocess.Popen(
        [str(Path(PY).parent / "gunicorn"), "config.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", str(workers)]
        + ["--log-level", "warning"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL if quiet else None,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(150):
            try:
                urllib.request.urlopen(base + probe, timeout=2).read()
                break
            except urllib.error.HTTPError:
                break  # it answers
            except OSError:
                time.sleep(0.2)
        else:
            raise SystemExit(f"gunicorn did not answer at {base}{probe}")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=30)
