-- Pipelines, stages, products, deals, their stage history and line items: seeds 000, 001 and 003 reconciled
-- (DESIGN.md section 6).
-- pipelines: 001's and 003's pipelines; pipeline_type is the union of their types (001's recruitment, investor,
--   vendor; 003's marketing, support); 003's is_default and is_active; 001's rotting_days (null: deals never rot);
--   display_order is new. Left out: 001's visibility and probability/rotting switches, 003's probability_calculation,
--   stage_order_enforced and automation rules (a later automation feature).
-- pipeline_stages: 000's stages (wip_limit), 001's and 003's pipeline_stages. 001's order_index and 003's stage_order
--   as position, 003's default_probability (integer 0-100), 003's stage_type 'open'/'closed_won'/'closed_lost' (and its
--   is_closed_won/is_closed_lost flags) as kind 'open'/'won'/'lost', 003's required_fields (a jsonb array of the
--   deal's API field names), color and description; rotting_days overrides the pipeline's. Stages are soft deleted:
--   the stage history of deals keeps pointing at them.
-- products: none of the seeds has the table 003's deal_products.product_id points at; a minimal catalogue.
-- deals: 000's and 001's deals with 003's columns. 000's/001's title as name, 000's organization and 003's tenant as
--   workspace, 003's account_id as company_id, 003's lead_source as source, 000's outcome_reason and 003's
--   close_reason as 001's won_reason/lost_reason. status is 000/001's open/won/lost plus abandoned (003's archived:
--   soft delete archives). 003's tags array is left to tags/taggings (a later migration); 000's watcher table is
--   watcher_ids uuid[] (checked against the workspace's members by the API); 001's AI columns are left to the AI
--   worker, 003's team_id to record scope (the owner's teams). value is NOT NULL (default 0) and >= 0 (003; 000's
--   value > 0 would forbid a deal not priced yet); weighted_value is generated so that lists, sorts and board sums
--   in SQL all agree with it.
-- deal_stage_history: 003's table with stage ids (its from_stage/to_stage were names; its notes are left out); 001's
--   deal_history of any field is the audit log. seconds_in_from_stage is 003's duration_in_stage. Written by triggers
--   on deals, so no insert or stage change can skip it (a lead conversion creating a deal included); append-only.
-- deal_products: 003's line items; product_name as name, product_code as sku. 003's discount_amount is left out
--   (discount_percent only); tax_percent is new. total is generated; a line's prices are in its deal's currency.
--   003's check_deal_value_consistency trigger is implemented as: the lines keep their deal's value equal to their sum
--   (deal_products_set_deal_value), and a deal with lines refuses any other value (deals_value_matches_lines).
CREATE TABLE pipelines (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name varchar(255) NOT NULL,
    description text,
    pipeline_type text NOT NULL DEFAULT 'sales',
    is_default boolean NOT NULL DEFAULT false,
    is_active boolean NOT NULL DEFAULT true,
    rotting_days integer,
    currency char(3) NOT NULL DEFAULT 'USD',
    display_order integer NOT NULL DEFAULT 0,
    created_by uuid REFERENCES users (id),
    updated_by uuid REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    -- References carry the workspace: foreign key checks bypass row-level security (see companies in 0004).
    CONSTRAINT pipelines_workspace_id_id_unique UNIQUE (workspace_id, id),
    CONSTRAINT pipelines_type_check
        CHECK (pipeline_type IN ('sales', 'marketing', 'support', 'recruitment', 'investor', 'vendor', 'custom')),
    CONSTRAINT pipelines_rotting_days_positive CHECK (rotting_days > 0),
    CONSTRAINT pipelines_currency_format CHECK (currency ~ '^[A-Z]{3}$')
);
-- One live pipeline per name (003's UNIQUE (tenant_id, name), case-insensitively) and at most one live default.
CREATE UNIQUE INDEX pipelines_name_unique ON pipelines (workspace_id, lower(name)) WHERE deleted_at IS NULL;
CREATE UNIQUE INDEX pipelines_one_default ON pipelines (workspace_id) WHERE is_default AND deleted_at IS NULL;
CREATE INDEX pipelines_display_order ON pipelines (workspace_id, display_order, id);
CREATE INDEX pipelines_name ON pipelines (workspace_id, name, id);
CREATE INDEX pipelines_created_at ON pipelines (workspace_id, created_at, id);
CREATE INDEX pipelines_updated_at ON pipelines (workspace_id, updated_at, id);

CREATE TABLE pipeline_stages (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    pipeline_id uuid NOT NULL,
    name varchar(100) NOT NULL,
    description text,
    position integer NOT NULL,
    kind text NOT NULL DEFAULT 'open',
    default_probability integer NOT NULL DEFAULT 0,
    rotting_days integer,
    wip_limit integer,
    required_fields jsonb NOT NULL DEFAULT '[]',
    color varchar(7) NOT NULL DEFAULT '#808080',
    created_by uuid REFERENCES users (id),
    updated_by uuid REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    CONSTRAINT pipeline_stages_workspace_id_id_unique UNIQUE (workspace_id, id),
    -- The key deals reference with their pipeline, so a deal's stage is always a stage of the deal's pipeline.
    CONSTRAINT pipeline_stages_pipeline_id_id_unique UNIQUE (workspace_id, pipeline_id, id),
    CONSTRAINT pipeline_stages_pipeline_fk FOREIGN KEY (workspace_id, pipeline_id) REFERENCES pipelines (workspace_id, id),
    -- One live stage per position in a pipeline. An exclusion constraint rather than a unique index because only a
    -- constraint can be deferred: reordering stages swaps positions within one transaction.
    CONSTRAINT pipeline_stages_position_unique EXCLUDE USING btree (workspace_id WITH =, pipeline_id WITH =, position WITH =)
        WHERE (deleted_at IS NULL) DEFERRABLE INITIALLY DEFERRED,
    CONSTRAINT pipeline_stages_position_positive CHECK (position > 0),
    CONSTRAINT pipeline_stages_kind_check CHECK (kind IN ('open', 'won', 'lost')),
    CONSTRAINT pipeline_stages_default_probability_range CHECK (default_probability BETWEEN 0 AND 100),
    CONSTRAINT pipeline_stages_rotting_days_positive CHECK (rotting_days > 0),
    CONSTRAINT pipeline_stages_wip_limit_positive CHECK (wip_limit > 0),
    CONSTRAINT pipeline_stages_required_fields_array CHECK (jsonb_typeof(required_fields) = 'array'),
    CONSTRAINT pipeline_stages_color_format CHECK (color ~ '^#[0-9A-Fa-f]{6}$')
);
CREATE UNIQUE INDEX pipeline_stages_name_unique ON pipeline_stages (workspace_id, pipeline_id, lower(name)) WHERE deleted_at IS NULL;

CREATE TABLE products (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name varchar(255) NOT NULL,
    sku varchar(100),
    description text,
    unit_price numeric(15, 2) NOT NULL DEFAULT 0,
    currency char(3) NOT NULL DEFAULT 'USD',
    category varchar(100),
    is_active boolean NOT NULL DEFAULT true,
    created_by uuid REFERENCES users (id),
    updated_by uuid REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    CONSTRAINT products_workspace_id_id_unique UNIQUE (workspace_id, id),
    CONSTRAINT products_unit_price_not_negative CHECK (unit_price >= 0),
    CONSTRAINT products_currency_format CHECK (currency ~ '^[A-Z]{3}$')
);
CREATE UNIQUE INDEX products_sku_unique ON products (workspace_id, sku) WHERE deleted_at IS NULL AND sku IS NOT NULL;
CREATE INDEX products_name ON products (workspace_id, name, id);
CREATE INDEX products_category ON products (workspace_id, category);
CREATE INDEX products_created_at ON products (workspace_id, created_at, id);
CREATE INDEX products_updated_at ON products (workspace_id, updated_at, id);

CREATE TABLE deals (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name varchar(255) NOT NULL,
    description text,
    value numeric(15, 2) NOT NULL DEFAULT 0,
    currency char(3) NOT NULL DEFAULT 'USD',
    probability integer NOT NULL DEFAULT 0,
    weighted_value numeric(15, 2) NOT NULL GENERATED ALWAYS AS (round(value * probability / 100.0, 2)) STORED,
    status text NOT NULL DEFAULT 'open',
    deal_type text NOT NULL DEFAULT 'new_business',
    priority text NOT NULL DEFAULT 'medium',
    pipeline_id uuid NOT NULL,
    stage_id uuid NOT NULL,
    stage_entered_at timestamptz NOT NULL DEFAULT now(),
    expected_close_date date,
    actual_close_date date,
    won_reason text,
    lost_reason text,
    competitor varchar(200),
    source varchar(100),
    next_step text,
    contact_id uuid,
    company_id uuid,
    owner_id uuid REFERENCES users (id),
    watcher_ids uuid[] NOT NULL DEFAULT '{}',
    custom_fields jsonb NOT NULL DEFAULT '{}',
    last_activity_at timestamptz,
    created_by uuid REFERENCES users (id),
    updated_by uuid REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    CONSTRAINT deals_workspace_id_id_unique UNIQUE (workspace_id, id),
    CONSTRAINT deals_pipeline_fk FOREIGN KEY (workspace_id, pipeline_id) REFERENCES pipelines (workspace_id, id),
    CONSTRAINT deals_stage_fk FOREIGN KEY (workspace_id, pipeline_id, stage_id)
        REFERENCES pipeline_stages (workspace_id, pipeline_id, id),
    CONSTRAINT deals_contact_fk FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id),
    CONSTRAINT deals_company_fk FOREIGN KEY (workspace_id, company_id) REFERENCES companies (workspace_id, id),
    CONSTRAINT deals_value_not_negative CHECK (value >= 0),
    CONSTRAINT deals_currency_format CHECK (currency ~ '^[A-Z]{3}$'),
    CONSTRAINT deals_probability_range CHECK (probability BETWEEN 0 AND 100),
    CONSTRAINT deals_status_check CHECK (status IN ('open', 'won', 'lost', 'abandoned')),
    CONSTRAINT deals_type_check CHECK (deal_type IN ('new_business', 'existing_business', 'renewal', 'upsell', 'cross_sell')),
    CONSTRAINT deals_priority_check CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
    CONSTRAINT deals_lost_reason_required CHECK (status <> 'lost' OR (lost_reason IS NOT NULL AND btrim(lost_reason) <> '')),
    CONSTRAINT deals_custom_fields_object CHECK (jsonb_typeof(custom_fields) = 'object')
);
-- The board: a pipeline's deals per stage and status (000's idx_deals_pipeline_view with the workspace first).
CREATE INDEX deals_board ON deals (workspace_id, pipeline_id, stage_id, status) WHERE deleted_at IS NULL;
CREATE INDEX deals_name ON deals (workspace_id, name, id);
CREATE INDEX deals_owner ON deals (workspace_id, owner_id);
CREATE INDEX deals_contact ON deals (workspace_id, contact_id);
CREATE INDEX deals_company ON deals (workspace_id, company_id);
CREATE INDEX deals_value ON deals (workspace_id, value, id);
CREATE INDEX deals_expected_close_date ON deals (workspace_id, expected_close_date, id);
CREATE INDEX deals_created_at ON deals (workspace_id, created_at, id);
CREATE INDEX deals_updated_at ON deals (workspace_id, updated_at, id);
CREATE INDEX deals_watchers ON deals USING gin (watcher_ids);
CREATE INDEX deals_custom_fields ON deals USING gin (custom_fields);

