-- parsl-ts monitoring database, schema version 1.
-- Applied by the MonitoringHub's migrator inside one transaction, which then sets
-- PRAGMA application_id = 1347703629 ('PTSM') and PRAGMA user_version = 1.
-- Times are milliseconds since the Unix epoch (INTEGER). Documented in docs/monitoring/schema.md.

-- Which migrations were applied, and when.
CREATE TABLE schema_migrations (
  version    INTEGER PRIMARY KEY,
  name       TEXT    NOT NULL,
  applied_at INTEGER NOT NULL
);

-- One row per run of a workflow (one DataFlowKernel).
CREATE TABLE workflow (
  run_id          TEXT    PRIMARY KEY,
  name            TEXT    NOT NULL,
  user            TEXT    NOT NULL,
  host            TEXT    NOT NULL,
  run_dir         TEXT    NOT NULL,
  core_version    TEXT    NOT NULL,
  config          TEXT    NOT NULL,             -- JSON summary of the config
  time_began      INTEGER NOT NULL,
  time_completed  INTEGER,                      -- NULL until the workflow ends
  status          TEXT    NOT NULL,             -- 'running' | 'completed'
  tasks_completed INTEGER,                      -- exec_done + memo_done, set at the end
  tasks_failed    INTEGER                       -- failed + dep_fail, set at the end
);
CREATE INDEX workflow_time_began ON workflow (time_began);

-- One row per task (app call).
CREATE TABLE task (
  run_id          TEXT    NOT NULL,
  task_id         INTEGER NOT NULL,
  app_name        TEXT    NOT NULL,
  app_kind        TEXT,                         -- 'function' | 'bash' | 'join'
  executor        TEXT    NOT NULL,
  dependencies    TEXT    NOT NULL DEFAULT '[]',-- JSON array of task ids this task waited for
  cache           INTEGER NOT NULL DEFAULT 0,   -- 1 when the app asked for memoization
  fn_hash         TEXT,                         -- SHA-256 of the shipped function
  stdout          TEXT,                         -- path of a bash app's stdout redirect
  stderr          TEXT,                         -- path of a bash app's stderr redirect
  time_submitted  INTEGER NOT NULL,
  state           TEXT    NOT NULL,             -- latest state (of the highest seq seen)
  state_seq       INTEGER NOT NULL DEFAULT -1,  -- seq of that state in the status table
  time_state      INTEGER,                      -- when the task entered `state`
  time_completed  INTEGER,                      -- when it reached a final state
  tries           INTEGER NOT NULL DEFAULT 0,   -- number of tries started (rows in try)
  error           TEXT,                         -- error of the final failure
  PRIMARY KEY (run_id, task_id)
) WITHOUT ROWID;
CREATE INDEX task_app ON task (run_id, app_name);

-- One row per try of a task (a retry is a new try).
CREATE TABLE try (
  run_id          TEXT    NOT NULL,
  task_id         INTEGER NOT NULL,
  try_id          INTEGER NOT NULL,             -- from 0
  executor        TEXT    NOT NULL,
  time_launched   INTEGER,                      -- handed to the executor (DataFlowKernel clock)
  time_started    INTEGER,                      -- began to run (worker clock when reported)
  time_ended      INTEGER,                      -- finished running on the worker (worker clock)
  time_returned   INTEGER,                      -- its outcome reached the DataFlowKernel
  host            TEXT,                         -- where it ran, when the executor reports it
  block_id        TEXT,
  manager_id      TEXT,
  error           TEXT,                         -- why this try failed
  PRIMARY KEY (run_id, task_id, try_id)
) WITHOUT ROWID;

-- Every state transition of every task, in the exact order the DataFlowKernel made them.
CREATE TABLE status (
  run_id          TEXT    NOT NULL,
  seq             INTEGER NOT NULL,             -- per-run, strictly increasing, from 0
  task_id         INTEGER NOT NULL,
  try_id          INTEGER NOT NULL,
  state           TEXT    NOT NULL,
  time            INTEGER NOT NULL,
  executor        TEXT    NOT NULL,
  error           TEXT,
  PRIMARY KEY (run_id, task_id, seq)            -- a task's history is one range; a run's order: ORDER BY seq
) WITHOUT ROWID;

-- Block (batch job) events: one row per state change of a block.
CREATE TABLE block (
  id              INTEGER PRIMARY KEY,          -- arrival order
  run_id          TEXT    NOT NULL,
  executor        TEXT    NOT NULL,
  block_id        TEXT    NOT NULL,
  job_id          TEXT,
  state           TEXT    NOT NULL,
  message         TEXT,
  time            INTEGER NOT NULL
);
CREATE INDEX block_run ON block (run_id, executor, block_id, time);

-- Worker managers (nodes) connecting and going away.
CREATE TABLE node (
  id              INTEGER PRIMARY KEY,          -- arrival order
  run_id          TEXT    NOT NULL,
  executor        TEXT    NOT NULL,
  block_id        TEXT    NOT NULL,
  manager_id      TEXT    NOT NULL,
  hostname        TEXT    NOT NULL,
  workers         INTEGER NOT NULL,
  active          INTEGER NOT NULL,             -- 1 connected, 0 gone
  time            INTEGER NOT NULL
);
CREATE INDEX node_run ON node (run_id, executor, manager_id, time);

-- Resource samples of a try's process tree (or of a whole process when task_id IS NULL).
CREATE TABLE resource (
  id                 INTEGER PRIMARY KEY,       -- arrival order
  run_id             TEXT    NOT NULL,
  task_id            INTEGER,                   -- NULL: a sample of the workflow process itself
  try_id             INTEGER,
  time               INTEGER NOT NULL,
  pid                INTEGER NOT NULL,          -- root of the sampled process tree
  cpu_user_seconds   REAL    NOT NULL,          -- since the try started (tree, incl. reaped children)
  cpu_system_seconds REAL    NOT NULL,
  rss_bytes          INTEGER NOT NULL,          -- resident set of the live tree at `time`
  read_bytes         INTEGER NOT NULL,          -- storage bytes read since the try started
  write_bytes        INTEGER NOT NULL           -- storage bytes written since the try started
);
CREATE INDEX resource_task ON resource (run_id, task_id, try_id, time);
CREATE INDEX resource_time ON resource (run_id, time);
