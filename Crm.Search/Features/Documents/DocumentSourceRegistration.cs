using Crm.Domain.Search;

namespace Crm.Search.Features.Documents;

public static class DocumentSourceRegistration
{
    /// <summary>The document source of every indexed type (<see cref="SearchTypes.All"/>).</summary>
    public static IServiceCollection AddSearchDocumentSources(this IServiceCollection services)
    {
        services.AddSingleton<ISearchDocumentSource, ContactDocuments>();
        services.AddSingleton<ISearchDocumentSource, CompanyDocuments>();
        services.AddSingleton<ISearchDocumentSource, LeadDocuments>();
        services.AddSingleton<ISearchDocumentSource, DealDocuments>();
        services.AddSingleton<ISearchDocumentSource, ActivityDocuments>();
        services.AddSingleton<ISearchDocumentSource, NoteDocuments>();
        return services;
    }
}