CREATE TABLE deal_stage_history (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    deal_id uuid NOT NULL,
    from_stage_id uuid,
    to_stage_id uuid NOT NULL,
    from_probability integer,
    to_probability integer NOT NULL,
    seconds_in_from_stage bigint,
    changed_by uuid REFERENCES users (id),
    changed_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT deal_stage_history_deal_fk FOREIGN KEY (workspace_id, deal_id) REFERENCES deals (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT deal_stage_history_from_stage_fk FOREIGN KEY (workspace_id, from_stage_id) REFERENCES pipeline_stages (workspace_id, id),
    CONSTRAINT deal_stage_history_to_stage_fk FOREIGN KEY (workspace_id, to_stage_id) REFERENCES pipeline_stages (workspace_id, id),
    CONSTRAINT deal_stage_history_probability_range
        CHECK (from_probability BETWEEN 0 AND 100 AND to_probability BETWEEN 0 AND 100),
    CONSTRAINT deal_stage_history_seconds_not_negative CHECK (seconds_in_from_stage >= 0)
);
CREATE INDEX deal_stage_history_deal ON deal_stage_history (workspace_id, deal_id, changed_at DESC, id DESC);

-- Every deal's first stage and every later change of stage is a row of deal_stage_history, whoever writes the deal.
-- A stage change without a new stage_entered_at gets the transaction's time. History ids are version 7 UUIDs like the
-- application's (time-ordered), made from the clock here.
CREATE FUNCTION crm_uuid_v7() RETURNS uuid
    LANGUAGE sql VOLATILE PARALLEL SAFE AS $$
    SELECT encode(set_bit(set_bit(overlay(uuid_send(gen_random_uuid())
        PLACING substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3) FROM 1 FOR 6),
        52, 1), 53, 1), 'hex')::uuid
