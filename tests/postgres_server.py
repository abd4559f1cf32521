"""A throwaway PostgreSQL server started from the installed server binaries.

The test suite runs its integration tests against it (ADR 0003) and the benchmark reuses it
for the 1M-patient registry. Nothing here needs a running system service or a password: the
server listens only on a unix socket in a private directory and trusts local connections.

As a library::

    with throwaway_postgres() as database_url:
        ...  # postgres://postgres@%2Ftmp%2F.../coproduce

As a command (prints a banner with the server version, exits with the command's status)::

    python -m tests.postgres_server [--data-dir DIR] [-c name=value ...] -- pytest -m integration
"""

from __future__ import annotations

import argparse
import contextlib
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

INSTALL_HINT = "Install the PostgreSQL server: apt-get install postgresql (Debian/Ubuntu)."
SUPERUSER = "postgres"
DEFAULT_DATABASE = "coproduce"
START_TIMEOUT_SECONDS = 60
STOP_TIMEOUT_SECONDS = 60

# The server is a throwaway: durability buys nothing, so trade it for speed. Listening on no
# TCP address at all means two runs on one machine never fight over a port.
FAST_SETTINGS: Mapping[str, str] = {
    "listen_addresses": "",
    "fsync": "off",
    "synchronous_commit": "off",
    "full_page_writes": "off",
    "wal_level": "minimal",
    "max_wal_senders": "0",
    "max_connections": "100",
    # Shared memory segments as files in the data directory: containers often cap /dev/shm.
    "dynamic_shared_memory_type": "mmap",
    "log_min_messages": "warning",
    "log_min_error_statement": "panic",
}


class PostgresNotFound(RuntimeError):
    """No initdb/postgres binaries on this machine."""


class PostgresStartFailed(RuntimeError):
    """The server did not come up; the message carries the tail of its log."""


@dataclass(frozen=True)
class ServerBinaries:
    """The directory holding `initdb` and `postgres`, and the version they report."""

    bindir: Path
    version: str

    @property
    def initdb(self) -> Path:
        return self.bindir / "initdb"

    @property
    def postgres(self) -> Path:
        return self.bindir / "postgres"


def _version_key(path: Path) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", path.parent.name)) or (0,)


def _candidate_bindirs() -> Iterator[Path]:
    on_path = shutil.which("initdb")
    if on_path:
        # Debian links /usr/bin/initdb style wrappers or symlinks; the real directory holds
        # the matching `postgres`, so resolve before looking for siblings.
        yield Path(on_path).resolve().parent
    debian = sorted(Path("/usr/lib/postgresql").glob("*/bin"), key=_version_key, reverse=True)
    yield from debian


