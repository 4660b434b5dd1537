#!/usr/bin/env python3
"""commit_floor.py - the bare durable commit of a 1 KB queue file, timed per file, in our pattern
and in Postfix's, with nothing else running in the process: the disk's floor under the final "."
to 250.

Usage: commit_floor.py DIR [FILES] [SIZE]
DIR is a directory on the queue's file system (made if missing; two subdirectories are made in it
and removed again). FILES (500) files of SIZE bytes (1024) per pattern, the two patterns
alternating file by file, so that both see the same moments of a noisy disk:
  ours     open(".tNAME", O_CREAT|O_EXCL, 0700); then, timed: write, fsync, rename to NAME,
           fsync the directory (kept open, as the queue's directory force keeps it)
  postfix  open(".tNAME", O_CREAT|O_EXCL, 0600), rename to NAME (its queue ID) at once; then,
           timed: write, fchmod 0700 (the "complete" mark), fsync; no directory fsync (the
           order strace shows for Postfix 3.7's cleanup, which renames when it opens the file)
Both MTAs create the file when the transaction starts, before the "." arrives, so the creation
is not timed: the time runs from the write to the end of the last force (time.perf_counter).
Each file is removed afterwards, outside the timing. The first 10% of each pattern are not
counted (warm-up).
With BENCH_COMMIT_WRITERS=N (N > 1), also N threads committing FILES files each in our pattern
at once, creation and removal included: files/s, the disk's ceiling for many sessions (the
threads force the directory for each file; the MTA shares that force, so it can only do better).
Prints: ours_p50= ours_p90= postfix_p50= postfix_p90= (ms) files= [writers= files_per_s=]
Needs only python3. Runs as any user who may write DIR.
"""
import os, shutil, sys, threading, time

top = sys.argv[1]
n = int(sys.argv[2]) if len(sys.argv) > 2 else 500
size = int(sys.argv[3]) if len(sys.argv) > 3 else 1024
writers = int(os.environ.get("BENCH_COMMIT_WRITERS", "0"))
data = (b"x" * 78 + b"\r\n") * (size // 80) + b"x" * (size % 80)
ours_dir = os.path.join(top, "commit-floor-ours")
postfix_dir = os.path.join(top, "commit-floor-postfix")
for d in (ours_dir, postfix_dir):
    os.makedirs(d, exist_ok=True)
ours_dfd = os.open(ours_dir, os.O_RDONLY | os.O_DIRECTORY)
CREATE = os.O_WRONLY | os.O_CREAT | os.O_EXCL


def create_ours(name):
    return os.open(os.path.join(ours_dir, ".t" + name), CREATE, 0o700)


def commit_ours(fd, name):
    os.write(fd, data)
    os.fsync(fd)
    os.close(fd)
    os.rename(os.path.join(ours_dir, ".t" + name), os.path.join(ours_dir, name))
    os.fsync(ours_dfd)
    return os.path.join(ours_dir, name)


def create_postfix(name):
    fd = os.open(os.path.join(postfix_dir, ".t" + name), CREATE, 0o600)
    os.rename(os.path.join(postfix_dir, ".t" + name), os.path.join(postfix_dir, name))
    return fd


def commit_postfix(fd, name):
    os.write(fd, data)
    os.fchmod(fd, 0o700)
    os.fsync(fd)
    os.close(fd)
    return os.path.join(postfix_dir, name)


def timed(create, commit, name):
    fd = create(name)
    t0 = time.perf_counter()
    path = commit(fd, name)
    t1 = time.perf_counter()
    os.unlink(path)
    return (t1 - t0) * 1000


times = {"ours": [], "postfix": []}
for i in range(n):
    for pattern, create, commit in (("ours", create_ours, commit_ours),
                                    ("postfix", create_postfix, commit_postfix)):
        ms = timed(create, commit, f"{i:05X}{pattern[0]}")
        if i >= n // 10:
            times[pattern].append(ms)

out = []
for pattern in ("ours", "postfix"):
    t = sorted(times[pattern])
    p = lambda q: t[min(len(t) - 1, int(q * len(t)))]
    out.append(f"{pattern}_p50={p(0.50):.2f} {pattern}_p90={p(0.90):.2f}")
out.append(f"files={n}")

if writers > 1:
    def writer(w):
        for i in range(n):
            name = f"{w:02d}{i:05X}"
            os.unlink(commit_ours(create_ours(name), name))
    threads = [threading.Thread(target=writer, args=(w,)) for w in range(writers)]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.append(f"writers={writers} files_per_s={writers * n / (time.perf_counter() - t0):.0f}")

os.close(ours_dfd)
for d in (ours_dir, postfix_dir):
    shutil.rmtree(d)
print(" ".join(out))
