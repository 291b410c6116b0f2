-- Leads: seed 003's leads (the richest of the seeds) reconciled with seed 000's (DESIGN.md section 6).
-- - 003's person and company columns, with job_title as title (as contacts) and company as company_name; its
--   address jsonb as the flat address columns of companies and contacts (0004, 0005).
-- - 003's lead_score as score (000's name) with 000's score_updated_at; 000's score_factors and score_confidence live
--   in lead_score_history.factors (every change keeps its own), not on the lead.
-- - 003's lead_source as source (a lower_snake enum, as contacts' source) plus its source_detail; its campaign_id as a
--   campaign name (there is no campaigns table); its utm, referrer and landing page columns (utm columns widened from
--   100 to 255: ad platforms write long utm_content and utm_term), plus first/last touch times.
-- - 003's status gains 'working' (being worked, between contacted and qualified); 'converted' is set only by the
--   conversion (POST /leads/{id}/convert), which also fills converted_at/by and the converted_* links. 003's
--   converted_account_id is converted_company_id (accounts are companies, 0004); converted_deal_id references deals
--   (0006).
-- - 003's budget_range (text) as budget numeric(15,2); one currency for the lead's money (annual_revenue, budget).
--   Its pain_points text[] as one text (needs and pain points in the lead's words); timeline stays free text (the seeds
--   give no value set); decision_maker is kept.
-- - Email is NOT unique among leads: the same person arrives from several forms and lists, and a lead is a raw
--   inquiry, not a person record (contacts are unique by email). A case-insensitive index serves duplicate lookups.
-- - Seed 004's "leads" with stage_id, amount, probability and expected_close_date, and its lead_stages ('Proposal',
--   'Negotiation', 'Closed Won'), describe opportunities: they are deals, pipelines and stages (0006), not leads.
-- Left for later migrations with their features: tags (tags/taggings), notes (notes), next_activity_at maintenance
-- (activities), embeddings (search and AI workers).
CREATE TABLE leads (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    first_name varchar(100),
    last_name varchar(100),
    email varchar(255),
    phone varchar(50),
    title varchar(255),
    company_name varchar(255),
    website text,
    industry varchar(100),
    employee_count integer,
    annual_revenue numeric(15, 2),
    currency char(3) NOT NULL DEFAULT 'USD',
    address_line1 varchar(255),
    address_line2 varchar(255),
    city varchar(100),
    state varchar(100),
    postal_code varchar(50),
    country varchar(100),
    source text NOT NULL DEFAULT 'manual',
    source_detail varchar(255),
    campaign varchar(255),
    utm_source varchar(255),
    utm_medium varchar(255),
    utm_campaign varchar(255),
    utm_term varchar(255),
    utm_content varchar(255),
    referrer_url text,
    landing_page_url text,
    first_touch_at timestamptz,
    last_touch_at timestamptz,
    status text NOT NULL DEFAULT 'new',
    qualification_status text NOT NULL DEFAULT 'unqualified',
    interest_level text NOT NULL DEFAULT 'unknown',
    budget numeric(15, 2),
    timeline varchar(100),
    decision_maker boolean NOT NULL DEFAULT false,
    pain_points text,
    score integer NOT NULL DEFAULT 0,
    score_updated_at timestamptz,
    grade char(1),
    custom_fields jsonb NOT NULL DEFAULT '{}',
    owner_id uuid REFERENCES users (id),
    last_activity_at timestamptz,
    next_activity_at timestamptz,
    converted_at timestamptz,
    converted_by uuid REFERENCES users (id),
    converted_contact_id uuid,
    converted_company_id uuid,
    converted_deal_id uuid,
    created_by uuid REFERENCES users (id),
    updated_by uuid REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    CONSTRAINT leads_workspace_id_id_unique UNIQUE (workspace_id, id),
    -- Foreign key checks bypass row-level security: the references carry the workspace (see companies in 0004).
    CONSTRAINT leads_converted_contact_fk FOREIGN KEY (workspace_id, converted_contact_id) REFERENCES contacts (workspace_id, id),
    CONSTRAINT leads_converted_company_fk FOREIGN KEY (workspace_id, converted_company_id) REFERENCES companies (workspace_id, id),
    CONSTRAINT leads_name_or_company_required CHECK (first_name IS NOT NULL OR last_name IS NOT NULL OR company_name IS NOT NULL),
    CONSTRAINT leads_source_check CHECK (source IN
        ('manual', 'website', 'referral', 'email', 'cold_call', 'social', 'advertising', 'event', 'partner', 'import', 'api', 'linkedin', 'other')),
    CONSTRAINT leads_status_check
        CHECK (status IN ('new', 'contacted', 'working', 'qualified', 'unqualified', 'converted', 'lost', 'archived')),
    CONSTRAINT leads_qualification_status_check
        CHECK (qualification_status IN ('unqualified', 'marketing_qualified', 'sales_qualified', 'sales_accepted')),
    CONSTRAINT leads_interest_level_check CHECK (interest_level IN ('unknown', 'low', 'medium', 'high', 'very_high')),
    CONSTRAINT leads_email_format CHECK (email ~* '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$'),
    CONSTRAINT leads_website_format CHECK (website ~* '^https?://'),
    CONSTRAINT leads_referrer_url_format CHECK (referrer_url ~* '^https?://'),
    CONSTRAINT leads_landing_page_url_format CHECK (landing_page_url ~* '^https?://'),
    CONSTRAINT leads_currency_format CHECK (currency ~ '^[A-Z]{3}$'),
    CONSTRAINT leads_employee_count_positive CHECK (employee_count > 0),
    CONSTRAINT leads_annual_revenue_positive CHECK (annual_revenue > 0),
    CONSTRAINT leads_budget_not_negative CHECK (budget >= 0),
    CONSTRAINT leads_touch_order CHECK (first_touch_at <= last_touch_at),
    CONSTRAINT leads_score_range CHECK (score BETWEEN 0 AND 100),
    CONSTRAINT leads_grade_check CHECK (grade IN ('A', 'B', 'C', 'D', 'E', 'F')),
    CONSTRAINT leads_custom_fields_object CHECK (jsonb_typeof(custom_fields) = 'object'),
    -- Converted exactly when converted_at is set; a conversion always has a contact and who did it; the links exist
    -- only on a converted lead.
    CONSTRAINT leads_converted_consistent CHECK ((status = 'converted') = (converted_at IS NOT NULL)),
    CONSTRAINT leads_converted_links CHECK (
        CASE WHEN converted_at IS NULL
            THEN converted_by IS NULL AND converted_contact_id IS NULL AND converted_company_id IS NULL AND converted_deal_id IS NULL
            ELSE converted_contact_id IS NOT NULL
        END)
);
-- Duplicate lookups (not a unique key: see the header).
CREATE INDEX leads_email ON leads (workspace_id, lower(email)) WHERE deleted_at IS NULL AND email IS NOT NULL;
CREATE INDEX leads_last_name ON leads (workspace_id, last_name, id);
CREATE INDEX leads_company_name ON leads (workspace_id, company_name, id);
CREATE INDEX leads_owner ON leads (workspace_id, owner_id);
CREATE INDEX leads_status ON leads (workspace_id, status, score);
CREATE INDEX leads_score ON leads (workspace_id, score, id);
CREATE INDEX leads_created_at ON leads (workspace_id, created_at, id);
CREATE INDEX leads_updated_at ON leads (workspace_id, updated_at, id);
CREATE INDEX leads_converted_contact ON leads (workspace_id, converted_contact_id) WHERE converted_contact_id IS NOT NULL;
CREATE INDEX leads_converted_company ON leads (workspace_id, converted_company_id) WHERE converted_company_id IS NOT NULL;
CREATE INDEX leads_custom_fields ON leads USING gin (custom_fields);

