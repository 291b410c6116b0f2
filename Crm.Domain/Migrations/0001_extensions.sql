-- pgvector for embeddings (vector columns, HNSW indexes); pg_trgm for fuzzy name and email search.
CREATE EXTENSION IF NOT EXISTS vector;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
