-- The PostgreSQL search index (issue #4, DESIGN.md section 8): the default backend of Crm.Search, and what Crm.Api
-- queries in-process when Crm.Search is down.
--
-- * search_documents holds one row per indexed record (Crm.Domain.Search.SearchDocument), written by the indexer from
--   the outbox. Its tsvector is built from text the application has already folded (lower case, no diacritics,
--   punctuation as spaces; SearchText.Fold), weighted A title, B keywords, C subtitle and tags, D body, with the
--   'simple' configuration: names are not stemmed.
-- * search_terms is each workspace's vocabulary (the lexemes of its documents) with a trigram index. A query word with
--   a typo ("smtih") is expanded to the vocabulary's words within its edit distance ("smith") before the tsquery is
--   built, so typo tolerance still runs on the GIN index. Terms are never removed when documents are: a stale term
--   only costs an alternative that matches nothing.
-- * Row-level security: a workspace session sees its own rows; the indexer (crm.worker = 'search', no workspace)
--   writes every workspace's. Queries go through the SECURITY DEFINER functions below, which filter by workspace
--   themselves and refuse any workspace but the session's: under row-level security the planner may not use the GIN
--   indexes for @@ and % (they are not leakproof) and a search of 100,000 documents took 31 ms instead of 3 ms.
--   The tables are therefore not FORCE'd, so that the functions' owner (the migrations' role) reads them directly.

CREATE TABLE search_documents (
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    type text NOT NULL,
    id uuid NOT NULL,
    title text NOT NULL,
    subtitle text,
    keywords text[] NOT NULL DEFAULT '{}',
    body text,
    owner_id uuid,
    stage_id uuid,
    tags text[] NOT NULL DEFAULT '{}',
    updated_at timestamptz NOT NULL,
    fingerprint text NOT NULL,
    search_vector tsvector NOT NULL,
    indexed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (workspace_id, type, id)
);
CREATE INDEX search_documents_vector ON search_documents USING gin (search_vector);

CREATE TABLE search_terms (
    workspace_id uuid NOT NULL REFERENCES workspaces (id) ON DELETE CASCADE,
    term text NOT NULL,
    PRIMARY KEY (workspace_id, term)
);
CREATE INDEX search_terms_trigrams ON search_terms USING gin (term gin_trgm_ops);

GRANT SELECT, INSERT, UPDATE, DELETE ON search_documents, search_terms TO crm_app;

ALTER TABLE search_documents ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON search_documents
    USING (workspace_id = crm_workspace_id()) WITH CHECK (workspace_id = crm_workspace_id());
CREATE POLICY search_indexer ON search_documents
    USING (crm_workspace_id() IS NULL AND current_setting('crm.worker', true) = 'search');

ALTER TABLE search_terms ENABLE ROW LEVEL SECURITY;
CREATE POLICY workspace_isolation ON search_terms
    USING (workspace_id = crm_workspace_id()) WITH CHECK (workspace_id = crm_workspace_id());
CREATE POLICY search_indexer ON search_terms
    USING (crm_workspace_id() IS NULL AND current_setting('crm.worker', true) = 'search');

-- The workspaces' ids, for the indexer's rebuild and consistency check, which load each workspace's records in a
-- session of that workspace: a worker session sees no workspace rows.
CREATE FUNCTION crm_search_workspaces() RETURNS SETOF uuid
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$ SELECT id FROM workspaces WHERE current_setting('crm.worker', true) = 'search' ORDER BY id $$;

-- The vocabulary words near each query token (trigram similarity), for the caller to keep those within the token's
-- edit distance. Transpositions ("jonh") share few trigrams with the word; the caller generates those itself.
CREATE FUNCTION crm_search_similar_terms(p_workspace uuid, p_tokens text[])
    RETURNS TABLE (token text, term text)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp SET pg_trgm.similarity_threshold = 0.3
    AS $$
        SELECT t.token, s.term
        FROM unnest(p_tokens) AS t (token)
        CROSS JOIN LATERAL (
            SELECT st.term FROM search_terms st
            WHERE st.workspace_id = p_workspace AND p_workspace = crm_workspace_id() AND st.term % t.token
            ORDER BY similarity(st.term, t.token) DESC, st.term
            LIMIT 30) s
    $$;

-- The documents of one workspace that match p_query and the filters, with their rank: p_query is every query word's
-- alternatives (prefix, typo corrections), p_exact the words as typed (prefixes); matching as typed ranks higher.
-- p_visible_owners is the caller's record scope: null for scope "all", else the owners whose records they may see.
CREATE FUNCTION crm_search_documents(
    p_workspace uuid, p_query tsquery, p_exact tsquery, p_types text[], p_owner uuid, p_stage uuid, p_tags text[],
    p_visible_owners uuid[])
    RETURNS TABLE (type text, id uuid, title text, subtitle text, keywords text[], body text, owner_id uuid,
                   stage_id uuid, tags text[], score double precision)
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp
    AS $$
        SELECT d.type, d.id, d.title, d.subtitle, d.keywords, d.body, d.owner_id, d.stage_id, d.tags,
               (ts_rank(d.search_vector, p_query) + ts_rank(d.search_vector, p_exact))::double precision
        FROM search_documents d
        WHERE d.workspace_id = p_workspace AND p_workspace = crm_workspace_id()
          AND d.search_vector @@ p_query
          AND (cardinality(p_types) = 0 OR d.type = ANY (p_types))
          AND (p_owner IS NULL OR d.owner_id = p_owner)
          AND (p_stage IS NULL OR d.stage_id = p_stage)
          AND d.tags @> p_tags
          AND (p_visible_owners IS NULL OR d.owner_id = ANY (p_visible_owners))
    $$;

REVOKE ALL ON FUNCTION crm_search_workspaces(), crm_search_similar_terms(uuid, text[]),
    crm_search_documents(uuid, tsquery, tsquery, text[], uuid, uuid, text[], uuid[]) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION crm_search_workspaces(), crm_search_similar_terms(uuid, text[]),
    crm_search_documents(uuid, tsquery, tsquery, text[], uuid, uuid, text[], uuid[]) TO crm_app;
