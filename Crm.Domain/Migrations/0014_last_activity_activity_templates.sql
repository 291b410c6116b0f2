-- Issue #3's smaller gaps: contacts', companies', deals' and leads' last_activity_at kept by the database, and activity
-- templates.
--
-- last_activity_at (columns of 0004-0007) is the latest occurred_at of the live activities linked to the record, as
-- seed 001's engagement view computes it (MAX(a.occurred_at)); a scheduled activity counts at its scheduled time, as
-- Salesforce's last activity date counts events. Notes do not count: they are what was said about a record, not an
-- interaction with the customer, and seed 001's activity stream logs them as 'note_added' events beside the
-- activities. A trigger on activities recomputes the maximum of each record an activity is or was linked to, so an
-- activity soft-deleted, moved to another record or to another time moves the value back. It runs as the invoker: the
-- records it updates are those the session's row-level security policy shows, and an activity's links carry its
-- workspace (the composite foreign keys of 0008), so it never touches another workspace's records. It writes only a
-- value that changed, which is a change of the record's representation and so of its xmin (the ETag).
--
-- activity_templates: seed 003's (name unique per workspace, here case-insensitively among live templates;
-- activity_type as type, with 0008's list; subject_template, description_template, duration_minutes > 0,
-- default_priority, custom_fields_template, is_active) with the stamps and soft delete of every user-facing record and
-- its xmin as the ETag. 003's tags TEXT[] is a list of tag names kept with the template (taggings tag records, not
-- templates). 003's is_global (templates shared across tenants) is left out: every template is its workspace's.

-- Statement-level, over the transition tables: each record a statement touches is recomputed once, however many of
-- its activities the statement wrote (a row trigger cost about 1 ms per activity; bench/README.md, "Demo workspace fill").
CREATE FUNCTION crm_refresh_last_activity_at(touched activities[])
    RETURNS void
    LANGUAGE sql AS $$
    UPDATE contacts r SET last_activity_at = latest.at
    FROM (SELECT t.workspace_id, t.contact_id AS id,
                 (SELECT max(a.occurred_at) FROM activities a
                  WHERE a.workspace_id = t.workspace_id AND a.contact_id = t.contact_id AND a.deleted_at IS NULL) AS at
          FROM (SELECT DISTINCT workspace_id, contact_id FROM unnest(touched) WHERE contact_id IS NOT NULL) t) latest
    WHERE r.workspace_id = latest.workspace_id AND r.id = latest.id AND r.last_activity_at IS DISTINCT FROM latest.at;
    UPDATE companies r SET last_activity_at = latest.at
    FROM (SELECT t.workspace_id, t.company_id AS id,
                 (SELECT max(a.occurred_at) FROM activities a
                  WHERE a.workspace_id = t.workspace_id AND a.company_id = t.company_id AND a.deleted_at IS NULL) AS at
          FROM (SELECT DISTINCT workspace_id, company_id FROM unnest(touched) WHERE company_id IS NOT NULL) t) latest
    WHERE r.workspace_id = latest.workspace_id AND r.id = latest.id AND r.last_activity_at IS DISTINCT FROM latest.at;
    UPDATE deals r SET last_activity_at = latest.at
    FROM (SELECT t.workspace_id, t.deal_id AS id,
                 (SELECT max(a.occurred_at) FROM activities a
                  WHERE a.workspace_id = t.workspace_id AND a.deal_id = t.deal_id AND a.deleted_at IS NULL) AS at
          FROM (SELECT DISTINCT workspace_id, deal_id FROM unnest(touched) WHERE deal_id IS NOT NULL) t) latest
    WHERE r.workspace_id = latest.workspace_id AND r.id = latest.id AND r.last_activity_at IS DISTINCT FROM latest.at;
    UPDATE leads r SET last_activity_at = latest.at
    FROM (SELECT t.workspace_id, t.lead_id AS id,
                 (SELECT max(a.occurred_at) FROM activities a
                  WHERE a.workspace_id = t.workspace_id AND a.lead_id = t.lead_id AND a.deleted_at IS NULL) AS at
          FROM (SELECT DISTINCT workspace_id, lead_id FROM unnest(touched) WHERE lead_id IS NOT NULL) t) latest
    WHERE r.workspace_id = latest.workspace_id AND r.id = latest.id AND r.last_activity_at IS DISTINCT FROM latest.at;
$$;

-- Inserted or deleted rows: the records they are linked to.
CREATE FUNCTION crm_activities_written() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM crm_refresh_last_activity_at(array(SELECT t::activities FROM written t));
    RETURN NULL;
END
$$;

-- Updated rows: the records they were and are linked to (a change of time, link or deleted_at moves the value).
CREATE FUNCTION crm_activities_rewritten() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    PERFORM crm_refresh_last_activity_at(
        array(SELECT t::activities FROM written_before t UNION ALL SELECT t::activities FROM written t));
    RETURN NULL;
