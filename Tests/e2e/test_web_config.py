"""--web.config.file: TLS (with a CA the test makes with openssl), bcrypt basic auth, client certificates,
certificate reload, response headers, a real Prometheus scraping over HTTPS, and bad files refused at start.
Everything talks to 127.0.0.1 only."""
import base64
import os
import shutil
import ssl
import subprocess
import tempfile
import time
from pathlib import Path

import bcrypt
import pytest

from conftest import (REPO, Daemon, PrometheusServer, exporter_command, exporter_directory, exporter_owns,
                      free_port, run_exporter)

PASSWORD = "s3cret-Pa55"
HASH = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()
HEADERS = "http_server_config:\n  headers:\n    X-Frame-Options: deny\n    Strict-Transport-Security: max-age=600\n"


def openssl(*args, cwd, check=True, stdin=subprocess.DEVNULL):
    return subprocess.run(["openssl", *args], cwd=cwd, check=check, capture_output=True, timeout=30, stdin=stdin)


@pytest.fixture(scope="module")
def pki():
    """Two CAs; from the first a server certificate for 127.0.0.1 (twice, for the reload) and a client
    certificate, from the second a client certificate that the server must not trust. The exporter can
    read the directory and owns the server keys."""
    with exporter_directory(prefix="pue-web-pki-") as root:
        yield make_pki(root)


def make_pki(root):
    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    for ca in ("ca", "other-ca"):
        openssl("req", "-x509", *key, "-keyout", f"{ca}.key", "-out", f"{ca}.crt", "-days", "2",
                "-subj", f"/CN=pue-{ca}", cwd=root)
    (root / "server.ext").write_text("subjectAltName=IP:127.0.0.1\n")
    (root / "client.ext").write_text("extendedKeyUsage=clientAuth\n")
    for name, ca, ext in (("server", "ca", "server"), ("server2", "ca", "server"), ("client", "ca", "client"),
                          ("stranger", "other-ca", "client")):
        openssl("req", *key, "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN=pue-{name}", cwd=root)
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", f"{ca}.crt", "-CAkey", f"{ca}.key", "-CAcreateserial",
                "-out", f"{name}.crt", "-days", "2", "-extfile", f"{ext}.ext", cwd=root)
    openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "rsa-server.key", "-out", "rsa-server.csr",
            "-subj", "/CN=pue-rsa-server", cwd=root)
    openssl("x509", "-req", "-in", "rsa-server.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
            "-out", "rsa-server.crt", "-days", "2", "-extfile", "server.ext", cwd=root)
    (root / "trust-dir").mkdir(mode=0o755)
    shutil.copy(root / "ca.crt", root / "trust-dir" / "pue-ca.pem")  # no c_rehash name: Go reads every file
    exporter_owns(root / "server.key", root / "server2.key", root / "rsa-server.key")
    return root


