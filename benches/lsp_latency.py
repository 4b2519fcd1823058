#!/usr/bin/env python3
"""The language server's re-lint latency, as an editor sees it: open a file, then
type (a `didChange` with the whole text, alternating a comment at the end so every
change is a real one) and time each change until its diagnostics are published.
Also times a hover in a small file sent right after a keystroke in the large one.

    python3 benches/lsp_latency.py ARCHLINT FILE [CHANGES]

Prints the median and the 90th percentile, in milliseconds."""
import json, os, subprocess, sys, tempfile, threading, time, queue, statistics

def main():
    exe, path = sys.argv[1], os.path.abspath(sys.argv[2])
    n = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    text = open(path).read()
    p = subprocess.Popen([exe, "server"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    q = queue.Queue()

    def reader():
        f = p.stdout
        while True:
            length = None
            while True:
                line = f.readline()
                if not line:
                    return
                line = line.strip()
                if not line:
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            body = f.read(length)
            q.put((time.perf_counter(), json.loads(body)))

    threading.Thread(target=reader, daemon=True).start()

    def send(msg):
        b = json.dumps(msg).encode()
        p.stdin.write(b"Content-Length: %d\r\n\r\n" % len(b) + b)
        p.stdin.flush()

    def wait(pred):
        while True:
            t, m = q.get(timeout=120)
            if pred(m):
                return t, m

    uri = "file://" + path
    send({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {"processId": None, "rootUri": None, "capabilities": {}}})
    wait(lambda m: m.get("id") == 1)
    send({"jsonrpc": "2.0", "method": "initialized", "params": {}})
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}})
    diag = lambda m: m.get("method") == "textDocument/publishDiagnostics" and m["params"]["uri"] == uri
    wait(diag)
    times = []
    for i in range(n):
        new = text + ("# edit %d\n" % i)
        t0 = time.perf_counter()
        send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": i + 2}, "contentChanges": [{"text": new}]}})
        t1, _ = wait(diag)
        times.append((t1 - t0) * 1000)
    # a hover in a small file, sent right after a keystroke in the large one
    small_uri = "file://" + os.path.join(tempfile.gettempdir(), "small.arch.yaml")
    small = "name: s\ncomponents:\n  api: { kind: service }\n"
    send({"jsonrpc": "2.0", "method": "textDocument/didOpen", "params": {"textDocument": {"uri": small_uri, "languageId": "yaml", "version": 1, "text": small}}})
    send({"jsonrpc": "2.0", "method": "textDocument/didChange", "params": {"textDocument": {"uri": uri, "version": 999}, "contentChanges": [{"text": text + "# again\n"}]}})
    t0 = time.perf_counter()
    send({"jsonrpc": "2.0", "id": 2, "method": "textDocument/hover", "params": {"textDocument": {"uri": small_uri}, "position": {"line": 2, "character": 3}}})
    t1, _ = wait(lambda m: m.get("id") == 2)
    hover = (t1 - t0) * 1000
    send({"jsonrpc": "2.0", "id": 3, "method": "shutdown"})
    send({"jsonrpc": "2.0", "method": "exit"})
    p.wait(timeout=60)
    times.sort()
    print("%s: re-lint median %.0f ms, p90 %.0f ms (%d changes, debounce included); hover in another file during it %.0f ms" % (
        os.path.basename(path), statistics.median(times), times[int(len(times) * 0.9) - 1], n, hover))

main()
