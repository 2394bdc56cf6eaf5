-- Conversion jobs are a durable queue that any instance may run: which instance holds a job and until when (a lease
-- it renews while working), and how many times the job was started. A job whose lease ran out belonged to an
-- instance that died: another one takes it over. A lease left NULL (a job RUNNING before this migration) has run out.
ALTER TABLE conversion_jobs
    ADD COLUMN attempts    int NOT NULL DEFAULT 0,
    ADD COLUMN claimed_by  text,
    ADD COLUMN lease_until timestamptz;
CREATE INDEX conversion_jobs_runnable ON conversion_jobs (created_at) WHERE state IN ('QUEUED', 'RUNNING');