-- Seed 003's lead_scoring_rules: one criterion (field, operator, value) and the points it adds (negative: removes)
-- when a lead meets it. field is a lead field as the API names it (camelCase); value is text, a comma list for in and
-- not_in. 003's rule_type, its operators and its -100..100 range are kept; its priority is sort_order (rules are
-- applied in that order). Workspace settings, not owned records: every member sees them, owners, admins and managers
-- change them (the API checks the role).
CREATE TABLE lead_scoring_rules (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name varchar(100) NOT NULL,
    description text,
    rule_type text NOT NULL,
    field varchar(100) NOT NULL,
    operator text NOT NULL,
    value text,
    points integer NOT NULL,
    is_active boolean NOT NULL DEFAULT true,
    sort_order integer NOT NULL DEFAULT 0,
    created_by uuid REFERENCES users (id),
    updated_by uuid REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    CONSTRAINT lead_scoring_rules_workspace_id_id_unique UNIQUE (workspace_id, id),
    CONSTRAINT lead_scoring_rules_rule_type_check CHECK (rule_type IN ('demographic', 'behavioral', 'engagement', 'firmographic')),
    CONSTRAINT lead_scoring_rules_operator_check CHECK (operator IN
        ('equals', 'not_equals', 'contains', 'not_contains', 'greater_than', 'less_than', 'in', 'not_in', 'is_set', 'is_not_set')),
    -- is_set and is_not_set compare nothing; every other operator needs a value.
    CONSTRAINT lead_scoring_rules_value_required CHECK ((operator IN ('is_set', 'is_not_set')) = (value IS NULL)),
    CONSTRAINT lead_scoring_rules_points_range CHECK (points BETWEEN -100 AND 100 AND points <> 0)
);
-- 003's UNIQUE (tenant_id, rule_name), among live rules and case-insensitively.
CREATE UNIQUE INDEX lead_scoring_rules_name_unique ON lead_scoring_rules (workspace_id, lower(name)) WHERE deleted_at IS NULL;
CREATE INDEX lead_scoring_rules_sort_order ON lead_scoring_rules (workspace_id, sort_order, id);
CREATE INDEX lead_scoring_rules_created_at ON lead_scoring_rules (workspace_id, created_at, id);

