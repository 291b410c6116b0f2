namespace Crm.Domain.Migrations;

/// <summary>
/// The migrations cannot be applied as they are (a bad file name, a file changed after it was applied, a failing
/// file). Not transient: retrying cannot fix it, so startup fails at once.
/// </summary>
public sealed class MigrationException : Exception
{
    public MigrationException(string message) : base(message)
    {
    }

    public MigrationException(string message, Exception innerException) : base(message, innerException)
    {
    }
}
