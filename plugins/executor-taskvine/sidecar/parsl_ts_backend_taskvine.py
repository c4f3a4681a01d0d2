"""TaskVine adapter of the parsl-ts sidecar: the manager is ``ndcctools.taskvine.Manager``.

Same surface as parsl_ts_backend_workqueue.py. TaskVine names files explicitly: every input and
output is declared with the manager (``declare_file``), shared inputs once with a cache level, and
per-task files are removed from the manager when their task is done so that a long run does not
accumulate them. Method names changed between TaskVine releases (set_retries / set_max_retries,
cancel_by_task_id / cancel_by_taskid, remove_file / undeclare_file, result as a string or a
number): the first one that exists is used.
"""

import os

import ndcctools.taskvine as vine

RESULT_NAMES = {
    0: "success", 1: "input missing", 2: "output missing", 4: "stdout missing", 8: "signal",
    16: "resource exhaustion", 24: "max end time", 32: "unknown", 40: "forsaken", 48: "max retries",
    56: "max wall time",
}


def _first(target, *names):
    for name in names:
        method = getattr(target, name, None)
        if method is not None:
            return method
    raise AttributeError("%s has none of %s" % (type(target).__name__, ", ".join(names)))


class Backend(object):
    name = "taskvine"

    def __init__(self, config):
        log_dir = config["logDir"]
        os.makedirs(log_dir, exist_ok=True)
        self.run_info = os.path.join(log_dir, "vine-run-info")
        self.manager = vine.Manager(port=int(config.get("port") or 0), run_info_path=self.run_info)
        if config.get("passwordFile"):
            self.manager.set_password_file(config["passwordFile"])
        for name, value in (config.get("tune") or {}).items():
            self.manager.tune(name, value)
        self.version = getattr(vine, "__version__", None) or "ndcctools.taskvine"
        self.port = self.manager.port
        logging = getattr(self.manager, "logging_directory", None)
        self.transactions_log = os.path.join(logging, "transactions") if logging else None
        self.logs = {"runInfo": self.run_info}
        if self.transactions_log:
            self.logs["transactions"] = self.transactions_log
        self.cached = {}  # local path -> declared file shared by every task that names it
        self.task_files = {}  # task id -> files declared for that task only
        self.tasks = {}  # task id -> Task object (kept alive until it is done)

    def _declare(self, path, cache):
        return self.manager.declare_file(path, cache=cache)

    def submit(self, spec):
        task = vine.Task(spec["command"])
        own = []
        for item in spec.get("inputs", []):
            if item.get("cache"):
                declared = self.cached.get(item["local"])
                if declared is None:
                    declared = self._declare(item["local"], "workflow")
                    self.cached[item["local"]] = declared
            else:
                declared = self._declare(item["local"], False)
                own.append(declared)
            task.add_input(declared, item["remote"])
        for item in spec.get("outputs", []):
            declared = self._declare(item["local"], False)
            own.append(declared)
            task.add_output(declared, item["remote"])
        for name, value in (spec.get("env") or {}).items():
            task.set_env_var(name, value)
        if spec.get("cores") is not None:
            task.set_cores(int(spec["cores"]))
        if spec.get("memory") is not None:
            task.set_memory(int(spec["memory"]))
        if spec.get("disk") is not None:
            task.set_disk(int(spec["disk"]))
        if spec.get("gpus") is not None:
            task.set_gpus(int(spec["gpus"]))
        if spec.get("maxRetries") is not None:
            _first(task, "set_retries", "set_max_retries")(int(spec["maxRetries"]))
        if spec.get("timeMax") is not None:
            task.set_time_max(int(spec["timeMax"]))
        if spec.get("priority") is not None:
            task.set_priority(spec["priority"])
        if spec.get("category"):
            task.set_category(spec["category"])
        task.set_tag(str(spec.get("key")))
        task_id = self.manager.submit(task)
        self.task_files[task_id] = own
        self.tasks[task_id] = task
        return task_id

    def _release(self, task_id):
        self.tasks.pop(task_id, None)
        remove = _first(self.manager, "remove_file", "undeclare_file")
        for declared in self.task_files.pop(task_id, []):
            try:
                remove(declared)
            except Exception:
                pass

    def wait(self, timeout):
        task = self.manager.wait(timeout)
        if task is None:
            return None
        result = task.result
        if isinstance(result, int):
            result = RESULT_NAMES.get(result, "unknown")
        else:
            result = str(result).lower().replace("_", " ")
        output = getattr(task, "output", None)
        if output is None:
            output = getattr(task, "std_output", None)
        started = ended = None
        try:
            ended = task.get_metric("time_when_done") // 1000 or None
            ran = task.get_metric("time_workers_execute_last") // 1000
            started = ended - ran if ended and ran else None
        except Exception:
            pass
        done = {
            "id": task.id,
            "result": result,
            "exitCode": task.exit_code,
            "output": output,
            "host": getattr(task, "hostname", None),
            "started": started,
            "ended": ended,
        }
        self._release(task.id)
        return done

    def cancel(self, task_id):
        _first(self.manager, "cancel_by_task_id", "cancel_by_taskid")(task_id)
        self._release(task_id)

    def stats(self):
        s = self.manager.stats
        return {
            "workersConnected": getattr(s, "workers_connected", 0),
            "workersBusy": getattr(s, "workers_busy", 0),
            "workersIdle": getattr(s, "workers_idle", 0),
            "tasksWaiting": getattr(s, "tasks_waiting", 0),
            "tasksRunning": getattr(s, "tasks_running", 0),
            "tasksDone": getattr(s, "tasks_done", 0),
            "totalCores": getattr(s, "total_cores", 0),
        }

    def close(self):
        self.tasks.clear()
        self.manager = None
