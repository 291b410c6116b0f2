using System.Globalization;
using System.Text;
using System.Text.Json;
using Crm.Api.Infrastructure.Listing;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Infrastructure.Export;

/// <summary>The CSV export of a list: every row its filters, q and sort select, streamed page by page.</summary>
public static class CsvExport
{
    public const string MediaType = "text/csv";

    /// <summary>
    /// Writes the whole list <paramref name="query"/> describes as CSV (<see cref="CsvWriter{T}"/>) to the response,
    /// reading it a page (<see cref="ListingSchema{TEntity}.MaxLimit"/> rows) at a time along the list's keyset
    /// cursor, so memory stays flat however long the list; <paramref name="map"/> makes a page's rows at once (and may
    /// load what they embed in one query). Answers a 400 ValidationProblem, before writing anything,
    /// when the list parameters are not valid; <c>limit</c> and <c>cursor</c> do not apply to an export.
    /// </summary>
    public static async Task<IResult> ExportCsvAsync<TEntity, TDto>(
        this IQueryable<TEntity> source, HttpContext context, ListingSchema<TEntity> schema, ListQuery query,
        Func<IReadOnlyList<TEntity>, Task<IReadOnlyList<TDto>>> map, JsonSerializerOptions json, TimeProvider clock,
        CancellationToken cancellationToken)
    {
        var plan = schema.Plan(Page(query, cursor: null));
        var errors = new Dictionary<string, string[]>(plan.Errors);
        if (query.Limit is not null)
        {
            errors["limit"] = ["An export has every row of the list; limit does not apply."];
        }
        if (query.Cursor is not null)
        {
            errors["cursor"] = ["An export has every row of the list; cursor does not apply."];
        }
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "The list parameters are not valid.");
        }

        var date = clock.GetUtcNow().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        context.Response.ContentType = $"{MediaType}; charset=utf-8";
        context.Response.Headers.ContentDisposition = $"attachment; filename=\"{schema.Resource}-{date}.csv\"";
        var csv = new CsvWriter<TDto>(json);
        await using var body = new StreamWriter(context.Response.Body, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false));
        await body.WriteAsync(csv.Header + "\r\n");
        while (true)
        {
            var page = plan.ToPage(await plan.ApplyPage(source).ToListAsync(cancellationToken), row => row);
            foreach (var record in await map(page.Data))
            {
                await body.WriteAsync(csv.Row(record) + "\r\n");
            }
            await body.FlushAsync(cancellationToken);
            if (page.NextCursor is null)
            {
                return TypedResults.Empty;
            }
            plan = schema.Plan(Page(query, page.NextCursor));
        }
    }

    private static ListQuery Page(ListQuery query, string? cursor) => new()
    {
        Limit = ListingSchema<object>.MaxLimit.ToString(CultureInfo.InvariantCulture),
        Cursor = cursor,
        Sort = query.Sort,
        Q = query.Q,
        Filters = query.Filters,
        ParseErrors = query.ParseErrors,
    };
}