def find_server_binaries() -> ServerBinaries:
    """The newest usable server binaries: PATH first, then /usr/lib/postgresql/*/bin.

    Raises PostgresNotFound with an install hint when there are none.
    """
    for bindir in _candidate_bindirs():
        if (bindir / "initdb").is_file() and (bindir / "postgres").is_file():
            output = subprocess.run(
                [str(bindir / "postgres"), "--version"],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            # "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)" -> "15.18"
            match = re.search(r"\(PostgreSQL\)\s+(\S+)", output)
            version = match.group(1) if match else output.strip()
            return ServerBinaries(bindir=bindir, version=version)
    raise PostgresNotFound(
        f"PostgreSQL server binaries (initdb, postgres) not found. {INSTALL_HINT}"
    )


@dataclass(frozen=True)
class ServerAccount:
    """Who the server runs as. PostgreSQL refuses to run as root, so root hands it over."""

    uid: int
    gid: int
    name: str

    @classmethod
    def for_current_process(cls) -> ServerAccount:
        if os.geteuid() != 0:
            entry = pwd.getpwuid(os.geteuid())
            return cls(uid=entry.pw_uid, gid=entry.pw_gid, name=entry.pw_name)
        for name in ("postgres", "nobody"):
            with contextlib.suppress(KeyError):
                entry = pwd.getpwnam(name)
                return cls(uid=entry.pw_uid, gid=entry.pw_gid, name=name)
        raise PostgresStartFailed("Running as root and no 'postgres' or 'nobody' user exists.")

    @property
    def switches_user(self) -> bool:
        return self.uid != os.geteuid()

    def run_kwargs(self) -> dict:
        """Keyword arguments for subprocess that run a child as this account."""
        if not self.switches_user:
            return {}
        return {"user": self.uid, "group": self.gid, "extra_groups": []}

    def take(self, path: Path) -> None:
        if self.switches_user:
            os.chown(path, self.uid, self.gid)


def _server_env(account: ServerAccount) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PG")}
    env["LC_ALL"] = "C"
    if account.switches_user:
        env["HOME"] = "/"
        env["USER"] = env["LOGNAME"] = account.name
    return env


def _initdb(binaries: ServerBinaries, data_dir: Path, account: ServerAccount, cwd: Path) -> None:
    result = subprocess.run(
        [
            str(binaries.initdb),
            "--pgdata",
            str(data_dir),
            "--username",
            SUPERUSER,
            "--auth",
            "trust",
            "--encoding",
            "UTF8",
            "--locale",
            "C",
            "--no-sync",
        ],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=_server_env(account),
        **account.run_kwargs(),
    )
    if result.returncode != 0:
        raise PostgresStartFailed(f"initdb failed:\n{result.stdout}\n{result.stderr}")


def database_url(socket_dir: Path, database: str) -> str:
    """A DATABASE_URL for the superuser over the unix socket in `socket_dir`."""
    return f"postgres://{SUPERUSER}@{quote(str(socket_dir), safe='')}/{database}"


def _connect(socket_dir: Path, dbname: str):
    import psycopg  # the driver is a project dependency; imported late to keep --help cheap

    return psycopg.connect(host=str(socket_dir), user=SUPERUSER, dbname=dbname, autocommit=True)


def _wait_until_ready(server: subprocess.Popen, socket_dir: Path, log_file: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            break
        with contextlib.suppress(Exception), _connect(socket_dir, "postgres"):
            return
        time.sleep(0.1)
    tail = log_file.read_text(errors="replace")[-3000:] if log_file.exists() else ""
    raise PostgresStartFailed(f"PostgreSQL did not start. Server log:\n{tail}")


def _create_database(socket_dir: Path, database: str) -> None:
    with _connect(socket_dir, "postgres") as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [database]
        ).fetchone()
        if not exists:
            # Identifiers cannot be parameters; the name is validated by the caller.
            connection.execute(f'CREATE DATABASE "{database}"')


def _stop(server: subprocess.Popen) -> None:
    if server.poll() is not None:
        return
    # SIGINT is PostgreSQL's "fast shutdown": roll back open transactions, exit cleanly.
    with contextlib.suppress(ProcessLookupError):
        server.send_signal(signal.SIGINT)
    try:
        server.wait(timeout=STOP_TIMEOUT_SECONDS)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def _settings_arguments(settings: Mapping[str, str]) -> list[str]:
    arguments: list[str] = []
    for name, value in settings.items():
        arguments += ["-c", f"{name}={value}"]
    return arguments


@contextlib.contextmanager
def throwaway_postgres(
    *,
    data_dir: Path | None = None,
    settings: Mapping[str, str] | None = None,
    database: str = DEFAULT_DATABASE,
    binaries: ServerBinaries | None = None,
) -> Iterator[str]:
    """Start a private PostgreSQL server and yield a DATABASE_URL for `database` on it.

    The socket, log and (by default) the data live in a new temporary directory that is
    removed when the block ends, however it ends. A given `data_dir` is kept and reused on
    the next call (initdb runs only when it is empty), which lets a benchmark seed once.
    `settings` are extra server settings (`-c name=value`) on top of FAST_SETTINGS.
    """
    if not re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]{0,62}", database):
        raise ValueError(f"Database name {database!r} is not a plain identifier.")
    binaries = binaries or find_server_binaries()
    account = ServerAccount.for_current_process()
    # A short path under /tmp: unix socket paths are limited to about 100 bytes.
    base = Path(tempfile.mkdtemp(prefix="coproduce-pg-", dir="/tmp"))
    server: subprocess.Popen | None = None
    try:
        account.take(base)
        if account.switches_user:
            # Let this process reach the socket even without root's override of file modes;
            # the data directory inside stays private to the server (initdb makes it 0700).
            base.chmod(0o711)
        socket_dir = base / "socket"
        socket_dir.mkdir()
        account.take(socket_dir)
        if data_dir is None:
            data_dir = base / "data"
        data_dir = data_dir.resolve()
        if not (data_dir / "PG_VERSION").exists():
            data_dir.mkdir(parents=True, exist_ok=True)
            account.take(data_dir)
            _initdb(binaries, data_dir, account, cwd=base)
        log_file = base / "server.log"
        all_settings = {**FAST_SETTINGS, "unix_socket_directories": str(socket_dir)}
        all_settings.update(settings or {})
        with log_file.open("wb") as log:
            server = subprocess.Popen(
                [str(binaries.postgres), "-D", str(data_dir), *_settings_arguments(all_settings)],
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                cwd=base,
                env=_server_env(account),
                **account.run_kwargs(),
            )
        _wait_until_ready(server, socket_dir, log_file)
        _create_database(socket_dir, database)
        yield database_url(socket_dir, database)
    finally:
        if server is not None:
            _stop(server)
        shutil.rmtree(base, ignore_errors=True)


