-- Statistics for a bulk write inside its own transaction (issue #7: the demo workspace at 100,000 and 1,000,000
-- contacts, bench/datagen.sh). Rows a transaction has written are invisible to autovacuum until it commits, so the
-- planner keeps the statistics of the tables as they were before, often empty. Plans made meanwhile are made blind:
-- the foreign key checks of the activities against leads scanned every lead of the workspace through leads_status
-- instead of looking one up by its key (3.4 s for 1,000 activities next to 30,000 new leads; 18 ms after ANALYZE).
-- ANALYZE inside the transaction counts the transaction's own rows, and invalidates the plans made before.
-- SECURITY DEFINER: the services' login owns no table and may not analyze; the table is one of a fixed list, so a
-- caller can ask for nothing but a statistics refresh of a record table (a sampled read, bounded whatever its size).
-- Its lock (SHARE UPDATE EXCLUSIVE) lasts until the caller's transaction ends, holding off autovacuum of that table
-- meanwhile: for bulk fills such as the demo's, never for request paths.
CREATE FUNCTION crm_analyze_records(table_name text) RETURNS void
    LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp
    AS $$
BEGIN
    IF table_name IS NULL OR table_name NOT IN (
        'companies', 'contacts', 'leads', 'deals', 'deal_stage_history', 'activities', 'notes', 'tags', 'taggings') THEN
        RAISE EXCEPTION 'crm_analyze_records analyzes the record tables only, not %', table_name;
    END IF;
    -- Schema-qualified: a caller's temporary table of the same name must not stand in for the record table.
    EXECUTE format('ANALYZE public.%I', table_name);
END $$;

REVOKE ALL ON FUNCTION crm_analyze_records(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION crm_analyze_records(text) TO crm_app;