$$;

CREATE FUNCTION crm_deals_stage_entered() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.stage_entered_at = OLD.stage_entered_at THEN
        NEW.stage_entered_at := now();
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER deals_stage_entered BEFORE UPDATE OF stage_id ON deals
    FOR EACH ROW WHEN (NEW.stage_id IS DISTINCT FROM OLD.stage_id) EXECUTE FUNCTION crm_deals_stage_entered();

CREATE FUNCTION crm_deals_record_stage() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO deal_stage_history (id, workspace_id, deal_id, to_stage_id, to_probability, changed_by, changed_at)
        VALUES (crm_uuid_v7(), NEW.workspace_id, NEW.id, NEW.stage_id, NEW.probability, NEW.created_by, NEW.stage_entered_at);
    ELSE
        INSERT INTO deal_stage_history (id, workspace_id, deal_id, from_stage_id, to_stage_id, from_probability, to_probability,
                                        seconds_in_from_stage, changed_by, changed_at)
        VALUES (crm_uuid_v7(), NEW.workspace_id, NEW.id, OLD.stage_id, NEW.stage_id, OLD.probability, NEW.probability,
                greatest(0, floor(extract(epoch FROM NEW.stage_entered_at - OLD.stage_entered_at)))::bigint,
                NEW.updated_by, NEW.stage_entered_at);
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER deals_record_first_stage AFTER INSERT ON deals
    FOR EACH ROW EXECUTE FUNCTION crm_deals_record_stage();
