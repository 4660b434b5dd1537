#!/usr/bin/env python3
"""floor_mta.py - the least any MTA must ask of the kernel for one accepted-and-relayed message,
with our durability: a "floor MTA" whose system CPU time per message (bench/floor.sh) is the
kernel's share that no implementation of the same promise can avoid.

Usage: floor_mta.py PORT RELAYPORT DIR
Listens on 127.0.0.1:PORT and relays every message to the SMTP server on 127.0.0.1:RELAYPORT
(smtp-sink). Per session: accept, a 220 greeting, one read per command and one write per reply
(one write for all replies of a read, should a client pipeline), and for each message:
  commit  at DATA, open DIR/spool/.tNAME (O_CREAT|O_EXCL, 0700); at the ".", one write (envelope
          and content), fsync, close, rename to NAME, fsync the directory (one directory force
          shared by the messages whose "." came in the same turn of the loop, as our queue shares
          it), then the 250; with FLOOR_COMMIT=postfix, Postfix's pattern instead: at DATA, open
          DIR/spool/NAME (0600); at the ".", one write, fchmod 0700 (the "complete" mark), fsync,
          close, and no directory force;
  log     one line written to DIR/maillog at the commit ("NAME: from=<...>, size=..."), one at
          the delivery ("NAME: to=<...>, relay=..., status=sent (...)");
  relay   over one connection to RELAYPORT kept open: MAIL, RCPT and DATA in one write, the
          content (as received, still dot-stuffed) and "." in another, each reply read; then
          unlink NAME. With FLOOR_SPARES=1, as our queue does (mta.queue.SpareFiles): NAME is
          renamed to .sNAME instead (at most 64 kept), and once a directory force has made that
          durable, the next message's file at DATA is such a spare, opened with O_TRUNC, instead
          of a new one.
One thread and one epoll set (select.epoll, level-triggered), so the file forces of a turn run
one after another: the rate is the disk's and not the point, the CPU per message is. The
sessions' sockets stay blocking (read only when epoll says so; replies are small) and are closed
without an epoll_ctl DEL (close removes them); the content is relayed from memory, not read back
from the file. Nothing else: no address parsing, no lookups, no queue manager, no thread
hand-offs. Its user CPU is Python's and means nothing here.
Runs until SIGTERM or SIGINT. Needs only python3.
"""
import collections, os, select, signal, socket, sys

