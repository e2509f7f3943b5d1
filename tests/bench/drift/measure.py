"""Runs one command and prints, as one JSON line after its own output, its wall time, CPU time (user + system,
all threads) and peak RSS.

    /usr/bin/python3 tests/bench/drift/measure.py COMMAND [ARGS...]

The figures are the kernel's accounting of that one finished child (wait4's rusage), so every program of the
benchmark is measured the same way whatever it reports itself (peak RSS is at least the ~10 MB of the forked
Python before it runs the command). A negative exitCode is the signal that stopped the command (-9: killed,
e.g. out of memory).
"""
import json
import os
import sys
import tempfile
import time

# The command's output goes to a file, read afterwards: reaping the child with wait4 ourselves is what gives its
# own rusage (RUSAGE_CHILDREN would also count whatever this process's parents waited for before exec).
with tempfile.TemporaryFile() as output:
    started = time.perf_counter()
    pid = os.fork()
    if pid == 0:
        os.dup2(output.fileno(), 1)
        try:
            os.execvp(sys.argv[1], sys.argv[1:])
        finally:
            os._exit(127)
    _, status, usage = os.wait4(pid, 0)
    wall = time.perf_counter() - started
    output.seek(0)
    sys.stdout.write(output.read().decode("utf-8", "replace"))
print(
    json.dumps(
        {
            "exitCode": os.waitstatus_to_exitcode(status),
            "wallSeconds": wall,
            "cpuSeconds": usage.ru_utime + usage.ru_stime,
            "maxRssMb": usage.ru_maxrss / 1024,
        }
    )
)
