-- Contact relationships: seed 003's contact_relationships reconciled with our conventions (DESIGN.md section 6):
-- tenant_id becomes workspace_id, first in every key, and both contact references are composite foreign keys
-- (workspace_id, contact_id) so a relationship cannot reach another workspace's contact (FK checks bypass row-level
-- security); relationship_type keeps the seed's six lower_snake values; the seed's description is kept; its is_mutual
-- is dropped: the API shows every relationship from both contacts (reports_to seen from the other side is manages, the
-- other types read the same both ways), so one row is always mutual. The seed's ON DELETE CASCADE stays (a contact is
-- only ever soft-deleted by the API; a workspace's deletion removes both). The seed's unique key (contact, related,
-- type) is widened to the relationship's canonical form, so "A reports_to B" and its inverse "B manages A" (or "A
-- colleague B" and "B colleague A") are one relationship and cannot both be stored, even by concurrent requests.
CREATE TABLE contact_relationships (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    contact_id uuid NOT NULL,
    related_contact_id uuid NOT NULL,
    relationship_type text NOT NULL,
    description text,
    created_by uuid REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT contact_relationships_contact_fk FOREIGN KEY (workspace_id, contact_id)
        REFERENCES contacts (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT contact_relationships_related_contact_fk FOREIGN KEY (workspace_id, related_contact_id)
        REFERENCES contacts (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT contact_relationships_type_check
        CHECK (relationship_type IN ('reports_to', 'manages', 'colleague', 'partner', 'vendor', 'customer')),
    CONSTRAINT contact_relationships_no_self_reference CHECK (contact_id <> related_contact_id),
    CONSTRAINT contact_relationships_description_length CHECK (char_length(description) <= 2000),
    CONSTRAINT contact_relationships_unique UNIQUE (workspace_id, contact_id, related_contact_id, relationship_type)
);
-- One row per relationship in its canonical form: reports_to from the report's side (manages stored the other way
-- round), the symmetric types with the smaller contact id first.
CREATE UNIQUE INDEX contact_relationships_canonical_unique ON contact_relationships (
    workspace_id,
    (CASE relationship_type WHEN 'manages' THEN related_contact_id WHEN 'reports_to' THEN contact_id
        ELSE least(contact_id, related_contact_id) END),
    (CASE relationship_type WHEN 'manages' THEN contact_id WHEN 'reports_to' THEN related_contact_id
        ELSE greatest(contact_id, related_contact_id) END),
    (CASE relationship_type WHEN 'manages' THEN 'reports_to' ELSE relationship_type END));
CREATE INDEX contact_relationships_related_contact ON contact_relationships (workspace_id, related_contact_id);

GRANT SELECT, INSERT, DELETE ON contact_relationships TO crm_app;

ALTER TABLE contact_relationships ENABLE ROW LEVEL SECURITY;
ALTER TABLE contact_relationships FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON contact_relationships
    USING (workspace_id = crm_workspace_id()) WITH CHECK (workspace_id = crm_workspace_id());
