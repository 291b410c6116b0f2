-- The CSV import's per-chunk dedupe lookup (1,000 keys) in a workspace of 200,000 contacts, as the application under
-- row-level security (SET ROLE crm_app, crm.workspace_id set): the old lower(email) = ANY(...) against the stored key
-- column's email_key = ANY(...) (migration 0021), each twice. bench/README.md, "After the fix".
-- Run on a throwaway database with the migrations applied, as the superuser (it adds a workspace and its contacts):
--   createdb import_key_lookup; for m in Crm.Domain/Migrations/0*.sql; do psql -X -d import_key_lookup -f $m; done
--   psql -XAtq -d import_key_lookup -f bench/import-lookup.sql | grep -v 'Filter:\|Cond:'
\set ON_ERROR_STOP 1
INSERT INTO workspaces (id, name, slug) VALUES ('00000000-0000-7000-8000-00000000beef', 'Lookup', 'lookup-bench');
INSERT INTO contacts (id, workspace_id, first_name, email)
  SELECT gen_random_uuid(), '00000000-0000-7000-8000-00000000beef', 'P' || i, 'Person' || i || '@Lookup.test'
  FROM generate_series(1, 200000) i;
VACUUM ANALYZE contacts;
SET ROLE crm_app;
SELECT set_config('crm.workspace_id', '00000000-0000-7000-8000-00000000beef', false);
SELECT array_agg('person' || (i * 97 % 400000) || '@lookup.test') AS keys FROM generate_series(1, 1000) i \gset
\echo old: lower(email) = ANY
EXPLAIN (ANALYZE, COSTS OFF) SELECT lower(c.email) FROM contacts c WHERE c.workspace_id = '00000000-0000-7000-8000-00000000beef' AND c.deleted_at IS NULL AND lower(c.email) = ANY (:'keys'::text[]);
EXPLAIN (ANALYZE, COSTS OFF) SELECT lower(c.email) FROM contacts c WHERE c.workspace_id = '00000000-0000-7000-8000-00000000beef' AND c.deleted_at IS NULL AND lower(c.email) = ANY (:'keys'::text[]);
\echo new: email_key = ANY
EXPLAIN (ANALYZE, COSTS OFF) SELECT c.email_key FROM contacts c WHERE c.workspace_id = '00000000-0000-7000-8000-00000000beef' AND c.deleted_at IS NULL AND (c.email_key = ANY (:'keys'::text[]) OR (c.email_key IS NULL AND array_position(:'keys'::text[], NULL) IS NOT NULL));
EXPLAIN (ANALYZE, COSTS OFF) SELECT c.email_key FROM contacts c WHERE c.workspace_id = '00000000-0000-7000-8000-00000000beef' AND c.deleted_at IS NULL AND (c.email_key = ANY (:'keys'::text[]) OR (c.email_key IS NULL AND array_position(:'keys'::text[], NULL) IS NOT NULL));
