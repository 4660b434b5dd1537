#!/usr/bin/env python3
"""idle_sessions.py - open N SMTP sessions at once and time until every one has its 220 greeting.

Usage: idle_sessions.py HOST PORT[,PORT...] N PID[,PID...] [DEADLINE]
The sessions are spread over the ports (more than one port lets more than the ~28,000 ephemeral
ports of one address/port pair connect from 127.0.0.1, so that client name lookups stay answered
by /etc/hosts). Prints the time until all are greeted (or the deadline, 120 s, passes), how many
were greeted, and the resident memory (VmRSS, summed over the PIDs) while they are all open;
also the CPU time (user + system) that the PIDs took from the first connect until the last
greeting (cpu_ms), and the client's own in that time (client_ms): both share the machine's cores.
Sessions stay idle (no command), as in the "10,000 idle sessions" target.
"""
import os, resource, selectors, socket, sys, time

host, ports, n = sys.argv[1], [int(p) for p in sys.argv[2].split(",")], int(sys.argv[3])
pids = sys.argv[4].split(",")
deadline_s = float(sys.argv[5]) if len(sys.argv) > 5 else 120.0
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
if soft < n + 100:
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, n + 1000), hard))

def rss_mib():
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/status") as f:
                for line in f:
                    if line.startswith("VmRSS:"):
                        total += int(line.split()[1])
        except OSError:
            pass
    return total / 1024

def cpu_ms():
    hz = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            total += int(fields[11]) + int(fields[12])   # utime, stime
        except (OSError, IndexError, ValueError):
            pass
    return total * 1000 / hz

def client_ms():
    u = resource.getrusage(resource.RUSAGE_SELF)
    return (u.ru_utime + u.ru_stime) * 1000

sel = selectors.DefaultSelector()
socks = []
cpu0, client0 = cpu_ms(), client_ms()
t0 = time.time()
deadline = t0 + deadline_s
for i in range(n):
    s = socket.socket()
    s.setblocking(False)
    s.connect_ex((host, ports[i % len(ports)]))
    sel.register(s, selectors.EVENT_READ)
    socks.append(s)
greeted = 0
bad = 0
while greeted + bad < n and time.time() < deadline:
    for key, _ in sel.select(timeout=0.5):
        s = key.fileobj
        try:
            data = s.recv(512)
        except OSError:
            data = b""
        sel.unregister(s)
        if data.startswith(b"220"):
            greeted += 1
        else:
            bad += 1
t1 = time.time()
cpu1, client1 = cpu_ms(), client_ms()
time.sleep(1)
print(f"sessions={n} greeted={greeted} failed={bad} seconds={t1 - t0:.2f} rss_mib={rss_mib():.0f}"
      f" cpu_ms={cpu1 - cpu0:.0f} client_ms={client1 - client0:.0f}")
for s in socks:
    s.close()
