"""A coordinator-side listener written like the vendor's documented example: a blocking accept
loop that reads each connection to EOF, then json.loads the bytes. Used by bench/ingest.ts.

    python3 bench/vendor_listener.py --port 0 --report-at 2000,22000

Prints one JSON line when listening ({"event": "listening", "port": p}), one each time its count
of parsed payloads reaches a --report-at value ({"event": "reached", "count": n, "invalid": k, "cpu": seconds}),
and exits after the last one; on SIGTERM/SIGINT it prints {"event": "stopped", ...} with its
counts and exits. It also gives up after --idle-exit seconds without a connection.
"""

import argparse
import json
import resource
import signal
import socket
import sys

count = 0
invalid = 0


def report(event):
    usage = resource.getrusage(resource.RUSAGE_SELF)
    cpu = usage.ru_utime + usage.ru_stime
    print(json.dumps({"event": event, "count": count, "invalid": invalid, "cpu": cpu}), flush=True)


def stop(signum, frame):
    report("stopped")
    sys.exit(0)


def main():
    global count, invalid
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--report-at", required=True, help="comma-separated counts")
    parser.add_argument("--idle-exit", type=float, default=30.0)
    args = parser.parse_args()
    report_at = {int(n) for n in args.report_at.split(",")}
    expect = max(report_at)
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)

    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind((args.host, args.port))
        s.listen()
        s.settimeout(args.idle_exit)
        print(json.dumps({"event": "listening", "port": s.getsockname()[1]}), flush=True)
        while count + invalid < expect:
            try:
                conn, addr = s.accept()
            except socket.timeout:
                report("stopped")
                return
            with conn:
                conn.settimeout(None)
                data = b""
                while True:
                    chunk = conn.recv(1024)
                    if not chunk:
                        break
                    data += chunk
            try:
                message = json.loads(data.decode("utf-8"))
                count += 1
                if count in report_at:
                    report("reached")
            except ValueError:
                invalid += 1
        report("done")


if __name__ == "__main__":
    main()
