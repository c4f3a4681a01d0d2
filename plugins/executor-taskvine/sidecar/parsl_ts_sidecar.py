#!/usr/bin/env python3
"""The sidecar of @parsl-ts/executor-taskvine.

It hosts the real cctools manager library (TaskVine's ``ndcctools.taskvine`` or Work Queue's
``work_queue``) in its own process and speaks protocol version 1 with the TypeScript executor:
one JSON object per line on stdin (executor to sidecar) and stdout (sidecar to executor). Human
diagnostics go to stderr, which the executor keeps and quotes when the sidecar dies. The protocol
is documented in docs/taskvine.md; PROTOCOL_VERSION changes with every incompatible change.

Run ``python3 parsl_ts_sidecar.py --probe`` to see which backends this interpreter can import.
"""

import heapq
import json
import os
import select
import signal
import sys
import time
import traceback

# The package folder may be read-only (a global install): never write .pyc files next to us.
sys.dont_write_bytecode = True

PROTOCOL_VERSION = 1

# The shared result vocabulary (Work Queue and TaskVine use the same numeric codes).
RESULT_NAMES = {
    0: "success",
    1: "input missing",
    2: "output missing",
    4: "stdout missing",
    8: "signal",
    16: "resource exhaustion",
    24: "max end time",
    32: "unknown",
    40: "forsaken",
    48: "max retries",
    56: "max wall time",
}
RESULT_CODES = {name: code for code, name in RESULT_NAMES.items()}

# Seconds between unprompted stats messages.
STATS_PERIOD = 1.0
# Seconds the loop sleeps on stdin when the manager holds no task (it still services workers).
IDLE_POLL = 0.1
# Last characters of a task's captured stdout sent with its result.
OUTPUT_TAIL = 4096
# The manager library's work per wait() grows with the number of tasks it holds (a 3,000-task
# queue costs it ~16 ms of CPU per task here, a 16-task one ~0.5 ms): the sidecar hands it at most
# this many tasks, or twice the cores of the connected workers if more, and keeps the rest in its
# own backlog, in priority order.
MIN_WINDOW = 64


def log(message):
    sys.stderr.write("sidecar: %s\n" % message)
    sys.stderr.flush()


def probe():
    """What this interpreter can import (for the executor's backend choice)."""
    report = {
        "protocol": PROTOCOL_VERSION,
        "python": sys.version.split()[0],
        "executable": sys.executable,
    }
    for name, module in (("taskvine", "ndcctools.taskvine"), ("workqueue", "work_queue")):
        try:
            imported = __import__(module, fromlist=["*"])
            report[name] = {"ok": True, "module": getattr(imported, "__file__", None)}
        except Exception as error:  # ImportError, or a binding that fails to load its library
            report[name] = {"ok": False, "error": "%s: %s" % (type(error).__name__, error)}
    return report


def load_backend(name, config):
    if name == "workqueue":
        import parsl_ts_backend_workqueue as module
    elif name == "taskvine":
        import parsl_ts_backend_taskvine as module
    else:
        raise ValueError("unknown backend %r (expected 'taskvine' or 'workqueue')" % name)
    return module.Backend(config)


class Output(object):
    """Buffers protocol messages and writes them in one go per loop iteration."""

    def __init__(self, stream):
        self.stream = stream
        self.lines = []

    def send(self, message):
        self.lines.append(json.dumps(message, separators=(",", ":")))

    def flush(self):
        if not self.lines:
            return
        text = "\n".join(self.lines) + "\n"
        self.lines = []
        self.stream.write(text)
        self.stream.flush()


class Input(object):
    """Non-blocking line reader on stdin (file descriptor 0)."""

    def __init__(self):
        self.buffer = b""
        self.eof = False

    def read(self, timeout):
        """Messages that arrived within `timeout` seconds (all that are complete, maybe none)."""
        messages = []
        if self.eof:
            return messages
        ready, _, _ = select.select([0], [], [], timeout)
        while ready:
            chunk = os.read(0, 1 << 20)
            if not chunk:
                self.eof = True
                break
            self.buffer += chunk
            ready, _, _ = select.select([0], [], [], 0)
        while True:
            newline = self.buffer.find(b"\n")
            if newline < 0:
                break
            line = self.buffer[:newline]
            self.buffer = self.buffer[newline + 1:]
            if line.strip():
                messages.append(json.loads(line.decode("utf-8")))
        return messages


