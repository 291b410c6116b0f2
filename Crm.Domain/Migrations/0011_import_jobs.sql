-- CSV imports: seed 003's contact_import_jobs generalised to every importable resource. Reconciled: tenant_id is
-- workspace_id; job_type is gone (exports are streamed, not jobs); object_type names the resource as the API does
-- ('contacts', 'companies', ...); 003's pending/processing are queued/running; total/processed/successful/failed/
-- skipped_records are rows_total/rows_processed/rows_created (+ rows_updated)/rows_failed/rows_skipped; options is
-- mapping and dedupe_policy; error_details is the import_job_errors table (one row per problem, paged by the API);
-- completed_at is finished_at (also for failed and cancelled jobs). Added: the lease columns of the worker that runs
-- the job, and import_job_files for the uploaded file until the job is done.
CREATE TABLE import_jobs (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    -- Not a CHECKed list: the API's registry of importable resources is the list, so a resource becomes importable
    -- without a migration.
    object_type varchar(50) NOT NULL,
    file_name varchar(255) NOT NULL,
    file_size bigint NOT NULL,
    status text NOT NULL DEFAULT 'queued',
    -- {"CSV header": "apiField"} as applied: every header of the file, null for the columns left out.
    mapping jsonb NOT NULL DEFAULT '{}',
    dedupe_policy text NOT NULL DEFAULT 'skip',
    -- Null until the worker has read the file.
    rows_total integer,
    rows_processed integer NOT NULL DEFAULT 0,
    rows_created integer NOT NULL DEFAULT 0,
    rows_updated integer NOT NULL DEFAULT 0,
    rows_skipped integer NOT NULL DEFAULT 0,
    rows_failed integer NOT NULL DEFAULT 0,
    error_message text,
    -- The claim of the worker running the job: a new token per claim, so a worker whose lease ran out (and whose job
    -- another worker took over) cannot commit another chunk; renewed with every chunk.
    lease_token uuid,
    lease_expires_at timestamptz,
    attempts integer NOT NULL DEFAULT 0,
    created_by uuid NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    started_at timestamptz,
    finished_at timestamptz,
    CONSTRAINT import_jobs_workspace_id_id_unique UNIQUE (workspace_id, id),
    CONSTRAINT import_jobs_object_type_format CHECK (object_type ~ '^[a-z][a-z_]*$'),
    CONSTRAINT import_jobs_status_check CHECK (status IN ('queued', 'running', 'completed', 'failed', 'cancelled')),
    CONSTRAINT import_jobs_dedupe_policy_check CHECK (dedupe_policy IN ('skip', 'update')),
    CONSTRAINT import_jobs_mapping_object CHECK (jsonb_typeof(mapping) = 'object'),
    CONSTRAINT import_jobs_counts_positive CHECK (rows_total >= 0 AND rows_processed >= 0 AND rows_created >= 0
        AND rows_updated >= 0 AND rows_skipped >= 0 AND rows_failed >= 0 AND attempts >= 0),
    -- Every processed row has exactly one outcome.
    CONSTRAINT import_jobs_counts_add_up CHECK (rows_created + rows_updated + rows_skipped + rows_failed = rows_processed),
    CONSTRAINT import_jobs_lease_while_running CHECK ((status = 'running') = (lease_token IS NOT NULL AND lease_expires_at IS NOT NULL))
);
CREATE INDEX import_jobs_created_at ON import_jobs (workspace_id, created_at, id);
-- The worker's claim looks across workspaces for queued jobs and running ones whose lease ran out, oldest first: the
-- one index that cannot lead with workspace_id. Partial, so it holds only the few unfinished jobs.
CREATE INDEX import_jobs_unfinished ON import_jobs (created_at, id) WHERE status IN ('queued', 'running');

-- The uploaded file, kept until the job is finished (then deleted). In the database rather than on a disk: any replica
-- may claim the job, also after the one that took the upload has gone, and the file is saved in the same transaction as
-- the job, so there is never a job without its file. A table of its own, so reading and updating jobs (progress polls,
-- counts after every chunk) never touches up to Imports:MaxFileBytes of bytea.
CREATE TABLE import_job_files (
    job_id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    content bytea NOT NULL,
    CONSTRAINT import_job_files_job_fk FOREIGN KEY (workspace_id, job_id)
        REFERENCES import_jobs (workspace_id, id) ON DELETE CASCADE
);

-- The rows of a file that were not imported: failed (with the reason, one row per field at fault) or skipped as
-- duplicates. row_number counts the file's records as a spreadsheet numbers its rows: the header is row 1.
CREATE TABLE import_job_errors (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    job_id uuid NOT NULL,
    row_number integer NOT NULL,
    column_name varchar(255),
    field varchar(100),
    -- The first 200 characters of the cell at fault.
    value varchar(200),
    message text NOT NULL,
    outcome text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT import_job_errors_job_fk FOREIGN KEY (workspace_id, job_id)
        REFERENCES import_jobs (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT import_job_errors_outcome_check CHECK (outcome IN ('failed', 'skipped')),
    CONSTRAINT import_job_errors_row_number_positive CHECK (row_number > 1)
);
CREATE INDEX import_job_errors_job ON import_job_errors (workspace_id, job_id, row_number, id);

GRANT SELECT, INSERT, UPDATE ON import_jobs TO crm_app;
GRANT SELECT, INSERT, DELETE ON import_job_files TO crm_app;
GRANT SELECT, INSERT ON import_job_errors TO crm_app;

ALTER TABLE import_jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE import_jobs FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON import_jobs
    USING (workspace_id = crm_workspace_id()) WITH CHECK (workspace_id = crm_workspace_id());
-- The worker claims a job before it knows the job's workspace: a connection acting for no workspace that says it is
-- the import worker (crm.worker, set per transaction) sees the unfinished jobs of every workspace and may mark one
-- running. It then processes the job in a session of the job's workspace, under workspace_isolation like any request.
CREATE POLICY import_worker_claims ON import_jobs
    USING (crm_workspace_id() IS NULL AND current_setting('crm.worker', true) = 'imports' AND status IN ('queued', 'running'))
    WITH CHECK (crm_workspace_id() IS NULL AND current_setting('crm.worker', true) = 'imports' AND status = 'running');

ALTER TABLE import_job_files ENABLE ROW LEVEL SECURITY;
ALTER TABLE import_job_files FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON import_job_files
    USING (workspace_id = crm_workspace_id()) WITH CHECK (workspace_id = crm_workspace_id());

ALTER TABLE import_job_errors ENABLE ROW LEVEL SECURITY;
ALTER TABLE import_job_errors FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON import_job_errors
    USING (workspace_id = crm_workspace_id()) WITH CHECK (workspace_id = crm_workspace_id());
