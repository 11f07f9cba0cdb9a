"""Bad flags, files and requests get clear errors and never crash the exporter."""
import json
import os
import socket

from conftest import FIXTURE_PROC, Exporter, run_exporter


def test_nonexistent_procfs_is_a_flag_error():
    result = run_exporter("--path.procfs=/nonexistent/proc")
    assert result.returncode == 2
    assert result.stderr == "port_usage_exporter: error: --path.procfs: /nonexistent/proc: No such file or directory\n"


def test_unknown_flag_and_bad_values_exit_2_with_one_line():
    for args, message in [
        (["--bogus"], "Unknown option '--bogus'"),
        (["--web.listen-address=10768"], "expected [host]:port"),
        (["--log.level=loud"], "--log.level"),
        (["--collector.listeners.max-ports=0"], "must be at least 1"),
        (["--collector.owners.max-descriptors=0"], "--collector.owners.max-descriptors must be at least 1"),
        (["--web.telemetry-path=metrics"], "--web.telemetry-path must start with '/'"),
    ]:
        result = run_exporter(*args)
        assert result.returncode == 2, (args, result)
        assert result.stderr.count("\n") == 1 and message in result.stderr, (args, result.stderr)
        assert result.stderr.startswith("port_usage_exporter: error: ")


def test_version_and_help():
    version = run_exporter("--version")
    assert version.returncode == 0
    assert version.stdout.startswith("port_usage_exporter, version ")
    assert "revision: " in version.stdout and "swift: " in version.stdout
    help_text = run_exporter("--help")
    assert help_text.returncode == 0
    for flag in ["--web.listen-address", "--web.telemetry-path", "--path.procfs", "--socket.source",
                 "--collector.listeners", "--no-collector.listeners", "--collector.connections",
                 "--collector.sockets", "--no-collector.process", "--collector.listeners.max-ports", "--registry.file", "--log.level", "--log.format",
                 "--push.url", "--push.interval", "--textfile.path", "push ", "textfile "]:
        assert flag in help_text.stdout
    push_help = run_exporter("push", "--help")
    assert push_help.returncode == 0 and "--push.basic-auth.password-file" in push_help.stdout
    assert "--web.listen-address" not in push_help.stdout


def test_address_in_use_names_the_address():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        result = run_exporter(f"--web.listen-address=127.0.0.1:{port}")
    assert result.returncode == 1
    assert f"listen tcp 127.0.0.1:{port}: address already in use" in result.stderr


def collector_success(exporter):
    return {dict(labels)["collector"]: value
            for labels, value in exporter.samples("port_usage_scrape_collector_success").items()}


def test_a_missing_table_is_skipped_and_an_unreadable_one_fails_the_collectors_that_need_it(proc_copy):
    (proc_copy / "net" / "tcp6").unlink()  # no IPv6: a skip, logged at debug level only
    (proc_copy / "net" / "udp6").unlink()
    (proc_copy / "net" / "udp6").mkdir()  # read() fails with EISDIR
    with Exporter(f"--path.procfs={proc_copy}", "--collector.sockets", "--log.level=debug") as exporter:
        assert collector_success(exporter) == {"listeners": 0, "connections": 1, "changes": 0, "owners": 0,
                                              "sockets": 0, "process": 1, "saturation": 0}
        # What the readable tables hold is still served.
        assert len(exporter.samples("port_usage_listeners")) == 6
        exporter.scrape()
        log = exporter.log_text()
        skip = [line for line in log.splitlines() if "table=tcp6" in line]
        assert len(skip) == 1 and "level=debug" in skip[0] and "No such file or directory" in skip[0], log
        failed = [line for line in log.splitlines() if "collector failed" in line]
        # Logged once although scraped twice; the message says which file and why, and advises the flag.
        assert len(failed) == 5, log
        assert all("level=error" in line and f"{proc_copy}/net/udp6: not a regular file (a directory)" in line
                   and 'advice="check --path.procfs"' in line for line in failed)
        assert {"collector=listeners", "collector=changes", "collector=owners", "collector=sockets",
                "collector=saturation"} == {
            part for line in failed for part in line.split() if part.startswith("collector=")}


def test_a_fifo_or_a_device_as_a_table_fails_only_its_collector_at_once(proc_copy):
    os.unlink(proc_copy / "net" / "tcp")
    os.mkfifo(proc_copy / "net" / "tcp")
    os.unlink(proc_copy / "net" / "udp")
    os.symlink("/dev/zero", proc_copy / "net" / "udp")
    with Exporter(f"--path.procfs={proc_copy}") as exporter:
        # Both collectors needed tcp; the readable tables' listeners are still served.
        assert collector_success(exporter) == {"listeners": 0, "connections": 0, "changes": 0, "owners": 0,
                                              "process": 1, "saturation": 0}
        assert {dict(labels)["family"] for labels in exporter.samples("port_usage_listeners")} == {"ipv6"}
        log = exporter.log_text()
        assert f"{proc_copy}/net/tcp: not a regular file (a FIFO)" in log
        assert f"{proc_copy}/net/udp: not a regular file (a character device)" in log


