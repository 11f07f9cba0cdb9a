"""The owners collector's walk of /proc/PID/fd against a listener that no process holds: one that lives only
in an unreceived SCM_RIGHTS message, which any local user can make. The walk must not repeat on every
scrape, must stay within --collector.owners.max-descriptors, and must say what it left unresolved.

The exporter (unprivileged, as always) and the listeners run in a network namespace of their own, so that
listeners opened elsewhere on the host meanwhile (other tests) start no walk and the counts are exact; the
test scrapes from inside that namespace. Creating it needs root."""
import contextlib
import ctypes
import os
import shutil
import subprocess
import sys
import textwrap
import uuid

import pytest

from conftest import IS_ROOT, Exporter, samples_in, unprivileged_prefix

pytestmark = pytest.mark.skipif(not IS_ROOT, reason="creating a network namespace (ip netns) needs root")

IP = shutil.which("ip")
CLONE_NEWNET = 0x40000000
# The backoff of SocketProcesses' remembered sockets (UnownedInodes.firstRetry): scrapes before a retry.
FIRST_RETRY = 16

# Makes a TCP listener on 127.0.0.1, sends it over a socketpair in an SCM_RIGHTS message that is never
# received, and closes every other copy: only the message holds it. Prints its port for each line read from
# standard input (a new one each time), until standard input closes.
SCM_HOLDER = textwrap.dedent("""
    import array, socket, sys
    sender, receiver = socket.socketpair()
    for _ in sys.stdin:
        listener = socket.socket()
        listener.bind(("127.0.0.1", 0))
        listener.listen(8)
        port = listener.getsockname()[1]
        rights = array.array("i", [listener.fileno()])
        sender.sendmsg([b"x"], [(socket.SOL_SOCKET, socket.SCM_RIGHTS, rights)])
        listener.close()
        print(port, flush=True)
""")

# Forks processes that each hold descriptors, for the walk to read; prints when ready and holds them until
# its standard input closes.
FILLER = textwrap.dedent("""
    import os, signal, sys
    held = [os.open("/dev/null", os.O_RDONLY) for _ in range(int(sys.argv[2]))]
    children = []
    for _ in range(int(sys.argv[1])):
        pid = os.fork()
        if pid == 0:
            signal.pause()
            os._exit(0)
        children.append(pid)
    print("ready", flush=True)
    sys.stdin.read()
    for pid in children:
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
""")


@contextlib.contextmanager
def namespace():
    """A named network namespace with loopback up; yields its name."""
    name = f"pue-e2e-{uuid.uuid4().hex[:8]}"
    subprocess.run([IP, "netns", "add", name], check=True, timeout=10)
    try:
        subprocess.run([IP, "netns", "exec", name, IP, "link", "set", "lo", "up"], check=True, timeout=10)
        yield name
    finally:
        subprocess.run([IP, "netns", "delete", name], timeout=10)


@contextlib.contextmanager
def inside(name):
    """Runs this thread (the test's connections) in network namespace `name`."""
    libc = ctypes.CDLL(None, use_errno=True)
    own = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    target = os.open(f"/run/netns/{name}", os.O_RDONLY)
    try:
        if libc.setns(target, CLONE_NEWNET) != 0:
            raise OSError(ctypes.get_errno(), "setns")
        yield
    finally:
        libc.setns(own, CLONE_NEWNET)
        os.close(own)
        os.close(target)


@contextlib.contextmanager
def helper(netns, script, *args):
    """`script` run unprivileged (as the exporter's user) in `netns`, its standard input and output piped."""
    process = subprocess.Popen([IP, "netns", "exec", netns, *unprivileged_prefix(), sys.executable, "-c", script,
                                *map(str, args)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        yield process
    finally:
        process.stdin.close()
        process.wait(timeout=30)


def scm_listener(holder):
    """A new listener held only by an SCM_RIGHTS message of `holder`; its port."""
    holder.stdin.write("\n")
    holder.stdin.flush()
    return int(holder.stdout.readline())


@contextlib.contextmanager
def isolated_exporter(*args, processes=200, descriptors=50):
    """An exporter alone in a new network namespace with `processes` processes of its user holding
    `descriptors` descriptors each (all started before it, so that it is the newest process), and an
    SCM_RIGHTS holder; yields (exporter, holder), this thread inside the namespace."""
    with namespace() as netns, inside(netns), helper(netns, FILLER, processes, descriptors) as filler, \
            helper(netns, SCM_HOLDER) as holder:
        assert filler.stdout.readline() == "ready\n"
        with Exporter(*args, prefix=[IP, "netns", "exec", netns, *unprivileged_prefix()]) as exporter:
            yield exporter, holder


def walk_state(exporter):
    """(descriptors read so far, {reason: unresolved listeners}) from one scrape."""
    text, _ = exporter.scrape()
    read = samples_in(text, "port_usage_owner_descriptors_read_total")[frozenset()]
    unresolved = {dict(labels)["reason"]: value
                  for labels, value in samples_in(text, "port_usage_owner_unresolved_listeners").items()}
    return read, unresolved


def test_a_listener_only_an_scm_rights_message_holds_is_searched_for_once():
    with isolated_exporter() as (exporter, holder):
        scm_listener(holder)
        first, unresolved = walk_state(exporter)
        # Every process of the exporter's user was read, the 200 fillers' 53 descriptors each at least.
        assert first >= 200 * 53
        assert unresolved == {"no_process": 1, "permission": 0, "budget": 0, "deadline": 0}
        for _ in range(2, FIRST_RETRY + 1):
            assert walk_state(exporter) == (first, unresolved)
        # The backoff ends: one more round, the verdict unchanged.
        retried, unresolved_after = walk_state(exporter)
        assert retried > first and unresolved_after == unresolved


def test_a_new_scm_rights_listener_before_every_scrape_costs_at_most_the_budget():
    budget = 3000
    with isolated_exporter(f"--collector.owners.max-descriptors={budget}") as (exporter, holder):
        read, unresolved = walk_state(exporter)
        # Its own listener: found in its own descriptors, the newest process's.
        assert sum(unresolved.values()) == 0
        reasons = set()
        for scrape in range(1, 11):
            scm_listener(holder)
            now, unresolved = walk_state(exporter)
            # A round reads more than 10,000 descriptors: each scrape reads exactly its budget.
            assert now - read == budget
            assert sum(unresolved.values()) == scrape
            reasons.update(reason for reason, count in unresolved.items() if count)
            read = now
        assert "budget" in reasons and reasons <= {"budget", "no_process"}
