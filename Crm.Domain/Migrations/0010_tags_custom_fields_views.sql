-- Workspace configuration (issue #3): tags and taggings, custom field definitions, saved views and territories, and
-- companies.territory_id. Seeds reconciled (DESIGN.md section 6):
-- * tags: seed 001's tags (name unique per workspace, here case-insensitively among live tags; color as #RRGGBB) with
--   the stamps and soft delete of every user-facing record.
-- * taggings: seed 001's contact_tags and seed 000's deal_tag (and the tags TEXT[] columns of seed 003) become one
--   table for every object type. entity_id cannot reference each object type's table, so the API checks the record
--   exists in the caller's workspace; a trigger on each tagged table removes a purged record's taggings.
-- * custom_field_definitions: seed 001's (object_type, field_name, field_type, label, required, validation_rules,
--   options, is_active, order_index) with seed 003's help_text and richer types: field_name is key; order_index and
--   display_order are position; description and help_text are help_text; 003's decimal is number, picklist and
--   multipicklist are select and multiselect; currency, percent and textarea are added; 003's lookup, formula and file
--   types, custom objects, default_value and is_unique are left for the features that need them.
-- * saved_views: seed 001's with filters in the list query's shape ({"field": {"op": value}}), q, and sort_by plus
--   sort_order as one sort in the list syntax ("-leadScore,lastName"); visibility private/team/workspace (team names
--   the team that sees it); created_by is the view's owner; one default view per owner and object type.
-- * territories: seed 003's (name, description, territory_type, parent_territory_id, manager_id, is_active), its
--   geographic_boundaries and account_criteria reconciled into one rules object; 003's accounts.territory_id as
--   companies.territory_id.
-- The object types (contact, company, deal, lead) are listed in CHECKs; deals and leads plug into the API later.

CREATE TABLE tags (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name varchar(100) NOT NULL,
    color char(7) NOT NULL DEFAULT '#808080',
    description text,
    created_by uuid REFERENCES users (id),
    updated_by uuid REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    CONSTRAINT tags_workspace_id_id_unique UNIQUE (workspace_id, id),
    CONSTRAINT tags_color_format CHECK (color ~ '^#[0-9A-F]{6}$')
);
-- Case-insensitively: "VIP" and "vip" are one tag, and filter[tag]=vip finds it.
CREATE UNIQUE INDEX tags_name_unique ON tags (workspace_id, lower(name)) WHERE deleted_at IS NULL;
CREATE INDEX tags_created_at ON tags (workspace_id, created_at, id);

