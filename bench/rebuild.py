#!/usr/bin/env python3
"""Single-file rebuild time of the live preview (`zhiku serve`).

usage: rebuild.py ZHIKU_BINARY SITE_ROOT [EDITS] [PAUSE_S]

Starts `zhiku serve` on SITE_ROOT, listens to /__zhiku/events, then edits one
document EDITS times (appending and removing a sentence, so the page and the
search entry change each time) and records for each edit the server's own
rebuild time (took_ms of the reload event: parse, re-assemble, index update,
re-render and write of the affected pages) and the wall time from the file
write to the event arriving (which adds the watcher's debounce). Prints
medians and p90s and the number of files re-rendered. PAUSE_S (default 0.3)
is the time between a reload event and the next edit: the preview exports
the static search bundle after each update, beside, and a newer edit stops
that export, so short pauses measure edits that compete with it and long
ones (longer than an export) edits on a quiet preview.
"""
import glob
import json
import os
import socket
import statistics
import subprocess
import sys
import time


def events(sock_file):
    name, data = None, []
    for raw in sock_file:
        line = raw.decode("utf-8").rstrip("\r\n")
        if line.startswith("event: "):
            name = line[7:]
        elif line.startswith("data: "):
            data.append(line[6:])
        elif line == "" and name:
            yield name, "".join(data)
            name, data = None, []


def main():
    binary, root = sys.argv[1], sys.argv[2]
    edits = int(sys.argv[3]) if len(sys.argv) > 3 else 15
    pause = float(sys.argv[4]) if len(sys.argv) > 4 else 0.3
    proc = subprocess.Popen([binary, "serve", "--port", "0", "--root", root],
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    try:
        addr = None
        for line in proc.stdout:
            line = line.decode()
            if "http://" in line:
                addr = line.split("http://")[1].split("/")[0]
                break
        host, port = addr.split(":")
        s = socket.create_connection((host, int(port)))
        s.sendall(b"GET /__zhiku/events HTTP/1.1\r\nHost: x\r\n\r\n")
        f = s.makefile("rb")
        stream = events(f)
        assert next(stream)[0] == "hello"
        docs = sorted(glob.glob(os.path.join(root, "content", "cases", "*.md")))
        target = docs[len(docs) // 2]
        original = open(target, encoding="utf-8").read()
        took, wall, files, stages = [], [], [], {}
        try:
            for i in range(edits):
                text = original + (f"\n\n基准测试追加的第{i}句话。\n" if i % 2 == 0 else "")
                t0 = time.perf_counter()
                with open(target, "w", encoding="utf-8") as out:
                    out.write(text)
                name, data = next(stream)
                wall.append((time.perf_counter() - t0) * 1000)
                if name != "reload":
                    sys.exit(f"unexpected event {name}: {data}")
                update = json.loads(data)
                took.append(update["took_ms"])
                for name, value in update.get("stages", []):
                    stages.setdefault(name, []).append(value)
                files.append(len(update["rendered"]))
                time.sleep(pause)
        finally:
            with open(target, "w", encoding="utf-8") as out:
                out.write(original)
        q = lambda v, p: sorted(v)[min(len(v) - 1, int(round(p / 100 * (len(v) - 1))))]
        print(f"edits: {edits} of {os.path.relpath(target, root)}")
        print(f"rebuild (server) ms: median {statistics.median(took):.1f}  p90 {q(took, 90):.1f}  max {max(took):.1f}")
        print(f"write -> reload event ms: median {statistics.median(wall):.1f}  p90 {q(wall, 90):.1f}")
        print(f"files re-rendered: median {statistics.median(files):.0f}")
        print("stages (median ms): " + ", ".join(f"{k} {statistics.median(v):.1f}" for k, v in stages.items()))
    finally:
        proc.terminate()
        proc.wait()


if __name__ == "__main__":
    main()