-- Seed 003's lead_scoring_history: every change of a lead's score, with why. reason says who decided (a member by hand,
-- the rules, a model); factors is a JSON array of what moved the score (rule ids and points, or a model's top factors
-- in plain words, as DESIGN.md section 9 plans), so one change may name many rules (003 had one rule_id per row).
-- changed_by is the member for manual changes; model names the model (and version) for model changes. Append-only for
-- the application: crm_app may insert and read, never change or delete (a lead's purge cascades as the owner).
CREATE TABLE lead_score_history (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    lead_id uuid NOT NULL,
    old_score integer NOT NULL,
    new_score integer NOT NULL,
    reason text NOT NULL,
    factors jsonb NOT NULL DEFAULT '[]',
    model varchar(100),
    changed_by uuid REFERENCES users (id),
    changed_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT lead_score_history_lead_fk FOREIGN KEY (workspace_id, lead_id) REFERENCES leads (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT lead_score_history_scores_range CHECK (old_score BETWEEN 0 AND 100 AND new_score BETWEEN 0 AND 100),
    CONSTRAINT lead_score_history_reason_check CHECK (reason IN ('manual', 'rules', 'model')),
    CONSTRAINT lead_score_history_manual_by_member CHECK (reason <> 'manual' OR changed_by IS NOT NULL),
    CONSTRAINT lead_score_history_model_named CHECK (reason <> 'model' OR model IS NOT NULL),
    CONSTRAINT lead_score_history_factors_array CHECK (jsonb_typeof(factors) = 'array')
);
CREATE INDEX lead_score_history_lead ON lead_score_history (workspace_id, lead_id, changed_at, id);

GRANT SELECT, INSERT, UPDATE, DELETE ON leads TO crm_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON lead_scoring_rules TO crm_app;
GRANT SELECT, INSERT ON lead_score_history TO crm_app;

ALTER TABLE leads ENABLE ROW LEVEL SECURITY;
ALTER TABLE leads FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON leads
    USING (workspace_id = crm_workspace_id()) WITH CHECK (workspace_id = crm_workspace_id());

ALTER TABLE lead_scoring_rules ENABLE ROW LEVEL SECURITY;
ALTER TABLE lead_scoring_rules FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON lead_scoring_rules
    USING (workspace_id = crm_workspace_id()) WITH CHECK (workspace_id = crm_workspace_id());

ALTER TABLE lead_score_history ENABLE ROW LEVEL SECURITY;
ALTER TABLE lead_score_history FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON lead_score_history
    USING (workspace_id = crm_workspace_id()) WITH CHECK (workspace_id = crm_workspace_id());