def hostile_files(tmp_path, limit_mib):
    """A FIFO, a character device, a directory and a file one MiB over `limit_mib`, with the reason each is
    refused for."""
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    large = tmp_path / "large"
    large.write_bytes(b"#" * ((limit_mib + 1) << 20))
    return [
        (fifo, "not a regular file (a FIFO)"),
        ("/dev/zero", "not a regular file (a character device)"),
        (tmp_path, "not a regular file (a directory)"),
        (large, f"larger than {limit_mib} MiB limit"),
    ]


def test_hostile_policy_files_are_refused_at_once_in_one_line(exporter_tmp):
    for path, reason in hostile_files(exporter_tmp, 1):
        # A FIFO that blocked the open or a device read to the end would hit the timeout instead.
        result = run_exporter(f"--policy.file={path}", "--web.listen-address=127.0.0.1:0", timeout=10)
        assert result.returncode == 1, (path, result)
        assert result.stderr == f"port_usage_exporter: error: {path}: {reason}\n"


def test_hostile_registry_files_are_refused_at_once_in_one_line(exporter_tmp):
    for path, reason in hostile_files(exporter_tmp, 16):
        result = run_exporter(f"--registry.file={path}", "--web.listen-address=127.0.0.1:0", timeout=10)
        assert result.returncode == 1, (path, result)
        assert result.stderr == f"port_usage_exporter: error: registry file {path}: {reason}\n"


def test_a_deeply_nested_policy_is_refused_at_once(exporter_tmp):
    policy = exporter_tmp / "policy.yml"
    policy.write_text("[" * 200_000)
    result = run_exporter(f"--policy.file={policy}", "--web.listen-address=127.0.0.1:0", timeout=10)
    assert result.returncode == 1
    assert result.stderr == f"port_usage_exporter: error: {policy}:1:65: document nests too deep (more than 64 levels)\n"


def test_malformed_lines_are_counted_and_logged(proc_copy):
    with open(proc_copy / "net" / "tcp", "a") as table:
        table.write("this is not a socket line\n   7: 0100007F:ZZZZ 00000000:0000 0A\n")
    with Exporter(f"--path.procfs={proc_copy}", "--log.format=json") as exporter:
        exporter.scrape()
        errors = exporter.samples("port_usage_parse_errors_total")
        table = {"protocol": "tcp", "family": "ipv4", "source": "procfs"}
        assert errors[frozenset(table.items())] == 4  # 2 lines, scraped twice: a counter
        assert errors[frozenset({**table, "protocol": "udp"}.items())] == 0
        assert len([k for k in exporter.samples("port_usage_listeners") if dict(k)["protocol"] == "tcp"]) == 6
        records = [json.loads(line) for line in exporter.log_text().splitlines()]
        assert all({"time", "level", "source", "msg"} <= record.keys() for record in records)
        skipped = [record for record in records if record["msg"] == "skipped malformed socket table input"]
        # Logged once for the same bad input, however often it is scraped.
        assert len(skipped) == 1 and skipped[0]["level"] == "warn" and skipped[0]["skipped"] == "2"
        assert skipped[0]["first_line"] == "14" and skipped[0]["first_text"] == "this is not a socket line"
        assert skipped[0]["table"] == "tcp" and skipped[0]["source"] == "procfs"
        assert skipped[0]["advice"] == "check the socket tables under --path.procfs"


def test_bad_registry_file_is_a_clear_error(exporter_tmp):
    bad = exporter_tmp / "registry.csv"
    bad.write_text("Service Name,Port Number,Transport Protocol,Description\nssh,twenty-two,tcp,SSH\n")
    result = run_exporter(f"--registry.file={bad}", "--web.listen-address=127.0.0.1:0")
    assert result.returncode == 1
    assert result.stderr.strip().endswith(f"registry file {bad}: line 2: invalid port number 'twenty-two'")
    missing = run_exporter("--registry.file=/nonexistent.csv", "--web.listen-address=127.0.0.1:0")
    assert missing.returncode == 1
    assert "registry file /nonexistent.csv: open /nonexistent.csv: No such file or directory" in missing.stderr


def test_junk_http_requests_get_400_and_the_server_keeps_serving():
    with Exporter(f"--path.procfs={FIXTURE_PROC}") as exporter:
        for junk in [b"GARBAGE\r\n\r\n", b"\x00\x01\x02\xff\r\n\r\n", b"GET / HTTP/1.1\r\nNo-Colon-Header\r\n\r\n"]:
            with socket.create_connection(("127.0.0.1", exporter.port), timeout=5) as client:
                client.sendall(junk)
                assert client.recv(100).startswith(b"HTTP/1.1 400"), junk
        assert exporter.get("/metrics").status == 200
        assert exporter.process.poll() is None


def test_hostile_password_files_are_refused_at_once_in_one_line(exporter_tmp):
    fifo = exporter_tmp / "fifo"
    os.mkfifo(fifo)
    large = exporter_tmp / "password"
    large.write_bytes(b"x" * (65 << 10))
    for path, reason in [(fifo, "not a regular file (a FIFO)"), (large, "larger than 64 KiB limit")]:
        result = run_exporter("push", "--push.url=http://127.0.0.1:9", "--push.basic-auth.username=u",
                              f"--push.basic-auth.password-file={path}", timeout=10)
        assert result.returncode in (1, 2), (path, result)
        assert result.stderr == f"port_usage_exporter: error: --push.basic-auth.password-file: {path}: {reason}\n"
