using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Crm.Api.Infrastructure.Persistence;

public static class DbUpdateExceptionExtensions
{
    /// <summary>The save broke the named unique constraint or index (SQLSTATE 23505), e.g. a duplicate domain.</summary>
    public static bool IsUniqueViolation(this DbUpdateException exception, string constraint) =>
        exception.InnerException is PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } e && e.ConstraintName == constraint;
}
