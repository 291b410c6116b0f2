-- The AI worker's results (issue #5, DESIGN.md section 9). Every table is a workspace's, under the same forced
-- row-level security as the records: the worker acts in one workspace's session at a time.
--
-- * embeddings: one vector per record (contact, company, lead, deal), with the model that made it and a hash of the
--   text it was made from, so a changed record or a changed model re-embeds and vectors of two models never meet in one
--   query. The column has no fixed dimension (the local model has 100, a remote one 768 or 1,536); each dimension gets
--   its own HNSW expression index over vector(n), made by crm_ai_ensure_vector_index when a model first stores one.
--   Queries filter on dimensions and cast to vector(n) so that the planner uses that index.
-- * ai_models: seeds 001 and 003's model registry: every trained model, versioned per workspace and type, with its
--   features, learned parameters and held-out metrics; at most one is deployed per workspace and type.
-- * ai_predictions: seed 003's predictions, the current one per record and kind (history lives in
--   lead_score_history for scores). model_id is null for the cold-start rules, which are no trained model.
-- * ai_tasks: seed 001's ai_tasks, every AI operation with its status, model, tokens, cost and duration; also the
--   durable queue of operations to retry when a provider is down (run_after, attempts), which the worker's own session
--   may read across workspaces (policy ai_worker_due_tasks).
-- * customer_segments and customer_segment_members: seed 000's customer_segments with its churn risk and opportunity
--   scores, for RFM segments and k-means clusters; a segment keeps its id across refreshes (unique by kind and key).
-- * ai_summaries: a record's timeline summary (seed 000's ai_summary, ai_summary_generated_at, ai_summary_model) with
--   the hash of the timeline it summarises: a changed timeline makes it stale.
-- * ai_forecasts: the latest won-revenue forecast per workspace.

CREATE TABLE embeddings (
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    entity_type text NOT NULL,
    entity_id uuid NOT NULL,
    model varchar(200) NOT NULL,
    dimensions integer NOT NULL,
    content_hash text NOT NULL,
    embedding vector NOT NULL,
    embedded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, entity_type, entity_id),
    CONSTRAINT embeddings_entity_type_check CHECK (entity_type IN ('contact', 'company', 'lead', 'deal')),
    CONSTRAINT embeddings_dimensions_check CHECK (dimensions BETWEEN 1 AND 2000 AND vector_dims(embedding) = dimensions)
);
CREATE INDEX embeddings_model ON embeddings (workspace_id, model);
CREATE INDEX embeddings_hnsw_100 ON embeddings USING hnsw ((embedding::vector(100)) vector_cosine_ops) WHERE dimensions = 100;

-- Creates the HNSW index for vectors of one more dimension (a remote embedding model). SECURITY DEFINER: the services'
-- login owns no table and may not create indexes.
CREATE FUNCTION crm_ai_ensure_vector_index(dims integer) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = public
    AS $$
BEGIN
    IF dims IS NULL OR dims < 1 OR dims > 2000 THEN
        RAISE EXCEPTION 'vector dimensions must be between 1 and 2000, not %', dims;
    END IF;
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON embeddings USING hnsw ((embedding::vector(%s)) vector_cosine_ops) WHERE dimensions = %s',
                   'embeddings_hnsw_' || dims, dims, dims);
END $$;

CREATE TABLE ai_models (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    model_type text NOT NULL,
    version integer NOT NULL,
    algorithm text NOT NULL,
    status text NOT NULL,
    features jsonb NOT NULL DEFAULT '[]',
    hyperparameters jsonb NOT NULL DEFAULT '{}',
    parameters jsonb NOT NULL DEFAULT '{}',
    metrics jsonb NOT NULL DEFAULT '{}',
    training_rows integer NOT NULL DEFAULT 0,
    notes text,
    trained_at timestamptz,
    deployed_at timestamptz,
    retired_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT ai_models_workspace_id_id_unique UNIQUE (workspace_id, id),
    CONSTRAINT ai_models_version_unique UNIQUE (workspace_id, model_type, version),
    CONSTRAINT ai_models_type_check CHECK (model_type IN ('lead_scoring', 'deal_win')),
    CONSTRAINT ai_models_algorithm_check CHECK (algorithm IN ('logistic_regression', 'gradient_boosting')),
    CONSTRAINT ai_models_status_check CHECK (status IN ('trained', 'deployed', 'rejected', 'retired', 'failed')),
    CONSTRAINT ai_models_deployed_when_deployed CHECK (status <> 'deployed' OR (deployed_at IS NOT NULL AND retired_at IS NULL)),
    CONSTRAINT ai_models_retired_when_retired CHECK ((status = 'retired') = (retired_at IS NOT NULL))
);
CREATE UNIQUE INDEX ai_models_one_deployed ON ai_models (workspace_id, model_type) WHERE status = 'deployed';

