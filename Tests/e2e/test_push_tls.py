"""Push to a real Pushgateway behind its own --web.config.file: TLS from a CA the test makes with openssl,
bcrypt basic auth, and client certificates."""
import base64
import shutil
import ssl
import subprocess
import urllib.request

import bcrypt
import pytest

from conftest import Daemon, exporter_directory, exporter_owns, free_port, run_exporter, samples_in

PUSHGATEWAY = shutil.which("prometheus-pushgateway")
PASSWORD = "s3cret-Pa55"


def openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True, timeout=30)


@pytest.fixture(scope="module")
def pki():
    """A CA, a server certificate for 127.0.0.1 and a client certificate, all signed by the CA; the exporter
    can read the CA and client certificate, and owns the client key and the password files (0600)."""
    with exporter_directory(prefix="pue-pki-") as root:
        yield make_pki(root)


def make_pki(root):
    key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
    openssl("req", "-x509", *key, "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=pue-test-ca",
            cwd=root)
    (root / "server.ext").write_text("subjectAltName=IP:127.0.0.1\n")
    (root / "client.ext").write_text("extendedKeyUsage=clientAuth\n")
    for name in ("server", "client"):
        openssl("req", *key, "-keyout", f"{name}.key", "-out", f"{name}.csr", "-subj", f"/CN=pue-{name}", cwd=root)
        openssl("x509", "-req", "-in", f"{name}.csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", f"{name}.crt", "-days", "2", "-extfile", f"{name}.ext", cwd=root)
    (root / "password").write_text(PASSWORD + "\n")
    (root / "wrong-password").write_text("not-it\n")
    for secret in ("client.key", "password", "wrong-password"):
        (root / secret).chmod(0o600)
        exporter_owns(root / secret)
    return root


@pytest.fixture(params=["basic-auth", "client-cert"])
def secured_gateway(request, pki, tmp_path):
    assert PUSHGATEWAY, "prometheus-pushgateway (Debian package) is required"
    hashed = bcrypt.hashpw(PASSWORD.encode(), bcrypt.gensalt(rounds=4)).decode()
    config = (f"tls_server_config:\n  cert_file: {pki}/server.crt\n  key_file: {pki}/server.key\n")
    if request.param == "client-cert":
        config += f"  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: {pki}/ca.crt\n"
    config += f"basic_auth_users:\n  pusher: '{hashed}'\n"
    (tmp_path / "web.yml").write_text(config)
    port = free_port()
    base = f"https://127.0.0.1:{port}"
    context = ssl.create_default_context(cafile=str(pki / "ca.crt"))
    if request.param == "client-cert":
        context.load_cert_chain(str(pki / "client.crt"), str(pki / "client.key"))
    auth = {"Authorization": "Basic " + base64.b64encode(f"pusher:{PASSWORD}".encode()).decode()}
    with Daemon([PUSHGATEWAY, f"--web.listen-address=127.0.0.1:{port}", "--persistence.file=",
                 f"--web.config.file={tmp_path / 'web.yml'}"], f"{base}/-/ready", tmp_path / "pushgateway.log",
                ssl_context=context, headers=auth):
        yield request.param, base, context, auth


def push(base, pki, *args):
    return run_exporter("push", f"--push.url={base}", "--push.grouping=instance=tls", "--push.retries=0",
                        "--log.level=debug", *args)


def credentials(pki, password_file="password"):
    return ["--push.basic-auth.username=pusher", f"--push.basic-auth.password-file={pki / password_file}"]


def client_cert(pki):
    return [f"--push.tls.cert-file={pki / 'client.crt'}", f"--push.tls.key-file={pki / 'client.key'}"]


def test_right_credentials_and_ca_push_successfully(secured_gateway, pki):
    kind, base, context, auth = secured_gateway
    extra = client_cert(pki) if kind == "client-cert" else []
    result = push(base, pki, f"--push.tls.ca-file={pki / 'ca.crt'}", *credentials(pki), *extra)
    assert result.returncode == 0, result.stderr
    assert PASSWORD not in result.stderr and PASSWORD not in result.stdout
    request = urllib.request.Request(f"{base}/metrics", headers=auth)
    text = urllib.request.urlopen(request, timeout=5, context=context).read().decode()
    build = samples_in(text, "port_usage_exporter_build_info")
    assert [value for labels, value in build.items() if dict(labels).get("instance") == "tls"] == [1]


def test_wrong_password_fails_with_401(secured_gateway, pki):
    kind, base, _, _ = secured_gateway
    extra = client_cert(pki) if kind == "client-cert" else []
    result = push(base, pki, f"--push.tls.ca-file={pki / 'ca.crt'}", *credentials(pki, "wrong-password"), *extra)
    assert result.returncode == 1
    assert "failed after 1 attempt(s): HTTP 401: Unauthorized" in result.stderr.strip().splitlines()[-1]
    assert "not-it" not in result.stderr


def test_unknown_ca_fails_verification(secured_gateway, pki):
    kind, base, _, _ = secured_gateway
    result = push(base, pki, *credentials(pki))
    assert result.returncode == 1
    assert "certificate" in result.stderr.strip().splitlines()[-1].lower()


@pytest.mark.parametrize("secured_gateway", ["client-cert"], indirect=True)
def test_missing_client_certificate_is_refused(secured_gateway, pki):
    _, base, _, _ = secured_gateway
    result = push(base, pki, f"--push.tls.ca-file={pki / 'ca.crt'}", *credentials(pki))
    assert result.returncode == 1
    assert "failed after 1 attempt(s)" in result.stderr
