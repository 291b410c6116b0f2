-- Teams become a resource of the API (issue #3: "teams and team_members"). Seed 003's teams (name, description,
-- parent team, manager) were created in 0002; this adds what every API record has (created_by, updated_by, the
-- indexes lists page on) and makes names unique among live teams only, case-insensitively, so a deleted team's name
-- can be reused (as for territories).
ALTER TABLE teams
    ADD COLUMN created_by uuid REFERENCES users (id),
    ADD COLUMN updated_by uuid REFERENCES users (id);
ALTER TABLE teams DROP CONSTRAINT teams_name_unique;
CREATE UNIQUE INDEX teams_name_unique ON teams (workspace_id, lower(name)) WHERE deleted_at IS NULL;
CREATE INDEX teams_name ON teams (workspace_id, name, id);
CREATE INDEX teams_created_at ON teams (workspace_id, created_at, id);
CREATE INDEX teams_parent ON teams (workspace_id, parent_team_id);
CREATE INDEX team_members_team ON team_members (workspace_id, team_id, joined_at);

-- One backstop against cycles for every hierarchy of a workspace (teams, territories): the API checks before saving;
-- this catches two concurrent changes (A under B and B under A). Changes of one workspace's hierarchy take turns on an
-- advisory lock, and each checks the ancestors as committed before it. TG_ARGV[0] names the parent column. It
-- replaces 0010's territories-only function.
CREATE FUNCTION crm_hierarchy_no_cycle() RETURNS trigger
    LANGUAGE plpgsql
    AS $$
DECLARE
    parent_column text := TG_ARGV[0];
    parent_id uuid := (to_jsonb(NEW) ->> parent_column)::uuid;
    closes_cycle boolean;
BEGIN
    IF parent_id IS NULL THEN
        RETURN NEW;
    END IF;
    PERFORM pg_advisory_xact_lock(hashtextextended(TG_TABLE_NAME || ':' || NEW.workspace_id::text, 0));
    EXECUTE format(
        'WITH RECURSIVE ancestors (id, parent_id) AS (
             SELECT t.id, t.%1$I FROM %2$I.%3$I t WHERE t.workspace_id = $1 AND t.id = $2
             UNION
             SELECT t.id, t.%1$I FROM %2$I.%3$I t JOIN ancestors a ON t.workspace_id = $1 AND t.id = a.parent_id)
         SELECT EXISTS (SELECT 1 FROM ancestors WHERE id = $3)',
        parent_column, TG_TABLE_SCHEMA, TG_TABLE_NAME)
        INTO closes_cycle
        USING NEW.workspace_id, parent_id, NEW.id;
    IF closes_cycle THEN
        RAISE EXCEPTION '% % cannot be under its own descendant', TG_TABLE_NAME, NEW.id
            USING ERRCODE = 'check_violation', CONSTRAINT = TG_TABLE_NAME || '_no_cycle';
    END IF;
    RETURN NEW;
END
$$;

-- A new record has no descendants, so only a change of parent can close a cycle.
CREATE TRIGGER teams_no_cycle BEFORE UPDATE OF parent_team_id ON teams
    FOR EACH ROW EXECUTE FUNCTION crm_hierarchy_no_cycle('parent_team_id');

DROP TRIGGER territories_no_cycle ON territories;
DROP FUNCTION crm_territories_no_cycle();
CREATE TRIGGER territories_no_cycle BEFORE UPDATE OF parent_territory_id ON territories
    FOR EACH ROW EXECUTE FUNCTION crm_hierarchy_no_cycle('parent_territory_id');
