-- Identity and access (issue #3): sign-in sessions with rotating refresh tokens, API keys, and member invitations.
--
-- user_sessions reconciles seed 003's user_sessions with seed 002's sessions: tenant_id is workspace_id; 002's
-- is_revoked/revoked_at/revoked_reason and 003's is_active become revoked_at + revoked_reason (a session is active while
-- revoked_at is empty and expires_at is ahead); 003's last_activity_at is last_used_at; ip_address and user_agent are
-- kept (nullable: a request may come without either). 003's session_id and 002's token are not stored: the refresh token
-- is a secret, so only the SHA-256 of its current secret is (refresh_token_hash), with refresh_count counting rotations;
-- the session row itself is the token family that reuse detection revokes. 002's device_type/browser/os and 003's
-- device_info/location_info are left out: nothing parses user agents or locates addresses yet.
--
-- api_keys (DESIGN.md section 7: hashed, scoped; no seed has them): the SHA-256 of a 256-bit secret, never the secret;
-- key_prefix is what users see to tell keys apart. The key acts as its creator with at most role and only its scopes.
--
-- member_invitations: seed 001's workspace_members.invited_by/invited_at say who invited whom; an invitation is for an
-- email that may have no user yet, so it has its own table with a hashed single-use token and an expiry, and the
-- membership row is created when it is accepted.
--
-- Roles: seed 003's roles/user_roles (custom roles per tenant) are not created; the six built-in roles and their
-- permissions are defined once in code (Crm.Api, Infrastructure/Access/Roles.cs). workspace_members.permissions (0002)
-- stays for permissions on top of a role, which nothing grants yet.

CREATE TABLE user_sessions (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    user_id uuid NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    refresh_token_hash bytea NOT NULL,
    refresh_count integer NOT NULL DEFAULT 0,
    ip_address inet,
    user_agent varchar(500),
    created_at timestamptz NOT NULL DEFAULT now(),
    last_used_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    revoked_at timestamptz,
    revoked_reason text,
    CONSTRAINT user_sessions_workspace_id_id_unique UNIQUE (workspace_id, id),
    CONSTRAINT user_sessions_refresh_token_hash_length CHECK (octet_length(refresh_token_hash) = 32),
    CONSTRAINT user_sessions_refresh_count_non_negative CHECK (refresh_count >= 0),
    CONSTRAINT user_sessions_revoked_reason_check CHECK (revoked_reason IN (
        'logout', 'revoked', 'other_sessions_revoked', 'refresh_token_reused', 'member_removed')),
    CONSTRAINT user_sessions_revoked_with_reason CHECK ((revoked_at IS NULL) = (revoked_reason IS NULL))
);
CREATE INDEX user_sessions_workspace_user ON user_sessions (workspace_id, user_id);
-- A user lists and revokes their sessions of every workspace (policies own_sessions below), as 0002's
-- workspace_members_user_id serves own_memberships.
CREATE INDEX user_sessions_user_id ON user_sessions (user_id, last_used_at DESC);

CREATE TABLE api_keys (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    name varchar(100) NOT NULL,
    key_prefix varchar(16) NOT NULL,
    key_hash bytea NOT NULL,
    scopes text[] NOT NULL,
    role text NOT NULL,
    created_by uuid NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz,
    last_used_at timestamptz,
    revoked_at timestamptz,
    revoked_by uuid REFERENCES users (id),
    CONSTRAINT api_keys_workspace_id_id_unique UNIQUE (workspace_id, id),
    CONSTRAINT api_keys_key_hash_unique UNIQUE (workspace_id, key_hash),
    CONSTRAINT api_keys_key_hash_length CHECK (octet_length(key_hash) = 32),
    CONSTRAINT api_keys_name_not_blank CHECK (btrim(name) <> ''),
    CONSTRAINT api_keys_scopes_check CHECK (cardinality(scopes) > 0 AND scopes <@ ARRAY['read', 'write']::text[]),
    CONSTRAINT api_keys_role_check
        CHECK (role IN ('owner', 'admin', 'manager', 'sales_rep', 'support_agent', 'viewer'))
);
CREATE INDEX api_keys_created_at ON api_keys (workspace_id, created_at, id);

