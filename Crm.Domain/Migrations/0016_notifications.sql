-- In-app notifications (issue #3: activities' reminders are delivered). A notification belongs to one member (user_id)
-- of one workspace. source_id is what caused it (the reminder), unique per kind and recipient, so delivering a reminder
-- twice (two replicas, a crash between insert and commit) still makes one notification. The seeds have no
-- notifications table; 003's activity_reminders.message is the body here.
CREATE TABLE notifications (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    kind text NOT NULL,
    title varchar(255) NOT NULL,
    body text,
    entity_type text,
    entity_id uuid,
    source_id uuid NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    read_at timestamptz,
    CONSTRAINT notifications_kind_check CHECK (kind IN ('reminder')),
    CONSTRAINT notifications_entity_pair CHECK ((entity_type IS NULL) = (entity_id IS NULL)),
    CONSTRAINT notifications_source_unique UNIQUE (workspace_id, kind, source_id, user_id)
);
-- A member's feed, newest first, and its unread part.
CREATE INDEX notifications_feed ON notifications (workspace_id, user_id, created_at DESC, id DESC);
CREATE INDEX notifications_unread ON notifications (workspace_id, user_id) WHERE read_at IS NULL;

GRANT SELECT, INSERT, UPDATE ON notifications TO crm_app;

ALTER TABLE notifications ENABLE ROW LEVEL SECURITY;
ALTER TABLE notifications FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON notifications
    USING (workspace_id = crm_workspace_id()) WITH CHECK (workspace_id = crm_workspace_id());

-- The reminder dispatcher finds the workspaces with due reminders before it acts for one: a connection acting for no
-- workspace that says it is the dispatcher (crm.worker, set per transaction) may read the pending reminders of every
-- workspace. It delivers them in a session of each workspace, under workspace_isolation like any request.
CREATE POLICY reminder_dispatch_finds ON activity_reminders FOR SELECT
    USING (crm_workspace_id() IS NULL AND current_setting('crm.worker', true) = 'reminders' AND status = 'pending');
-- Across workspaces the dispatcher looks for due reminders by time alone.
CREATE INDEX activity_reminders_due ON activity_reminders (remind_at) WHERE status = 'pending';
