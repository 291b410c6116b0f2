-- Activities, tasks, notes and comments: what happened, what is to be done and what was said about a contact, company,
-- deal or lead, and the timeline of each of those records.
--
-- activities: seed 003's activities, reconciled with seed 001's activity stream and seeds 000/002 (DESIGN.md section 6).
-- Kept from 003: type, subject, description, status, priority, scheduled/started/completed times, duration, location,
-- meeting URL, outcome and outcome notes, follow-up flag and date, custom_fields, owner_id, assigned_to, the four record
-- links with at least one set. Renamed: 003's account_id as company_id (as contacts did), due_date as due_at (it is a
-- timestamptz), follow_up_date as follow_up_at. Type: 003's list plus 002's 'deadline'. 001's event types become a type
-- plus a direction and a status ('call_made' is a completed outbound call, 'email_received' an inbound email); its system
-- events ('deal_won', 'contact_updated', 'note_added', 'task_completed', ...) are not activities: they are audit_logs
-- rows, deal stage history, notes and tasks. 001's title is subject, metadata is custom_fields, user_id is owner_id, and
-- its polymorphic entity_type/entity_id is the four explicit links (foreign keys that carry the workspace, which a
-- polymorphic id cannot). 001's and 000's occurred_at/timestamp is occurred_at, generated from the other times: the
-- moment an activity sits at on a timeline. 003's version is xmin (the ETag). 002's 'pending'/'overdue' statuses are
-- 'scheduled' (overdue is scheduled and past due_at, computed, not stored). Left out: tags (for tags/taggings), 001's
-- monthly partitioning (the timeline indexes lead with the workspace and the record; partition when volume calls for it).
CREATE TABLE activities (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    type text NOT NULL,
    subject varchar(255) NOT NULL,
    description text,
    status text NOT NULL DEFAULT 'scheduled',
    priority text NOT NULL DEFAULT 'medium',
    direction text,
    scheduled_at timestamptz,
    started_at timestamptz,
    completed_at timestamptz,
    due_at timestamptz,
    duration_minutes integer,
    location varchar(255),
    meeting_url varchar(500),
    outcome varchar(100),
    outcome_notes text,
    follow_up_required boolean NOT NULL DEFAULT false,
    follow_up_at timestamptz,
    custom_fields jsonb NOT NULL DEFAULT '{}',
    contact_id uuid,
    company_id uuid,
    deal_id uuid,
    lead_id uuid,
    owner_id uuid REFERENCES users (id),
    assigned_to uuid REFERENCES users (id),
    created_by uuid REFERENCES users (id),
    updated_by uuid REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    -- When it happened, or is to happen: completed, else started, else scheduled, else due, else logged.
    occurred_at timestamptz NOT NULL
        GENERATED ALWAYS AS (coalesce(completed_at, started_at, scheduled_at, due_at, created_at)) STORED,
    CONSTRAINT activities_workspace_id_id_unique UNIQUE (workspace_id, id),
    -- Foreign key checks bypass row-level security: every reference carries the workspace (see companies in 0004).
    CONSTRAINT activities_contact_fk FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id),
    CONSTRAINT activities_company_fk FOREIGN KEY (workspace_id, company_id) REFERENCES companies (workspace_id, id),
    CONSTRAINT activities_deal_fk FOREIGN KEY (workspace_id, deal_id) REFERENCES deals (workspace_id, id),
    CONSTRAINT activities_lead_fk FOREIGN KEY (workspace_id, lead_id) REFERENCES leads (workspace_id, id),
    CONSTRAINT activities_type_check CHECK (type IN (
        'call', 'email', 'meeting', 'task', 'note', 'demo', 'deadline', 'proposal', 'follow_up', 'other')),
    CONSTRAINT activities_status_check CHECK (status IN ('scheduled', 'in_progress', 'completed', 'cancelled', 'no_show')),
    CONSTRAINT activities_priority_check CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
    CONSTRAINT activities_direction_check CHECK (direction IN ('inbound', 'outbound')),
    CONSTRAINT activities_direction_of_call_or_email CHECK (direction IS NULL OR type IN ('call', 'email')),
    CONSTRAINT activities_completed_when_completed CHECK ((status = 'completed') = (completed_at IS NOT NULL)),
    CONSTRAINT activities_completed_after_started CHECK (completed_at >= started_at),
    CONSTRAINT activities_duration_positive CHECK (duration_minutes > 0),
    CONSTRAINT activities_meeting_url_format CHECK (meeting_url ~* '^https?://'),
    CONSTRAINT activities_follow_up_at_flagged CHECK (follow_up_at IS NULL OR follow_up_required),
    CONSTRAINT activities_custom_fields_object CHECK (jsonb_typeof(custom_fields) = 'object'),
    CONSTRAINT activities_linked
        CHECK (contact_id IS NOT NULL OR company_id IS NOT NULL OR deal_id IS NOT NULL OR lead_id IS NOT NULL)
);
-- The timelines (newest first, keyset on occurred_at and id) and the lists.
CREATE INDEX activities_contact_timeline ON activities (workspace_id, contact_id, occurred_at, id)
    WHERE deleted_at IS NULL AND contact_id IS NOT NULL;
