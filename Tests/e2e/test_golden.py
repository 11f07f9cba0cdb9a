"""The whole exposition of the fixture procfs tree, compared with a committed golden file, like
node_exporter's collector/fixtures/e2e-output.txt.

Values that change from run to run (durations and timestamps become 0; the build's version, revision and
Swift version become placeholders) are replaced before the comparison, so the file stays valid exposition. When the output changes on purpose, regenerate the file with
`PUE_UPDATE_GOLDEN=1 scripts/test.sh` (or the same variable on a pytest run of this file) and review the diff.
"""
import os
import re
import subprocess

from conftest import FIXTURE_PROC, REPO, Exporter

GOLDEN = REPO / "Tests" / "e2e" / "golden" / "fixture-procfs.prom"
ARGS = [f"--path.procfs={FIXTURE_PROC}", "--collector.sockets", "--no-collector.process",
        f"--policy.file={GOLDEN.parent / 'policy.yml'}"]
VARYING = [
    (re.compile(r'^(port_usage_scrape_collector_duration_seconds\{[^}]*\}) .*$'), r"\1 0"),
    (re.compile(r'^(port_usage_config_last_reload_success_timestamp_seconds) .*$'), r"\1 0"),
    (re.compile(r'^(port_usage_listener_(?:first_seen|last_seen|tracking_since)_timestamp_seconds(?:\{[^}]*\})?) .*$'),
     r"\1 0"),
    (re.compile(r'^port_usage_exporter_build_info\{.*\} 1$'),
     'port_usage_exporter_build_info{version="<version>",revision="<revision>",swift_version="<swift>"} 1'),
]


def normalized(text):
    lines = []
    for line in text.splitlines():
        for pattern, replacement in VARYING:
            line = pattern.sub(replacement, line)
        lines.append(line)
    return "\n".join(lines) + "\n"


def test_fixture_exposition_matches_the_golden_file():
    with Exporter(*ARGS) as exporter:
        text, _ = exporter.scrape()
    actual = normalized(text)
    if os.environ.get("PUE_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(actual)
    assert GOLDEN.exists(), f"{GOLDEN} is missing: run with PUE_UPDATE_GOLDEN=1 to write it"
    assert actual == GOLDEN.read_text(), (
        "the exposition of the fixture tree changed; if on purpose, regenerate with PUE_UPDATE_GOLDEN=1")


def test_golden_file_passes_promtool():
    checked = subprocess.run(["promtool", "check", "metrics"], input=GOLDEN.read_bytes(), capture_output=True,
                             timeout=30)
    assert checked.returncode == 0, checked.stderr.decode() + checked.stdout.decode()
