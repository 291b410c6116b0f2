using System.Runtime.CompilerServices;

// The backend's building blocks (NDJSON batches, cursors, query bodies) are internal; their unit tests need no server.
[assembly: InternalsVisibleTo("Crm.Search.Tests")]
