using System.Text.RegularExpressions;
using Crm.Api.Infrastructure.Persistence;
using Crm.Domain.Identity;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Features.Auth;

/// <summary>
/// Creating a user: on registration, and on accepting an invitation without an account. The checks give per-field
/// errors (the email format is the users_email_format check of migration 0002, so a valid request never fails in the
/// database); an email that has an account is a 409.
/// </summary>
/// <summary>Why a user was not created: a validation problem (400) or a conflict (409).</summary>
internal sealed record CreateFailure(ValidationProblem? Invalid, ProblemHttpResult? Conflict);

internal static partial class NewAccounts
{
    public const int MaxNameLength = 100;

    /// <summary>Adds the errors of the email (when <paramref name="email"/> is to be checked), password and names.</summary>
    public static async Task ValidateAsync(
        UserManager<CrmUser> users, Dictionary<string, string[]> errors, string? password, string? firstName, string? lastName,
        string? email = null, bool checkEmail = false)
    {
        if (checkEmail)
        {
            ValidateEmail(email, errors);
        }

        if (string.IsNullOrEmpty(password))
        {
            errors["password"] = ["The password is required."];
        }
        else
        {
            var failures = new List<IdentityError>();
            foreach (var validator in users.PasswordValidators)
            {
                var result = await validator.ValidateAsync(users, new CrmUser(), password);
                failures.AddRange(result.Errors);
            }
            if (failures.Count > 0)
            {
                errors["password"] = failures.Select(f => f.Description).ToArray();
            }
        }

        if (firstName?.Trim().Length > MaxNameLength)
        {
            errors["firstName"] = [$"The first name must be at most {MaxNameLength} characters."];
        }
        if (lastName?.Trim().Length > MaxNameLength)
        {
            errors["lastName"] = [$"The last name must be at most {MaxNameLength} characters."];
        }
    }

    /// <summary>Adds an error on <paramref name="field"/> unless <paramref name="email"/> is a valid address.</summary>
    public static void ValidateEmail(string? email, Dictionary<string, string[]> errors, string field = "email")
    {
        email = email?.Trim();
        if (string.IsNullOrEmpty(email))
        {
            errors[field] = ["The email is required."];
        }
        else if (email.Length > 256 || !EmailFormat().IsMatch(email))
        {
            errors[field] = [$"'{(email.Length > 256 ? email[..256] + "…" : email)}' is not a valid email address."];
        }
    }

    /// <summary>A user to create with <see cref="CreateAsync"/> (its id is known before it is saved).</summary>
    public static CrmUser NewUser(string email, string? firstName, string? lastName) =>
        new() { UserName = email, Email = email, FirstName = Blank(firstName), LastName = Blank(lastName) };

    /// <summary>
    /// Saves the user (in the caller's transaction, if any). Null when created; otherwise the answer: 409 when the email
    /// has an account, 400 when Identity refuses it (a user name character it does not allow, say).
    /// </summary>
    public static async Task<CreateFailure?> CreateAsync(UserManager<CrmUser> users, CrmUser user, string password)
    {
        try
        {
            var created = await users.CreateAsync(user, password);
            if (created.Succeeded)
            {
                return null;
            }
            return created.Errors.Any(e => e.Code is nameof(IdentityErrorDescriber.DuplicateEmail) or nameof(IdentityErrorDescriber.DuplicateUserName))
                ? new CreateFailure(null, EmailTaken())
                : new CreateFailure(TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["email"] = created.Errors.Select(e => e.Description).ToArray() }), null);
        }
        catch (DbUpdateException e) when (IsDuplicateEmail(e))
        {
            // Another registration with this email committed between Identity's check and the insert.
            return new CreateFailure(null, EmailTaken());
        }
    }

    public static bool IsDuplicateEmail(DbUpdateException exception) =>
        exception.IsUniqueViolation("users_normalized_email_unique") || exception.IsUniqueViolation("users_normalized_user_name_unique");

    public static ProblemHttpResult EmailTaken() =>
        TypedResults.Problem("An account with this email already exists. Sign in instead.", statusCode: StatusCodes.Status409Conflict, title: "Email already registered");

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    [GeneratedRegex(@"^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$", RegexOptions.IgnoreCase)]
    private static partial Regex EmailFormat();
}