-- A tag on a record of any object type. A soft-deleted tag's taggings stay (hidden with it, back with a restore); they
-- go with the tag's row (cascade).
CREATE TABLE taggings (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    tag_id uuid NOT NULL,
    entity_type text NOT NULL,
    entity_id uuid NOT NULL,
    created_by uuid REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT taggings_tag_fk FOREIGN KEY (workspace_id, tag_id) REFERENCES tags (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT taggings_unique UNIQUE (workspace_id, tag_id, entity_type, entity_id),
    CONSTRAINT taggings_entity_type_check CHECK (entity_type IN ('contact', 'company', 'deal', 'lead'))
);
CREATE INDEX taggings_entity ON taggings (workspace_id, entity_type, entity_id);

-- Records are soft-deleted by the API; when a purge deletes one, its taggings go too. Each tagged table gets this
-- trigger with its object type: CREATE TRIGGER x_taggings AFTER DELETE ON x FOR EACH ROW EXECUTE FUNCTION crm_delete_taggings('x').
CREATE FUNCTION crm_delete_taggings() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    DELETE FROM taggings WHERE workspace_id = OLD.workspace_id AND entity_type = TG_ARGV[0] AND entity_id = OLD.id;
    RETURN OLD;
END
$$;
CREATE TRIGGER contacts_taggings AFTER DELETE ON contacts FOR EACH ROW EXECUTE FUNCTION crm_delete_taggings('contact');
CREATE TRIGGER companies_taggings AFTER DELETE ON companies FOR EACH ROW EXECUTE FUNCTION crm_delete_taggings('company');
CREATE TRIGGER deals_taggings AFTER DELETE ON deals FOR EACH ROW EXECUTE FUNCTION crm_delete_taggings('deal');
CREATE TRIGGER leads_taggings AFTER DELETE ON leads FOR EACH ROW EXECUTE FUNCTION crm_delete_taggings('lead');

CREATE TABLE custom_field_definitions (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    object_type text NOT NULL,
    key varchar(63) NOT NULL,
    label varchar(255) NOT NULL,
    field_type text NOT NULL,
    is_required boolean NOT NULL DEFAULT false,
    options jsonb,
    validation_rules jsonb NOT NULL DEFAULT '{}',
    is_active boolean NOT NULL DEFAULT true,
    position integer NOT NULL DEFAULT 0,
    help_text text,
    placeholder varchar(255),
    created_by uuid REFERENCES users (id),
    updated_by uuid REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    CONSTRAINT custom_field_definitions_workspace_id_id_unique UNIQUE (workspace_id, id),
    CONSTRAINT custom_field_definitions_object_type_check CHECK (object_type IN ('contact', 'company', 'deal', 'lead')),
    CONSTRAINT custom_field_definitions_field_type_check CHECK (field_type IN (
        'text', 'textarea', 'number', 'currency', 'percent', 'date', 'datetime', 'boolean', 'select', 'multiselect',
        'url', 'email', 'phone')),
    -- The key of the value in a record's custom_fields: snake_case, as seed 003's field_name.
    CONSTRAINT custom_field_definitions_key_format CHECK (key ~ '^[a-z][a-z0-9_]*$'),
    CONSTRAINT custom_field_definitions_options_array CHECK (options IS NULL OR jsonb_typeof(options) = 'array'),
    CONSTRAINT custom_field_definitions_options_only_for_choices
        CHECK (options IS NULL OR field_type IN ('select', 'multiselect')),
    CONSTRAINT custom_field_definitions_validation_rules_object CHECK (jsonb_typeof(validation_rules) = 'object'),
    CONSTRAINT custom_field_definitions_position_non_negative CHECK (position >= 0)
);
CREATE UNIQUE INDEX custom_field_definitions_key_unique ON custom_field_definitions (workspace_id, object_type, key)
    WHERE deleted_at IS NULL;
CREATE INDEX custom_field_definitions_position ON custom_field_definitions (workspace_id, position, id);
CREATE INDEX custom_field_definitions_created_at ON custom_field_definitions (workspace_id, created_at, id);

CREATE TABLE saved_views (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name varchar(255) NOT NULL,
    object_type text NOT NULL,
    filters jsonb NOT NULL DEFAULT '{}',
    q varchar(200),
    sort varchar(255),
    columns jsonb NOT NULL DEFAULT '[]',
    visibility text NOT NULL DEFAULT 'private',
    team_id uuid,
    is_default boolean NOT NULL DEFAULT false,
    created_by uuid NOT NULL REFERENCES users (id),
    updated_by uuid REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    CONSTRAINT saved_views_workspace_id_id_unique UNIQUE (workspace_id, id),
    CONSTRAINT saved_views_team_fk FOREIGN KEY (workspace_id, team_id) REFERENCES teams (workspace_id, id),
    CONSTRAINT saved_views_object_type_check CHECK (object_type IN ('contact', 'company', 'deal', 'lead')),
    CONSTRAINT saved_views_visibility_check CHECK (visibility IN ('private', 'team', 'workspace')),
    CONSTRAINT saved_views_team_only_for_team_visibility CHECK ((visibility = 'team') = (team_id IS NOT NULL)),
    CONSTRAINT saved_views_filters_object CHECK (jsonb_typeof(filters) = 'object'),
    CONSTRAINT saved_views_columns_array CHECK (jsonb_typeof(columns) = 'array')
);
-- One default view per owner and object type among live views.
CREATE UNIQUE INDEX saved_views_one_default ON saved_views (workspace_id, created_by, object_type)
    WHERE is_default AND deleted_at IS NULL;
CREATE INDEX saved_views_owner ON saved_views (workspace_id, created_by);
CREATE INDEX saved_views_name ON saved_views (workspace_id, name, id);
CREATE INDEX saved_views_created_at ON saved_views (workspace_id, created_at, id);

CREATE TABLE territories (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name varchar(100) NOT NULL,
    description text,
    territory_type text NOT NULL DEFAULT 'geographic',
    parent_territory_id uuid,
    manager_id uuid REFERENCES users (id),
    rules jsonb NOT NULL DEFAULT '{}',
    is_active boolean NOT NULL DEFAULT true,
    created_by uuid REFERENCES users (id),
    updated_by uuid REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    CONSTRAINT territories_workspace_id_id_unique UNIQUE (workspace_id, id),
    CONSTRAINT territories_parent_fk FOREIGN KEY (workspace_id, parent_territory_id) REFERENCES territories (workspace_id, id),
    CONSTRAINT territories_not_own_parent CHECK (id <> parent_territory_id),
    CONSTRAINT territories_type_check CHECK (territory_type IN ('geographic', 'industry', 'account_size', 'product', 'custom')),
    CONSTRAINT territories_rules_object CHECK (jsonb_typeof(rules) = 'object')
);
CREATE UNIQUE INDEX territories_name_unique ON territories (workspace_id, lower(name)) WHERE deleted_at IS NULL;
CREATE INDEX territories_parent ON territories (workspace_id, parent_territory_id);
CREATE INDEX territories_name ON territories (workspace_id, name, id);
CREATE INDEX territories_created_at ON territories (workspace_id, created_at, id);

-- The hierarchy has no cycles. The API checks before saving; this is the backstop for two concurrent changes (A under
-- B and B under A): changes of a workspace's hierarchy take turns on an advisory lock, and each checks the ancestors
-- as committed before it.
CREATE FUNCTION crm_territories_no_cycle() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
BEGIN
    IF NEW.parent_territory_id IS NULL THEN
        RETURN NEW;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended('territories:' || NEW.workspace_id::text, 0));
    IF EXISTS (
        WITH RECURSIVE ancestors (id, parent_territory_id) AS (
            SELECT t.id, t.parent_territory_id FROM territories t
            WHERE t.workspace_id = NEW.workspace_id AND t.id = NEW.parent_territory_id
            UNION
            SELECT t.id, t.parent_territory_id FROM territories t
            JOIN ancestors a ON t.workspace_id = NEW.workspace_id AND t.id = a.parent_territory_id
        )
        SELECT 1 FROM ancestors WHERE id = NEW.id)
    THEN
        RAISE EXCEPTION 'territory % cannot be under its own descendant', NEW.id
            USING ERRCODE = 'check_violation', CONSTRAINT = 'territories_no_cycle';
    END IF;
    RETURN NEW;