CREATE TRIGGER deals_record_stage_change AFTER UPDATE OF stage_id ON deals
    FOR EACH ROW WHEN (NEW.stage_id IS DISTINCT FROM OLD.stage_id) EXECUTE FUNCTION crm_deals_record_stage();

CREATE TABLE deal_products (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    deal_id uuid NOT NULL,
    product_id uuid,
    name varchar(255) NOT NULL,
    sku varchar(100),
    description text,
    quantity numeric(12, 2) NOT NULL DEFAULT 1,
    unit_price numeric(15, 2) NOT NULL,
    discount_percent numeric(5, 2) NOT NULL DEFAULT 0,
    tax_percent numeric(5, 2) NOT NULL DEFAULT 0,
    total numeric(15, 2) NOT NULL GENERATED ALWAYS AS
        (round(quantity * unit_price * (100 - discount_percent) / 100 * (100 + tax_percent) / 100, 2)) STORED,
    created_by uuid REFERENCES users (id),
    updated_by uuid REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT deal_products_deal_fk FOREIGN KEY (workspace_id, deal_id) REFERENCES deals (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT deal_products_product_fk FOREIGN KEY (workspace_id, product_id) REFERENCES products (workspace_id, id),
    CONSTRAINT deal_products_quantity_positive CHECK (quantity > 0),
    CONSTRAINT deal_products_unit_price_not_negative CHECK (unit_price >= 0),
    CONSTRAINT deal_products_discount_percent_range CHECK (discount_percent BETWEEN 0 AND 100),
    CONSTRAINT deal_products_tax_percent_not_negative CHECK (tax_percent >= 0)
);
CREATE INDEX deal_products_deal ON deal_products (workspace_id, deal_id, id);
CREATE INDEX deal_products_product ON deal_products (workspace_id, product_id);

-- A deal with line items is worth their sum; the lines set it after every change. When the last line goes, the value
-- stays as it was and is the user's again.
CREATE FUNCTION crm_deal_products_set_deal_value() RETURNS trigger
    LANGUAGE plpgsql AS $$
BEGIN
    UPDATE deals d SET value = lines.total
    FROM (SELECT p.workspace_id, p.deal_id, sum(p.total) AS total
          FROM deal_products p
          WHERE (p.workspace_id, p.deal_id) IN (SELECT t.workspace_id, t.deal_id FROM changed_lines t)
          GROUP BY p.workspace_id, p.deal_id) lines
    WHERE d.workspace_id = lines.workspace_id AND d.id = lines.deal_id AND d.value <> lines.total;
    RETURN NULL;
END
$$;
CREATE TRIGGER deal_products_set_deal_value_on_insert AFTER INSERT ON deal_products
    REFERENCING NEW TABLE AS changed_lines FOR EACH STATEMENT EXECUTE FUNCTION crm_deal_products_set_deal_value();
CREATE TRIGGER deal_products_set_deal_value_on_update AFTER UPDATE ON deal_products
    REFERENCING NEW TABLE AS changed_lines FOR EACH STATEMENT EXECUTE FUNCTION crm_deal_products_set_deal_value();
CREATE TRIGGER deal_products_set_deal_value_on_delete AFTER DELETE ON deal_products
    REFERENCING OLD TABLE AS changed_lines FOR EACH STATEMENT EXECUTE FUNCTION crm_deal_products_set_deal_value();

-- The guard 003 describes: a deal that has line items takes no value but their sum (the API answers 400 first).
CREATE FUNCTION crm_deal_value_matches_lines() RETURNS trigger
    LANGUAGE plpgsql AS $$
DECLARE
    lines_total numeric(15, 2);
BEGIN
    SELECT sum(total) INTO lines_total FROM deal_products WHERE workspace_id = NEW.workspace_id AND deal_id = NEW.id;
    IF lines_total IS NOT NULL AND NEW.value <> lines_total THEN
        RAISE EXCEPTION 'Deal value (%) does not match the sum of its line items (%)', NEW.value, lines_total
            USING ERRCODE = 'check_violation', CONSTRAINT = 'deals_value_matches_lines';
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER deals_value_matches_lines BEFORE UPDATE OF value ON deals
    FOR EACH ROW WHEN (NEW.value IS DISTINCT FROM OLD.value) EXECUTE FUNCTION crm_deal_value_matches_lines();

GRANT SELECT, INSERT, UPDATE, DELETE ON pipelines TO crm_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON pipeline_stages TO crm_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON products TO crm_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON deals TO crm_app;
GRANT SELECT, INSERT ON deal_stage_history TO crm_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON deal_products TO crm_app;

ALTER TABLE pipelines ENABLE ROW LEVEL SECURITY;
ALTER TABLE pipelines FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON pipelines
    USING (workspace_id = crm_workspace_id()) WITH CHECK (workspace_id = crm_workspace_id());

ALTER TABLE pipeline_stages ENABLE ROW LEVEL SECURITY;
ALTER TABLE pipeline_stages FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON pipeline_stages
    USING (workspace_id = crm_workspace_id()) WITH CHECK (workspace_id = crm_workspace_id());

ALTER TABLE products ENABLE ROW LEVEL SECURITY;
ALTER TABLE products FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON products
    USING (workspace_id = crm_workspace_id()) WITH CHECK (workspace_id = crm_workspace_id());

ALTER TABLE deals ENABLE ROW LEVEL SECURITY;
ALTER TABLE deals FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON deals
    USING (workspace_id = crm_workspace_id()) WITH CHECK (workspace_id = crm_workspace_id());

ALTER TABLE deal_stage_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE deal_stage_history FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON deal_stage_history
    USING (workspace_id = crm_workspace_id()) WITH CHECK (workspace_id = crm_workspace_id());

ALTER TABLE deal_products ENABLE ROW LEVEL SECURITY;
ALTER TABLE deal_products FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON deal_products
    USING (workspace_id = crm_workspace_id()) WITH CHECK (workspace_id = crm_workspace_id());
