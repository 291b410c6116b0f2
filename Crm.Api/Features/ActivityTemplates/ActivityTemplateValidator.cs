using static Crm.Api.Infrastructure.Resources.InputRules;

namespace Crm.Api.Features.ActivityTemplates;

/// <summary>Checks an <see cref="ActivityTemplateInput"/> against the activity_templates table and normalizes it (trimmed, blanks to null).</summary>
internal static class ActivityTemplateValidator
{
    public const int MaxTags = 50;

    public static ActivityTemplateInput Validate(ActivityTemplateInput input, Dictionary<string, string[]> errors, string prefix = "")
    {
        void Fail(string field, string message) => errors[prefix + field] = [message];

        var normalized = input with
        {
            Name = Clean(input.Name),
            SubjectTemplate = Clean(input.SubjectTemplate),
            DescriptionTemplate = Clean(input.DescriptionTemplate),
            Tags = [.. input.Tags.Select(Clean).OfType<string>().Distinct(StringComparer.OrdinalIgnoreCase)],
        };
        if (normalized.Name is null)
        {
            Fail("name", "Give the template a name.");
        }
        if (normalized.Type is null)
        {
            Fail("type", "Give the type: call, email, meeting, task, note, demo, deadline, proposal, follow_up or other.");
        }
        if (normalized.DurationMinutes is <= 0)
        {
            Fail("durationMinutes", "Must be greater than 0.");
        }
        if (normalized.Tags.Count > MaxTags)
        {
            Fail("tags", $"At most {MaxTags} tags.");
        }
        if (normalized.Tags.Any(t => t.Length > 100))
        {
            Fail("tags", "Each tag has at most 100 characters.");
        }
        CheckLengths([("name", normalized.Name, 100), ("subjectTemplate", normalized.SubjectTemplate, 255)], Fail);
        return normalized;
    }
}
