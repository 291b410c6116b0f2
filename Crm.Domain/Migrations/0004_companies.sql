-- Companies: seed 001's companies reconciled with seed 003's accounts (DESIGN.md section 6): 001's flat address and
-- social columns, 003's type, status, priority, account number, sub-industry, stock symbol and health score. Left for
-- later migrations with their features: territory (territories), tags (tags/taggings), embeddings and enrichment
-- (search and AI workers).
CREATE TABLE companies (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name varchar(255) NOT NULL,
    domain varchar(255),
    website text,
    account_number varchar(100),
    type text NOT NULL DEFAULT 'prospect',
    status text NOT NULL DEFAULT 'active',
    priority text NOT NULL DEFAULT 'medium',
    industry varchar(100),
    sub_industry varchar(100),
    size varchar(20),
    employee_count integer,
    annual_revenue numeric(15, 2),
    currency char(3) NOT NULL DEFAULT 'USD',
    founded_year integer,
    stock_symbol varchar(10),
    description text,
    logo_url text,
    phone varchar(50),
    email varchar(255),
    address_line1 varchar(255),
    address_line2 varchar(255),
    city varchar(100),
    state varchar(100),
    postal_code varchar(50),
    country varchar(100),
    timezone varchar(64),
    linkedin_url text,
    twitter_handle varchar(100),
    facebook_url text,
    health_score integer,
    custom_fields jsonb NOT NULL DEFAULT '{}',
    parent_company_id uuid,
    owner_id uuid REFERENCES users (id),
    last_activity_at timestamptz,
    next_activity_at timestamptz,
    created_by uuid REFERENCES users (id),
    updated_by uuid REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    -- References to a company carry the workspace: foreign key checks bypass row-level security (see teams in 0002).
    CONSTRAINT companies_workspace_id_id_unique UNIQUE (workspace_id, id),
    CONSTRAINT companies_parent_company_fk FOREIGN KEY (workspace_id, parent_company_id) REFERENCES companies (workspace_id, id),
    CONSTRAINT companies_not_own_parent CHECK (id <> parent_company_id),
    CONSTRAINT companies_type_check
        CHECK (type IN ('prospect', 'customer', 'partner', 'vendor', 'competitor', 'former_customer')),
    CONSTRAINT companies_status_check CHECK (status IN ('active', 'inactive', 'archived')),
    CONSTRAINT companies_priority_check CHECK (priority IN ('low', 'medium', 'high', 'critical')),
    -- Seed 001's bands; not an enum in the API because the values are not identifiers ('1-10', '5000+').
    CONSTRAINT companies_size_check CHECK (size IN ('1-10', '11-50', '51-200', '201-500', '501-1000', '1001-5000', '5000+')),
    CONSTRAINT companies_domain_format CHECK (domain ~ '^([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,63}$'),
    CONSTRAINT companies_website_format CHECK (website ~* '^https?://'),
    CONSTRAINT companies_logo_url_format CHECK (logo_url ~* '^https?://'),
    CONSTRAINT companies_linkedin_url_format CHECK (linkedin_url ~* '^https?://'),
    CONSTRAINT companies_facebook_url_format CHECK (facebook_url ~* '^https?://'),
    CONSTRAINT companies_email_format CHECK (email ~* '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$'),
    CONSTRAINT companies_currency_format CHECK (currency ~ '^[A-Z]{3}$'),
    CONSTRAINT companies_employee_count_positive CHECK (employee_count > 0),
    CONSTRAINT companies_annual_revenue_positive CHECK (annual_revenue > 0),
    CONSTRAINT companies_founded_year_range CHECK (founded_year BETWEEN 1600 AND 2200),
    CONSTRAINT companies_health_score_range CHECK (health_score BETWEEN 0 AND 100),
    CONSTRAINT companies_custom_fields_object CHECK (jsonb_typeof(custom_fields) = 'object')
);
-- One live company per domain in a workspace; a soft-deleted one does not block a new one.
CREATE UNIQUE INDEX companies_domain_unique ON companies (workspace_id, lower(domain))
    WHERE deleted_at IS NULL AND domain IS NOT NULL;
-- Likewise one live company per account number: restoring a deleted one whose number a live one took is a conflict.
CREATE UNIQUE INDEX companies_account_number_unique ON companies (workspace_id, account_number)
    WHERE deleted_at IS NULL AND account_number IS NOT NULL;
CREATE INDEX companies_name ON companies (workspace_id, name, id);
CREATE INDEX companies_owner ON companies (workspace_id, owner_id);
CREATE INDEX companies_parent ON companies (workspace_id, parent_company_id);
CREATE INDEX companies_created_at ON companies (workspace_id, created_at, id);
CREATE INDEX companies_updated_at ON companies (workspace_id, updated_at, id);
CREATE INDEX companies_custom_fields ON companies USING gin (custom_fields);

-- The first response of a POST sent with an Idempotency-Key, replayed when the same caller sends the same key again.
-- Written in the same transaction as the POST's change, so a replay never answers for a change that was rolled back.
-- Keys are per user: another member's key is a new request (its stored response may be a record they cannot see).
-- Kept indefinitely for now: nothing purges them yet (created_at is indexed for a future purge).
CREATE TABLE idempotency_keys (
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    key varchar(255) NOT NULL,
    request_fingerprint char(64) NOT NULL,
    response_status integer NOT NULL,
    response_body jsonb,
    response_location text,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, user_id, key)
);
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);

GRANT SELECT, INSERT, UPDATE, DELETE ON companies TO crm_app;
GRANT SELECT, INSERT, DELETE ON idempotency_keys TO crm_app;

ALTER TABLE companies ENABLE ROW LEVEL SECURITY;
ALTER TABLE companies FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON companies
    USING (workspace_id = crm_workspace_id()) WITH CHECK (workspace_id = crm_workspace_id());

ALTER TABLE idempotency_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE idempotency_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON idempotency_keys
    USING (workspace_id = crm_workspace_id()) WITH CHECK (workspace_id = crm_workspace_id());
