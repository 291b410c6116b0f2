-- The change-event outbox (issue #4, DESIGN.md section 5). Seed 003's outbox_events (aggregate type and id, event
-- type, payload, processed flag) is reconciled as follows:
--
-- * Events are written by triggers on the business tables, in the transaction of the change, so every way a row is
--   written (an API request, an import's COPY, the demo fill, a trigger such as last_activity_at's) makes its event,
--   and an event exists exactly when its change commits. The triggers are statement-level over the transition tables,
--   one INSERT per statement (a row trigger cost about 1 ms per row on the demo fill; bench/README.md).
-- * An event says what happened to which record (entity_type, entity_id, action, changed column names), not the
--   record's new state: a consumer reads the current state when it handles the event, so handling an event twice, or
--   two events of one record out of order, has the effect of handling the last one once.
-- * 003's processed flag is one consumer's state; here each consumer keeps its own cursor (outbox_consumers).
-- * id is the order events were written in, which is not the order they committed in: a transaction that started
--   earlier can commit later, so "id > last id seen" would skip its events. The relay (one at a time, under an
--   advisory lock) stamps committed events with a position from a sequence; consecutive relay transactions never
--   overlap, so positions become visible in increasing order and a consumer's "position > cursor" misses nothing.
-- * transaction_id (xid8) is the writing transaction, the events' version: the events of one transaction share it.
--   trace_parent is the W3C traceparent of the request that made the change (crm.traceparent, set with the session).
--
-- The outbox is a queue across workspaces: its indexes lead with the position, not with workspace_id. Tenant sessions
-- may only insert their own workspace's events; the relay and the consumers (crm.worker = 'outbox', no workspace)
-- read, stamp and prune all of them, and act on a workspace's records in a session of that workspace.

CREATE TABLE outbox_events (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    position bigint,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    entity_type text NOT NULL,
    entity_id uuid NOT NULL,
    action text NOT NULL,
    changed text[] NOT NULL DEFAULT '{}',
    transaction_id xid8 NOT NULL DEFAULT pg_current_xact_id(),
    trace_parent text,
    occurred_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    relayed_at timestamptz,
    CONSTRAINT outbox_events_action_check
        CHECK (action IN ('created', 'updated', 'deleted', 'restored', 'stage_changed', 'converted', 'purged')),
    CONSTRAINT outbox_events_position_unique UNIQUE (position)
);
-- The relay's work: events not stamped yet, in the order they were written.
CREATE INDEX outbox_events_unrelayed ON outbox_events (id) WHERE position IS NULL;

CREATE SEQUENCE outbox_position AS bigint;

