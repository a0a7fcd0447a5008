"""
The benchmark's processes: the site and its floor under gunicorn with the
deployment's own settings (gunicorn.conf.py, as `make serve` runs it), the
ceiling under gunicorn's defaults with the same workers
(bench/gunicorn.conf.py), and the commands that prepare a board. They are
the tests' own runners (scratchpad/tests/processes.py).
"""

import contextlib
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from scratchpad.tests.processes import (
    BASE_DIR,
    PLAIN_HTTP,
    AppServer,
    manage,
    production_environ,
)

# gunicorn.conf.py's own default, 2 x cores + 1, as `make serve` runs.
WORKERS = 2 * (os.cpu_count() or 1) + 1
SITE_CONFIG = "gunicorn.conf.py"
CEILING_CONFIG = "bench/gunicorn.conf.py"
# Migrating and importing a large board take minutes, not the tests' two.
COMMAND_TIMEOUT = 1800


def bench_environ(cache_url: str = "", workers: int = WORKERS) -> dict[str, str]:
    """Production mode over plain HTTP on loopback, as the benchmark runs it.

    ``testserver`` is allowed for the in-process probe (bench/probe.py).
    Without ``cache_url``, the site's default cache: each process's memory.
    """
    variables = {
        **PLAIN_HTTP,
        "ALLOWED_HOSTS": "127.0.0.1,testserver",
        "WEB_CONCURRENCY": str(workers),
        # The posting clients are a few users each posting as fast as the
        # site answers: the board's limit on one person would measure
        # itself, not the site.
        "COMMENTS_RATE_LIMIT": "1000000/s",
        # The same for the searching clients, who come from one address.
        "SEARCH_RATE_LIMIT": "1000000/s",
    }
    if cache_url:
        variables["CACHE_URL"] = cache_url
    return production_environ(**variables)


def run_manage(*args: str, environ: dict[str, str]) -> str:
    """``manage.py ARGS``; its output, or an error with it if it failed."""
    result = manage(*args, environ=environ, timeout=COMMAND_TIMEOUT)
    if result.returncode:
        raise RuntimeError(
            f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}"
        )
    return result.stdout


def run_module(module: str, *args: str, environ: dict[str, str]) -> str:
    """``python -m MODULE ARGS`` (a bench script); its output."""
    result = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=BASE_DIR,
        env=environ,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )
    if result.returncode:
        raise RuntimeError(
            f"python -m {module} failed:\n{result.stdout}{result.stderr}"
        )
    return result.stdout


class BenchServer(AppServer):
    """An app server under the gunicorn settings CONFIG, whose workers'
    memory can be read."""

    # Several workers of several servers start at once on a busy machine.
    startup_timeout = 120

    def __init__(self, app: str, environ: dict[str, str], log_dir: Path, config: str):
        descriptor, log_path = tempfile.mkstemp(prefix="gunicorn-", dir=log_dir)
        os.close(descriptor)
        super().__init__(environ, Path(log_path), config=config, app=app)

    def workers(self):
        for status in Path("/proc").glob("[0-9]*/status"):
            with contextlib.suppress(OSError):
                fields = dict(
                    line.split(":", 1) for line in status.read_text().splitlines()
                )
                if int(fields["PPid"]) == self.process.pid:
                    yield status.parent, fields

    def worker_peak_rss_mb(self) -> float:
        """The largest peak resident set (VmHWM) among the workers, in MB."""
        return max(
            (int(fields["VmHWM"].split()[0]) / 1024 for _, fields in self.workers()),
            default=0.0,
        )

    def worker_rss_mb(self) -> float:
        """The largest resident set (VmRSS) among the workers now, in MB."""
        return max(
            (int(fields["VmRSS"].split()[0]) / 1024 for _, fields in self.workers()),
            default=0.0,
        )

    def reset_peak_rss(self):
        """Start the workers' peaks afresh (Linux: 5 > /proc/PID/clear_refs),
        so that a login's Argon2 hash, which takes 100 MB by design, is not
        counted as what the pages need."""
        for folder, _ in self.workers():
            with contextlib.suppress(OSError):
                (folder / "clear_refs").write_text("5")


@contextlib.contextmanager
def serving(app: str, environ: dict[str, str], log_dir: Path, config=SITE_CONFIG):
    """A started BenchServer for APP, stopped on the way out."""
    server = BenchServer(app, environ, log_dir, config).start()
    try:
        yield server
    finally:
        server.stop()
