namespace Crm.Search.Backends.Elasticsearch;

/// <summary>Elasticsearch answered an error (or kept answering "too many requests" past the retries).</summary>
public class ElasticsearchException(string message, int? statusCode = null, string? errorType = null, Exception? innerException = null)
    : Exception(message, innerException)
{
    /// <summary>The HTTP status, when there was a response.</summary>
    public int? StatusCode { get; } = statusCode;

    /// <summary>Elasticsearch's <c>error.type</c>, e.g. <c>resource_already_exists_exception</c>.</summary>
    public string? ErrorType { get; } = errorType;
}

/// <summary>Items of a <c>_bulk</c> request failed for good: a mapping error, or 429s past the retries.</summary>
public sealed class ElasticsearchBulkException(string message, IReadOnlyList<BulkItemFailure> failures)
    : ElasticsearchException(message, failures.Count > 0 ? failures[0].Status : null, failures.Count > 0 ? failures[0].ErrorType : null)
{
    public IReadOnlyList<BulkItemFailure> Failures { get; } = failures;
}

/// <summary>One failed item of a bulk: which document, its status and Elasticsearch's reason.</summary>
public sealed record BulkItemFailure(string Action, string Index, string Id, int Status, string? ErrorType, string? Reason);
