"""Work Queue adapter of the parsl-ts sidecar: the manager is ``work_queue.WorkQueue``.

Every adapter has the same surface (see parsl_ts_backend_taskvine.py): name, version, port, logs,
transactions_log, submit(spec) -> task id, wait(timeout) -> completed task or None, cancel(id),
stats() -> dict, close().
"""

import os

import work_queue as wq


def _result_names():
    names = {}
    for attr in dir(wq):
        if attr.startswith("WORK_QUEUE_RESULT_"):
            names[getattr(wq, attr)] = attr[len("WORK_QUEUE_RESULT_"):].lower().replace("_", " ")
    return names


RESULT_NAMES = _result_names()


class Backend(object):
    name = "workqueue"

    def __init__(self, config):
        log_dir = config["logDir"]
        os.makedirs(log_dir, exist_ok=True)
        self.transactions_log = os.path.join(log_dir, "transactions.log")
        self.logs = {"transactions": self.transactions_log, "performance": os.path.join(log_dir, "performance.log")}
        debug_log = None
        if config.get("debugLog"):
            debug_log = os.path.join(log_dir, "debug.log")
            self.logs["debug"] = debug_log
        self.queue = wq.WorkQueue(port=int(config.get("port") or 0), stats_log=self.logs["performance"],
                                  transactions_log=self.transactions_log, debug_log=debug_log)
        if config.get("passwordFile"):
            self.queue.specify_password_file(config["passwordFile"])
        for name, value in (config.get("tune") or {}).items():
            self.queue.tune(name, value)
        self.version = getattr(wq, "__version__", None) or "work_queue (cctools)"
        self.port = self.queue.port

    def submit(self, spec):
        task = wq.Task(spec["command"])
        for item in spec.get("inputs", []):
            task.specify_input_file(item["local"], item["remote"], cache=bool(item.get("cache")))
        for item in spec.get("outputs", []):
            task.specify_output_file(item["local"], item["remote"], cache=False)
        for name, value in (spec.get("env") or {}).items():
            task.specify_environment_variable(name, value)
        if spec.get("cores") is not None:
            task.specify_cores(int(spec["cores"]))
        if spec.get("memory") is not None:
            task.specify_memory(int(spec["memory"]))
        if spec.get("disk") is not None:
            task.specify_disk(int(spec["disk"]))
        if spec.get("gpus") is not None:
            task.specify_gpus(int(spec["gpus"]))
        if spec.get("maxRetries") is not None:
            task.specify_max_retries(int(spec["maxRetries"]))
        if spec.get("timeMax") is not None:
            task.specify_running_time_max(int(spec["timeMax"]))
        if spec.get("priority") is not None:
            task.specify_priority(spec["priority"])
        if spec.get("category"):
            task.specify_category(spec["category"])
        task.specify_tag(str(spec.get("key")))
        return self.queue.submit(task)

    def wait(self, timeout):
        task = self.queue.wait(timeout)
        if task is None:
            return None
        started = task.execute_cmd_start or None
        ended = task.execute_cmd_finish or None
        return {
            "id": task.id,
            "result": RESULT_NAMES.get(task.result, "unknown"),
            "exitCode": task.return_status,
            "output": task.output,
            "host": task.hostname,
            # Microseconds since the epoch on the manager's clock.
            "started": started // 1000 if started else None,
            "ended": ended // 1000 if ended else None,
        }

    def cancel(self, task_id):
        self.queue.cancel_by_taskid(task_id)

    def stats(self):
        s = self.queue.stats
        return {
            "workersConnected": s.workers_connected,
            "workersBusy": s.workers_busy,
            "workersIdle": s.workers_idle,
            "tasksWaiting": s.tasks_waiting,
            "tasksRunning": s.tasks_running,
            "tasksDone": s.tasks_done,
            "totalCores": s.total_cores,
        }

    def close(self):
        self.queue = None