END
$$;

CREATE TRIGGER activities_inserted_set_last_activity_at AFTER INSERT ON activities
    REFERENCING NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION crm_activities_written();
CREATE TRIGGER activities_deleted_set_last_activity_at AFTER DELETE ON activities
    REFERENCING OLD TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION crm_activities_written();
-- Transition tables rule out a column list (UPDATE OF …): every update recomputes its rows' records, writing only what changed.
CREATE TRIGGER activities_updated_set_last_activity_at AFTER UPDATE ON activities
    REFERENCING OLD TABLE AS written_before NEW TABLE AS written FOR EACH STATEMENT EXECUTE FUNCTION crm_activities_rewritten();

-- The records of every workspace, as they are before the trigger: row-level security is forced on these tables, for
-- their owner too, so it is lifted for this transaction's backfill alone.
ALTER TABLE contacts NO FORCE ROW LEVEL SECURITY;
ALTER TABLE companies NO FORCE ROW LEVEL SECURITY;
ALTER TABLE deals NO FORCE ROW LEVEL SECURITY;
ALTER TABLE leads NO FORCE ROW LEVEL SECURITY;
ALTER TABLE activities NO FORCE ROW LEVEL SECURITY;
UPDATE contacts r SET last_activity_at = (SELECT max(a.occurred_at) FROM activities a
    WHERE a.workspace_id = r.workspace_id AND a.contact_id = r.id AND a.deleted_at IS NULL);
UPDATE companies r SET last_activity_at = (SELECT max(a.occurred_at) FROM activities a
    WHERE a.workspace_id = r.workspace_id AND a.company_id = r.id AND a.deleted_at IS NULL);
UPDATE deals r SET last_activity_at = (SELECT max(a.occurred_at) FROM activities a
    WHERE a.workspace_id = r.workspace_id AND a.deal_id = r.id AND a.deleted_at IS NULL);
UPDATE leads r SET last_activity_at = (SELECT max(a.occurred_at) FROM activities a
    WHERE a.workspace_id = r.workspace_id AND a.lead_id = r.id AND a.deleted_at IS NULL);
ALTER TABLE contacts FORCE ROW LEVEL SECURITY;
ALTER TABLE companies FORCE ROW LEVEL SECURITY;
ALTER TABLE deals FORCE ROW LEVEL SECURITY;
ALTER TABLE leads FORCE ROW LEVEL SECURITY;
ALTER TABLE activities FORCE ROW LEVEL SECURITY;

-- The lists sort and filter by it.
CREATE INDEX contacts_last_activity_at ON contacts (workspace_id, last_activity_at, id);
CREATE INDEX companies_last_activity_at ON companies (workspace_id, last_activity_at, id);
CREATE INDEX deals_last_activity_at ON deals (workspace_id, last_activity_at, id);
CREATE INDEX leads_last_activity_at ON leads (workspace_id, last_activity_at, id);
-- Deals sort and filter by their actual close date too (the expected one has its index in 0006).
CREATE INDEX deals_actual_close_date ON deals (workspace_id, actual_close_date, id);

CREATE TABLE activity_templates (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name varchar(100) NOT NULL,
    type text NOT NULL,
    subject_template varchar(255),
    description_template text,
    duration_minutes integer,
    default_priority text NOT NULL DEFAULT 'medium',
    custom_fields_template jsonb NOT NULL DEFAULT '{}',
    tags text[] NOT NULL DEFAULT '{}',
    is_active boolean NOT NULL DEFAULT true,
    created_by uuid REFERENCES users (id),
    updated_by uuid REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    CONSTRAINT activity_templates_workspace_id_id_unique UNIQUE (workspace_id, id),
    CONSTRAINT activity_templates_type_check CHECK (type IN (
        'call', 'email', 'meeting', 'task', 'note', 'demo', 'deadline', 'proposal', 'follow_up', 'other')),
    CONSTRAINT activity_templates_default_priority_check CHECK (default_priority IN ('low', 'medium', 'high', 'urgent')),
    CONSTRAINT activity_templates_duration_positive CHECK (duration_minutes > 0),
    CONSTRAINT activity_templates_custom_fields_object CHECK (jsonb_typeof(custom_fields_template) = 'object')
);
CREATE UNIQUE INDEX activity_templates_name_unique ON activity_templates (workspace_id, lower(name)) WHERE deleted_at IS NULL;
CREATE INDEX activity_templates_name ON activity_templates (workspace_id, name, id);
CREATE INDEX activity_templates_created_at ON activity_templates (workspace_id, created_at, id);

GRANT SELECT, INSERT, UPDATE, DELETE ON activity_templates TO crm_app;

ALTER TABLE activity_templates ENABLE ROW LEVEL SECURITY;
ALTER TABLE activity_templates FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON activity_templates
    USING (workspace_id = crm_workspace_id()) WITH CHECK (workspace_id = crm_workspace_id());
