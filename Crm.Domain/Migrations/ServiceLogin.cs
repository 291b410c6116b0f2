using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Crm.Domain.Migrations;

/// <summary>
/// The login the services use for everything but migrations (<c>ConnectionStrings:crmdb</c>). DESIGN.md section 6
/// asks for a role that does not own the tables: row-level security does not apply to a table's owner nor to a
/// superuser, so a connection that missed <see cref="Tenancy.TenantSession"/> would otherwise see every workspace.
/// Run by the schema owner after the migrations, this creates the login when it is missing (or gives it the configured
/// password when that was changed), makes it a member of <c>crm_app</c> (whose grants it inherits), and refuses to
/// start a service whose login could bypass row-level security.
/// </summary>
internal sealed partial class ServiceLogin(NpgsqlDataSource owner, string serviceConnectionString, ILogger logger)
{
    /// <summary>How often provisioning is retried when replicas (or parallel tests) create the role at the same time.</summary>
    private const int MaxAttempts = 5;

    public async Task EnsureAsync(CancellationToken cancellationToken)
    {
        var service = new NpgsqlConnectionStringBuilder(serviceConnectionString) { Pooling = false };
        var user = service.Username;
        if (string.IsNullOrEmpty(user) || !RoleName().IsMatch(user))
        {
            throw new MigrationException(
                $"ConnectionStrings:crmdb must name the service login in Username (lower-case letters, digits and _), not '{user}'.");
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using (var probe = new NpgsqlConnection(service.ConnectionString))
                {
                    await probe.OpenAsync(cancellationToken);
                }
                await CheckPrivilegesAsync(user, cancellationToken);
                return;
            }
            catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification
                                                   && attempt < MaxAttempts)
            {
                // The login does not exist yet, or has another password: the owner sets it up as configured.
                await ProvisionAsync(user, service.Password ?? "", cancellationToken);
            }
        }
    }

    private async Task ProvisionAsync(string user, string password, CancellationToken cancellationToken)
    {
        try
        {
            var exists = await ScalarAsync<bool>("SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = @user)", cancellationToken, ("user", user));
            // format() quotes the name and the password; neither can be a parameter of CREATE/ALTER ROLE.
            var statement = await ScalarAsync<string>(
                exists
                    ? "SELECT format('ALTER ROLE %I LOGIN PASSWORD %L', @user::text, @password::text)"
                    : "SELECT format('CREATE ROLE %I LOGIN PASSWORD %L IN ROLE crm_app', @user::text, @password::text)",
                cancellationToken, ("user", user), ("password", password));
            await using var command = owner.CreateCommand(statement);
            await command.ExecuteNonQueryAsync(cancellationToken);
            logger.LogInformation(exists ? "Updated the password of service login {User}" : "Created service login {User}", user);
        }
        catch (PostgresException ex) when (ex.SqlState is PostgresErrorCodes.DuplicateObject or PostgresErrorCodes.UniqueViolation
                                               or PostgresErrorCodes.InternalError)
        {
            // Another runner created or altered the role at the same moment ("tuple concurrently updated" is XX000):
            // the next attempt connects with what it did.
            logger.LogDebug("Service login {User} was being provisioned concurrently: {Error}", user, ex.MessageText);
        }
    }

    private async Task CheckPrivilegesAsync(string user, CancellationToken cancellationToken)
    {
        await using var command = owner.CreateCommand(
            """
            SELECT r.rolsuper, r.rolbypassrls, pg_has_role(r.oid, 'crm_app', 'MEMBER'),
                   EXISTS (SELECT 1 FROM pg_class c WHERE c.relowner = r.oid AND c.relnamespace = 'public'::regnamespace),
                   r.rolname = current_user
            FROM pg_roles r WHERE r.rolname = @user
            """);
        command.Parameters.AddWithValue("user", user);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var (superuser, bypassesRls, member, ownsTables, isOwner) =
            (reader.GetBoolean(0), reader.GetBoolean(1), reader.GetBoolean(2), reader.GetBoolean(3), reader.GetBoolean(4));
        await reader.DisposeAsync();

        if (isOwner || superuser || bypassesRls || ownsTables)
        {
            throw new MigrationException(
                $"ConnectionStrings:crmdb connects as {user}, which " +
                (isOwner ? "is the login of ConnectionStrings:crmdb-owner" : superuser ? "is a superuser" : bypassesRls ? "has BYPASSRLS" : "owns tables") +
                ", so row-level security would not hold for it. Services must connect as a login that owns nothing; " +
                "ConnectionStrings:crmdb-owner (the schema owner) is for migrations only.");
        }
        if (!member)
        {
            var grant = await ScalarAsync<string>("SELECT format('GRANT crm_app TO %I', @user::text)", cancellationToken, ("user", user));
            await using var grantCommand = owner.CreateCommand(grant);
            await grantCommand.ExecuteNonQueryAsync(cancellationToken);
            logger.LogInformation("Granted crm_app to service login {User}", user);
        }
    }

    private async Task<T> ScalarAsync<T>(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = owner.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return (T)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    [GeneratedRegex("^[a-z_][a-z0-9_]{0,62}$")]
    private static partial Regex RoleName();
}
