using System.Data.Common;
using System.Diagnostics;

namespace Crm.Domain.Tenancy;

/// <summary>
/// Whom a unit of work acts for: the workspace (and user) that row-level security and the EF query filters let it see.
/// <see cref="None"/> sees no workspace's rows.
/// </summary>
public sealed record TenantSession(Guid? WorkspaceId, Guid? UserId)
{
    public static readonly TenantSession None = new(null, null);

    /// <summary>The role every service connection works as; subject to row-level security (migration 0002).</summary>
    public const string ApplicationRole = "crm_app";

    /// <summary>
    /// Makes an open connection act for this session: switches to <see cref="ApplicationRole"/> and sets
    /// <c>crm.workspace_id</c> and <c>crm.user_id</c>, in one round trip. It also sets <c>crm.traceparent</c> to the
    /// current trace, which the outbox triggers copy into the events of the changes made on the connection. Needed on every open, because a pooled
    /// connection's session state is reset when it returns to the pool.
    /// </summary>
    public async Task ApplyAsync(DbConnection connection, CancellationToken cancellationToken = default)
    {
        await using var command = CreateCommand(connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public void Apply(DbConnection connection)
    {
        using var command = CreateCommand(connection);
        command.ExecuteNonQuery();
    }

    private DbCommand CreateCommand(DbConnection connection)
    {
        var command = connection.CreateCommand();
        command.CommandText = $"""
            SELECT set_config('role', '{ApplicationRole}', false), set_config('crm.workspace_id', @workspace, false),
                   set_config('crm.user_id', @user, false), set_config('crm.traceparent', @trace, false)
            """;
        AddParameter(command, "workspace", WorkspaceId);
        AddParameter(command, "user", UserId);
        AddParameter(command, "trace", Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.Id : null);
        return command;
    }

    private static void AddParameter(DbCommand command, string name, Guid? value) => AddParameter(command, name, value?.ToString());

    private static void AddParameter(DbCommand command, string name, string? value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value ?? string.Empty;
        command.Parameters.Add(parameter);
    }
}