class TransactionTail(object):
    """Follows the manager's transactions log: which tasks started running, which workers came and went."""

    def __init__(self, path):
        self.path = path
        self.handle = None
        self.partial = ""

    def lines(self):
        if self.path is None:
            return []
        if self.handle is None:
            try:
                self.handle = open(self.path, "r")
            except OSError:
                return []
        text = self.partial + self.handle.read()
        if not text:
            return []
        parts = text.split("\n")
        self.partial = parts.pop()
        return parts


def check_name(name, what):
    if not isinstance(name, str) or not name or name.startswith("/") or ".." in name.split("/"):
        raise ValueError("%s %r must be a relative name inside the task's sandbox" % (what, name))


def check_spec(spec):
    """Refuse what the manager library would abort the whole process for (absolute remote names)."""
    if not isinstance(spec.get("command"), str) or not spec["command"]:
        raise ValueError("the task has no command")
    for item in spec.get("inputs", []):
        check_name(item.get("remote"), "input")
        if not isinstance(item.get("local"), str) or not os.path.isabs(item["local"]):
            raise ValueError("input %r: the local path must be absolute" % item.get("remote"))
    for item in spec.get("outputs", []):
        check_name(item.get("remote"), "output")
        if not isinstance(item.get("local"), str) or not os.path.isabs(item["local"]):
            raise ValueError("output %r: the local path must be absolute" % item.get("remote"))


