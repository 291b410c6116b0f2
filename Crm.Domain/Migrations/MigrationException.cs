namespace Crm.Domain.Migrations;

/// <summary>
/// The migrations cannot be applied as they are (a bad file name, a file changed after it was applied, a failing
/// file). Not transient: retrying cannot fix it, so at startup the service logs the message (which names the file)
/// and stops at once with exit code 1 (see <see cref="MigrationHostedService"/>).
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
