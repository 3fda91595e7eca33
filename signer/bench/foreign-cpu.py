#!/usr/bin/env python3
"""Measures how much CPU other processes use while a benchmark runs, since a 2-core machine may be shared.

    foreign-cpu.py PID   # samples every second until PID exits (or this gets SIGTERM), then prints one line to stderr

It counts every process that is not PID or one of its descendants (and not this sampler), by the CPU time it
used while being watched, and reports it as cores busy on average: 0.05 is a quiet machine; at 0.5 or more a
2-core result is disturbed and should be run again.
"""
import os, signal, sys, time

TICK = os.sysconf("SC_CLK_TCK")

def snapshot():
    procs = {}
    for d in os.listdir("/proc"):
        if not d.isdigit():
            continue
        try:
            with open(f"/proc/{d}/stat") as f:
                s = f.read()
        except OSError:
            continue
        rest = s[s.rindex(")") + 2:].split()
        # fields after the name: state ppid ... utime(12) stime(13) ... starttime(20)
        procs[int(d)] = (int(rest[1]), int(rest[11]) + int(rest[12]), rest[19], s[s.index("(") + 1:s.rindex(")")],
                         rest[0])
    return procs

def descendants(root, procs):
    mine, changed = {root, os.getpid()}, True
    while changed:
        changed = False
        for pid, (ppid, *_ ) in procs.items():
            if ppid in mine and pid not in mine:
                mine.add(pid)
                changed = True
    return mine

stop = False

def on_term(signum, frame):
    global stop
    stop = True

def main():
    signal.signal(signal.SIGTERM, on_term)
    root = int(sys.argv[1])
    first, last, mine = {}, {}, set()
    start = time.monotonic()
    with open("/proc/self/stat") as f:
        s = f.read()
    since = int(s[s.rindex(")") + 2:].split()[19])  # our start, in ticks since boot
    while True:
        procs = snapshot()
        mine |= descendants(root, procs)
        for pid, (_, ticks, started, name, _) in procs.items():
            key = (pid, started)
            # a process that started after us counts from zero, one that was running from when we first saw it
            first.setdefault(key, (0 if int(started) >= since else ticks, name))
            last[key] = ticks
        if stop or root not in procs or procs[root][4] == "Z":
            break
        time.sleep(0.5)
    wall = time.monotonic() - start
    foreign = {}
    for (pid, started), ticks in last.items():
        if pid in mine:
            continue
        t0, name = first[(pid, started)]
        used = ticks - t0
        if used > 0:
            foreign[name] = foreign.get(name, 0) + used / TICK
    total = sum(foreign.values())
    top = ", ".join(f"{n} {s:.1f}s" for n, s in sorted(foreign.items(), key=lambda x: -x[1])[:4])
    print(f"foreign-cpu: other processes used {total:.1f} CPU-s in {wall:.0f} s = {total / max(wall, 1):.2f} cores"
          + (f" ({top})" if top else ""), file=sys.stderr)

if __name__ == "__main__":
    main()