class Sidecar(object):
    def __init__(self, backend, output, window=None):
        self.backend = backend
        self.out = output
        self.key_of = {}  # manager task id -> executor key
        self.id_of = {}  # executor key -> manager task id
        self.backlog = []  # heap of (-priority, sequence, spec): tasks not handed to the manager yet
        self.backlog_keys = set()
        self.sequence = 0
        self.min_window = int(window) if window else MIN_WINDOW
        self.window = self.min_window
        self.tail = TransactionTail(backend.transactions_log)
        self.worker_at = {}  # worker address -> worker id (from the transactions log)
        self.ran_on = {}  # executor key -> id of the worker its task was sent to
        self.last_stats = 0.0
        self.stopping = False

    def handle(self, message):
        op = message.get("op")
        if op == "submit":
            self.submit(message.get("tasks", []))
        elif op == "cancel":
            for key in message.get("keys", []):
                self.backlog_keys.discard(key)
                self.ran_on.pop(key, None)
                task_id = self.id_of.pop(key, None)
                if task_id is not None:
                    self.key_of.pop(task_id, None)
                    self.backend.cancel(task_id)
        elif op == "stats":
            self.send_stats()
        elif op == "shutdown":
            self.stopping = True
        else:
            raise ValueError("unknown message op %r" % op)

    def reject(self, key, error):
        self.out.send({"op": "results", "results": [{"key": key, "result": "rejected", "resultCode": -1, "exitCode": None,
                                                     "error": "%s: %s" % (type(error).__name__, error)}]})

    def submit(self, specs):
        for spec in specs:
            key = spec.get("key")
            try:
                check_spec(spec)
            except Exception as error:
                self.reject(key, error)
                continue
            self.sequence += 1
            heapq.heappush(self.backlog, (-(spec.get("priority") or 0), self.sequence, spec))
            self.backlog_keys.add(key)
        self.feed()

    def feed(self):
        """Hand tasks from the backlog to the manager while it holds fewer than the window."""
        while self.backlog and len(self.key_of) < self.window:
            _, _, spec = heapq.heappop(self.backlog)
            key = spec.get("key")
            if key not in self.backlog_keys:
                continue  # cancelled while waiting
            self.backlog_keys.discard(key)
            try:
                task_id = self.backend.submit(spec)
            except Exception as error:
                self.reject(key, error)
                continue
            self.key_of[task_id] = key
            self.id_of[key] = task_id

    def send_stats(self):
        stats = self.backend.stats()
        self.window = max(self.min_window, 2 * int(stats.get("totalCores") or 0))
        stats["op"] = "stats"
        stats["outstanding"] = len(self.key_of) + len(self.backlog_keys)
        stats["backlog"] = len(self.backlog_keys)
        self.out.send(stats)
        self.last_stats = time.time()

    def follow_transactions(self):
        running = []
        running_times = []
        workers = []
        for line in self.tail.lines():
            fields = line.split()
            if len(fields) < 5 or line.startswith("#"):
                continue
            kind = fields[2]
            if kind == "TASK" and fields[4] == "RUNNING":
                key = self.key_of.get(int(fields[3]))
                if key is not None:
                    running.append(key)
                    running_times.append(int(fields[0]) // 1000)
                    if len(fields) > 5:
                        self.ran_on[key] = self.worker_at.get(fields[5])
            elif kind == "WORKER" and len(fields) >= 6 and fields[5] in ("CONNECTION", "DISCONNECTION"):
                active = fields[5] == "CONNECTION"
                if active:
                    self.worker_at[fields[4]] = fields[3]
                else:
                    self.worker_at.pop(fields[4], None)
                workers.append({"id": fields[3], "address": fields[4], "active": active, "time": int(fields[0]) // 1000})
            elif kind == "WORKER" and fields[4] == "RESOURCES":
                try:
                    resources = json.loads(" ".join(fields[5:]))
                    cores = resources.get("cores", [0])[0]
                except (ValueError, AttributeError, IndexError, TypeError):
                    cores = 0
                workers.append({"id": fields[3], "cores": cores})
        if running:
            self.out.send({"op": "running", "keys": running, "times": running_times})
        if workers:
            self.out.send({"op": "workers", "events": workers})

    def collect(self, done):
        key = self.key_of.pop(done["id"], None)
        if key is None:
            return None  # cancelled meanwhile
        self.id_of.pop(key, None)
        output = done.get("output") or ""
        result = done["result"]
        return {
            "key": key,
            "result": result,
            "resultCode": RESULT_CODES.get(result, -1),
            "exitCode": done.get("exitCode"),
            "output": output[-OUTPUT_TAIL:],
            "host": done.get("host"),
            "worker": self.ran_on.pop(key, None),
            "started": done.get("started"),
            "ended": done.get("ended"),
        }

    def run(self, reader):
        while True:
            busy = bool(self.key_of)
            for message in reader.read(0 if busy else IDLE_POLL):
                self.handle(message)
            if reader.eof or self.stopping:
                break
            # The manager does all its work (accepting workers, sending tasks and files, fetching
            # results) inside wait(). With tasks outstanding, wait() returns as soon as one is
            # done, or after about a second; with none, it returns at once.
            done = self.backend.wait(1 if self.key_of else 0)
            # Transactions first: a task that started and ended within this wait is reported
            # running before its result.
            self.follow_transactions()
            if done is not None:
                result = self.collect(done)
                if result is not None:
                    self.out.send({"op": "results", "results": [result]})
                self.feed()
            if time.time() - self.last_stats >= STATS_PERIOD:
                self.send_stats()
            self.out.flush()
        for task_id in list(self.key_of):
            self.backend.cancel(task_id)
        self.key_of.clear()
        self.backlog = []
        self.backlog_keys.clear()
        self.backend.close()
        if not reader.eof:
            self.out.send({"op": "bye"})
            self.out.flush()


def main(argv):
    if "--probe" in argv:
        sys.stdout.write(json.dumps(probe()) + "\n")
        return 0
    # Ctrl-C reaches the whole foreground process group; the executor decides when we stop.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    out = Output(sys.stdout)
    reader = Input()
    deadline = time.time() + 30
    hello = None
    while hello is None and not reader.eof and time.time() < deadline:
        messages = reader.read(1.0)
        if messages:
            hello = messages[0]
    if hello is None:
        log("no hello from the executor within 30 s; exiting")
        return 2
    if hello.get("op") != "hello" or hello.get("protocol") != PROTOCOL_VERSION:
        log("protocol mismatch: sidecar %d, executor %r" % (PROTOCOL_VERSION, hello.get("protocol")))
        out.send({"op": "error", "code": "protocol", "protocol": PROTOCOL_VERSION, "fatal": True,
                  "message": "this sidecar speaks protocol %d; the executor sent %r" % (PROTOCOL_VERSION, {k: hello.get(k) for k in ("op", "protocol")})})
        out.flush()
        return 3
    try:
        backend = load_backend(hello.get("backend"), hello)
    except Exception as error:
        log("could not start the %s manager: %s" % (hello.get("backend"), traceback.format_exc()))
        out.send({"op": "error", "code": "backend", "fatal": True, "message": "%s: %s" % (type(error).__name__, error)})
        out.flush()
        return 4
    log("%s manager (%s) listening on port %d, python %s" % (backend.name, backend.version, backend.port, sys.version.split()[0]))
    out.send({"op": "ready", "protocol": PROTOCOL_VERSION, "backend": backend.name, "backendVersion": backend.version,
              "port": backend.port, "python": sys.version.split()[0], "pid": os.getpid(), "logs": backend.logs})
    out.flush()
    sidecar = Sidecar(backend, out, hello.get("window"))
    try:
        sidecar.run(reader)
    except BrokenPipeError:
        return 0
    except Exception as error:
        log("fatal: %s" % traceback.format_exc())
        try:
            out.send({"op": "error", "code": "internal", "fatal": True, "message": "%s: %s" % (type(error).__name__, error)})
            out.flush()
        except Exception:
            pass
        return 5
    log("stopped")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
