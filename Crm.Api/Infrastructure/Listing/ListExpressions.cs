using System.Linq.Expressions;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.EntityFrameworkCore;

namespace Crm.Api.Infrastructure.Listing;

/// <summary>Expression-tree pieces that EF Core translates to SQL (PostgreSQL through Npgsql).</summary>
internal static class ListExpressions
{
    private static readonly MethodInfo ILike = typeof(NpgsqlDbFunctionsExtensions).GetMethod(
        nameof(NpgsqlDbFunctionsExtensions.ILike), [typeof(DbFunctions), typeof(string), typeof(string), typeof(string)])!;

    private static readonly MethodInfo StringCompare = typeof(string).GetMethod(nameof(string.Compare), [typeof(string), typeof(string)])!;

    private static readonly MethodInfo GuidCompareTo = typeof(Guid).GetMethod(nameof(Guid.CompareTo), [typeof(Guid)])!;

    /// <summary>The field's selector body, reading from <paramref name="entity"/>.</summary>
    public static Expression Member(ListField field, ParameterExpression entity) =>
        new Rebind(field.Selector.Parameters[0], entity).Visit(field.Selector.Body);

    /// <summary>
    /// A value as a query parameter rather than a SQL literal: EF Core turns a member read of a constant object into a
    /// parameter, which keeps one cached plan per query shape and no user text in the SQL.
    /// </summary>
    public static Expression Value(object? value, Type type)
    {
        var box = Activator.CreateInstance(typeof(StrongBox<>).MakeGenericType(type), value)!;
        return Expression.Field(Expression.Constant(box), nameof(StrongBox<int>.Value));
    }

    public static Expression IsNull(Expression member) => Expression.Equal(member, Expression.Constant(null, member.Type));

    public static Expression Equal(Expression member, object value) => Expression.Equal(member, Value(value, member.Type));

    /// <summary><c>member ILIKE pattern ESCAPE '\'</c>, case-insensitive, with the user's % and _ taken literally.</summary>
    public static Expression Like(Expression member, string text, bool prefixOnly)
    {
        var escaped = text.Replace(@"\", @"\\", StringComparison.Ordinal)
            .Replace("%", @"\%", StringComparison.Ordinal)
            .Replace("_", @"\_", StringComparison.Ordinal);
        var pattern = prefixOnly ? escaped + "%" : "%" + escaped + "%";
        var functions = Expression.Property(null, typeof(EF), nameof(EF.Functions));
        return Expression.Call(ILike, functions, member, Value(pattern, typeof(string)), Expression.Constant(@"\"));
    }

    /// <summary>
    /// <c>member op value</c> for an ordered type. Strings and UUIDs have no &lt; in C#; EF Core translates
    /// <c>string.Compare(a, b) op 0</c> and <c>a.CompareTo(b) op 0</c> to <c>a op b</c>, which PostgreSQL compares in
    /// the column's collation, the same order ORDER BY uses. bool orders false before true, as in PostgreSQL.
    /// </summary>
    public static Expression Compare(ListField field, Expression member, ExpressionType op, object value)
    {
        switch (field.Kind)
        {
            case FieldKind.String:
                return Expression.MakeBinary(op, Expression.Call(StringCompare, member, Value(value, typeof(string))), Expression.Constant(0));
            case FieldKind.Guid:
                var guid = member.Type == typeof(Guid) ? member : Expression.Property(member, nameof(Nullable<Guid>.Value));
                return Expression.MakeBinary(op, Expression.Call(guid, GuidCompareTo, Value(value, typeof(Guid))), Expression.Constant(0));
            case FieldKind.Boolean:
                var b = (bool)value;
                return op switch
                {
                    ExpressionType.GreaterThan => b ? Expression.Constant(false) : Equal(member, true),
                    ExpressionType.LessThan => b ? Equal(member, false) : Expression.Constant(false),
                    _ => throw new ArgumentOutOfRangeException(nameof(op)),
                };
            default:
                return Expression.MakeBinary(op, member, Value(value, member.Type));
        }
    }

    private sealed class Rebind(ParameterExpression from, ParameterExpression to) : ExpressionVisitor
    {
        protected override Expression VisitParameter(ParameterExpression node) => node == from ? to : node;
    }
}