port, relay_port, top = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
spool = os.path.join(top, "spool")
os.makedirs(spool, exist_ok=True)
dir_fd = os.open(spool, os.O_RDONLY | os.O_DIRECTORY)
log_fd = os.open(os.path.join(top, "maillog"), os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL
postfix_commit = os.environ.get("FLOOR_COMMIT") == "postfix"
spare_mode = os.environ.get("FLOOR_SPARES") == "1"
spares, retired = [], []
EHLO = b"250-floor.example.test\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE 10240000\r\n"
running = True


def stop(*_):
    global running
    running = False


signal.signal(signal.SIGTERM, stop)
signal.signal(signal.SIGINT, stop)


class Session:
    """One client: its socket, unread bytes, envelope, and whether it is in DATA."""

    def __init__(self, sock):
        self.sock, self.buf, self.data, self.sender, self.rcpt = sock, b"", False, b"", b""
        self.name, self.fd = None, None


class Relay:
    """The one kept-open connection to RELAYPORT: a queue of committed messages, one at a time."""

    def __init__(self):
        self.sock = socket.create_connection(("127.0.0.1", relay_port))
        self.buf, self.queue, self.current, self.step = b"", collections.deque(), None, 0
        self.reply()
        self.sock.sendall(b"EHLO floor.example.test\r\n")
        self.reply()

    def reply(self):
        """Blocking read of one whole reply (only at connect)."""
        while True:
            while b"\r\n" not in self.buf:
                self.buf += self.sock.recv(4096)
            line, self.buf = self.buf.split(b"\r\n", 1)
            if line[3:4] != b"-":
                return line

    def next(self):
        """Starts the next queued message, if none is under way: MAIL, RCPT and DATA in one write."""
        if self.current is None and self.queue:
            self.current = self.queue.popleft()
            name, sender, rcpt, _ = self.current
            self.sock.sendall(b"MAIL FROM:<" + sender + b">\r\nRCPT TO:<" + rcpt + b">\r\nDATA\r\n")
            self.step = 0

    def readable(self):
        """Replies: 250 to MAIL and RCPT, 354 (send the content), 250 (delivered: unlink, log)."""
        data = self.sock.recv(65536)
        if not data:
            raise SystemExit("floor_mta: the relay closed its connection")
        self.buf += data
        while b"\r\n" in self.buf:
            line, self.buf = self.buf.split(b"\r\n", 1)
            if line[3:4] == b"-":
                continue
            if self.current is None or line[:1] != (b"3" if self.step == 2 else b"2"):
                raise SystemExit(f"floor_mta: the relay said {line!r}")
            name, sender, rcpt, content = self.current
            self.step += 1
            if self.step == 3:
                self.sock.sendall(content)
            elif self.step == 4:
                if spare_mode and len(spares) + len(retired) < 64:
                    sp = ".s" + name
                    os.rename(os.path.join(spool, name), os.path.join(spool, sp))
                    retired.append(sp)   # reused once a directory force has made the rename durable
                else:
                    os.unlink(os.path.join(spool, name))
                os.write(log_fd, b"%s: to=<%s>, relay=127.0.0.1[127.0.0.1]:%d, status=sent (%s)\n"
                         % (name.encode(), rcpt, relay_port, line))
                self.current = None
                self.next()


def create(s):
    """At DATA, as an MTA creates the queue file when the transaction starts: the message's file,
    under its invisible name (with FLOOR_COMMIT=postfix, under its name and not yet complete)."""
    global serial
    serial += 1
    s.name = "%05X%06X" % (serial & 0xFFFFF, pid & 0xFFFFFF)
    s.temp = ".t" + s.name
    if postfix_commit:
        s.fd = os.open(os.path.join(spool, s.name), CREATE, 0o600)
    elif spares:
        s.temp = spares.pop()
        s.fd = os.open(os.path.join(spool, s.temp), os.O_WRONLY | os.O_TRUNC)
    else:
        s.fd = os.open(os.path.join(spool, ".t" + s.name), CREATE, 0o700)


def force(item):
    """One message's file: written, forced, renamed into place (with FLOOR_COMMIT=postfix:
    written, marked complete, forced)."""
    s, content = item
    fd, s.fd = s.fd, None
    os.write(fd, b"S" + s.sender + b"\nR" + s.rcpt + b"\n" + content)
    if postfix_commit:
        os.fchmod(fd, 0o700)
    os.fsync(fd)
    os.close(fd)
    if not postfix_commit:
        os.rename(os.path.join(spool, s.temp), os.path.join(spool, s.name))


def commit(batch):
    """Forces each message of the batch to disk, renamed into place, with one directory force
    (with FLOOR_COMMIT=postfix: marked complete and forced); then each one's 250 and log line,
    and the relay's queue."""
    for item in batch:
        force(item)
    if not postfix_commit:
        os.fsync(dir_fd)
        spares.extend(retired)
        retired.clear()
    for s, content in batch:
        try:
            s.sock.send(b"250 2.0.0 Ok: queued as " + s.name.encode() + b"\r\n")
        except OSError:
            pass   # the client left; the message is queued all the same
        os.write(log_fd, b"%s: from=<%s>, size=%d, nrcpt=1 (queue active)\n"
                 % (s.name.encode(), s.sender, len(content)))
        relay.queue.append((s.name, s.sender, s.rcpt, content))
    relay.next()


def command(s, line):
    """The reply to one command line; None for QUIT."""
    verb = line[:4].upper()
    if verb == b"EHLO":
        return EHLO
    if verb == b"HELO":
        return b"250 floor.example.test\r\n"
    if verb == b"MAIL":
        s.sender = line[line.find(b"<") + 1:line.rfind(b">")]
        return b"250 2.1.0 Ok\r\n"
    if verb == b"RCPT":
        s.rcpt = line[line.find(b"<") + 1:line.rfind(b">")]
        return b"250 2.1.5 Ok\r\n"
    if verb == b"DATA":
        s.data = True
        create(s)
        return b"354 End data with <CR><LF>.<CR><LF>\r\n"
    if verb in (b"RSET", b"NOOP"):
        return b"250 2.0.0 Ok\r\n"
    if verb == b"QUIT":
        return None
    return b"502 5.5.2 Error: command not recognized\r\n"


def process(s, batch):
    """Answers the whole commands in the session's buffer (one write) until a message is complete
    (it joins the batch; what follows waits for its 250) or the buffer runs out. False after QUIT."""
    out, alive = [], True
    while True:
        if s.data:
            if s.buf.startswith(b".\r\n"):
                end = 3
            else:
                end = s.buf.find(b"\r\n.\r\n")
                if end < 0:
                    break
                end += 5
            content, s.buf, s.data = s.buf[:end], s.buf[end:], False
            batch.append((s, content))
            break
        if b"\r\n" not in s.buf:
            break
        line, s.buf = s.buf.split(b"\r\n", 1)
        r = command(s, line)
        if r is None:
            out.append(b"221 2.0.0 Bye\r\n")
            alive = False
            break
        out.append(r)
    if out:
        s.sock.send(b"".join(out))
    return alive


def readable(s, batch, receive=True):
    """Reads once (unless receive is False) and processes; False when the session is over."""
    try:
        if receive:
            data = s.sock.recv(65536)
            if not data:
                return False
            s.buf += data
        return process(s, batch)
    except ConnectionError:
        return False


serial, pid = 0, os.getpid()
relay = Relay()
relay.sock.setblocking(False)
listener = socket.socket()
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", port))
listener.listen(1024)
ep = select.epoll()
ep.register(listener.fileno(), select.EPOLLIN)
ep.register(relay.sock.fileno(), select.EPOLLIN)
sessions = {}
while running:
    try:
        events = ep.poll(1.0)
    except InterruptedError:
        continue
    batch, done = [], []
    for fd, _ in events:
        if fd == listener.fileno():
            sock, _ = listener.accept()
            sock.send(b"220 floor.example.test ESMTP\r\n")
            sessions[sock.fileno()] = Session(sock)
            ep.register(sock.fileno(), select.EPOLLIN)
        elif fd == relay.sock.fileno():
            relay.readable()
        elif fd in sessions:
            s = sessions[fd]
            if not readable(s, batch):
                done.append(s)
    while batch:
        commit(batch)
        # What a pipelining client sent after a message waited for its 250.
        waiting, batch = [s for s, _ in batch if s.buf], []
        for s in waiting:
            if not readable(s, batch, False):
                done.append(s)
    # Closed only now, so that no descriptor number is reused within one turn (close also takes
    # the socket out of the epoll set).
    for s in done:
        del sessions[s.sock.fileno()]
        s.sock.close()
        if s.fd is not None:
            os.close(s.fd)   # a message left unfinished
