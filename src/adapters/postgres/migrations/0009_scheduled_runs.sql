-- The ledger of the cluster-wide scheduled jobs (docs/decisions/0014-scheduler.md): one row per
-- (job, period) that some gateway process ran. The row is inserted in the transaction that holds
-- the job's advisory lock for the whole run and committed when the run ends, so a period is run
-- by one process only, and a process that dies mid-run leaves no row (another one runs it).
CREATE TABLE scheduled_runs (
  job           text NOT NULL,
  -- the start of the period (Unix-epoch aligned multiples of the job's interval)
  period_start  timestamptz NOT NULL,
  -- who ran it (host/pid) and when
  process       text NOT NULL,
  started_at    timestamptz NOT NULL,
  finished_at   timestamptz,
  -- the error message when the run failed (the next period runs again)
  error         text,
  PRIMARY KEY (job, period_start)
);
