using System.Text.Json.Nodes;

namespace Crm.Web.Records;

/// <summary>How a field's value is shown and edited.</summary>
public enum FieldKind
{
    Text,
    LongText,
    Email,
    Url,
    Phone,
    Number,
    Money,
    Percent,
    Date,
    DateTime,
    Boolean,
    Choice,
    Member,
    Company,
    Contact,
    Pipeline,
    Stage,
}

/// <summary>
/// One field of a record type as the API names it (camelCase), with what the web may do with it: the API's lists
/// sort and filter by the fields docs/api.md names, and PATCH takes the editable ones.
/// </summary>
public sealed record FieldDefinition(
    string Key,
    string Label,
    FieldKind Kind = FieldKind.Text,
    bool Sortable = false,
    bool Filterable = false,
    bool Editable = true,
    bool DefaultColumn = false,
    string[]? Choices = null)
{
    /// <summary>The money fields' currency lives in the record's <c>currency</c>.</summary>
    public string? CurrencyKey => Kind == FieldKind.Money ? "currency" : null;
}

/// <summary>
/// A kind of record the web lists and shows (contacts, companies, leads, deals): its API path, names and fields.
/// Custom fields come from the workspace at run time (<see cref="WorkspaceDirectory"/>).
/// </summary>
public sealed record RecordType(
    string Plural,
    string Singular,
    string Label,
    string SingularLabel,
    string Icon,
    string DefaultSort,
    IReadOnlyList<FieldDefinition> Fields)
{
    /// <summary>The <c>objectType</c> of custom fields and saved views (<c>contact</c>, <c>company</c>, ...).</summary>
    public string ObjectType => Singular;

    public string ApiPath => $"api/v1/{Plural}";

    public FieldDefinition? Field(string key) => Fields.FirstOrDefault(f => f.Key == key);

    /// <summary>What a record is called in lists, titles and links.</summary>
    public string TitleOf(JsonObject record) => Plural switch
    {
        "contacts" or "leads" => JoinName(record) is { Length: > 0 } name ? name
            : Text(record, "email") ?? Text(record, "companyName") ?? "(no name)",
        _ => Text(record, "name") ?? "(no name)",
    };

    public string? SubtitleOf(JsonObject record) => Plural switch
    {
        "contacts" => Join(Text(record, "title"), Text(record, "email")),
        "leads" => Join(Text(record, "companyName"), Text(record, "email")),
        "companies" => Join(Text(record, "industry"), Text(record, "domain")),
        _ => null,
    };

    public static readonly RecordType Contacts = new("contacts", "contact", "Contacts", "Contact", "contact", "-createdAt",
    [
        new("firstName", "First name", Sortable: true, Filterable: true, DefaultColumn: true),
        new("lastName", "Last name", Sortable: true, Filterable: true, DefaultColumn: true),
        new("email", "Email", FieldKind.Email, Sortable: true, Filterable: true, DefaultColumn: true),
        new("phone", "Phone", FieldKind.Phone),
        new("mobile", "Mobile", FieldKind.Phone),
        new("title", "Job title", DefaultColumn: true),
        new("department", "Department"),
        new("companyId", "Company", FieldKind.Company, Filterable: true, DefaultColumn: true),
        new("lifecycleStage", "Lifecycle stage", FieldKind.Choice, Filterable: true, DefaultColumn: true,
            Choices: ["lead", "mql", "sql", "opportunity", "customer", "evangelist"]),
        new("status", "Status", FieldKind.Choice, Filterable: true, Choices: ["active", "inactive", "archived"]),
        new("source", "Source", FieldKind.Choice, Filterable: true, Choices: ["manual", "import", "website", "email", "api", "linkedin", "enrichment"]),
        new("leadScore", "Lead score", FieldKind.Number, Sortable: true, Filterable: true),
        new("ownerId", "Owner", FieldKind.Member, Filterable: true, DefaultColumn: true),
        new("city", "City", Filterable: true),
        new("country", "Country", Filterable: true),
        new("website", "Website", FieldKind.Url),
        new("linkedinUrl", "LinkedIn", FieldKind.Url),
        new("lastActivityAt", "Last activity", FieldKind.DateTime, Sortable: true, Filterable: true, Editable: false, DefaultColumn: true),
        new("createdAt", "Created", FieldKind.DateTime, Sortable: true, Filterable: true, Editable: false),
        new("updatedAt", "Updated", FieldKind.DateTime, Sortable: true, Filterable: true, Editable: false),
    ]);

    public static readonly RecordType Companies = new("companies", "company", "Companies", "Company", "company", "-createdAt",
    [
        new("name", "Name", Sortable: true, Filterable: true, DefaultColumn: true),
        new("domain", "Domain", Sortable: true, Filterable: true, DefaultColumn: true),
        new("industry", "Industry", Sortable: true, Filterable: true, DefaultColumn: true),
        new("type", "Type", FieldKind.Choice, Filterable: true, DefaultColumn: true,
            Choices: ["prospect", "customer", "partner", "vendor", "competitor", "former_customer"]),
        new("status", "Status", FieldKind.Choice, Filterable: true, Choices: ["active", "inactive", "archived"]),
        new("priority", "Priority", FieldKind.Choice, Filterable: true, Choices: ["low", "medium", "high", "critical"]),
        new("size", "Size", FieldKind.Choice, Sortable: true, Filterable: true,
            Choices: ["1-10", "11-50", "51-200", "201-500", "501-1000", "1001-5000", "5000+"]),
        new("employeeCount", "Employees", FieldKind.Number),
        new("annualRevenue", "Annual revenue", FieldKind.Money, Sortable: true, Filterable: true, DefaultColumn: true),
        new("healthScore", "Health score", FieldKind.Number, Sortable: true, Filterable: true),
        new("website", "Website", FieldKind.Url),
        new("phone", "Phone", FieldKind.Phone),
        new("city", "City"),
        new("country", "Country"),
        new("ownerId", "Owner", FieldKind.Member, Filterable: true, DefaultColumn: true),
        new("description", "Description", FieldKind.LongText),
        new("lastActivityAt", "Last activity", FieldKind.DateTime, Sortable: true, Filterable: true, Editable: false, DefaultColumn: true),
        new("createdAt", "Created", FieldKind.DateTime, Sortable: true, Filterable: true, Editable: false),
        new("updatedAt", "Updated", FieldKind.DateTime, Sortable: true, Filterable: true, Editable: false),
    ]);

    public static readonly RecordType Leads = new("leads", "lead", "Leads", "Lead", "lead", "-createdAt",
    [
        new("firstName", "First name", Sortable: true, Filterable: true, DefaultColumn: true),
        new("lastName", "Last name", Sortable: true, Filterable: true, DefaultColumn: true),
        new("companyName", "Company", Sortable: true, Filterable: true, DefaultColumn: true),
        new("email", "Email", FieldKind.Email, Sortable: true, Filterable: true, DefaultColumn: true),
        new("phone", "Phone", FieldKind.Phone),
        new("title", "Job title"),
        new("status", "Status", FieldKind.Choice, Filterable: true, DefaultColumn: true,
            Choices: ["new", "contacted", "working", "qualified", "unqualified", "lost", "archived", "converted"]),
        new("score", "Score", FieldKind.Number, Sortable: true, Filterable: true, DefaultColumn: true),
        new("grade", "Grade", Sortable: true, Filterable: true),
        new("source", "Source", FieldKind.Choice, Filterable: true,
            Choices: ["manual", "website", "referral", "email", "cold_call", "social", "advertising", "event", "partner", "import", "api", "linkedin", "other"]),
        new("qualificationStatus", "Qualification", FieldKind.Choice, Filterable: true,
            Choices: ["unqualified", "marketing_qualified", "sales_qualified", "sales_accepted"]),
        new("interestLevel", "Interest", FieldKind.Choice, Filterable: true, Choices: ["unknown", "low", "medium", "high", "very_high"]),
        new("industry", "Industry", Sortable: true, Filterable: true),
        new("budget", "Budget", FieldKind.Money, Sortable: true, Filterable: true),
        new("country", "Country", Sortable: true, Filterable: true),
        new("painPoints", "Pain points", FieldKind.LongText),
        new("ownerId", "Owner", FieldKind.Member, Filterable: true, DefaultColumn: true),
        new("lastActivityAt", "Last activity", FieldKind.DateTime, Sortable: true, Filterable: true, Editable: false),
        new("createdAt", "Created", FieldKind.DateTime, Sortable: true, Filterable: true, Editable: false, DefaultColumn: true),
        new("updatedAt", "Updated", FieldKind.DateTime, Sortable: true, Filterable: true, Editable: false),
    ]);

    public static readonly RecordType Deals = new("deals", "deal", "Deals", "Deal", "deal", "-createdAt",
    [
        new("name", "Name", Sortable: true, Filterable: true, DefaultColumn: true),
        new("value", "Value", FieldKind.Money, Sortable: true, Filterable: true, DefaultColumn: true),
        new("stageId", "Stage", FieldKind.Stage, Filterable: true, Editable: false, DefaultColumn: true),
        new("pipelineId", "Pipeline", FieldKind.Pipeline, Filterable: true, Editable: false),
        new("status", "Status", FieldKind.Choice, Filterable: true, DefaultColumn: true, Choices: ["open", "won", "lost", "abandoned"]),
        new("probability", "Probability", FieldKind.Percent, Sortable: true, Filterable: true),
        new("weightedValue", "Weighted value", FieldKind.Money, Sortable: true, Filterable: true, Editable: false),
        new("expectedCloseDate", "Expected close", FieldKind.Date, Sortable: true, Filterable: true, DefaultColumn: true),
        new("companyId", "Company", FieldKind.Company, Filterable: true, DefaultColumn: true),
        new("contactId", "Contact", FieldKind.Contact, Filterable: true),
        new("priority", "Priority", FieldKind.Choice, Filterable: true, Choices: ["low", "medium", "high", "urgent"]),
        new("dealType", "Type", FieldKind.Choice, Filterable: true,
            Choices: ["new_business", "existing_business", "renewal", "upsell", "cross_sell"]),
        new("source", "Source", Filterable: true),
        new("nextStep", "Next step", FieldKind.LongText),
        new("competitor", "Competitor"),
        new("ownerId", "Owner", FieldKind.Member, Filterable: true, DefaultColumn: true),
        new("description", "Description", FieldKind.LongText),
        new("stageEnteredAt", "In stage since", FieldKind.DateTime, Sortable: true, Filterable: true, Editable: false),
        new("lastActivityAt", "Last activity", FieldKind.DateTime, Sortable: true, Filterable: true, Editable: false),
        new("createdAt", "Created", FieldKind.DateTime, Sortable: true, Filterable: true, Editable: false),
        new("updatedAt", "Updated", FieldKind.DateTime, Sortable: true, Filterable: true, Editable: false),
    ]);

    public static readonly IReadOnlyList<RecordType> All = [Contacts, Companies, Leads, Deals];

    /// <summary>The type of a URL segment (<c>contacts</c>) or of an API type name (<c>contact</c>), or null.</summary>
    public static RecordType? Find(string name) =>
        All.FirstOrDefault(t => string.Equals(t.Plural, name, StringComparison.OrdinalIgnoreCase)
                                || string.Equals(t.Singular, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// The page of the record an activity, note or task is linked to (its deal first, then contact, company, lead), or
    /// null when it names none.
    /// </summary>
    public static string? PageOfLinkedRecord(JsonObject item) =>
        new[] { ("dealId", Deals), ("contactId", Contacts), ("companyId", Companies), ("leadId", Leads) }
            .Select(link => Format.Id(item[link.Item1]) is { } id ? $"/{link.Item2.Plural}/{id}" : null)
            .FirstOrDefault(link => link is not null);

    private static string JoinName(JsonObject record) => $"{Text(record, "firstName")} {Text(record, "lastName")}".Trim();

    private static string? Join(string? first, string? second) =>
        (first, second) switch { (null, null) => null, (null, _) => second, (_, null) => first, _ => $"{first} · {second}" };

    private static string? Text(JsonObject record, string key) =>
        record[key] is JsonValue value && value.TryGetValue<string>(out var text) && text.Length > 0 ? text : null;
}
