#!/usr/bin/env python3
"""recvtty: a console-socket receiver for OCI runtimes (like runc's contrib/cmd/recvtty).

Usage:
  recvtty.py [--once] [--mode copy|null] [--input STRING] [--name-file FILE]
             [--timeout SECONDS] SOCKET

Listens on the unix stream socket SOCKET (which must not exist yet), accepts one
connection from the runtime (`create --console-socket SOCKET` with process.terminal
true), receives one message carrying exactly one SCM_RIGHTS fd (the pty master) and a
name payload (runc sends "/dev/ptmx"), then:

  --mode copy (default): prints "recvtty: name=<payload>" on stderr (and writes the raw
      payload to --name-file if given), writes --input to the master (backslash escapes
      such as \\n, \\r, \\t, \\xNN are decoded), and copies everything the container
      writes to its terminal to stdout until EOF (all slave fds closed).
  --mode null: same, but discards the terminal output.

--once is accepted for runc recvtty compatibility (only one connection is ever served).
--timeout bounds the wait for the connection and for EOF (default 120 s; a safety net,
not a timing assertion). Exit status: 0 on EOF, 1 on protocol errors (no fd, several
fds, ...), 2 on usage errors, 3 on timeout. The socket file is removed on exit.
"""
import argparse
import codecs
import os
import select
import socket
import sys
import time


def decode_input(s):
    return codecs.escape_decode(s.encode())[0] if s else b""


def main():
    p = argparse.ArgumentParser(prog="recvtty.py", add_help=True)
    p.add_argument("--once", action="store_true", help="serve one connection (the default)")
    p.add_argument("--mode", choices=("copy", "null"), default="copy")
    p.add_argument("--input", default="", help="bytes to write to the pty master")
    p.add_argument("--name-file", default=None, help="write the received name payload here")
    p.add_argument("--timeout", type=float, default=120.0)
    p.add_argument("socket")
    a = p.parse_args()

    deadline = time.monotonic() + a.timeout
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        srv.bind(a.socket)
    except OSError as e:
        print(f"recvtty: bind {a.socket}: {e}", file=sys.stderr)
        return 2
    try:
        srv.listen(1)
        srv.settimeout(max(0.1, deadline - time.monotonic()))
        try:
            conn, _ = srv.accept()
        except socket.timeout:
            print("recvtty: timed out waiting for a connection", file=sys.stderr)
            return 3
        with conn:
            conn.settimeout(max(0.1, deadline - time.monotonic()))
            msg, fds, flags, _ = socket.recv_fds(conn, 4096, 4)
            if len(fds) != 1:
                print(f"recvtty: expected exactly one fd, got {len(fds)}", file=sys.stderr)
                for fd in fds:
                    os.close(fd)
                return 1
            if flags & (socket.MSG_CTRUNC | socket.MSG_TRUNC):
                print(f"recvtty: message truncated (flags {flags:#x})", file=sys.stderr)
                os.close(fds[0])
                return 1
        master = fds[0]
        name = msg.decode(errors="replace")
        print(f"recvtty: name={name}", file=sys.stderr, flush=True)
        if a.name_file:
            with open(a.name_file, "wb") as f:
                f.write(msg)
        pending = decode_input(a.input)
        out = sys.stdout.buffer
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                print("recvtty: timed out waiting for EOF", file=sys.stderr)
                return 3
            wr = [master] if pending else []
            r, w, _ = select.select([master], wr, [], min(left, 1.0))
            if w:
                n = os.write(master, pending)
                pending = pending[n:]
            if r:
                try:
                    data = os.read(master, 65536)
                except OSError:  # EIO: every slave fd is closed
                    data = b""
                if not data:
                    break
                if a.mode == "copy":
                    out.write(data)
                    out.flush()
        os.close(master)
        return 0
    finally:
        srv.close()
        try:
            os.unlink(a.socket)
        except OSError:
            pass


if __name__ == "__main__":
    sys.exit(main())
