"""Last stage of test_hardened.py's sandbox: loads seccomp filters, sets the umask, then executes a command.

    /usr/bin/python3 -I sandbox_exec.py SPEC_JSON -- COMMAND [ARGS...]

It runs after setpriv dropped privileges and set no_new_privs (which lets an unprivileged process load a
filter), so it runs as the system Python (readable by nobody) and uses only the standard library: libseccomp
(libseccomp2, which systemd itself depends on) is called through ctypes, so no Python bindings are needed.

SPEC_JSON holds what test_hardened.py derived from the unit file, the way systemd applies it: each entry of
"filters" becomes one seccomp filter, stacked like systemd stacks its own (the kernel applies the strictest
action of all filters):
  {"default": ACTION, "rules": [{"syscall": NAME, "action": ACTION, "args": [[ARG, OP, A, B], ...]}, ...]}
ACTION is "allow", "kill" (kill the process, SIGSYS) or an errno name such as "EPERM"; OP is a libseccomp
comparison name ("eq", "lt", "gt", "masked_eq"). Syscall names unknown to libseccomp or to this
architecture are skipped, as systemd skips them.
"""
import ctypes
import errno
import json
import os
import sys

SCMP_ACT_KILL_PROCESS = 0x80000000
SCMP_ACT_ALLOW = 0x7FFF0000
COMPARISONS = {"ne": 1, "lt": 2, "le": 3, "eq": 4, "ge": 5, "gt": 6, "masked_eq": 7}


class ArgCmp(ctypes.Structure):
    _fields_ = [("arg", ctypes.c_uint), ("op", ctypes.c_int), ("datum_a", ctypes.c_uint64),
                ("datum_b", ctypes.c_uint64)]


def action(name):
    if name == "allow":
        return SCMP_ACT_ALLOW
    if name == "kill":
        return SCMP_ACT_KILL_PROCESS
    return 0x00050000 | (getattr(errno, name) & 0xFFFF)


def load(libseccomp, spec):
    context = libseccomp.seccomp_init(action(spec["default"]))
    if not context:
        raise SystemExit("sandbox_exec: seccomp_init failed")
    for rule in spec["rules"]:
        number = libseccomp.seccomp_syscall_resolve_name(rule["syscall"].encode())
        if number < 0:  # unknown, or a pseudo-syscall that does not exist on this architecture
            continue
        comparisons = (ArgCmp * max(1, len(rule.get("args", []))))()
        for index, (arg, op, a, b) in enumerate(rule.get("args", [])):
            comparisons[index] = ArgCmp(arg, COMPARISONS[op], a, b)
        result = libseccomp.seccomp_rule_add_array(context, action(rule["action"]), number,
                                                   len(rule.get("args", [])), comparisons)
        if result < 0:
            raise SystemExit(f"sandbox_exec: seccomp_rule_add {rule}: {os.strerror(-result)}")
    result = libseccomp.seccomp_load(context)
    if result < 0:
        raise SystemExit(f"sandbox_exec: seccomp_load: {os.strerror(-result)}")
    libseccomp.seccomp_release(context)


def main():
    spec = json.loads(sys.argv[1])
    command = sys.argv[sys.argv.index("--") + 1:]
    try:
        libseccomp = ctypes.CDLL("libseccomp.so.2")
    except OSError:
        raise SystemExit("sandbox_exec: libseccomp.so.2 is missing (Debian package libseccomp2)")
    libseccomp.seccomp_init.restype = ctypes.c_void_p
    libseccomp.seccomp_init.argtypes = [ctypes.c_uint32]
    libseccomp.seccomp_syscall_resolve_name.argtypes = [ctypes.c_char_p]
    libseccomp.seccomp_rule_add_array.argtypes = [ctypes.c_void_p, ctypes.c_uint32, ctypes.c_int,
                                                  ctypes.c_uint, ctypes.POINTER(ArgCmp)]
    libseccomp.seccomp_load.argtypes = [ctypes.c_void_p]
    libseccomp.seccomp_release.argtypes = [ctypes.c_void_p]
    if "umask" in spec:
        os.umask(spec["umask"])
    # Filters that allow by default first: loading a later filter needs seccomp(2), which an allow-list
    # such as @system-service does not admit. The kernel applies all of them whatever the order.
    for filter_spec in sorted(spec.get("filters", []), key=lambda f: f["default"] != "allow"):
        load(libseccomp, filter_spec)
    os.execv(command[0], command)


if __name__ == "__main__":
    main()