def _parse_setting(text: str) -> tuple[str, str]:
    name, sep, value = text.partition("=")
    if not sep or not name:
        raise argparse.ArgumentTypeError(f"expected name=value, got {text!r}")
    return name.strip(), value.strip()


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m tests.postgres_server",
        description="Run a command with DATABASE_URL pointing at a throwaway PostgreSQL server.",
    )
    parser.add_argument("--data-dir", type=Path, help="keep the data here and reuse it")
    parser.add_argument("--database", default=DEFAULT_DATABASE, help="database to create")
    parser.add_argument(
        "-c",
        dest="settings",
        action="append",
        type=_parse_setting,
        default=[],
        metavar="NAME=VALUE",
        help="extra server setting, repeatable",
    )
    parser.add_argument(
        "--if-available",
        action="store_true",
        help="when no server binaries are installed, say what to install and exit 0",
    )
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- command [args...]")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command; its exit status is ours. 3 means no server binaries."""
    args = _parser().parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        _parser().error("give a command after --")
    try:
        binaries = find_server_binaries()
    except PostgresNotFound as error:
        if args.if_available:
            print(f"==> SKIPPED the PostgreSQL run: {error}", file=sys.stderr)
            return 0
        print(f"==> FAILED: {error}", file=sys.stderr)
        return 3
    with throwaway_postgres(
        data_dir=args.data_dir,
        settings=dict(args.settings),
        database=args.database,
        binaries=binaries,
    ) as url:
        print(
            f"==> PostgreSQL {binaries.version} ({binaries.bindir}), throwaway server on a unix "
            f"socket, no TCP\n==> DATABASE_URL={url}",
            file=sys.stderr,
            flush=True,
        )
        # Ctrl-C reaches the child directly (same process group); we only wait for it.
        with contextlib.suppress(KeyboardInterrupt):
            return subprocess.call(command, env={**os.environ, "DATABASE_URL": url})
        return 130


if __name__ == "__main__":
    # `kill` (as from a CI timeout) should clean up like Ctrl-C does: unwind through finally.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    sys.exit(main())