-- A consumer's cursor (the last position it has handled) and its lease: one replica of a consumer handles events at a
-- time, in position order; another takes over when the lease runs out (a crashed replica's batch is handled again).
CREATE TABLE outbox_consumers (
    name text PRIMARY KEY,
    position bigint NOT NULL DEFAULT 0,
    lease_owner text,
    lease_until timestamptz,
    updated_at timestamptz NOT NULL DEFAULT now()
);

GRANT SELECT, INSERT, UPDATE, DELETE ON outbox_events TO crm_app;
GRANT SELECT, INSERT, UPDATE ON outbox_consumers TO crm_app;
GRANT USAGE, UPDATE ON SEQUENCE outbox_position TO crm_app;

ALTER TABLE outbox_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE outbox_events FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON outbox_events
    USING (workspace_id = crm_workspace_id()) WITH CHECK (workspace_id = crm_workspace_id());
CREATE POLICY outbox_worker ON outbox_events
    USING (crm_workspace_id() IS NULL AND current_setting('crm.worker', true) = 'outbox');

-- Changes of a business record (a table with id, workspace_id and deleted_at), as events of TG_ARGV[0]. An update is
-- 'deleted' or 'restored' when deleted_at is set or cleared, 'stage_changed' when stage_id moves, 'converted' when
-- status becomes converted, else 'updated'; an update that changed nothing but the stamps makes no event. A DELETE
-- (retention's purge) is 'purged'. Columns not every table has are read through to_jsonb.
-- Each row pair is turned into jsonb once, in a materialized CTE: inlined, the planner would rebuild the old row's
-- jsonb for every column compared, 10 times slower (bench/README.md, "Outbox triggers").
CREATE FUNCTION crm_outbox_record_changes() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    entity text := TG_ARGV[0];
    trace text := nullif(current_setting('crm.traceparent', true), '');
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO outbox_events (workspace_id, entity_type, entity_id, action, trace_parent)
        SELECT n.workspace_id, entity, n.id, 'created', trace FROM new_rows n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO outbox_events (workspace_id, entity_type, entity_id, action, trace_parent)
        SELECT o.workspace_id, entity, o.id, 'purged', trace FROM old_rows o;
    ELSE
        WITH pairs AS MATERIALIZED (
            SELECT n.workspace_id, n.id, to_jsonb(n) AS new_row, to_jsonb(o) AS old_row
            FROM new_rows n JOIN old_rows o ON o.id = n.id
        )
        INSERT INTO outbox_events (workspace_id, entity_type, entity_id, action, changed, trace_parent)
        SELECT c.workspace_id, entity, c.id,
               CASE
                   WHEN c.was_deleted IS NULL AND c.is_deleted IS NOT NULL THEN 'deleted'
                   WHEN c.was_deleted IS NOT NULL AND c.is_deleted IS NULL THEN 'restored'
                   WHEN 'stage_id' = ANY (c.changed) THEN 'stage_changed'
                   WHEN 'status' = ANY (c.changed) AND c.status = 'converted' THEN 'converted'
                   ELSE 'updated'
               END,
               c.changed, trace
        FROM (SELECT p.workspace_id, p.id, p.old_row ->> 'deleted_at' AS was_deleted,
                     p.new_row ->> 'deleted_at' AS is_deleted, p.new_row ->> 'status' AS status,
                     array(SELECT e.key FROM jsonb_each(p.new_row) e
                           WHERE e.value IS DISTINCT FROM p.old_row -> e.key ORDER BY e.key) AS changed
              FROM pairs p) c
        WHERE NOT c.changed <@ ARRAY['updated_at', 'updated_by'];
    END IF;
    PERFORM pg_notify('crm_outbox', '');
    RETURN NULL;
END
$$;

-- Changes of rows that belong to a record (a pipeline's stages, a record's tags, a contact's company links), as
-- 'updated' events of that record: TG_ARGV[0] is its entity type, or the column that holds it; TG_ARGV[1] the column of
-- its id; TG_ARGV[2] the name reported in changed. A transition table exists only for the operations that have it, so
-- each branch names only its own.
CREATE FUNCTION crm_outbox_parent_changes() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    touched jsonb[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        touched := array(SELECT to_jsonb(n) FROM new_rows n);
    ELSIF TG_OP = 'DELETE' THEN
        touched := array(SELECT to_jsonb(o) FROM old_rows o);
    ELSE
        touched := array(SELECT to_jsonb(n) FROM new_rows n UNION ALL SELECT to_jsonb(o) FROM old_rows o);
    END IF;
    INSERT INTO outbox_events (workspace_id, entity_type, entity_id, action, changed, trace_parent)
    SELECT DISTINCT (r ->> 'workspace_id')::uuid, coalesce(r ->> TG_ARGV[0], TG_ARGV[0]), (r ->> TG_ARGV[1])::uuid,
                    'updated', ARRAY[TG_ARGV[2]], nullif(current_setting('crm.traceparent', true), '')
    FROM unnest(touched) r;
    PERFORM pg_notify('crm_outbox', '');
    RETURN NULL;
END
$$;

-- A tag renamed, deleted or restored changes every record it is on (their documents and cached copies show its name):
-- an 'updated' event of each, changed = {tags}. Adding and removing a tag are taggings' own events.
CREATE FUNCTION crm_outbox_tag_changes() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO outbox_events (workspace_id, entity_type, entity_id, action, changed, trace_parent)
    SELECT DISTINCT g.workspace_id, g.entity_type::text, g.entity_id, 'updated', ARRAY['tags'],
                    nullif(current_setting('crm.traceparent', true), '')
    FROM new_rows n
    JOIN old_rows o ON o.id = n.id
    JOIN taggings g ON g.workspace_id = n.workspace_id AND g.tag_id = n.id
    WHERE n.name IS DISTINCT FROM o.name OR n.deleted_at IS DISTINCT FROM o.deleted_at;
    IF FOUND THEN
        PERFORM pg_notify('crm_outbox', '');
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER tags_outbox_update AFTER UPDATE ON tags REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION crm_outbox_tag_changes();

-- The triggers: one per table and operation, each with the transition tables of its operation.
DO $$
DECLARE
    capture record;
BEGIN
    FOR capture IN
        SELECT * FROM (VALUES
            ('companies', 'crm_outbox_record_changes', '''company'''),
            ('contacts', 'crm_outbox_record_changes', '''contact'''),
            ('leads', 'crm_outbox_record_changes', '''lead'''),
            ('deals', 'crm_outbox_record_changes', '''deal'''),
            ('activities', 'crm_outbox_record_changes', '''activity'''),
            ('notes', 'crm_outbox_record_changes', '''note'''),
            ('tasks', 'crm_outbox_record_changes', '''task'''),
            ('pipelines', 'crm_outbox_record_changes', '''pipeline'''),
            ('pipeline_stages', 'crm_outbox_parent_changes', '''pipeline'', ''pipeline_id'', ''stages'''),
            ('taggings', 'crm_outbox_parent_changes', '''entity_type'', ''entity_id'', ''tags'''),
            ('company_contacts', 'crm_outbox_parent_changes', '''contact'', ''contact_id'', ''companies''')
        ) AS t (table_name, function_name, arguments)
    LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION %I(%s)',
                       capture.table_name || '_outbox_insert', capture.table_name, capture.function_name, capture.arguments);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION %I(%s)',
                       capture.table_name || '_outbox_update', capture.table_name, capture.function_name, capture.arguments);
        EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS old_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION %I(%s)',
                       capture.table_name || '_outbox_delete', capture.table_name, capture.function_name, capture.arguments);
    END LOOP;
END
$$;