CREATE INDEX activities_company_timeline ON activities (workspace_id, company_id, occurred_at, id)
    WHERE deleted_at IS NULL AND company_id IS NOT NULL;
CREATE INDEX activities_deal_timeline ON activities (workspace_id, deal_id, occurred_at, id)
    WHERE deleted_at IS NULL AND deal_id IS NOT NULL;
CREATE INDEX activities_lead_timeline ON activities (workspace_id, lead_id, occurred_at, id)
    WHERE deleted_at IS NULL AND lead_id IS NOT NULL;
CREATE INDEX activities_occurred_at ON activities (workspace_id, occurred_at, id);
CREATE INDEX activities_owner ON activities (workspace_id, owner_id, status);
CREATE INDEX activities_assigned_to ON activities (workspace_id, assigned_to, status);
CREATE INDEX activities_created_at ON activities (workspace_id, created_at, id);
CREATE INDEX activities_custom_fields ON activities USING gin (custom_fields);

-- Who takes part (seed 003's activity_participants): a member, a contact, or an external address. 003's polymorphic
-- participant_id is user_id or contact_id (so each is a real foreign key); 003's attendance_status is left out (whether
-- people came is the activity's outcome, and its status no_show), as are its notes and added_by.
CREATE TABLE activity_participants (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    activity_id uuid NOT NULL,
    participant_type text NOT NULL,
    user_id uuid REFERENCES users (id),
    contact_id uuid,
    email varchar(255),
    name varchar(200),
    role text NOT NULL DEFAULT 'attendee',
    response_status text NOT NULL DEFAULT 'pending',
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT activity_participants_activity_fk FOREIGN KEY (workspace_id, activity_id)
        REFERENCES activities (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT activity_participants_contact_fk FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id),
    CONSTRAINT activity_participants_type_check CHECK (participant_type IN ('user', 'contact', 'external')),
    CONSTRAINT activity_participants_role_check CHECK (role IN ('organizer', 'attendee', 'optional')),
    CONSTRAINT activity_participants_response_status_check
        CHECK (response_status IN ('pending', 'accepted', 'declined', 'tentative')),
    CONSTRAINT activity_participants_email_format CHECK (email ~* '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$'),
    CONSTRAINT activity_participants_identified CHECK (
        (participant_type = 'user' AND user_id IS NOT NULL AND contact_id IS NULL AND email IS NULL) OR
        (participant_type = 'contact' AND contact_id IS NOT NULL AND user_id IS NULL AND email IS NULL) OR
        (participant_type = 'external' AND email IS NOT NULL AND user_id IS NULL AND contact_id IS NULL))
);
CREATE UNIQUE INDEX activity_participants_user_unique ON activity_participants (workspace_id, activity_id, user_id)
    WHERE user_id IS NOT NULL;
CREATE UNIQUE INDEX activity_participants_contact_unique ON activity_participants (workspace_id, activity_id, contact_id)
    WHERE contact_id IS NOT NULL;
CREATE UNIQUE INDEX activity_participants_email_unique ON activity_participants (workspace_id, activity_id, lower(email))
    WHERE email IS NOT NULL;
CREATE INDEX activity_participants_contact ON activity_participants (workspace_id, contact_id) WHERE contact_id IS NOT NULL;
CREATE INDEX activity_participants_user ON activity_participants (workspace_id, user_id) WHERE user_id IS NOT NULL;

-- Reminders of an activity (seed 003's activity_reminders): minutes_before (003's offset_minutes) its scheduled time, or
-- its due time; remind_at (003's reminder_time) follows when the activity moves. 003's reminder_type is channel. They go
-- to a member (recipient_id); 003's recipient_email and message are left out (outsiders get invitations, not reminders).
CREATE TABLE activity_reminders (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    activity_id uuid NOT NULL,
    channel text NOT NULL DEFAULT 'email',
    minutes_before integer NOT NULL,
    remind_at timestamptz NOT NULL,
    recipient_id uuid NOT NULL REFERENCES users (id),
    status text NOT NULL DEFAULT 'pending',
    sent_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT activity_reminders_activity_fk FOREIGN KEY (workspace_id, activity_id)
        REFERENCES activities (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT activity_reminders_unique UNIQUE (workspace_id, activity_id, channel, minutes_before, recipient_id),
    CONSTRAINT activity_reminders_channel_check CHECK (channel IN ('email', 'sms', 'push', 'desktop')),
    CONSTRAINT activity_reminders_status_check CHECK (status IN ('pending', 'sent', 'failed', 'cancelled')),
    CONSTRAINT activity_reminders_sent_when_sent CHECK ((status = 'sent') = (sent_at IS NOT NULL)),
    CONSTRAINT activity_reminders_minutes_before_positive CHECK (minutes_before > 0)
);
-- What a sender will look for: the pending reminders that are due.
CREATE INDEX activity_reminders_pending ON activity_reminders (workspace_id, remind_at) WHERE status = 'pending';

-- tasks: seed 001's tasks (title, description, type, priority, status, assigned_to/by, reminder_minutes, completion,
-- recurrence_rule, recurrence_parent_id, contact/company/deal links) with a lead link as activities have. 001's due_date
-- and due_time are one due_at timestamptz: a date and a time without a zone mean different instants to members in
-- different zones, and one instant sorts, pages, filters and computes the reminder (due_at - reminder_minutes) without
-- one. recurrence_parent_id is the occurrence this one follows (a chain, at most one next occurrence per task, which
-- is what makes completing a task twice create one next occurrence); occurrence numbers them for the rule's count. 002's
-- and 004's user_id is created_by; 004's customer_id is contact_id.
CREATE TABLE tasks (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    title varchar(255) NOT NULL,
    description text,
    type text NOT NULL DEFAULT 'task',
    priority text NOT NULL DEFAULT 'medium',
    status text NOT NULL DEFAULT 'pending',
    due_at timestamptz,
    reminder_minutes integer,
    assigned_to uuid NOT NULL REFERENCES users (id),
    assigned_by uuid REFERENCES users (id),
    completed_at timestamptz,
    completed_by uuid REFERENCES users (id),
    recurrence_rule jsonb,
    recurrence_parent_id uuid,
    occurrence integer NOT NULL DEFAULT 1,
    contact_id uuid,
    company_id uuid,
    deal_id uuid,
    lead_id uuid,
    created_by uuid REFERENCES users (id),
    updated_by uuid REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    CONSTRAINT tasks_workspace_id_id_unique UNIQUE (workspace_id, id),
    CONSTRAINT tasks_contact_fk FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id),
    CONSTRAINT tasks_company_fk FOREIGN KEY (workspace_id, company_id) REFERENCES companies (workspace_id, id),
    CONSTRAINT tasks_deal_fk FOREIGN KEY (workspace_id, deal_id) REFERENCES deals (workspace_id, id),
    CONSTRAINT tasks_lead_fk FOREIGN KEY (workspace_id, lead_id) REFERENCES leads (workspace_id, id),
    CONSTRAINT tasks_recurrence_parent_fk FOREIGN KEY (workspace_id, recurrence_parent_id) REFERENCES tasks (workspace_id, id),
    CONSTRAINT tasks_one_next_occurrence UNIQUE (workspace_id, recurrence_parent_id),
    CONSTRAINT tasks_type_check CHECK (type IN ('task', 'call', 'email', 'meeting')),
    CONSTRAINT tasks_priority_check CHECK (priority IN ('low', 'medium', 'high', 'urgent')),
    CONSTRAINT tasks_status_check CHECK (status IN ('pending', 'in_progress', 'completed', 'cancelled')),
    CONSTRAINT tasks_completed_when_completed
        CHECK ((status = 'completed') = (completed_at IS NOT NULL AND completed_by IS NOT NULL)),
    CONSTRAINT tasks_reminder_minutes_positive CHECK (reminder_minutes > 0),
    CONSTRAINT tasks_reminder_needs_due CHECK (reminder_minutes IS NULL OR due_at IS NOT NULL),
    CONSTRAINT tasks_recurrence_rule_shape CHECK (recurrence_rule IS NULL OR (
        jsonb_typeof(recurrence_rule) = 'object'
        AND recurrence_rule ->> 'frequency' IN ('daily', 'weekly', 'monthly', 'yearly')
        AND jsonb_typeof(recurrence_rule -> 'interval') = 'number' AND (recurrence_rule ->> 'interval')::numeric >= 1)),
    CONSTRAINT tasks_recurrence_needs_due CHECK (recurrence_rule IS NULL OR due_at IS NOT NULL),
    CONSTRAINT tasks_occurrence_positive CHECK (occurrence >= 1)
);
CREATE INDEX tasks_assigned_to ON tasks (workspace_id, assigned_to, status, due_at);
CREATE INDEX tasks_due_at ON tasks (workspace_id, due_at, id);
CREATE INDEX tasks_created_at ON tasks (workspace_id, created_at, id);
CREATE INDEX tasks_contact ON tasks (workspace_id, contact_id) WHERE contact_id IS NOT NULL;
CREATE INDEX tasks_company ON tasks (workspace_id, company_id) WHERE company_id IS NOT NULL;
CREATE INDEX tasks_deal ON tasks (workspace_id, deal_id) WHERE deal_id IS NOT NULL;
CREATE INDEX tasks_lead ON tasks (workspace_id, lead_id) WHERE lead_id IS NOT NULL;

-- notes: seed 001's notes. Its polymorphic entity_type/entity_id is the explicit links (at least one), with a lead link
-- as activities have; notes on tasks are comments. content is markdown, rendered by clients: 001's content_html is left
-- out (a stored rendering goes stale and is a place for markup to hide). mentions are members of the workspace (checked
-- by the API). owner_id, as on every business record, is who answers for the note (its author unless reassigned). 001's
-- full-text index is the search service's (DESIGN.md section 8).
CREATE TABLE notes (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    content text NOT NULL,
    is_pinned boolean NOT NULL DEFAULT false,
    mentions uuid[] NOT NULL DEFAULT '{}',
    contact_id uuid,
    company_id uuid,
    deal_id uuid,
    lead_id uuid,
    owner_id uuid REFERENCES users (id),
    created_by uuid REFERENCES users (id),
    updated_by uuid REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    CONSTRAINT notes_workspace_id_id_unique UNIQUE (workspace_id, id),
    CONSTRAINT notes_contact_fk FOREIGN KEY (workspace_id, contact_id) REFERENCES contacts (workspace_id, id),
    CONSTRAINT notes_company_fk FOREIGN KEY (workspace_id, company_id) REFERENCES companies (workspace_id, id),
    CONSTRAINT notes_deal_fk FOREIGN KEY (workspace_id, deal_id) REFERENCES deals (workspace_id, id),
    CONSTRAINT notes_lead_fk FOREIGN KEY (workspace_id, lead_id) REFERENCES leads (workspace_id, id),
    CONSTRAINT notes_content_length CHECK (char_length(content) BETWEEN 1 AND 20000),
    CONSTRAINT notes_linked
        CHECK (contact_id IS NOT NULL OR company_id IS NOT NULL OR deal_id IS NOT NULL OR lead_id IS NOT NULL)
);
CREATE INDEX notes_contact_timeline ON notes (workspace_id, contact_id, created_at, id)
    WHERE deleted_at IS NULL AND contact_id IS NOT NULL;
CREATE INDEX notes_company_timeline ON notes (workspace_id, company_id, created_at, id)
    WHERE deleted_at IS NULL AND company_id IS NOT NULL;
CREATE INDEX notes_deal_timeline ON notes (workspace_id, deal_id, created_at, id)
    WHERE deleted_at IS NULL AND deal_id IS NOT NULL;
CREATE INDEX notes_lead_timeline ON notes (workspace_id, lead_id, created_at, id)
    WHERE deleted_at IS NULL AND lead_id IS NOT NULL;
CREATE INDEX notes_created_at ON notes (workspace_id, created_at, id);
CREATE INDEX notes_owner ON notes (workspace_id, owner_id);

-- comments: seed 001's comments, on a note, task, activity or deal (001's 'email' waits for emails). The target is
-- polymorphic, so the API checks it exists in the workspace; a reply's parent is a comment on the same target, which the
-- foreign key below enforces by carrying the target. reactions is {"👍": [user ids]}. Edited only by the author.
CREATE TABLE comments (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    entity_type text NOT NULL,
    entity_id uuid NOT NULL,
    parent_comment_id uuid,
    content text NOT NULL,
    mentions uuid[] NOT NULL DEFAULT '{}',
    reactions jsonb NOT NULL DEFAULT '{}',
    created_by uuid NOT NULL REFERENCES users (id),
    updated_by uuid REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    deleted_at timestamptz,
    CONSTRAINT comments_target_unique UNIQUE (workspace_id, id, entity_type, entity_id),
    CONSTRAINT comments_parent_fk FOREIGN KEY (workspace_id, parent_comment_id, entity_type, entity_id)
        REFERENCES comments (workspace_id, id, entity_type, entity_id),
    CONSTRAINT comments_entity_type_check CHECK (entity_type IN ('note', 'task', 'activity', 'deal')),
    CONSTRAINT comments_not_own_parent CHECK (id <> parent_comment_id),
    CONSTRAINT comments_content_length CHECK (char_length(content) BETWEEN 1 AND 10000),
    CONSTRAINT comments_reactions_object CHECK (jsonb_typeof(reactions) = 'object')
);
CREATE INDEX comments_target ON comments (workspace_id, entity_type, entity_id, created_at, id);