class SecuredExporter(Daemon):
    """The exporter with a web config file in its own directory (cert and key copied next to it, so that
    relative paths and replacing them work); ready when /-/ready answers over TLS with credentials."""

    def __init__(self, pki, tls_extra="", rest=f"basic_auth_users:\n  alice: '{HASH}'\n" + HEADERS,
                 client_cert=None, server="server", environment=None, prefix=None):
        self.dir = Path(tempfile.mkdtemp(prefix="pue-web-"))
        self.dir.chmod(0o755)
        shutil.copy(pki / f"{server}.crt", self.dir / "server.crt")
        shutil.copy(pki / f"{server}.key", self.dir / "server.key")
        exporter_owns(self.dir / "server.key")
        (self.dir / "web.yml").write_text(
            "tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n" + tls_extra + rest)
        self.pki, self.port = pki, free_port()
        self.base = f"https://127.0.0.1:{self.port}"
        self.context = ssl.create_default_context(cafile=str(pki / "ca.crt"))
        if client_cert:
            self.context.load_cert_chain(str(pki / f"{client_cert}.crt"), str(pki / f"{client_cert}.key"))
        auth = {"Authorization": "Basic " + base64.b64encode(f"alice:{PASSWORD}".encode()).decode()}
        # env(1) in front: the variables reach the exporter through setpriv; -u: the test's own do not.
        variables = ["env", "-u", "SSL_CERT_FILE", "-u", "SSL_CERT_DIR",
                     *(f"{name}={value}" for name, value in (environment or {}).items())]
        super().__init__(variables + exporter_command(f"--web.listen-address=127.0.0.1:{self.port}",
                                                      f"--web.config.file={self.dir / 'web.yml'}", prefix=prefix),
                         f"{self.base}/-/ready",
                         self.dir / "log",
                         ssl_context=self.context, headers=auth if "basic_auth_users" in rest else {})

    def curl(self, path="/metrics", *args):
        """curl's exit code, HTTP status, headers and body."""
        result = subprocess.run(
            ["curl", "-sS", "--max-time", "10", "--cacert", str(self.pki / "ca.crt"), "-D", "-", *args,
             self.base + path], capture_output=True, timeout=20)
        head, _, body = result.stdout.decode().partition("\r\n\r\n")
        lines = head.split("\r\n")
        status = int(lines[0].split()[1]) if lines[0].startswith("HTTP/") else None
        headers = {name.lower(): value for name, _, value in (line.partition(": ") for line in lines[1:])}
        return result.returncode, status, headers, body

    def served_certificate(self):
        """The DER certificate of a fresh handshake."""
        with ssl.create_connection(("127.0.0.1", self.port), timeout=5) as sock:
            context = ssl.create_default_context(cafile=str(self.pki / "ca.crt"))
            with context.wrap_socket(sock, server_hostname="127.0.0.1") as tls:
                return tls.getpeercert(binary_form=True)


def der(path):
    return ssl.PEM_cert_to_DER_cert(Path(path).read_text())


@pytest.fixture(scope="module")
def secured(pki):
    """One exporter with TLS, basic auth and headers, shared by the tests that do not change it."""
    with SecuredExporter(pki) as exporter:
        yield exporter


def test_right_password_serves_metrics_with_the_configured_headers(secured):
    code, status, headers, body = secured.curl("/metrics", "-u", f"alice:{PASSWORD}")
    assert (code, status) == (0, 200)
    assert "port_usage_exporter_build_info{" in body
    assert headers["x-frame-options"] == "deny"
    assert headers["strict-transport-security"] == "max-age=600"


@pytest.mark.parametrize("credentials", [["-u", "alice:wrong"], ["-u", f"mallory:{PASSWORD}"], []],
                         ids=["wrong-password", "unknown-user", "no-credentials"])
@pytest.mark.parametrize("path", ["/metrics", "/", "/-/healthy", "/-/ready"])
def test_without_the_right_password_every_path_is_401(secured, credentials, path):
    code, status, headers, body = secured.curl(path, *credentials)
    assert (code, status, body) == (0, 401, "Unauthorized\n")
    assert headers["www-authenticate"] == "Basic"
    assert headers["x-frame-options"] == "deny"


def s_client(port, *args):
    return openssl("s_client", "-connect", f"127.0.0.1:{port}", *args, cwd=".", check=False,
                   stdin=subprocess.DEVNULL)


@pytest.mark.parametrize("min_version,tls11_accepted", [(None, False), ("TLS11", True)])
def test_tls_1_1_is_refused_unless_min_version_allows_it(pki, min_version, tls11_accepted):
    extra = f"  min_version: {min_version}\n" if min_version else ""
    with SecuredExporter(pki, tls_extra=extra) as exporter:
        # SECLEVEL=0: the client may offer TLS 1.1, so a refusal is the server's.
        old = s_client(exporter.port, "-tls1_1", "-cipher", "DEFAULT@SECLEVEL=0")
        assert (old.returncode == 0) == tls11_accepted, old.stdout.decode() + old.stderr.decode()
        if not tls11_accepted:
            assert b"alert protocol version" in old.stderr, old.stderr
        assert s_client(exporter.port, "-tls1_2").returncode == 0
        assert s_client(exporter.port, "-tls1_3").returncode == 0


