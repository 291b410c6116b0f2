using System.Collections.Frozen;
using Crm.Domain.Identity;
using Crm.Domain.Tenancy;

namespace Crm.Api.Infrastructure.Access;

/// <summary>What a caller may do in their workspace. A role is a set of these; an API key's scopes narrow its set.</summary>
[Flags]
public enum Permission
{
    None = 0,

    /// <summary>Read business records (within the caller's record scope).</summary>
    RecordsRead = 1 << 0,

    /// <summary>Create, change, delete and restore business records.</summary>
    RecordsWrite = 1 << 1,

    /// <summary>List the workspace's members.</summary>
    MembersRead = 1 << 2,

    /// <summary>Invite members, change their role, record scope and status, and remove them (owners excepted).</summary>
    MembersManage = 1 << 3,

    /// <summary>Make members owners, and change or remove owners.</summary>
    OwnersManage = 1 << 4,

    /// <summary>Create, list and revoke the workspace's API keys.</summary>
    ApiKeysManage = 1 << 5,

    /// <summary>Change the workspace's configuration: pipelines and their stages, products, scoring rules, territories.</summary>
    ConfigurationManage = 1 << 6,

    /// <summary>Define custom fields, which every record of their object type must then satisfy.</summary>
    CustomFieldsManage = 1 << 7,

    /// <summary>Change the workspace itself (name, time zone, currency, locale, settings) and read its security log.</summary>
    WorkspaceManage = 1 << 8,
}

public sealed record PermissionDefinition(Permission Permission, string Name, string Description);

public sealed record RoleDefinition(MemberRole Role, string Name, string Description, Permission Permissions);

/// <summary>
/// The six built-in roles and what each may do: the only copy of these rules. <see cref="CallerAccess"/> and every
/// endpoint check permissions through it, and <c>GET /api/v1/roles</c> lists it.
/// </summary>
public static class Roles
{
    public static readonly IReadOnlyList<PermissionDefinition> Permissions =
    [
        new(Permission.RecordsRead, "records.read", "Read business records (companies, contacts, ...) within the member's record scope."),
        new(Permission.RecordsWrite, "records.write", "Create, change, delete and restore business records within the member's record scope."),
        new(Permission.MembersRead, "members.read", "List the workspace's members and their roles."),
        new(Permission.MembersManage, "members.manage", "Invite members; change members' role, record scope and status; remove members (owners excepted); manage teams and their members."),
        new(Permission.OwnersManage, "members.manage_owners", "Make members owners, and change or remove owners (never the last one)."),
        new(Permission.ApiKeysManage, "api_keys.manage", "Create, list and revoke the workspace's API keys."),
        new(Permission.ConfigurationManage, "configuration.manage", "Change pipelines and their stages, products, lead scoring rules and territories."),
        new(Permission.CustomFieldsManage, "custom_fields.manage", "Define the workspace's custom fields, which every record of their type must then satisfy."),
        new(Permission.WorkspaceManage, "workspace.manage", "Change the workspace's name, time zone, currency, locale and settings; read its security log."),
    ];

    private const Permission Reader = Permission.RecordsRead | Permission.MembersRead;
    private const Permission Writer = Reader | Permission.RecordsWrite;
    private const Permission Configurator = Writer | Permission.ConfigurationManage;
    private const Permission Administrator =
        Configurator | Permission.CustomFieldsManage | Permission.MembersManage | Permission.ApiKeysManage | Permission.WorkspaceManage;

    /// <summary>Highest first: an API key's role is capped by its creator's in this order.</summary>
    public static readonly IReadOnlyList<RoleDefinition> All =
    [
        new(MemberRole.Owner, "Owner", "Everything, including making, changing and removing owners.", Administrator | Permission.OwnersManage),
        new(MemberRole.Admin, "Admin", "Everything but touching owners: manages members (not owners), API keys and all records.", Administrator),
        new(MemberRole.Manager, "Manager", "Reads and writes records and changes the workspace's configuration (pipelines, products, ...); usually with record scope all or team.", Configurator),
        new(MemberRole.SalesRep, "Sales rep", "Reads and writes records; usually with record scope own.", Writer),
        new(MemberRole.SupportAgent, "Support agent", "Reads and writes records; usually with record scope all.", Writer),
        new(MemberRole.Viewer, "Viewer", "Reads records and members; changes nothing.", Reader),
    ];

    private static readonly FrozenDictionary<MemberRole, (int Rank, Permission Permissions)> ByRole =
        All.Select((role, rank) => (role, rank)).ToFrozenDictionary(r => r.role.Role, r => (r.rank, r.role.Permissions));

    /// <summary>What an API key's scopes allow, before its role narrows it. Management is never a key's.</summary>
    public static Permission PermissionsOf(IEnumerable<ApiKeyScope> scopes) =>
        scopes.Aggregate(Permission.None, (permissions, scope) => permissions | scope switch
        {
            ApiKeyScope.Read => Reader,
            ApiKeyScope.Write => Writer,
            _ => Permission.None,
        });

    public static Permission PermissionsOf(MemberRole role) => ByRole[role].Permissions;

    /// <summary>The lower of two roles in the order of <see cref="All"/>.</summary>
    public static MemberRole Lower(MemberRole a, MemberRole b) => ByRole[a].Rank >= ByRole[b].Rank ? a : b;

    /// <summary>True when <paramref name="role"/> is <paramref name="cap"/> or below it.</summary>
    public static bool IsAtMost(MemberRole role, MemberRole cap) => Lower(role, cap) == role;

    /// <summary>"members.manage" for <see cref="Permission.MembersManage"/>; every permission set in <paramref name="permissions"/>.</summary>
    public static IReadOnlyList<string> Names(Permission permissions) =>
        Permissions.Where(p => (permissions & p.Permission) == p.Permission).Select(p => p.Name).ToList();
}