-- The audit trail names the key a change was made with; the reference carries the workspace (see teams in 0002).
ALTER TABLE audit_logs ADD CONSTRAINT audit_logs_actor_api_key_fk
    FOREIGN KEY (workspace_id, actor_api_key_id) REFERENCES api_keys (workspace_id, id);

CREATE TABLE member_invitations (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    email varchar(256) NOT NULL,
    role text NOT NULL,
    record_scope text NOT NULL,
    token_hash bytea NOT NULL,
    invited_by uuid NOT NULL REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL,
    accepted_at timestamptz,
    accepted_by uuid REFERENCES users (id),
    revoked_at timestamptz,
    CONSTRAINT member_invitations_workspace_id_id_unique UNIQUE (workspace_id, id),
    CONSTRAINT member_invitations_token_hash_unique UNIQUE (workspace_id, token_hash),
    CONSTRAINT member_invitations_token_hash_length CHECK (octet_length(token_hash) = 32),
    CONSTRAINT member_invitations_email_format CHECK (email ~* '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$'),
    CONSTRAINT member_invitations_role_check
        CHECK (role IN ('owner', 'admin', 'manager', 'sales_rep', 'support_agent', 'viewer')),
    CONSTRAINT member_invitations_record_scope_check CHECK (record_scope IN ('all', 'team', 'own')),
    CONSTRAINT member_invitations_accepted_by_whom CHECK ((accepted_at IS NULL) = (accepted_by IS NULL)),
    CONSTRAINT member_invitations_accepted_or_revoked CHECK (accepted_at IS NULL OR revoked_at IS NULL)
);
-- Pending invitations by email: a new invitation to the same address replaces the pending one.
CREATE INDEX member_invitations_pending_email ON member_invitations (workspace_id, lower(email))
    WHERE accepted_at IS NULL AND revoked_at IS NULL;
CREATE INDEX member_invitations_created_at ON member_invitations (workspace_id, created_at, id);

-- The events of sessions, API keys and membership changes.
ALTER TABLE security_logs DROP CONSTRAINT security_logs_event_type_check;
ALTER TABLE security_logs ADD CONSTRAINT security_logs_event_type_check CHECK (event_type IN (
    'login_success', 'login_failed', 'logout', 'token_refreshed', 'password_changed', 'password_reset',
    'account_locked', 'permission_denied', 'api_key_created', 'api_key_revoked', 'suspicious_activity',
    'session_revoked', 'api_key_rejected', 'member_invited', 'invitation_revoked', 'member_joined', 'member_updated',
    'member_removed'));

GRANT SELECT, INSERT, UPDATE ON user_sessions, api_keys, member_invitations TO crm_app;

ALTER TABLE user_sessions ENABLE ROW LEVEL SECURITY;
ALTER TABLE user_sessions FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON user_sessions
    USING (workspace_id = crm_workspace_id()) WITH CHECK (workspace_id = crm_workspace_id());
-- A user sees and revokes their own sessions in every workspace (never creates one outside the session's workspace).
CREATE POLICY own_sessions ON user_sessions FOR SELECT
    USING (user_id = crm_user_id());
CREATE POLICY own_sessions_revoke ON user_sessions FOR UPDATE
    USING (user_id = crm_user_id()) WITH CHECK (user_id = crm_user_id());

-- API keys and invitations are found by the workspace their token names (Crm.Api's WorkspaceSecrets): no exception to
-- workspace isolation is needed to authenticate a key or accept an invitation.
ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON api_keys
    USING (workspace_id = crm_workspace_id()) WITH CHECK (workspace_id = crm_workspace_id());

ALTER TABLE member_invitations ENABLE ROW LEVEL SECURITY;
ALTER TABLE member_invitations FORCE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON member_invitations
    USING (workspace_id = crm_workspace_id()) WITH CHECK (workspace_id = crm_workspace_id());
