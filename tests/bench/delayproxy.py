# SPDX-License-Identifier: MIT
"""A TCP proxy that makes loopback cost what a real registry costs.

    delayproxy.py --target HOST:PORT --dir DIR [--delay-ms 25]

Listens on a free 127.0.0.1 port (written to DIR/port, its pid to
DIR/pid) and forwards every connection to the target, holding each chunk
of bytes `delay` milliseconds in each direction, so one request and its
answer cost one round trip of 2 × delay. A new connection also pays the
round trip of its TCP handshake: bytes the client sends are not forwarded
before 2 × delay after the accept, which is when a real client would have
seen the SYN-ACK. Ordering is kept and bandwidth is not limited.

It reads the client's side as HTTP/1.1 and appends one line per request to
DIR/requests.log: `METHOD PATH`; a connection that does not speak plain
HTTP (a TLS hello) is logged once as `TLS -`. New connections are logged as
`CONNECT -`. The driver counts lines from an offset it noted before a run.

Python standard library only (asyncio); stops on SIGTERM.
"""

import argparse
import asyncio
import os
import signal
import sys
import time

MAX_HEAD = 64 * 1024


class RequestLog:
    """Appends request lines to DIR/requests.log, flushed at once."""

    def __init__(self, path):
        self.f = open(path, "a", buffering=1)

    def line(self, method, path):
        self.f.write("%s %s\n" % (method, path))


class HttpCounter:
    """Follows the client → server byte stream of one connection and logs
    each request line. Bodies are skipped by Content-Length; a stream that
    is not HTTP is logged once and then ignored."""

    def __init__(self, log):
        self.log = log
        self.buf = b""
        self.skip = 0
        self.dead = False

    def feed(self, data):
        if self.dead:
            return
        self.buf += data
        while True:
            if self.skip:
                n = min(self.skip, len(self.buf))
                self.buf = self.buf[n:]
                self.skip -= n
                if self.skip:
                    return
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buf) > MAX_HEAD or (self.buf and
                                                self.buf[0] in (0x16, 0x80)):
                    self.give_up()
                return
            head = self.buf[:end].decode("latin-1")
            self.buf = self.buf[end + 4:]
            lines = head.split("\r\n")
            parts = lines[0].split(" ")
            if len(parts) != 3 or not parts[2].startswith("HTTP/"):
                self.give_up()
                return
            self.log.line(parts[0], parts[1])
            for h in lines[1:]:
                name, _, value = h.partition(":")
                if name.strip().lower() == "content-length":
                    self.skip = int(value.strip() or 0)

    def give_up(self):
        self.log.line("TLS", "-")
        self.dead = True
        self.buf = b""


async def pump(reader, writer, delay, not_before, counter):
    """Copy reader → writer, each chunk delivered `delay` seconds after it
    arrived (and not before `not_before`), in order."""
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()

    async def deliver():
        while True:
            when, data = await queue.get()
            wait = when - loop.time()
            if wait > 0:
                await asyncio.sleep(wait)
            if data is None:
                break
            writer.write(data)
            await writer.drain()
        if writer.can_write_eof():
            try:
                writer.write_eof()
            except OSError:
                pass

    task = asyncio.ensure_future(deliver())
    try:
        while True:
            data = await reader.read(65536)
            now = loop.time()
            if counter and data:
                counter.feed(data)
            queue.put_nowait((max(now, not_before) + delay, data or None))
            if not data:
                break
        await task
    except (ConnectionError, OSError):
        task.cancel()


async def handle(client_reader, client_writer, args, log):
    loop = asyncio.get_running_loop()
    accepted = loop.time()
    delay = args.delay_ms / 1000.0
    log.line("CONNECT", "-")
    try:
        up_reader, up_writer = await asyncio.open_connection(args.host,
                                                             args.port)
    except OSError:
        client_writer.close()
        return
    counter = HttpCounter(log)
    await asyncio.gather(
        pump(client_reader, up_writer, delay, accepted + 2 * delay, counter),
        pump(up_reader, client_writer, delay, 0.0, None),
        return_exceptions=True)
    up_writer.close()
    client_writer.close()


async def serve(args):
    log = RequestLog(os.path.join(args.dir, "requests.log"))
    server = await asyncio.start_server(
        lambda r, w: handle(r, w, args, log), "127.0.0.1", 0, backlog=512)
    port = server.sockets[0].getsockname()[1]
    tmp = os.path.join(args.dir, "port.tmp")
    with open(tmp, "w") as f:
        f.write("%d\n" % port)
    os.rename(tmp, os.path.join(args.dir, "port"))
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    async with server:
        await stop.wait()


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--target", required=True, help="HOST:PORT")
    p.add_argument("--dir", required=True)
    p.add_argument("--delay-ms", type=float, default=25.0)
    args = p.parse_args()
    args.host, _, port = args.target.rpartition(":")
    args.port = int(port)
    os.makedirs(args.dir, exist_ok=True)
    with open(os.path.join(args.dir, "pid"), "w") as f:
        f.write("%d\n" % os.getpid())
    started = time.monotonic()
    asyncio.run(serve(args))
    sys.stderr.write("delayproxy: stopped after %.1f s\n" %
                     (time.monotonic() - started))


if __name__ == "__main__":
    main()