END
$$;
-- A new territory has no descendants, so only a change of parent can close a cycle.
CREATE TRIGGER territories_no_cycle BEFORE UPDATE OF parent_territory_id ON territories
    FOR EACH ROW EXECUTE FUNCTION crm_territories_no_cycle();

ALTER TABLE companies ADD COLUMN territory_id uuid;
ALTER TABLE companies ADD CONSTRAINT companies_territory_fk
    FOREIGN KEY (workspace_id, territory_id) REFERENCES territories (workspace_id, id);
CREATE INDEX companies_territory ON companies (workspace_id, territory_id);

-- Tagging and untagging a record are audited on the record.
ALTER TABLE audit_logs DROP CONSTRAINT audit_logs_action_check;
ALTER TABLE audit_logs ADD CONSTRAINT audit_logs_action_check CHECK (action IN (
    'created', 'updated', 'deleted', 'restored', 'stage_changed', 'converted', 'merged', 'imported', 'tagged', 'untagged'));

GRANT SELECT, INSERT, UPDATE, DELETE ON tags, taggings, custom_field_definitions, saved_views, territories TO crm_app;

ALTER TABLE tags ENABLE ROW LEVEL SECURITY;
ALTER TABLE tags FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON tags
    USING (workspace_id = crm_workspace_id()) WITH CHECK (workspace_id = crm_workspace_id());

ALTER TABLE taggings ENABLE ROW LEVEL SECURITY;
ALTER TABLE taggings FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON taggings
    USING (workspace_id = crm_workspace_id()) WITH CHECK (workspace_id = crm_workspace_id());

ALTER TABLE custom_field_definitions ENABLE ROW LEVEL SECURITY;
ALTER TABLE custom_field_definitions FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON custom_field_definitions
    USING (workspace_id = crm_workspace_id()) WITH CHECK (workspace_id = crm_workspace_id());

ALTER TABLE saved_views ENABLE ROW LEVEL SECURITY;
ALTER TABLE saved_views FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON saved_views
    USING (workspace_id = crm_workspace_id()) WITH CHECK (workspace_id = crm_workspace_id());

ALTER TABLE territories ENABLE ROW LEVEL SECURITY;
ALTER TABLE territories FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON territories
    USING (workspace_id = crm_workspace_id()) WITH CHECK (workspace_id = crm_workspace_id());
