namespace AiBench;

/// <summary>
/// Generated CRM texts: 20–80 words drawn from a vocabulary of business words (and a few names and places), the kind of
/// text the worker embeds (a contact's title and notes, a deal's description). Fixed seed.
/// </summary>
internal sealed class Texts(int seed)
{
    private static readonly string[] Words =
    [
        // business nouns
        "customer", "client", "account", "contract", "renewal", "pricing", "discount", "budget", "invoice", "payment",
        "proposal", "quote", "demo", "meeting", "call", "email", "follow", "up", "onboarding", "implementation",
        "integration", "software", "platform", "license", "subscription", "seats", "users", "team", "department", "manager",
        "director", "executive", "vice", "president", "chief", "officer", "procurement", "legal", "security", "compliance",
        "audit", "review", "approval", "decision", "timeline", "quarter", "deadline", "launch", "rollout", "pilot",
        "trial", "evaluation", "competitor", "vendor", "supplier", "partner", "reseller", "channel", "market", "segment",
        "enterprise", "startup", "company", "industry", "retail", "healthcare", "finance", "banking", "insurance", "manufacturing",
        "logistics", "shipping", "warehouse", "inventory", "supply", "chain", "marketing", "campaign", "webinar", "conference",
        "event", "trade", "show", "lead", "prospect", "opportunity", "deal", "pipeline", "forecast", "revenue",
        "growth", "expansion", "upsell", "churn", "retention", "support", "ticket", "issue", "problem", "request",
        "feature", "roadmap", "release", "update", "upgrade", "migration", "data", "analytics", "report", "dashboard",
        "cloud", "hosting", "server", "network", "api", "mobile", "app", "website", "portal", "training",
        "workshop", "consulting", "services", "maintenance", "warranty", "hardware", "equipment", "office", "headquarters", "branch",
        "region", "europe", "germany", "france", "london", "berlin", "chicago", "texas", "canada", "japan",
        // verbs and the rest of a sentence
        "wants", "needs", "asked", "requested", "agreed", "signed", "sent", "received", "discussed", "scheduled",
        "cancelled", "postponed", "confirmed", "interested", "concerned", "worried", "happy", "unhappy", "urgent", "important",
        "next", "week", "month", "year", "monday", "friday", "morning", "afternoon", "today", "tomorrow",
        "the", "a", "an", "and", "or", "but", "with", "about", "for", "from", "to", "of", "in", "on", "at", "by",
        "their", "our", "his", "her", "they", "we", "he", "she", "it", "is", "was", "will", "would", "should", "could",
        "new", "current", "existing", "large", "small", "annual", "monthly", "total", "price", "cost",
        "million", "thousand", "dollars", "euros", "percent", "two", "three", "five", "ten", "hundred",
        "john", "mary", "david", "sarah", "michael", "anna", "peter", "laura", "james", "linda",
    ];

    private readonly Random _random = new(seed);

    public static int VocabularySize => Words.Length;

    public string Next()
    {
        var count = _random.Next(20, 81);
        var words = new string[count];
        // A topic of a few words repeats, as real notes stay on a subject; the rest is drawn from the whole list.
        var topic = Enumerable.Range(0, 5).Select(_ => Words[_random.Next(Words.Length)]).ToArray();
        for (var i = 0; i < count; i++)
        {
            words[i] = _random.NextDouble() < 0.3 ? topic[_random.Next(topic.Length)] : Words[_random.Next(Words.Length)];
        }
        return string.Join(' ', words);
    }
}