def test_cipher_suites_and_curve_preferences_limit_the_handshake(pki):
    extra = ("  max_version: TLS12\n  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384]\n"
             "  curve_preferences: [X25519]\n")
    with SecuredExporter(pki, tls_extra=extra) as exporter:
        # P-256 too: in TLS 1.2 the client's groups also say which ECDSA certificates (here P-256) it accepts.
        chosen = s_client(exporter.port, "-cipher", "ECDHE-ECDSA-AES256-GCM-SHA384", "-groups", "P-256:X25519")
        assert chosen.returncode == 0, chosen.stderr
        assert b"Cipher is ECDHE-ECDSA-AES256-GCM-SHA384" in chosen.stdout
        assert b"Server Temp Key: X25519" in chosen.stdout
        other_cipher = s_client(exporter.port, "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256", "-groups", "P-256:X25519")
        assert other_cipher.returncode != 0 and b"handshake failure" in other_cipher.stderr, other_cipher.stderr
        other_curve = s_client(exporter.port, "-cipher", "ECDHE-ECDSA-AES256-GCM-SHA384", "-groups", "P-256")
        assert other_curve.returncode != 0 and b"handshake failure" in other_curve.stderr, other_curve.stderr


def test_tls13_suite_names_alone_leave_only_tls13(pki):
    """Go ignores TLS 1.3 names in cipher_suites (all three suites stay on) and finds no suite for TLS 1.2."""
    with SecuredExporter(pki, tls_extra="  cipher_suites: [TLS_AES_128_GCM_SHA256]\n") as exporter:
        other = s_client(exporter.port, "-tls1_3", "-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256")
        assert other.returncode == 0 and b"Cipher is TLS_CHACHA20_POLY1305_SHA256" in other.stdout, other.stderr
        old = s_client(exporter.port, "-tls1_2")
        assert old.returncode != 0 and b"alert protocol version" in old.stderr, old.stderr
        assert "key=cipher_suites" in exporter.log_path.read_text()


