using static Crm.Api.Infrastructure.Resources.InputRules;

namespace Crm.Api.Features.Teams;

/// <summary>Checks a <see cref="TeamInput"/> and normalizes it (trimmed; blanks as null).</summary>
internal static class TeamValidator
{
    public static TeamInput Validate(TeamInput input, Dictionary<string, string[]> errors, string prefix = "")
    {
        void Fail(string field, string message) => errors[prefix + field] = [message];

        var normalized = input with { Name = Clean(input.Name), Description = Clean(input.Description) };
        if (normalized.Name is null)
        {
            Fail("name", "Give the team a name.");
        }
        CheckLengths([("name", normalized.Name, 100), ("description", normalized.Description, 10_000)], Fail);
        return normalized;
    }
}
