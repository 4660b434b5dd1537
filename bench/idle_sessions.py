#!/usr/bin/env python3
"""idle_sessions.py - open N SMTP sessions at once and time until every one has its 220 greeting.

Usage: idle_sessions.py HOST PORT N MASTER_PID
Prints the time to greet all sessions and the master's resident memory (VmRSS) while they are
open. Sessions stay idle (no command), as in the "10,000 idle sessions" target.
"""
import selectors, socket, sys, time

host, port, n, pid = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]

def rss_mib():
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return -1

sel = selectors.DefaultSelector()
socks = []
t0 = time.time()
for i in range(n):
    s = socket.socket()
    s.setblocking(False)
    s.connect_ex((host, port))
    sel.register(s, selectors.EVENT_READ)
    socks.append(s)
greeted = 0
bad = 0
deadline = t0 + 120
while greeted + bad < n and time.time() < deadline:
    for key, _ in sel.select(timeout=1):
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
time.sleep(1)
print(f"sessions={n} greeted={greeted} failed={bad} seconds={t1 - t0:.2f} master_rss_mib={rss_mib():.0f}")
for s in socks:
    s.close()
