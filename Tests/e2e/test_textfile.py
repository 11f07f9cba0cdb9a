"""The textfile sink, read by a real node_exporter (Debian prometheus-node-exporter) on loopback."""
import os
import shutil
import socket
import stat
import subprocess
import threading
import time
import urllib.request

import pytest
from prometheus_client.parser import text_string_to_metric_families

from conftest import (assert_one_line_error, FIXTURE_PROC, Daemon, Exporter, exporter_writable_dir, free_port,
                      run_exporter, samples_in)

NODE_EXPORTER = shutil.which("prometheus-node-exporter")


def test_node_exporter_serves_the_written_file(tmp_path, exporter_tmp):
    assert NODE_EXPORTER, "prometheus-node-exporter (Debian package) is required"
    directory = exporter_writable_dir(exporter_tmp / "textfiles")
    port = free_port(low=47000, high=47999)
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", port))
        sock.listen(1)
        result = run_exporter("textfile", f"--textfile.path={directory / 'port_usage.prom'}")
    assert result.returncode == 0, result.stderr
    written = directory / "port_usage.prom"
    assert stat.S_IMODE(written.stat().st_mode) == 0o644
    assert sorted(p.name for p in directory.iterdir()) == ["port_usage.prom"]
    text = written.read_text()
    assert "process_" not in text and "port_usage_exporter_build_info" in text
    promtool = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True)
    assert promtool.returncode == 0, promtool.stderr

    web = free_port()
    with Daemon([NODE_EXPORTER, f"--web.listen-address=127.0.0.1:{web}", "--collector.disable-defaults",
                 "--collector.textfile", f"--collector.textfile.directory={directory}"],
                f"http://127.0.0.1:{web}/metrics", tmp_path / "node_exporter.log"):
        served = urllib.request.urlopen(f"http://127.0.0.1:{web}/metrics", timeout=5).read().decode()
    listeners = {dict(k)["port"]: v for k, v in samples_in(served, "port_usage_listeners").items()}
    assert listeners[str(port)] == 1
    errors = samples_in(served, "node_textfile_scrape_error")
    assert list(errors.values()) == [0]


def big_procfs(root, listeners):
    """A procfs with `listeners` TCP listeners, so that one textfile takes many write calls."""
    (root / "net").mkdir(parents=True)
    header = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"
    lines = [f"{i:4d}: 0100007F:{20000 + i:04X} 00000000:0000 0A 00000000:00000000 00:00000000 00000000"
             f"     0        0 {1000 + i} 1 0000000000000000 100 0 0 10 0\n" for i in range(listeners)]
    (root / "net" / "tcp").write_text(header + "".join(lines))
    for table in ("tcp6", "udp", "udp6"):
        shutil.copy(FIXTURE_PROC / "net" / table, root / "net" / table)
    return root


def test_a_reader_never_sees_a_partial_file(exporter_tmp):
    directory = exporter_writable_dir(exporter_tmp / "textfiles")
    path = directory / "port_usage.prom"
    procfs = big_procfs(exporter_tmp / "proc", 1500)
    reference = exporter_writable_dir(exporter_tmp / "reference") / "reference.prom"
    assert run_exporter("textfile", f"--path.procfs={procfs}", f"--textfile.path={reference}",
                        "--collector.listeners.max-ports=5000").returncode == 0
    expected = len(samples_in(reference.read_text(), "port_usage_listeners"))
    assert expected > 1500
    reads, inodes, problems = 0, set(), []
    with Exporter(f"--path.procfs={procfs}", f"--textfile.path={path}", "--textfile.interval=10ms",
                  "--collector.listeners.max-ports=5000") as exporter:
        assert path.exists()  # written once before the server starts
        # At least 3 s, and on a loaded machine (each read parses 1,500 samples) until 21 reads saw 3 files.
        start = time.monotonic()
        while time.monotonic() < start + 3 or (time.monotonic() < start + 30 and (reads <= 20 or len(inodes) < 3)):
            with open(path, "rb") as reader:
                inodes.add(os.fstat(reader.fileno()).st_ino)
                data = reader.read().decode()
            reads += 1
            families = {f.name: f for f in text_string_to_metric_families(data)}
            listeners = families.get("port_usage_listeners")
            if not data.endswith("\n") or listeners is None or len(listeners.samples) != expected \
                    or "port_usage_textfile_writes" not in families:
                problems.append(len(data))
        writes = exporter.samples("port_usage_textfile_writes_total")
    assert problems == [], f"{len(problems)} partial reads of {reads}"
    assert reads > 20 and len(inodes) >= 3, (reads, len(inodes))  # the file was replaced while read
    assert writes[frozenset({"result": "success"}.items())] >= 3
    assert writes[frozenset({"result": "error"}.items())] == 0
    assert sorted(p.name for p in directory.iterdir()) == ["port_usage.prom"]


@pytest.mark.parametrize("args, message", [
    (["textfile"], "missing --textfile.path"),
    (["textfile", "--textfile.path=/tmp/x.txt"], "--textfile.path: the textfile must be a file ending in .prom"),
    (["textfile", "--textfile.path=/nonexistent-dir/x.prom"], "--textfile.path: /nonexistent-dir: No such file or directory"),
    (["textfile", "--textfile.path=/x.prom"], "--textfile.path: /: Permission denied"),
    (["--textfile.interval=1s"], "--textfile.interval needs --textfile.path"),
    (["--textfile.path=/nonexistent-dir/x.prom"], "--textfile.path: /nonexistent-dir: No such file or directory"),
])
def test_bad_textfile_settings_are_one_line_errors(args, message):
    assert_one_line_error(args, message)