GRANT SELECT, INSERT, UPDATE, DELETE ON activities, activity_participants, activity_reminders, tasks, notes, comments TO crm_app;

ALTER TABLE activities ENABLE ROW LEVEL SECURITY;
ALTER TABLE activities FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON activities
    USING (workspace_id = crm_workspace_id()) WITH CHECK (workspace_id = crm_workspace_id());

ALTER TABLE activity_participants ENABLE ROW LEVEL SECURITY;
ALTER TABLE activity_participants FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON activity_participants
    USING (workspace_id = crm_workspace_id()) WITH CHECK (workspace_id = crm_workspace_id());

ALTER TABLE activity_reminders ENABLE ROW LEVEL SECURITY;
ALTER TABLE activity_reminders FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON activity_reminders
    USING (workspace_id = crm_workspace_id()) WITH CHECK (workspace_id = crm_workspace_id());

ALTER TABLE tasks ENABLE ROW LEVEL SECURITY;
ALTER TABLE tasks FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON tasks
    USING (workspace_id = crm_workspace_id()) WITH CHECK (workspace_id = crm_workspace_id());

ALTER TABLE notes ENABLE ROW LEVEL SECURITY;
ALTER TABLE notes FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON notes
    USING (workspace_id = crm_workspace_id()) WITH CHECK (workspace_id = crm_workspace_id());

ALTER TABLE comments ENABLE ROW LEVEL SECURITY;
ALTER TABLE comments FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON comments
    USING (workspace_id = crm_workspace_id()) WITH CHECK (workspace_id = crm_workspace_id());