CREATE TABLE ai_predictions (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    model_id uuid,
    model varchar(200) NOT NULL,
    entity_type text NOT NULL,
    entity_id uuid NOT NULL,
    prediction_type text NOT NULL,
    score numeric(9, 4) NOT NULL,
    confidence numeric(5, 4) NOT NULL,
    value jsonb NOT NULL DEFAULT '{}',
    factors jsonb NOT NULL DEFAULT '[]',
    features jsonb NOT NULL DEFAULT '{}',
    predicted_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT ai_predictions_model_fk FOREIGN KEY (workspace_id, model_id) REFERENCES ai_models (workspace_id, id),
    CONSTRAINT ai_predictions_current UNIQUE (workspace_id, entity_type, entity_id, prediction_type),
    CONSTRAINT ai_predictions_entity_type_check CHECK (entity_type IN ('contact', 'company', 'lead', 'deal')),
    CONSTRAINT ai_predictions_type_check CHECK (prediction_type IN ('lead_score', 'deal_win')),
    CONSTRAINT ai_predictions_confidence_range CHECK (confidence BETWEEN 0 AND 1),
    CONSTRAINT ai_predictions_factors_array CHECK (jsonb_typeof(factors) = 'array')
);
CREATE INDEX ai_predictions_model ON ai_predictions (workspace_id, model_id);

CREATE TABLE ai_tasks (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    type text NOT NULL,
    status text NOT NULL DEFAULT 'pending',
    entity_type text,
    entity_id uuid,
    input jsonb NOT NULL DEFAULT '{}',
    output jsonb,
    model_provider varchar(50),
    model_name varchar(200),
    input_tokens integer,
    output_tokens integer,
    cost_cents numeric(12, 4),
    duration_ms integer,
    error_message text,
    attempts integer NOT NULL DEFAULT 0,
    run_after timestamptz NOT NULL DEFAULT now(),
    user_id uuid REFERENCES users (id),
    created_at timestamptz NOT NULL DEFAULT now(),
    started_at timestamptz,
    completed_at timestamptz,
    CONSTRAINT ai_tasks_type_check CHECK (type IN
        ('embedding', 'lead_scoring', 'model_training', 'segmentation', 'summarization', 'forecast')),
    CONSTRAINT ai_tasks_status_check CHECK (status IN ('pending', 'processing', 'completed', 'failed', 'cancelled')),
    CONSTRAINT ai_tasks_completed_when_done CHECK ((status IN ('completed', 'failed', 'cancelled')) = (completed_at IS NOT NULL))
);
CREATE INDEX ai_tasks_created ON ai_tasks (workspace_id, created_at DESC);
CREATE INDEX ai_tasks_due ON ai_tasks (run_after) WHERE status = 'pending';
CREATE UNIQUE INDEX ai_tasks_one_pending_per_entity ON ai_tasks (workspace_id, type, entity_type, entity_id) WHERE status = 'pending';

CREATE TABLE customer_segments (
    id uuid PRIMARY KEY,
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    segment_type text NOT NULL,
    key varchar(100) NOT NULL,
    name varchar(255) NOT NULL,
    description text,
    criteria jsonb NOT NULL DEFAULT '{}',
    criteria_description text,
    customer_count integer NOT NULL DEFAULT 0,
    total_deal_value numeric(15, 2) NOT NULL DEFAULT 0,
    avg_deal_value numeric(15, 2) NOT NULL DEFAULT 0,
    conversion_rate numeric(5, 4) NOT NULL DEFAULT 0,
    insights jsonb NOT NULL DEFAULT '{}',
    risk_score numeric(5, 4) NOT NULL DEFAULT 0,
    opportunity_score numeric(5, 4) NOT NULL DEFAULT 0,
    is_active boolean NOT NULL DEFAULT true,
    refreshed_at timestamptz NOT NULL DEFAULT now(),
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT customer_segments_workspace_id_id_unique UNIQUE (workspace_id, id),
    CONSTRAINT customer_segments_key_unique UNIQUE (workspace_id, segment_type, key),
    CONSTRAINT customer_segments_type_check CHECK (segment_type IN ('rfm', 'behavioral')),
    CONSTRAINT customer_segments_scores_range CHECK (risk_score BETWEEN 0 AND 1 AND opportunity_score BETWEEN 0 AND 1
        AND conversion_rate BETWEEN 0 AND 1)
);
CREATE INDEX customer_segments_criteria ON customer_segments USING gin (criteria);