def test_tls13_suite_names_beside_tls12_ones_are_ignored(pki):
    extra = "  cipher_suites: [TLS_AES_256_GCM_SHA384, TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256]\n"
    with SecuredExporter(pki, tls_extra=extra) as exporter:
        named = s_client(exporter.port, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES128-GCM-SHA256")
        assert named.returncode == 0 and b"Cipher is ECDHE-ECDSA-AES128-GCM-SHA256" in named.stdout, named.stderr
        unnamed = s_client(exporter.port, "-tls1_2", "-cipher", "ECDHE-ECDSA-AES256-GCM-SHA384")
        assert unnamed.returncode != 0 and b"handshake failure" in unnamed.stderr, unnamed.stderr
        tls13 = s_client(exporter.port, "-tls1_3", "-ciphersuites", "TLS_AES_128_GCM_SHA256")
        assert tls13.returncode == 0 and b"Cipher is TLS_AES_128_GCM_SHA256" in tls13.stdout, tls13.stderr
        assert "level=warn" not in exporter.log_path.read_text().split("starting port_usage_exporter")[0]


def test_rsa_key_exchange_suite_of_older_go_releases_is_served_with_warnings(pki):
    """TLS_RSA_* names are in tls.CipherSuites() of the Go that Debian builds exporter-toolkit with: served,
    with a warning; the ECDHE 3DES suite BoringSSL lacks is left out with a warning."""
    extra = "  cipher_suites: [TLS_RSA_WITH_AES_128_GCM_SHA256, TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA]\n"
    with SecuredExporter(pki, tls_extra=extra, server="rsa-server") as exporter:
        chosen = s_client(exporter.port, "-tls1_2", "-cipher", "AES128-GCM-SHA256")
        assert chosen.returncode == 0 and b"Cipher is AES128-GCM-SHA256" in chosen.stdout, chosen.stderr
        ecdhe = s_client(exporter.port, "-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256")
        assert ecdhe.returncode != 0 and b"handshake failure" in ecdhe.stderr, ecdhe.stderr
        log = exporter.log_path.read_text()
        assert ('level=warn source=PortUsageExporter msg="web configuration: TLS_RSA_WITH_AES_128_GCM_SHA256 is '
                'weak: RSA key exchange, without forward secrecy"') in log, log
        assert "TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA is not implemented by BoringSSL and is left out" in log


def test_yaml_1_1_booleans_http2_and_header_line_breaks(pki):
    """prefer_server_cipher_suites: yes and http2: on as yaml.v2 reads them; HTTP/2 falls back to HTTP/1.1
    with a warning; a line break in a header value is sent as a space, as Go's net/http sends it."""
    rest = ("http_server_config:\n  http2: on\n  headers:\n"
            "    Content-Security-Policy: \"default-src 'self';\\nframe-ancestors 'none'\"\n")
    with SecuredExporter(pki, tls_extra="  prefer_server_cipher_suites: yes\n", rest=rest) as exporter:
        code, status, headers, _ = exporter.curl("/-/healthy", "--http2")
        assert (code, status) == (0, 200)
        assert headers["content-security-policy"] == "default-src 'self'; frame-ancestors 'none'"
        assert "HTTP/2 is not supported; clients are served HTTP/1.1" in exporter.log_path.read_text()


def test_users_that_exporter_toolkit_accepts(pki):
    """An empty user name logs in with ':password'; a name with ':' starts but can never log in."""
    rest = f"basic_auth_users:\n  '': '{HASH}'\n  'a:b': '{HASH}'\n  alice: '{HASH}'\n"
    with SecuredExporter(pki, rest=rest) as exporter:
        assert exporter.curl("/-/healthy", "-u", f":{PASSWORD}")[:2] == (0, 200)
        assert exporter.curl("/-/healthy", "-u", f"a:b:{PASSWORD}")[:2] == (0, 401)
        assert "user 'a:b' can never log in" in exporter.log_path.read_text()


def test_plain_http_on_the_tls_port_is_refused(secured):
    result = subprocess.run(["curl", "-sS", "--max-time", "10", f"http://127.0.0.1:{secured.port}/metrics"],
                            capture_output=True, text=True, timeout=20)
    assert result.returncode in (52, 56), result  # 52: empty reply, 56: reset; never an HTTP answer
    assert secured.curl("/-/healthy", "-u", f"alice:{PASSWORD}")[:2] == (0, 200)


@pytest.mark.parametrize("mode,client,accepted", [
    ("RequireAndVerifyClientCert", "client", True),
    ("RequireAndVerifyClientCert", None, False),
    ("RequireAndVerifyClientCert", "stranger", False),
    ("VerifyClientCertIfGiven", None, True),
    ("VerifyClientCertIfGiven", "client", True),
    ("VerifyClientCertIfGiven", "stranger", False),
    ("RequireAnyClientCert", "stranger", True),
    ("RequireAnyClientCert", None, False),
    ("RequestClientCert", "stranger", True),
    ("RequestClientCert", None, True),
    ("RequireClientCert", "stranger", True),  # exporter-toolkit's older name of RequireAnyClientCert
    ("RequireClientCert", None, False),
])
def test_client_certificates(pki, mode, client, accepted):
    """Go's meanings: "Verify" checks the certificate against client_ca_file, "Require" refuses a handshake
    without one; a "stranger" certificate comes from another CA."""
    extra = f"  client_auth_type: {mode}\n  client_ca_file: {pki / 'ca.crt'}\n"
    with SecuredExporter(pki, tls_extra=extra, rest=HEADERS, client_cert="client") as exporter:
        assert_client_outcome(exporter, client, accepted)


def assert_client_outcome(exporter, client, accepted):
    """A scrape with `client`'s certificate (None: without one) is served, or refused in the handshake."""
    pki = exporter.pki
    args = ["--cert", str(pki / f"{client}.crt"), "--key", str(pki / f"{client}.key")] if client else []
    code, status, _, body = exporter.curl("/metrics", *args)
    if accepted:
        assert (code, status) == (0, 200) and "port_usage_listeners" in body
    else:
        assert code in (35, 56) and status is None  # handshake failure or reset: no HTTP at all


# Where the system trust store comes from: the test's CA as SSL_CERT_FILE (SSL_CERT_DIR naming nothing, or Go
# would add /etc/ssl/certs), the test's CA as the only file of SSL_CERT_DIR (SSL_CERT_FILE naming nothing), or
# the machine's own store, which knows neither test CA.
STORES = {
    "cert-file": lambda pki: {"SSL_CERT_FILE": pki / "ca.crt", "SSL_CERT_DIR": "/nonexistent"},
    "cert-dir": lambda pki: {"SSL_CERT_FILE": pki / "none.crt", "SSL_CERT_DIR": f"/nonexistent:{pki / 'trust-dir'}"},
    "machine": lambda pki: {},
}


@pytest.mark.parametrize("mode,store,client,accepted", [
    ("VerifyClientCertIfGiven", "cert-file", None, True),
    ("VerifyClientCertIfGiven", "cert-file", "client", True),
    ("VerifyClientCertIfGiven", "cert-file", "stranger", False),
    ("RequireAndVerifyClientCert", "cert-file", "client", True),
    ("RequireAndVerifyClientCert", "cert-file", None, False),
    ("RequireAndVerifyClientCert", "cert-file", "stranger", False),
    ("VerifyClientCertIfGiven", "cert-dir", "client", True),
    ("VerifyClientCertIfGiven", "cert-dir", "stranger", False),
    ("VerifyClientCertIfGiven", "machine", None, True),
    ("VerifyClientCertIfGiven", "machine", "client", False),
])
def test_verifying_without_client_ca_file_uses_the_system_trust_store(pki, mode, store, client, accepted):
    """Go verifies against the system's roots when no client CA is given, found through SSL_CERT_FILE and
    SSL_CERT_DIR as Go finds them."""
    environment = STORES[store](pki)
    ready_with = None if store == "machine" else "client"  # the machine's store knows no certificate of ours
    with SecuredExporter(pki, tls_extra=f"  client_auth_type: {mode}\n", rest=HEADERS, client_cert=ready_with,
                         environment=environment) as exporter:
        assert_client_outcome(exporter, client, accepted)
        log = exporter.log_path.read_text()
        assert "client certificates are verified against the system trust store" in log
        if store != "machine":
            assert "certificates=1 sources=" in log, log


def test_client_ca_file_without_certificates_refuses_every_client_certificate(pki):
    """Go's AppendCertsFromPEM leaves an empty pool: it starts, and only certificate-less clients get in."""
    extra = "  client_auth_type: VerifyClientCertIfGiven\n  client_ca_file: web.yml\n"
    with SecuredExporter(pki, tls_extra=extra, rest=HEADERS) as exporter:
        assert_client_outcome(exporter, None, True)
        assert_client_outcome(exporter, "client", False)
        assert "client_ca_file holds no PEM certificate" in exporter.log_path.read_text()


def test_replaced_certificate_is_served_on_the_next_handshake(pki):
    with SecuredExporter(pki) as exporter:
        assert exporter.served_certificate() == der(pki / "server.crt")
        for name in ("server.key", "server.crt"):  # a handshake between the two keeps the old pair
            shutil.copy(pki / name.replace("server", "server2"), exporter.dir / f"{name}.new")
            exporter_owns(exporter.dir / f"{name}.new")
            os.rename(exporter.dir / f"{name}.new", exporter.dir / name)
        assert exporter.served_certificate() == der(pki / "server2.crt")
        (exporter.dir / "server.crt").write_text("not a certificate\n")
        assert exporter.served_certificate() == der(pki / "server2.crt")
        log = exporter.log_path.read_text()
        assert "could not load the changed TLS certificate; still serving the previous one" in log
        assert exporter.curl("/-/healthy", "-u", f"alice:{PASSWORD}")[:2] == (0, 200)


def test_prometheus_scrapes_over_tls_with_basic_auth(secured, pki, tmp_path):
    (tmp_path / "password").write_text(PASSWORD)
    prometheus = PrometheusServer(tmp_path, [f"127.0.0.1:{secured.port}"], job="secured")
    config = tmp_path / "prometheus.yml"  # written by PrometheusServer; read by Prometheus only at start
    config.write_text(config.read_text().replace(
        "    static_configs:\n",
        f"    scheme: https\n    tls_config:\n      ca_file: {pki / 'ca.crt'}\n"
        f"    basic_auth:\n      username: alice\n      password_file: {tmp_path / 'password'}\n"
        "    static_configs:\n"))
    with prometheus:
        up = prometheus.wait_for('up{job="secured"} == 1')
        assert up[0]["value"][1] == "1"
        build = prometheus.wait_for('port_usage_exporter_build_info{job="secured"}')
        assert build[0]["value"][1] == "1"


# A web.yml (None: the case makes the path itself) and what follows its path in the one-line error; {pki} and
# {dir} (the file's directory) are filled in.
BAD_CONFIGS = {
    "unknown-key": ("tls_server_config:\n  certfile: a\n",
                    ":2:3: unknown key 'certfile'; expected one of cert_file, key_file,"),
    "missing-cert": ("tls_server_config: {{cert_file: no.crt, key_file: no.key}}\n",
                     ": tls_server_config: cert_file: {dir}/no.crt: No such file or directory"),
    "cert-is-dev-zero": ("tls_server_config: {{cert_file: /dev/zero, key_file: k}}\n",
                         ": tls_server_config: cert_file: /dev/zero: not a regular file"),
    "not-a-cert": ("tls_server_config: {{cert_file: web.yml, key_file: {pki}/server.key}}\n",
                   ": tls_server_config: cert_file {dir}/web.yml: no PEM certificate"),
    "key-of-another-cert": ("tls_server_config: {{cert_file: {pki}/server.crt, key_file: {pki}/server2.key}}\n",
                            ": tls_server_config: cert_file {pki}/server.crt and key_file {pki}/server2.key do not "
                            "make a usable pair"),
    "not-bcrypt": ("basic_auth_users:\n  alice: plain\n", ":2:10: the password of user 'alice' is not a bcrypt hash"),
    "fifo": (None, ": not a regular file"),
    "dev-zero": (None, ": not a regular file"),
    "missing-file": (None, ": No such file or directory"),
}


@pytest.mark.parametrize("case", BAD_CONFIGS)
def test_bad_web_config_exits_1_with_one_line_naming_file_and_reason(exporter_tmp, pki, case):
    tmp_path = exporter_tmp
    text, reason = BAD_CONFIGS[case]
    path = Path("/dev/zero") if case == "dev-zero" else tmp_path / "web.yml"
    if text is not None:
        path.write_text(text.format(pki=pki, dir=tmp_path))
    elif case == "fifo":
        os.mkfifo(path)
    result = run_exporter(f"--web.listen-address=127.0.0.1:{free_port()}", f"--web.config.file={path}")
    assert result.returncode == 1, result
    lines = result.stderr.strip().splitlines()
    expected = f"port_usage_exporter: error: {path}{reason.format(pki=pki, dir=tmp_path)}"
    assert len(lines) == 1 and lines[0].startswith(expected), result.stderr


def promtool_accepts(path):
    """exporter-toolkit's own verdict on a web config file: promtool check web-config runs its Validate
    (Debian's promtool: exporter-toolkit built with Go 1.19)."""
    check = subprocess.run(["promtool", "check", "web-config", str(path)], capture_output=True, text=True,
                           timeout=30)
    assert ("SUCCESS" in check.stdout + check.stderr) == (check.returncode == 0), check
    return check.returncode == 0


USERS = f"basic_auth_users:\n  alice: '{HASH}'\n"
# (tls_server_config lines, the rest of the file, whether exporter-toolkit accepts it).
AGREEMENT = {
    "verify-if-given-without-ca": ("  client_auth_type: VerifyClientCertIfGiven\n", USERS, True),
    "require-client-cert": ("  client_auth_type: RequireClientCert\n", USERS, True),
    "ca-file-without-certificates": ("  client_auth_type: VerifyClientCertIfGiven\n  client_ca_file: web.yml\n", USERS,
                                     True),
    "empty-client-auth-type": ("  client_auth_type: ''\n", USERS, True),
    "tls13-suite": ("  cipher_suites: [TLS_CHACHA20_POLY1305_SHA256, TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA]\n", USERS,
                    True),
    "rsa-key-exchange-suite": ("  cipher_suites: [TLS_RSA_WITH_AES_256_CBC_SHA]\n", USERS, True),
    "yaml-1.1-booleans": ("  prefer_server_cipher_suites: yes\n", "http_server_config: {http2: on}\n" + USERS, True),
    "user-names": ("", USERS + f"  '': '{HASH}'\n  'a:b': '{HASH}'\n  carol: '$2$04${HASH[7:]}'\n", True),
    "rc4-suite": ("  cipher_suites: [TLS_RSA_WITH_RC4_128_SHA]\n", USERS, False),
    "cbc-sha256-suite": ("  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256]\n", USERS, False),
    "unknown-client-auth-type": ("  client_auth_type: Always\n", USERS, False),
    "ca-without-client-auth": ("  client_ca_file: server.crt\n", USERS, False),
    "unknown-curve": ("  curve_preferences: [P256]\n", USERS, False),
    "unknown-version": ("  min_version: TLS14\n", USERS, False),
    "quoted-boolean": ("  prefer_server_cipher_suites: 'yes'\n", USERS, False),
    "bcrypt-cost-3": ("", f"basic_auth_users:\n  alice: '$2y$03${HASH[7:]}'\n", False),
    "header-not-allowed": ("", "http_server_config: {headers: {Server: x}}\n" + USERS, False),
}


@pytest.mark.parametrize("case", AGREEMENT)
def test_the_exporter_starts_exactly_on_what_exporter_toolkit_accepts(pki, exporter_tmp, case):
    tls_extra, rest, accepted = AGREEMENT[case]
    if accepted:
        # A client certificate where one is required; any other would fail the machine's store.
        client = "client" if "RequireClientCert" in tls_extra else None
        certificate = ["--cert", str(pki / "client.crt"), "--key", str(pki / "client.key")] if client else []
        with SecuredExporter(pki, tls_extra=tls_extra, rest=rest, client_cert=client) as exporter:
            assert promtool_accepts(exporter.dir / "web.yml")
            assert exporter.curl("/-/healthy", "-u", f"alice:{PASSWORD}", *certificate)[:2] == (0, 200)
        return
    shutil.copy(pki / "server.crt", exporter_tmp / "server.crt")
    shutil.copy(pki / "server.key", exporter_tmp / "server.key")
    exporter_owns(exporter_tmp / "server.key")
    path = exporter_tmp / "web.yml"
    path.write_text("tls_server_config:\n  cert_file: server.crt\n  key_file: server.key\n" + tls_extra + rest)
    assert not promtool_accepts(path)
    result = run_exporter(f"--web.listen-address=127.0.0.1:{free_port()}", f"--web.config.file={path}")
    assert result.returncode == 1 and result.stderr.startswith(f"port_usage_exporter: error: {path}"), result


def test_example_file_is_valid_for_promtool_and_the_exporter(pki, exporter_tmp):
    """Deploy/web-config.example.yml, next to a certificate and key, passes Prometheus' own check of the
    format, and the exporter serves it: TLS, and 401 without the (discarded) password."""
    tmp_path = exporter_tmp
    shutil.copy(REPO / "Deploy" / "web-config.example.yml", tmp_path / "web.yml")
    shutil.copy(pki / "server.crt", tmp_path / "server.crt")
    shutil.copy(pki / "server.key", tmp_path / "server.key")
    exporter_owns(tmp_path / "server.key")
    check = subprocess.run(["promtool", "check", "web-config", str(tmp_path / "web.yml")], capture_output=True,
                           text=True, timeout=30)
    assert check.returncode == 0 and "SUCCESS" in check.stdout + check.stderr, check
    port = free_port()
    with subprocess.Popen(exporter_command(f"--web.listen-address=127.0.0.1:{port}",
                                           f"--web.config.file={tmp_path / 'web.yml'}"),
                          stderr=subprocess.PIPE) as process:
        try:
            for _ in range(100):
                result = subprocess.run(["curl", "-s", "--cacert", str(pki / "ca.crt"), "-o", "/dev/null", "-w",
                                         "%{http_code}", f"https://127.0.0.1:{port}/-/ready"],
                                        capture_output=True, text=True, timeout=10)
                if result.stdout != "000":
                    break
                time.sleep(0.1)
            assert result.stdout == "401"
        finally:
            process.terminate()
