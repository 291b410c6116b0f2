using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Crm.Api.Infrastructure.Idempotency;
using Crm.Api.Infrastructure.Resources;
using Crm.Domain.Imports;
using Microsoft.AspNetCore.Http.Features;

namespace Crm.Api.Features.Imports;

/// <summary>An upload that passed every check: the file, what it imports into, and how.</summary>
internal sealed record ImportUpload(
    IImportTarget Target, string FileName, byte[] Content, ImportColumns Columns, ImportDedupePolicy Dedupe, string? RequestedMapping)
{
    /// <summary>Room for the multipart framing and the other form fields on top of the file.</summary>
    private const long FormOverhead = 64 * 1024;

    /// <summary>Media types browsers and tools send for CSV files; others (a PDF, an image, JSON) are refused with 415.</summary>
    private static readonly HashSet<string> CsvMediaTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "text/csv", "application/csv", "text/comma-separated-values", "text/plain", "application/vnd.ms-excel", "application/octet-stream",
    };

    /// <summary>What <see cref="IdempotencyKeys"/> fingerprints: the form's fields and a hash of the file.</summary>
    public string Fingerprint => string.Join('\n', Target.ObjectType, Dedupe, RequestedMapping, FileName, Convert.ToHexString(SHA256.HashData(Content)));

    /// <summary>
    /// Reads and checks the multipart form: 415 when it is not one (or the file is not CSV), 413 when the file is
    /// over <paramref name="maxFileBytes"/>, 400 naming the field otherwise (file, objectType, mapping, dedupe).
    /// </summary>
    public static async Task<(ImportUpload? Upload, IResult? Problem)> ReadAsync(
        HttpRequest request, long maxFileBytes, JsonSerializerOptions json, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType || !request.ContentType!.StartsWith("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return (null, UnsupportedMediaType("Send the file as multipart/form-data, in a part named file."));
        }
        var limit = maxFileBytes + FormOverhead;
        if (request.ContentLength > limit)
        {
            return (null, TooLarge(maxFileBytes));
        }
        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } bodySize)
        {
            bodySize.MaxRequestBodySize = limit;
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(new FormOptions { MultipartBodyLengthLimit = limit }, cancellationToken);
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return (null, TooLarge(maxFileBytes));
        }
        catch (InvalidDataException e) when (e.Message.Contains("limit", StringComparison.OrdinalIgnoreCase))
        {
            return (null, TooLarge(maxFileBytes));
        }
        catch (InvalidDataException e)
        {
            return (null, ResourceRequests.Invalid("body", $"The multipart body could not be read: {e.Message}"));
        }

        var errors = new Dictionary<string, string[]>();
        var files = form.Files.GetFiles("file");
        if (files.Count != 1)
        {
            return (null, ResourceRequests.Invalid("file", "Attach one CSV file, as the form part named file."));
        }
        var file = files[0];
        if (file.Length > maxFileBytes)
        {
            return (null, TooLarge(maxFileBytes));
        }
        if (!string.IsNullOrEmpty(file.ContentType) && !CsvMediaTypes.Contains(file.ContentType.Split(';')[0].Trim()))
        {
            return (null, UnsupportedMediaType($"The file is {file.ContentType}; send a CSV file (text/csv)."));
        }

        var objectType = form["objectType"].ToString();
        var target = ImportableResources.Find(objectType);
        if (target is null)
        {
            errors["objectType"] = [$"Give the kind of records in the file, one of: {string.Join(", ", ImportableResources.ObjectTypes)}."];
        }
        var dedupe = form["dedupe"].ToString() switch
        {
            "" or "skip" => ImportDedupePolicy.Skip,
            "update" => ImportDedupePolicy.Update,
            _ => (ImportDedupePolicy?)null,
        };
        if (dedupe is null)
        {
            errors["dedupe"] = ["Give skip (leave existing records as they are) or update (write the row's cells onto them)."];
        }
        var requestedMapping = form["mapping"].ToString() is { Length: > 0 } mappingText ? mappingText : null;
        var mapping = ParseMapping(requestedMapping, errors);

        var content = new byte[file.Length];
        await using (var stream = file.OpenReadStream())
        {
            await stream.ReadExactlyAsync(content, cancellationToken);
        }
        var header = ReadHeader(content, errors);
        if (errors.Count > 0 || target is null || header is null)
        {
            return (null, TypedResults.ValidationProblem(errors, title: "The import is not valid."));
        }
        var columns = ImportColumns.Resolve(header.Fields, mapping, target.Fields(json), target.ObjectType, errors);
        if (columns is null)
        {
            return (null, TypedResults.ValidationProblem(errors, title: "The import is not valid."));
        }
        return (new ImportUpload(target, FileNameOf(file), content, columns, dedupe!.Value, requestedMapping), null);
    }

    private static JsonObject? ParseMapping(string? text, Dictionary<string, string[]> errors)
    {
        if (text is null)
        {
            return null;
        }
        try
        {
            if (JsonNode.Parse(text, documentOptions: new JsonDocumentOptions { MaxDepth = 4, AllowDuplicateProperties = false }) is JsonObject mapping)
            {
                return mapping;
            }
        }
        catch (JsonException)
        {
            // Answered below, like any mapping that is not an object.
        }
        errors["mapping"] = ["The mapping must be a JSON object such as {\"E-mail\": \"email\", \"Notes\": null}."];
        return null;
    }

    /// <summary>The header row, or null with the reason in <paramref name="errors"/> (not UTF-8, empty, malformed, NUL).</summary>
    private static CsvRecord? ReadHeader(byte[] content, Dictionary<string, string[]> errors)
    {
        if (ImportJobRunner.Decode(content) is not { } text)
        {
            errors["file"] = ["The file is not UTF-8 text; save it as CSV UTF-8."];
            return null;
        }
        var header = CsvReader.Read(text).FirstOrDefault();
        if (header is null)
        {
            errors["file"] = ["The file is empty; its first row must name the columns."];
        }
        else if (header.Error is { } error)
        {
            errors["file"] = [$"The header row is malformed: {error}"];
        }
        else if (header.Fields.Any(f => f.Contains('\0', StringComparison.Ordinal)))
        {
            errors["file"] = ["The header row contains the NUL character."];
        }
        else
        {
            return header;
        }
        return null;
    }

    /// <summary>The file's own name, without any path a client sent, cut to what import_jobs.file_name holds.</summary>
    private static string FileNameOf(IFormFile file)
    {
        var name = Path.GetFileName(file.FileName.Replace('\\', '/')).Trim();
        name = new string([.. name.Where(c => !char.IsControl(c))]);
        return name.Length == 0 ? "import.csv" : name[..Math.Min(name.Length, 255)];
    }

    private static IResult UnsupportedMediaType(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type.", detail: detail);

    private static IResult TooLarge(long maxFileBytes) => TypedResults.Problem(
        statusCode: StatusCodes.Status413PayloadTooLarge,
        title: "File too large.",
        detail: $"An import file holds at most {maxFileBytes} bytes; split the file.");
}