CREATE TABLE customer_segment_members (
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    segment_id uuid NOT NULL,
    entity_type text NOT NULL,
    entity_id uuid NOT NULL,
    churn_risk numeric(5, 4) NOT NULL,
    opportunity_score numeric(5, 4) NOT NULL,
    features jsonb NOT NULL DEFAULT '{}',
    assigned_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, segment_id, entity_type, entity_id),
    CONSTRAINT customer_segment_members_segment_fk FOREIGN KEY (workspace_id, segment_id)
        REFERENCES customer_segments (workspace_id, id) ON DELETE CASCADE,
    CONSTRAINT customer_segment_members_entity_type_check CHECK (entity_type IN ('company', 'contact')),
    CONSTRAINT customer_segment_members_scores_range CHECK (churn_risk BETWEEN 0 AND 1 AND opportunity_score BETWEEN 0 AND 1)
);
CREATE INDEX customer_segment_members_entity ON customer_segment_members (workspace_id, entity_type, entity_id);

CREATE TABLE ai_summaries (
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    entity_type text NOT NULL,
    entity_id uuid NOT NULL,
    summary text NOT NULL,
    key_facts jsonb NOT NULL DEFAULT '[]',
    keyphrases jsonb NOT NULL DEFAULT '[]',
    method text NOT NULL,
    model varchar(200) NOT NULL,
    timeline_hash text NOT NULL,
    timeline_entries integer NOT NULL,
    generated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (workspace_id, entity_type, entity_id),
    CONSTRAINT ai_summaries_entity_type_check CHECK (entity_type IN ('contact', 'company', 'deal', 'lead')),
    CONSTRAINT ai_summaries_method_check CHECK (method IN ('llm', 'extractive'))
);

CREATE TABLE ai_forecasts (
    workspace_id uuid PRIMARY KEY REFERENCES workspaces (id) ON DELETE CASCADE,
    currency char(3) NOT NULL,
    method varchar(100) NOT NULL,
    history jsonb NOT NULL,
    forecast jsonb NOT NULL,
    metrics jsonb NOT NULL DEFAULT '{}',
    generated_at timestamptz NOT NULL DEFAULT now()
);

-- The workspaces the AI worker's scheduled jobs visit: only for its own session (crm.worker = 'ai', no workspace).
CREATE FUNCTION crm_ai_workspaces() RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public
    AS $$ SELECT id FROM workspaces WHERE current_setting('crm.worker', true) = 'ai' AND crm_workspace_id() IS NULL ORDER BY id $$;

GRANT SELECT, INSERT, UPDATE, DELETE ON embeddings, ai_models, ai_predictions, ai_tasks, customer_segments,
    customer_segment_members, ai_summaries, ai_forecasts TO crm_app;
REVOKE ALL ON FUNCTION crm_ai_ensure_vector_index(integer), crm_ai_workspaces() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION crm_ai_ensure_vector_index(integer), crm_ai_workspaces() TO crm_app;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['embeddings', 'ai_models', 'ai_predictions', 'ai_tasks', 'customer_segments',
                             'customer_segment_members', 'ai_summaries', 'ai_forecasts']
    LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY workspace_isolation ON %I USING (workspace_id = crm_workspace_id()) WITH CHECK (workspace_id = crm_workspace_id())', t);
    END LOOP;
END $$;

-- The worker's own session (crm.worker = 'ai', no workspace) finds the due retries of every workspace; it then handles
-- each in that workspace's session.
CREATE POLICY ai_worker_due_tasks ON ai_tasks FOR SELECT
    USING (crm_workspace_id() IS NULL AND current_setting('crm.worker', true) = 'ai');
