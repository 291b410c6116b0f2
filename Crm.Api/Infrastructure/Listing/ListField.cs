using System.Linq.Expressions;
using System.Reflection;

namespace Crm.Api.Infrastructure.Listing;

/// <summary>The kinds of value a list field can hold; each decides which operators apply and how values parse.</summary>
public enum FieldKind
{
    String,
    Guid,
    Integer,
    Decimal,
    Boolean,
    DateTime,

    /// <summary>A calendar date without a time (<see cref="DateOnly"/>), written yyyy-MM-dd.</summary>
    Date,
    Enum,
}

/// <summary>A field a resource exposes to <c>sort</c>, <c>filter</c> and <c>q</c>, and the entity member it reads.</summary>
public sealed class ListField
{
    internal ListField(string name, LambdaExpression selector, bool sortable, bool filterable, bool searchable)
    {
        var valueType = selector.ReturnType;
        var underlying = Nullable.GetUnderlyingType(valueType);
        Name = name;
        Selector = selector;
        ValueType = underlying ?? valueType;
        Kind = KindOf(ValueType) ?? throw new ArgumentException($"List field '{name}' has type {valueType.Name}, which lists do not support.", nameof(selector));
        IsNullable = underlying is not null || (!valueType.IsValueType && IsNullableReference(selector));
        Sortable = sortable;
        Filterable = filterable;
        Searchable = searchable;
        if (searchable && Kind != FieldKind.String)
        {
            throw new ArgumentException($"List field '{name}' is not text, so it cannot be searched by q.", nameof(searchable));
        }
        // Keyset paging compares sort keys with < and >; an enum stored as text would compare by its text in SQL but by
        // its number in .NET, and bool has no ordering operators in expression trees.
        if (sortable && Kind is FieldKind.Enum)
        {
            throw new ArgumentException($"List field '{name}' is an enum; enums can be filtered but not sorted.", nameof(sortable));
        }
        Getter = selector.Compile();
    }

    public string Name { get; }

    public LambdaExpression Selector { get; }

    /// <summary>The field's type without <see cref="Nullable{T}"/>.</summary>
    public Type ValueType { get; }

    public FieldKind Kind { get; }

    public bool IsNullable { get; }

    public bool Sortable { get; }

    public bool Filterable { get; }

    public bool Searchable { get; }

    internal Delegate Getter { get; }

    internal object? Read(object entity) => Getter.DynamicInvoke(entity);

    private static FieldKind? KindOf(Type type) => type switch
    {
        _ when type == typeof(string) => FieldKind.String,
        _ when type == typeof(Guid) => FieldKind.Guid,
        _ when type == typeof(int) || type == typeof(long) => FieldKind.Integer,
        _ when type == typeof(decimal) => FieldKind.Decimal,
        _ when type == typeof(bool) => FieldKind.Boolean,
        _ when type == typeof(DateTimeOffset) => FieldKind.DateTime,
        _ when type == typeof(DateOnly) => FieldKind.Date,
        { IsEnum: true } => FieldKind.Enum,
        _ => null,
    };

    /// <summary>A <c>string?</c> property is nullable, a <c>string</c> one is not; anything else is assumed nullable.</summary>
    private static bool IsNullableReference(LambdaExpression selector) =>
        selector.Body is not MemberExpression { Member: PropertyInfo property } ||
        new NullabilityInfoContext().Create(property).ReadState != NullabilityState.NotNull;
}
