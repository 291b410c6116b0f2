-- Contacts: seed 001's contacts reconciled with seed 003's (DESIGN.md section 6): 001's flat address and social
-- columns, source and lifecycle stage (its 'MQL'/'SQL' as lower_snake 'mql'/'sql'); 003's job_title (as 001's title),
-- status, lead_score (001's score), timezone, language and next_activity_at; 003's account_id as company_id. Left for
-- later migrations with their features: tags (tags/taggings), notes (notes), deal counters (deals), enrichment and
-- embeddings (search and AI workers).
CREATE TABLE contacts (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    first_name varchar(100),
    last_name varchar(100),
    email varchar(255),
    phone varchar(50),
    mobile varchar(50),
    title varchar(255),
    department varchar(100),
    lifecycle_stage text NOT NULL DEFAULT 'lead',
    source text NOT NULL DEFAULT 'manual',
    status text NOT NULL DEFAULT 'active',
    website text,
    linkedin_url text,
    twitter_handle varchar(100),
    facebook_url text,
    address_line1 varchar(255),
    address_line2 varchar(255),
    city varchar(100),
    state varchar(100),
    postal_code varchar(50),
    country varchar(100),
    timezone varchar(64),
    language varchar(10),
    lead_score integer NOT NULL DEFAULT 0,
    custom_fields jsonb NOT NULL DEFAULT '{}',
    owner_id uuid REFERENCES users (id),
    company_id uuid,
    last_activity_at timestamptz,
    last_contacted_at timestamptz,
    next_activity_at timestamptz,
    created_by uuid REFERENCES users (id),
    updated_by uuid REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    CONSTRAINT contacts_workspace_id_id_unique UNIQUE (workspace_id, id),
    -- Foreign key checks bypass row-level security: the reference carries the workspace (see companies in 0004).
    CONSTRAINT contacts_company_fk FOREIGN KEY (workspace_id, company_id) REFERENCES companies (workspace_id, id),
    CONSTRAINT contacts_name_required CHECK (first_name IS NOT NULL OR last_name IS NOT NULL),
    CONSTRAINT contacts_lifecycle_stage_check
        CHECK (lifecycle_stage IN ('lead', 'mql', 'sql', 'opportunity', 'customer', 'evangelist')),
    CONSTRAINT contacts_source_check
        CHECK (source IN ('manual', 'import', 'website', 'email', 'api', 'linkedin', 'enrichment')),
    CONSTRAINT contacts_status_check CHECK (status IN ('active', 'inactive', 'archived')),
    CONSTRAINT contacts_email_format CHECK (email ~* '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$'),
    CONSTRAINT contacts_website_format CHECK (website ~* '^https?://'),
    CONSTRAINT contacts_linkedin_url_format CHECK (linkedin_url ~* '^https?://'),
    CONSTRAINT contacts_facebook_url_format CHECK (facebook_url ~* '^https?://'),
    CONSTRAINT contacts_lead_score_range CHECK (lead_score BETWEEN 0 AND 100),
    CONSTRAINT contacts_custom_fields_object CHECK (jsonb_typeof(custom_fields) = 'object')
);
-- One live contact per email in a workspace, case-insensitively; a soft-deleted one does not block a new one.
CREATE UNIQUE INDEX contacts_email_unique ON contacts (workspace_id, lower(email))
    WHERE deleted_at IS NULL AND email IS NOT NULL;
CREATE INDEX contacts_last_name ON contacts (workspace_id, last_name, id);
CREATE INDEX contacts_owner ON contacts (workspace_id, owner_id);
CREATE INDEX contacts_company ON contacts (workspace_id, company_id);
CREATE INDEX contacts_lead_score ON contacts (workspace_id, lead_score, id);
CREATE INDEX contacts_created_at ON contacts (workspace_id, created_at, id);
CREATE INDEX contacts_updated_at ON contacts (workspace_id, updated_at, id);
CREATE INDEX contacts_custom_fields ON contacts USING gin (custom_fields);

-- The companies a contact works with beyond its own company_id (seed 001's company_contacts), with a role and at most
-- one primary company per contact. Both references carry the workspace.
CREATE TABLE company_contacts (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    company_id uuid NOT NULL,
    contact_id uuid NOT NULL,
    role varchar(100),
    is_primary boolean NOT NULL DEFAULT false,
    created_by uuid REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT company_contacts_company_fk FOREIGN KEY (workspace_id, company_id)
        REFERENCES companies (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT company_contacts_contact_fk FOREIGN KEY (workspace_id, contact_id)
        REFERENCES contacts (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT company_contacts_unique UNIQUE (workspace_id, company_id, contact_id)
);
CREATE INDEX company_contacts_contact ON company_contacts (workspace_id, contact_id);
CREATE UNIQUE INDEX company_contacts_one_primary ON company_contacts (workspace_id, contact_id) WHERE is_primary;

GRANT SELECT, INSERT, UPDATE, DELETE ON contacts TO crm_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON company_contacts TO crm_app;

ALTER TABLE contacts ENABLE ROW LEVEL SECURITY;
ALTER TABLE contacts FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON contacts
    USING (workspace_id = crm_workspace_id()) WITH CHECK (workspace_id = crm_workspace_id());

ALTER TABLE company_contacts ENABLE ROW LEVEL SECURITY;
ALTER TABLE company_contacts FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON company_contacts
    USING (workspace_id = crm_workspace_id()) WITH CHECK (workspace_id = crm_workspace_id());
