-- Stored lower-case keys for the case-insensitive lookups of imports and lead conversion (contacts and leads by email,
-- companies by domain), with the indexes moved onto them.
--
-- The old indexes were expression indexes on lower(email) and lower(domain). A query as the services' login runs under
-- forced row-level security, and PostgreSQL only evaluates a condition below the policy's qual (as an index condition)
-- when its functions are LEAKPROOF; lower() is not. So `lower(email) = ANY(@keys)` read every live contact of the
-- workspace instead of using contacts_email_unique: 1.5 s per 1,000-row import chunk at 1M contacts, against 2-3 ms
-- through the index (bench/README.md, "Import vs raw COPY"). On a generated column the comparison is plain text
-- equality, which is leakproof, so `email_key = ANY(@keys)` is an index condition under the policy too.
--
-- The indexes keep their names: a unique violation still names contacts_email_unique or companies_domain_unique, which
-- the API maps to its 409s. Their WHERE clauses test the key instead of email (the same rows: lower is strict), because
-- the planner uses a partial index only when the query implies its predicate, and email_key = ANY(@keys) implies
-- email_key IS NOT NULL but, for all the planner knows, nothing about email. The application never writes the key columns (EF maps them
-- as computed, and the staged COPY of imports leaves computed columns out).

ALTER TABLE contacts ADD COLUMN email_key text GENERATED ALWAYS AS (lower(email)) STORED;
DROP INDEX contacts_email_unique;
CREATE UNIQUE INDEX contacts_email_unique ON contacts (workspace_id, email_key)
    WHERE deleted_at IS NULL AND email_key IS NOT NULL;

ALTER TABLE companies ADD COLUMN domain_key text GENERATED ALWAYS AS (lower(domain)) STORED;
DROP INDEX companies_domain_unique;
CREATE UNIQUE INDEX companies_domain_unique ON companies (workspace_id, domain_key)
    WHERE deleted_at IS NULL AND domain_key IS NOT NULL;

ALTER TABLE leads ADD COLUMN email_key text GENERATED ALWAYS AS (lower(email)) STORED;
DROP INDEX leads_email;
CREATE INDEX leads_email ON leads (workspace_id, email_key) WHERE deleted_at IS NULL AND email_key IS NOT NULL;
