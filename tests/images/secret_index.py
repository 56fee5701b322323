"""A private package index on this machine that asks for a token, for the requirements-secret Docker test.

It serves one wheel, made here, to requests whose Basic credentials are the token (pip sends
``https://${TOKEN}@host/simple/`` as the user name ``TOKEN`` with an empty password), answers 401 to any
other, and records what it saw, so the test can tell the build really read the secret. It listens on
every interface over HTTPS, with a certificate for the Docker bridge's gateway address signed by a CA made
here: pip in the build trusts that CA only through the platform's ``[tool.fleetform.images]
ca_certificates``, as it would a private index's CA.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import io
import ipaddress
import ssl
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from tests.catalog.loopback_server import JsonHandler, LoopbackServer

PACKAGE = "fleetform-secret-probe"
VERSION = "1.0"
WHEEL = f"{PACKAGE.replace('-', '_')}-{VERSION}-py3-none-any.whl"


def probe_wheel() -> bytes:
    """A pure-Python wheel with one module, ``fleetform_secret_probe`` (``INSTALLED = True``)."""
    module = PACKAGE.replace("-", "_")
    info = f"{module}-{VERSION}.dist-info"
    files = {
        f"{module}.py": b"INSTALLED = True\n",
        f"{info}/METADATA": f"Metadata-Version: 2.1\nName: {PACKAGE}\nVersion: {VERSION}\n".encode(),
        f"{info}/WHEEL": b"Wheel-Version: 1.0\nGenerator: fleetform-tests\nRoot-Is-Purelib: true\nTag: py3-none-any\n",
    }
    record = "".join(
        f"{name},sha256={base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b'=').decode()},{len(data)}\n"
        for name, data in files.items()) + f"{info}/RECORD,,\n"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as wheel:
        for name, data in {**files, f"{info}/RECORD": record.encode()}.items():
            wheel.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), data)
    return buffer.getvalue()


@dataclass
class IndexState:
    token: str
    wheel: bytes = field(default_factory=probe_wheel)
    authorized: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)


CA_FOLDER = Path("/tmp/fleetform-test-index-ca")
"""The CA is kept between runs: it is part of the CA bundle every install step mounts, so a new one each run
would make BuildKit reinstall every requirement layer of the test's app."""
CA_DAYS = 3650


def index_ca() -> tuple[Path, ec.EllipticCurvePrivateKey, x509.Certificate]:
    """The tests' index CA, made once per machine: ``(ca.pem, its key, its certificate)``."""
    pem, key_file = CA_FOLDER / "ca.pem", CA_FOLDER / "ca.key"
    if pem.is_file() and key_file.is_file():
        key = serialization.load_pem_private_key(key_file.read_bytes(), password=None)
        assert isinstance(key, ec.EllipticCurvePrivateKey)
        return pem, key, x509.load_pem_x509_certificate(pem.read_bytes())
    now = datetime.datetime.now(datetime.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "fleetform tests index CA")])
    ca = (x509.CertificateBuilder().subject_name(ca_name).issuer_name(ca_name).public_key(ca_key.public_key())
          .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(minutes=5))
          .not_valid_after(now + datetime.timedelta(days=CA_DAYS))
          .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
          .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=False, key_encipherment=False,
                                       data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                       crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
          .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False)
          .sign(ca_key, hashes.SHA256()))
    CA_FOLDER.mkdir(mode=0o700, exist_ok=True)
    key_file.write_bytes(ca_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                              serialization.NoEncryption()))
    pem.write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    return pem, ca_key, ca


def server_files(folder: Path, address: str) -> tuple[Path, Path]:
    """A server certificate for ``address`` (an IP) signed by the tests' CA: ``(server.pem, server.key)``."""
    _pem, ca_key, ca = index_ca()
    now = datetime.datetime.now(datetime.UTC)
    server_key = ec.generate_private_key(ec.SECP256R1())
    server = (x509.CertificateBuilder()
              .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, address)]))
              .issuer_name(ca.subject).public_key(server_key.public_key()).serial_number(x509.random_serial_number())
              .not_valid_before(now - datetime.timedelta(minutes=5)).not_valid_after(now + datetime.timedelta(days=1))
              .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(address))]),
                             critical=False)
              .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
              .add_extension(x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False)
              .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), critical=False)
              .sign(ca_key, hashes.SHA256()))
    folder.mkdir(parents=True, exist_ok=True)
    certificate, key = folder / "server.pem", folder / "server.key"
    certificate.write_bytes(server.public_bytes(serialization.Encoding.PEM))
    key.write_bytes(server_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                             serialization.NoEncryption()))
    return certificate, key


def secret_index(state: IndexState, certificate: Path, key: Path) -> LoopbackServer:
    """The index (PEP 503 simple API) over HTTPS on 0.0.0.0 and a free port."""
    expected = "Basic " + base64.b64encode(f"{state.token}:".encode()).decode()
    digest = hashlib.sha256(state.wheel).hexdigest()

    class Handler(JsonHandler):
        def do_GET(self) -> None:
            if self.headers.get("Authorization") != expected:
                state.refused.append(self.path)
                self.send_response(401)
                self.send_header("WWW-Authenticate", 'Basic realm="index"')
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            state.authorized.append(self.path)
            if self.path.rstrip("/") == f"/simple/{PACKAGE}":
                page = f'<a href="/files/{WHEEL}#sha256={digest}">{WHEEL}</a>\n'.encode()
                return self._send(page, "text/html")
            if self.path == f"/files/{WHEEL}":
                return self._send(state.wheel, "application/octet-stream")
            self.reply(404, {})

        def _send(self, payload: bytes, content_type: str) -> None:
            self.send_response(200)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

    server = LoopbackServer(Handler, host="0.0.0.0")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(certificate, key)
    server.wrap_socket(context)
    return server
