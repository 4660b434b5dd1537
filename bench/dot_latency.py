#!/usr/bin/env python3
"""dot_latency.py - the time from the final "." of a message to the server's 250, in one session.

Usage: dot_latency.py HOST PORT MESSAGES [SIZE]
One SMTP session (EHLO once), MESSAGES messages of SIZE bytes (1024) one after another, no
pipelining; for each, the time from sending the end-of-data line until the whole 250 reply has
arrived (time.perf_counter). Prints p50, p99 and mean in milliseconds. The first 10% of the
messages are not counted (warm-up).
"""
import socket, sys, time

host, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
size = int(sys.argv[4]) if len(sys.argv) > 4 else 1024

s = socket.create_connection((host, port), timeout=30)
s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
buf = b""

def reply():
    global buf
    while True:
        while b"\r\n" not in buf:
            d = s.recv(4096)
            if not d:
                raise SystemExit("connection closed")
            buf += d
        line, buf = buf.split(b"\r\n", 1)
        if line[3:4] != b"-":
            return line

def cmd(c, want):
    s.sendall(c)
    r = reply()
    if not r.startswith(want):
        raise SystemExit(f"unexpected reply to {c!r}: {r!r}")

reply()
cmd(b"EHLO bench.example.test\r\n", b"250")
line = b"x" * 70 + b"\r\n"
body = b"From: bench@bench.example.test\r\nTo: sink@remote.example\r\nSubject: latency\r\n\r\n"
body += line * max(1, (size - len(body)) // len(line))
times = []
for i in range(n):
    cmd(b"MAIL FROM:<bench@bench.example.test>\r\n", b"250")
    cmd(b"RCPT TO:<sink@remote.example>\r\n", b"250")
    cmd(b"DATA\r\n", b"354")
    s.sendall(body)
    t0 = time.perf_counter()
    s.sendall(b".\r\n")
    r = reply()
    t1 = time.perf_counter()
    if not r.startswith(b"250"):
        raise SystemExit(f"message not accepted: {r!r}")
    if i >= n // 10:
        times.append((t1 - t0) * 1000)
cmd(b"QUIT\r\n", b"221")
times.sort()
p = lambda q: times[min(len(times) - 1, int(q * len(times)))]
print(f"p50={p(0.50):.2f} p99={p(0.99):.2f} mean={sum(times) / len(times):.2f} messages={n}")
