"""A private registry for the Docker tests: Debian's ``docker-registry`` (the CNCF distribution registry) on
127.0.0.1 with htpasswd (bcrypt) authentication, so pulling from it needs a login.

Docker treats 127.0.0.0/8 as an insecure registry by default, so it speaks plain HTTP there and no
certificate is needed. ``scripts/docker-setup`` installs the package.
"""

from __future__ import annotations

import subprocess
import textwrap
import urllib.error
import urllib.request
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.polling import free_port, wait_for

REGISTRY = Path("/usr/bin/docker-registry")
USERNAME = "fleetbot"


@dataclass(frozen=True)
class PrivateRegistry:
    host: str
    """``127.0.0.1:<port>``: the registry host an image reference names."""
    password: str


def _bcrypt(password: str) -> str:
    """htpasswd's bcrypt hash, from libxcrypt through Python's ``crypt`` (the registry accepts only bcrypt)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import crypt
    return crypt.crypt(password, crypt.mksalt(crypt.METHOD_BLOWFISH))


def _answers_401(url: str) -> bool:
    try:
        urllib.request.urlopen(url, timeout=2)
    except urllib.error.HTTPError as error:
        return error.code == 401
    except OSError:
        return False
    return False


@contextmanager
def private_registry(folder: Path, password: str) -> Iterator[PrivateRegistry]:
    """Run the registry until the block ends; it refuses every request without ``USERNAME``'s password."""
    assert REGISTRY.is_file(), "docker-registry is missing: scripts/docker-setup installs it"
    folder.mkdir(parents=True)
    (folder / "htpasswd").write_text(f"{USERNAME}:{_bcrypt(password)}\n")
    port = free_port()
    (folder / "config.yml").write_text(textwrap.dedent(f"""\
        version: 0.1
        log:
          level: warn
        storage:
          filesystem:
            rootdirectory: {folder / "storage"}
        http:
          addr: 127.0.0.1:{port}
        auth:
          htpasswd:
            realm: fleetform-tests
            path: {folder / "htpasswd"}
        """))
    with (folder / "registry.log").open("w") as log:
        process = subprocess.Popen([str(REGISTRY), "serve", str(folder / "config.yml")], stdout=log, stderr=log)
        try:
            wait_for(lambda: _answers_401(f"http://127.0.0.1:{port}/v2/"), "the private registry", timeout=30)
            yield PrivateRegistry(f"127.0.0.1:{port}", password)
        finally:
            process.terminate()
            process.wait(timeout=30)
