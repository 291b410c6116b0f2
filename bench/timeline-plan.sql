-- The plan of a deep timeline page (bench/README.md, "Timeline keyset"). Run against a scratch database migrated with
-- Crm.Domain/Migrations/*.sql, as its owner: psql -d <scratch> -f bench/timeline-plan.sql
-- Data: one workspace, 2,000 contacts with 400,000 activities between them, and one contact with 50,000 more.
INSERT INTO workspaces (id, name, slug) VALUES ('00000000-0000-0000-0000-000000000001', 'Bench', 'bench');
INSERT INTO contacts (id, workspace_id, first_name)
    SELECT ('00000000-0000-0000-0001-' || lpad(to_hex(g), 12, '0'))::uuid, '00000000-0000-0000-0000-000000000001', 'c' || g
    FROM generate_series(1, 2000) g;
INSERT INTO activities (id, workspace_id, type, subject, contact_id, scheduled_at)
    SELECT gen_random_uuid(), '00000000-0000-0000-0000-000000000001', 'call', 's',
           ('00000000-0000-0000-0001-' || lpad(to_hex(1 + (g % 2000)), 12, '0'))::uuid, now() - (g || ' minutes')::interval
    FROM generate_series(1, 400000) g;
INSERT INTO activities (id, workspace_id, type, subject, contact_id, scheduled_at)
    SELECT gen_random_uuid(), '00000000-0000-0000-0000-000000000001', 'call', 's', '00000000-0000-0000-0001-000000000001',
           now() - (g || ' seconds')::interval
    FROM generate_series(1, 50000) g;
ANALYZE;

-- The activities query of GET /api/v1/contacts/{id}/timeline?limit=50&cursor=... 40,000 rows deep, as EF Core sends it
-- (captured with log_statement = 'all'), first without and then with the first key's bound that ListPlan adds.
\set at '''' `date -u +%FT%TZ` ''''
EXPLAIN (ANALYZE, COSTS OFF)
SELECT a.occurred_at, a.id FROM activities a
WHERE a.workspace_id = '00000000-0000-0000-0000-000000000001' AND a.deleted_at IS NULL
  AND a.contact_id = '00000000-0000-0000-0001-000000000001'
  AND (a.occurred_at < :at::timestamptz - interval '40000 seconds'
       OR (a.occurred_at = :at::timestamptz - interval '40000 seconds' AND a.id < '00000000-0000-0000-0000-000000000000'))
ORDER BY a.occurred_at DESC, a.id DESC LIMIT 51;

EXPLAIN (ANALYZE, COSTS OFF)
SELECT a.occurred_at, a.id FROM activities a
WHERE a.workspace_id = '00000000-0000-0000-0000-000000000001' AND a.deleted_at IS NULL
  AND a.contact_id = '00000000-0000-0000-0001-000000000001'
  AND (a.occurred_at < :at::timestamptz - interval '40000 seconds'
       OR (a.occurred_at = :at::timestamptz - interval '40000 seconds' AND a.id < '00000000-0000-0000-0000-000000000000'))
  AND a.occurred_at <= :at::timestamptz - interval '40000 seconds'
ORDER BY a.occurred_at DESC, a.id DESC LIMIT 51;
