using System.Globalization;
using System.Text;
using Bogus;
using Crm.Domain.Activities;
using Crm.Domain.Companies;
using Crm.Domain.Contacts;
using Crm.Domain.Deals;
using Crm.Domain.Leads;
using Crm.Domain.Notes;
using Crm.Domain.Pipelines;
using Crm.Domain.Records;
using Crm.Domain.Tags;
using Crm.Domain.Tenancy;

namespace Crm.Api.Features.Demo;

/// <summary>
/// The demo workspace's records, made in memory with Bogus from a fixed seed (<see cref="DemoOptions.Seed"/>), dates
/// relative to <c>now</c>. Every value keeps to the tables' checks and the API's validators (emails and domains of
/// ASCII letters, URLs with a scheme, probabilities, a reason on every lost deal, completed activities with their
/// completion time), so every record can be read and edited through the API. Deals go into the stages of the default
/// pipeline: each is inserted in the first stage of its path and moved along it (<see cref="DealMoves"/>), so the
/// stage history is the triggers' own, as for deals moved through the API.
/// </summary>
internal sealed class DemoData
{
    private static readonly string[] Industries =
    [
        "Software", "Manufacturing", "Healthcare", "Financial Services", "Retail", "Logistics", "Education", "Energy",
        "Media", "Construction", "Hospitality", "Telecommunications", "Agriculture", "Real Estate", "Consulting",
    ];

    private static readonly string[] Products =
    [
        "Platform licence", "Annual subscription", "Onboarding package", "Support plan", "Analytics add-on", "Data migration",
        "Premium seats", "Integration project", "Training days", "Enterprise upgrade",
    ];

    private static readonly string[] WonReasons =
        ["Best fit for requirements", "Price", "Strong relationship", "Faster implementation", "Product demo convinced them"];

    private static readonly string[] LostReasons =
        ["Chose a competitor", "No budget", "No decision", "Timing: revisit next year", "Missing feature", "Went silent"];

    private static readonly string[] Competitors = ["Salesforce", "HubSpot", "Pipedrive", "Zoho", "Dynamics 365"];

    private static readonly string[] CallOutcomes = ["Connected", "Left voicemail", "No answer", "Call back later", "Interested", "Not interested"];

    private static readonly string[] FreeMailDomains = ["gmail.com", "outlook.com", "yahoo.com", "proton.me"];

    private static readonly (string Name, string Color)[] TagNames =
    [
        ("VIP", "#D32F2F"), ("Hot", "#F57C00"), ("Enterprise", "#1976D2"), ("Partner", "#388E3C"), ("Churn risk", "#7B1FA2"),
        ("Newsletter", "#607D8B"),
    ];

    private readonly Faker _f;
    private readonly Guid _workspaceId;
    private readonly Guid _userId;
    private readonly DateTimeOffset _now;

    private DemoData(DemoOptions options, Guid workspaceId, Guid userId, DateTimeOffset now)
    {
        _f = new Faker("en") { Random = new Randomizer(options.Seed) };
        _workspaceId = workspaceId;
        _userId = userId;
        // Whole seconds: PostgreSQL keeps microseconds, and round values read better in the demo.
        _now = new DateTimeOffset(now.UtcDateTime.Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero);
    }

    public List<Tag> Tags { get; } = [];

    public List<Company> Companies { get; } = [];

    public List<Contact> Contacts { get; } = [];

    public List<Lead> Leads { get; } = [];

    public List<Deal> Deals { get; } = [];

    /// <summary>The deals' later stages: round 1 is every deal's second stage, round 2 the third, and so on.</summary>
    public List<List<DealMove>> DealMoves { get; } = [];

    public List<Activity> Activities { get; } = [];

    public List<Note> Notes { get; } = [];

    public List<Tagging> Taggings { get; } = [];

    /// <summary>
    /// Makes the records of <paramref name="options"/>' counts for the workspace, all owned by <paramref name="userId"/>,
    /// with deals in <paramref name="stages"/> (the default pipeline's, by position: open ones, then won, then lost).
    /// </summary>
    public static DemoData Generate(
        DemoOptions options, Guid workspaceId, Guid userId, Guid pipelineId, IReadOnlyList<PipelineStage> stages, DateTimeOffset now)
    {
        var data = new DemoData(options, workspaceId, userId, now);
        data.MakeTags();
        data.MakeCompanies(options.Companies);
        data.MakeContacts(options.Contacts);
        data.MakeLeads(options.Leads);
        data.MakeDeals(options.Deals, pipelineId, stages);
        data.MakeActivities(options.Activities);
        data.MakeNotes(options.Notes);
        data.MakeTaggings();
        return data;
    }

    /// <summary>The workspace, and the demo user as creator and last editor at <paramref name="updatedAt"/>.</summary>
    private T Stamp<T>(T record, DateTimeOffset updatedAt) where T : IBusinessRecord
    {
        record.WorkspaceId = _workspaceId;
        record.CreatedBy = _userId;
        record.UpdatedBy = _userId;
        record.UpdatedAt = updatedAt;
        return record;
    }

    private DateTimeOffset Past(int maxDays, int minDays = 0) =>
        _now.AddSeconds(-_f.Random.Int(minDays * 86_400, maxDays * 86_400));

    private DateTimeOffset Future(int maxDays) => _now.AddSeconds(_f.Random.Int(0, maxDays * 86_400));

    private DateTimeOffset Between(DateTimeOffset from, DateTimeOffset to) =>
        from.AddSeconds(_f.Random.Int(0, Math.Max(0, (int)(to - from).TotalSeconds)));

    private void MakeTags()
    {
        foreach (var (name, color) in TagNames)
        {
            var createdAt = Past(400, 380);
            Tags.Add(Stamp(new Tag { Name = name, Color = color, CreatedAt = createdAt }, createdAt));
        }
    }

    private void MakeCompanies(int count)
    {
        var domains = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            var name = _f.Company.CompanyName();
            var domain = UniqueDomain(DomainStem(name), domains);
            var size = CompanySizes.All[_f.Random.Int(0, CompanySizes.All.Count - 1)];
            var createdAt = Past(720, 30);
            Companies.Add(Stamp(new Company
            {
                Name = name,
                CreatedAt = createdAt,
                Domain = domain,
                Website = $"https://www.{domain}",
                Email = $"info@{domain}",
                Phone = _f.Phone.PhoneNumber("+1 ###-###-####"),
                Type = _f.Random.WeightedRandom(
                    [CompanyType.Prospect, CompanyType.Customer, CompanyType.Partner, CompanyType.Vendor, CompanyType.FormerCustomer],
                    [0.45f, 0.35f, 0.08f, 0.05f, 0.07f]),
                Priority = _f.PickRandom<CompanyPriority>(),
                Industry = _f.PickRandom(Industries),
                Size = size,
                EmployeeCount = EmployeesOf(size),
                AnnualRevenue = _f.Random.Int(2, 50_000) * 10_000m,
                FoundedYear = _f.Random.Int(1950, 2023),
                Description = _f.Company.CatchPhrase(),
                AddressLine1 = _f.Address.StreetAddress(),
                City = _f.Address.City(),
                State = _f.Address.State(),
                PostalCode = _f.Address.ZipCode(),
                Country = "United States",
                LinkedinUrl = $"https://www.linkedin.com/company/{domain.Split('.')[0]}",
                HealthScore = _f.Random.Int(20, 100),
                OwnerId = _userId,
            }, createdAt.AddDays(_f.Random.Int(0, 20))));
        }
    }

    private void MakeContacts(int count)
    {
        var emails = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < count; i++)
        {
            // Most contacts work at one of the companies; the rest are independents with a personal address.
            var company = _f.Random.Bool(0.9f) ? _f.PickRandom(Companies) : null;
            var first = _f.Name.FirstName();
            var last = _f.Name.LastName();
            var local = EmailName(first, last);
            var domain = company?.Domain ?? _f.PickRandom(FreeMailDomains);
            var email = $"{local}@{domain}";
            for (var n = 2; !emails.Add(email); n++)
            {
                email = $"{local}{n}@{domain}";
            }
            var createdAt = Past(600, 10);
            Contacts.Add(Stamp(new Contact
            {
                FirstName = first,
                LastName = last,
                CreatedAt = createdAt,
                Email = email,
                Phone = _f.Phone.PhoneNumber("+1 ###-###-####"),
                Mobile = _f.Random.Bool(0.5f) ? _f.Phone.PhoneNumber("+1 ###-###-####") : null,
                Title = _f.Name.JobTitle(),
                Department = _f.PickRandom("Sales", "Marketing", "Engineering", "Finance", "Operations", "IT", "Procurement"),
                LifecycleStage = _f.Random.WeightedRandom(
                    [LifecycleStage.Lead, LifecycleStage.Mql, LifecycleStage.Sql, LifecycleStage.Opportunity, LifecycleStage.Customer, LifecycleStage.Evangelist],
                    [0.3f, 0.15f, 0.15f, 0.15f, 0.2f, 0.05f]),
                Source = _f.PickRandom(ContactSource.Manual, ContactSource.Import, ContactSource.Website, ContactSource.Email, ContactSource.Linkedin),
                City = company?.City ?? _f.Address.City(),
                State = company?.State ?? _f.Address.State(),
                Country = "United States",
                Language = "en",
                LeadScore = _f.Random.Int(0, 100),
                CompanyId = company?.Id,
                OwnerId = _userId,
            }, createdAt.AddDays(_f.Random.Int(0, 9))));
        }
    }

    private void MakeLeads(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var first = _f.Name.FirstName();
            var last = _f.Name.LastName();
            var companyName = _f.Company.CompanyName();
            var status = _f.Random.WeightedRandom(
                [LeadStatus.New, LeadStatus.Contacted, LeadStatus.Working, LeadStatus.Qualified, LeadStatus.Unqualified, LeadStatus.Converted, LeadStatus.Lost, LeadStatus.Archived],
                [0.25f, 0.2f, 0.15f, 0.12f, 0.1f, 0.08f, 0.07f, 0.03f]);
            var score = status switch
            {
                LeadStatus.Qualified or LeadStatus.Converted => _f.Random.Int(60, 100),
                LeadStatus.Unqualified or LeadStatus.Lost or LeadStatus.Archived => _f.Random.Int(0, 40),
                _ => _f.Random.Int(10, 80),
            };
            var createdAt = Past(365, 1);
            var firstTouch = createdAt;
            var lastTouch = firstTouch.AddSeconds(_f.Random.Int(0, (int)(_now - firstTouch).TotalSeconds));
            var lead = Stamp(new Lead
            {
                FirstName = first,
                LastName = last,
                CreatedAt = createdAt,
                Email = $"{EmailName(first, last)}@{DomainStem(companyName)}.com",
                Phone = _f.Phone.PhoneNumber("+1 ###-###-####"),
                Title = _f.Name.JobTitle(),
                CompanyName = companyName,
                Industry = _f.PickRandom(Industries),
                EmployeeCount = _f.Random.Int(5, 5_000),
                City = _f.Address.City(),
                State = _f.Address.State(),
                Country = "United States",
                Source = _f.PickRandom<LeadSource>(),
                Campaign = _f.Random.Bool(0.3f) ? $"{_f.Commerce.ProductAdjective()} {_f.PickRandom("webinar", "launch", "newsletter", "trade show")}" : null,
                FirstTouchAt = firstTouch,
                LastTouchAt = lastTouch,
                Status = status,
                QualificationStatus = status switch
                {
                    LeadStatus.Qualified or LeadStatus.Converted => _f.PickRandom(QualificationStatus.SalesQualified, QualificationStatus.SalesAccepted),
                    LeadStatus.Working => QualificationStatus.MarketingQualified,
                    _ => QualificationStatus.Unqualified,
                },
                InterestLevel = score switch { >= 80 => InterestLevel.VeryHigh, >= 60 => InterestLevel.High, >= 40 => InterestLevel.Medium, >= 15 => InterestLevel.Low, _ => InterestLevel.Unknown },
                Budget = _f.Random.Bool(0.5f) ? _f.Random.Int(5, 500) * 1_000m : null,
                Timeline = _f.PickRandom("This quarter", "Next quarter", "This year", "Unknown"),
                DecisionMaker = _f.Random.Bool(0.35f),
                Score = score,
                ScoreUpdatedAt = lastTouch,
                Grade = score switch { >= 85 => "A", >= 70 => "B", >= 50 => "C", >= 30 => "D", >= 15 => "E", _ => "F" },
                OwnerId = _userId,
            }, lastTouch);
            if (status == LeadStatus.Converted)
            {
                var contact = _f.PickRandom(Contacts);
                lead.ConvertedAt = lastTouch;
                lead.ConvertedBy = _userId;
                lead.ConvertedContactId = contact.Id;
                lead.ConvertedCompanyId = contact.CompanyId;
            }
            Leads.Add(lead);
        }
    }

    /// <summary>
    /// Deals over every stage: the first few one per stage (so each has deals however small the count), the rest mostly
    /// open or won. An open deal went through the stages before its own; a closed one left the pipeline for its closed
    /// stage from an open stage, won ones mostly after negotiation.
    /// </summary>
    private void MakeDeals(int count, Guid pipelineId, IReadOnlyList<PipelineStage> stages)
    {
        var open = stages.Where(s => s.Kind == StageKind.Open).OrderBy(s => s.Position).ToList();
        var won = stages.Single(s => s.Kind == StageKind.Won);
        var lost = stages.Single(s => s.Kind == StageKind.Lost);
        var finals = open.Append(won).Append(lost).ToArray();
        var weights = open.Select(_ => 0.46f / open.Count).Append(0.3f).Append(0.24f).ToArray();
        var today = DateOnly.FromDateTime(_now.UtcDateTime);
        var contactsByCompany = Contacts.Where(c => c.CompanyId is not null).ToLookup(c => c.CompanyId!.Value);
        for (var i = 0; i < count; i++)
        {
            var final = i < finals.Length ? finals[i] : _f.Random.WeightedRandom(finals, weights);
            var path = final.Kind == StageKind.Open
                ? open.TakeWhile(s => s.Position <= final.Position).ToList()
                : [.. open.Take(final.Kind == StageKind.Won ? _f.Random.Int(Math.Max(1, open.Count - 1), open.Count) : _f.Random.Int(1, open.Count)), final];

            // Stage after stage, from the deal's creation to its close (or to a few days ago for an open deal).
            var createdAt = Past(360, 20);
            var end = final.Kind == StageKind.Open ? _now.AddDays(-_f.Random.Int(0, 5)) : createdAt.AddDays(_f.Random.Int(14, Math.Max(15, (int)(_now - createdAt).TotalDays)));
            var entered = new DateTimeOffset[path.Count];
            entered[0] = createdAt;
            for (var s = 1; s < path.Count; s++)
            {
                var remaining = (end - entered[s - 1]).TotalSeconds / (path.Count - s);
                entered[s] = entered[s - 1].AddSeconds(Math.Max(60, Math.Round(_f.Random.Double(0.3, 1.0) * remaining)));
            }

            var company = _f.PickRandom(Companies);
            var people = contactsByCompany[company.Id].ToList();
            var contact = people.Count > 0 ? _f.PickRandom(people) : null;
            var status = final.Kind switch { StageKind.Won => DealStatus.Won, StageKind.Lost => DealStatus.Lost, _ => DealStatus.Open };
            var closedOn = DateOnly.FromDateTime(entered[^1].UtcDateTime);
            var deal = Stamp(new Deal
            {
                Name = $"{company.Name} – {_f.PickRandom(Products)}",
                CreatedAt = createdAt,
                Description = _f.Random.Bool(0.4f) ? _f.Company.CatchPhrase() : null,
                Value = _f.Random.Int(10, 2_500) * 100m,
                Currency = "USD",
                Probability = path[0].DefaultProbability,
                DealType = _f.Random.WeightedRandom(
                    [DealType.NewBusiness, DealType.ExistingBusiness, DealType.Renewal, DealType.Upsell, DealType.CrossSell],
                    [0.5f, 0.1f, 0.15f, 0.15f, 0.1f]),
                Priority = _f.PickRandom<DealPriority>(),
                PipelineId = pipelineId,
                StageId = path[0].Id,
                StageEnteredAt = entered[0],
                ExpectedCloseDate = status == DealStatus.Open ? today.AddDays(_f.Random.Int(7, 120)) : closedOn.AddDays(_f.Random.Int(-10, 20)),
                ActualCloseDate = status == DealStatus.Open ? null : closedOn,
                WonReason = status == DealStatus.Won ? _f.PickRandom(WonReasons) : null,
                LostReason = status == DealStatus.Lost ? _f.PickRandom(LostReasons) : null,
                Competitor = status == DealStatus.Lost && _f.Random.Bool(0.6f) ? _f.PickRandom(Competitors) : null,
                Source = _f.PickRandom("Website", "Referral", "Outbound", "Event", "Partner"),
                NextStep = status == DealStatus.Open ? _f.PickRandom("Send proposal", "Schedule demo", "Follow-up call", "Legal review", "Pricing call") : null,
                ContactId = contact?.Id,
                CompanyId = company.Id,
                OwnerId = _userId,
            }, entered[^1]);
            Deals.Add(deal);
            for (var s = 1; s < path.Count; s++)
            {
                if (DealMoves.Count < s)
                {
                    DealMoves.Add([]);
                }
                var last = s == path.Count - 1;
                DealMoves[s - 1].Add(new DealMove(deal.Id, path[s].Id, entered[s], path[s].DefaultProbability, last ? status : DealStatus.Open));
            }
        }
    }

    /// <summary>Calls, emails, meetings and the rest on contacts and deals (and some leads); three in four are done, the rest ahead.</summary>
    private void MakeActivities(int count)
    {
        var dealsByContact = Deals.Where(d => d.ContactId is not null).ToLookup(d => d.ContactId!.Value);
        var dealNames = Deals.ToDictionary(d => d.Id, d => d.Name);
        for (var i = 0; i < count; i++)
        {
            var type = _f.Random.WeightedRandom(
                [ActivityType.Call, ActivityType.Email, ActivityType.Meeting, ActivityType.Demo, ActivityType.Task, ActivityType.FollowUp, ActivityType.Proposal, ActivityType.Other],
                [0.3f, 0.3f, 0.15f, 0.06f, 0.06f, 0.06f, 0.04f, 0.03f]);
            var activity = new Activity
            {
                Type = type,
                Priority = _f.Random.WeightedRandom([ActivityPriority.Low, ActivityPriority.Medium, ActivityPriority.High, ActivityPriority.Urgent], [0.2f, 0.55f, 0.2f, 0.05f]),
                Direction = type is ActivityType.Call or ActivityType.Email ? _f.PickRandom<Direction>() : null,
                OwnerId = _userId,
                AssignedTo = _userId,
            };
            var linkedSince = Link(activity, dealsByContact);
            var subjectOf = activity.DealId is { } dealId ? dealNames[dealId] : null;
            activity.Subject = Subject(type, subjectOf);
            activity.Description = _f.Random.Bool(0.5f) ? _f.Lorem.Sentence(8, 10) : null;
            activity.DurationMinutes = type is ActivityType.Call ? _f.Random.Int(3, 45) : type is ActivityType.Meeting or ActivityType.Demo ? _f.PickRandom(30, 45, 60, 90) : null;
            if (type is ActivityType.Meeting or ActivityType.Demo)
            {
                activity.MeetingUrl = $"https://meet.example.com/{_f.Random.AlphaNumeric(10)}";
                activity.Location = _f.Random.Bool(0.3f) ? _f.Address.StreetAddress() : "Video call";
            }

            if (_f.Random.Bool(0.75f))
            {
                var at = Between(linkedSince, _now);
                activity.Status = _f.Random.WeightedRandom([ActivityStatus.Completed, ActivityStatus.Cancelled, ActivityStatus.NoShow], [0.9f, 0.06f, 0.04f]);
                activity.ScheduledAt = at;
                if (activity.Status == ActivityStatus.Completed)
                {
                    activity.StartedAt = at;
                    activity.CompletedAt = at.AddMinutes(activity.DurationMinutes ?? 5);
                    activity.Outcome = type == ActivityType.Call ? _f.PickRandom(CallOutcomes) : "Done";
                }
                activity.CreatedAt = Between(linkedSince, at);
                Stamp(activity, activity.CompletedAt ?? at);
            }
            else
            {
                var at = Future(60);
                activity.Status = ActivityStatus.Scheduled;
                if (type is ActivityType.Task or ActivityType.FollowUp or ActivityType.Proposal)
                {
                    activity.DueAt = at;
                }
                else
                {
                    activity.ScheduledAt = at;
                }
                activity.FollowUpRequired = _f.Random.Bool(0.2f);
                activity.FollowUpAt = activity.FollowUpRequired ? at.AddDays(_f.Random.Int(1, 14)) : null;
                var twoWeeksAgo = _now.AddDays(-14);
                activity.CreatedAt = Between(linkedSince > twoWeeksAgo ? linkedSince : twoWeeksAgo, _now);
                Stamp(activity, activity.CreatedAt);
            }
            Activities.Add(activity);
        }
        SetLastActivity();
    }

    /// <summary>
    /// An activity's records: a contact (with its company, and often one of its deals), a deal, or a lead. Answers when
    /// the latest of them was created: nothing happened to a record before it existed.
    /// </summary>
    private DateTimeOffset Link(Activity activity, ILookup<Guid, Deal> dealsByContact)
    {
        var roll = _f.Random.Double();
        if (roll < 0.25 && Deals.Count > 0)
        {
            var deal = _f.PickRandom(Deals);
            (activity.DealId, activity.ContactId, activity.CompanyId) = (deal.Id, deal.ContactId, deal.CompanyId);
            return deal.CreatedAt;
        }
        if (roll < 0.35 && Leads.Count > 0)
        {
            var lead = _f.PickRandom(Leads);
            activity.LeadId = lead.Id;
            return lead.CreatedAt;
        }
        var contact = _f.PickRandom(Contacts);
        (activity.ContactId, activity.CompanyId) = (contact.Id, contact.CompanyId);
        var deals = dealsByContact[contact.Id].ToList();
        if (deals.Count > 0 && _f.Random.Bool(0.5f))
        {
            var deal = _f.PickRandom(deals);
            activity.DealId = deal.Id;
            return deal.CreatedAt > contact.CreatedAt ? deal.CreatedAt : contact.CreatedAt;
        }
        return contact.CreatedAt;
    }

    private string Subject(ActivityType type, string? deal)
    {
        var about = deal ?? _f.PickRandom("pricing", "next steps", "product questions", "renewal", "onboarding", "requirements");
        var subject = type switch
        {
            ActivityType.Call => $"Call about {about}",
            ActivityType.Email => $"Email: {about}",
            ActivityType.Meeting => $"Meeting: {about}",
            ActivityType.Demo => $"Product demo ({about})",
            ActivityType.Proposal => $"Send proposal for {about}",
            ActivityType.FollowUp => $"Follow up on {about}",
            ActivityType.Task => $"Prepare {about}",
            _ => $"Check in: {about}",
        };
        return subject.Length <= 255 ? subject : subject[..255];
    }

    /// <summary>Contacts, companies and deals show when they were last worked on: their latest completed activity.</summary>
    private void SetLastActivity()
    {
        var latest = new Dictionary<Guid, DateTimeOffset>();
        foreach (var activity in Activities.Where(a => a.CompletedAt is not null))
        {
            foreach (var id in new[] { activity.ContactId, activity.CompanyId, activity.DealId }.OfType<Guid>())
            {
                if (!latest.TryGetValue(id, out var known) || known < activity.CompletedAt!.Value)
                {
                    latest[id] = activity.CompletedAt!.Value;
                }
            }
        }
        foreach (var contact in Contacts)
        {
            contact.LastActivityAt = latest.GetValueOrDefault(contact.Id) is { Ticks: > 0 } at ? at : null;
            contact.LastContactedAt = contact.LastActivityAt;
        }
        foreach (var company in Companies)
        {
            company.LastActivityAt = latest.GetValueOrDefault(company.Id) is { Ticks: > 0 } at ? at : null;
        }
        foreach (var deal in Deals)
        {
            deal.LastActivityAt = latest.GetValueOrDefault(deal.Id) is { Ticks: > 0 } at ? at : null;
        }
    }

    private void MakeNotes(int count)
    {
        for (var i = 0; i < count; i++)
        {
            var note = new Note { OwnerId = _userId, IsPinned = _f.Random.Bool(0.05f) };
            var roll = _f.Random.Double();
            if (roll < 0.3 && Deals.Count > 0)
            {
                var deal = _f.PickRandom(Deals);
                (note.DealId, note.CompanyId, note.CreatedAt) = (deal.Id, deal.CompanyId, Between(deal.CreatedAt, _now));
                note.Content = $"{_f.PickRandom("Budget confirmed", "Waiting on legal", "Champion is", "Decision maker is", "They compare us with")} {_f.PickRandom(Competitors.Concat(["the CFO", "procurement", "IT"]).ToArray())}. {_f.Lorem.Sentences(2)}";
            }
            else if (roll < 0.4 && Leads.Count > 0)
            {
                var lead = _f.PickRandom(Leads);
                (note.LeadId, note.CreatedAt) = (lead.Id, Between(lead.CreatedAt, _now));
                note.Content = $"Came in through {_f.PickRandom("the website", "a referral", "a webinar", "LinkedIn")}. {_f.Lorem.Sentences(2)}";
            }
            else if (roll < 0.6)
            {
                var company = _f.PickRandom(Companies);
                (note.CompanyId, note.CreatedAt) = (company.Id, Between(company.CreatedAt, _now));
                note.Content = $"{_f.Company.CatchPhrase()}. {_f.Lorem.Paragraph(2)}";
            }
            else
            {
                var contact = _f.PickRandom(Contacts);
                (note.ContactId, note.CompanyId, note.CreatedAt) = (contact.Id, contact.CompanyId, Between(contact.CreatedAt, _now));
                note.Content = $"{_f.PickRandom("Prefers email.", "Best reached in the morning.", "Met at a conference.", "Asked for a case study.", "Reports to the VP of Sales.")} {_f.Lorem.Sentences(2)}";
            }
            Notes.Add(Stamp(note, note.CreatedAt));
        }
    }

    /// <summary>Each tag on about one record in twenty of each kind.</summary>
    private void MakeTaggings()
    {
        var records = Companies.Select(c => (ObjectType.Company, c.Id))
            .Concat(Contacts.Select(c => (ObjectType.Contact, c.Id)))
            .Concat(Deals.Select(d => (ObjectType.Deal, d.Id)))
            .Concat(Leads.Select(l => (ObjectType.Lead, l.Id)));
        foreach (var (type, id) in records)
        {
            foreach (var tag in Tags.Where(_ => _f.Random.Bool(0.05f)))
            {
                Taggings.Add(new Tagging { WorkspaceId = _workspaceId, TagId = tag.Id, EntityType = type, EntityId = id, CreatedBy = _userId, CreatedAt = _now });
            }
        }
    }

    private string UniqueDomain(string stem, HashSet<string> taken)
    {
        var domain = $"{stem}.{_f.PickRandom("com", "io", "net", "co")}";
        for (var n = 2; !taken.Add(domain); n++)
        {
            domain = $"{stem}{n}.com";
        }
        return domain;
    }

    private int EmployeesOf(string size) => size switch
    {
        "1-10" => _f.Random.Int(1, 10),
        "11-50" => _f.Random.Int(11, 50),
        "51-200" => _f.Random.Int(51, 200),
        "201-500" => _f.Random.Int(201, 500),
        "501-1000" => _f.Random.Int(501, 1000),
        "1001-5000" => _f.Random.Int(1001, 5000),
        _ => _f.Random.Int(5001, 50_000),
    };

    /// <summary>"first.last" in ASCII, for an email's local part.</summary>
    private static string EmailName(string first, string last) =>
        string.Join('.', new[] { Slug(first), Slug(last) }.Where(p => p.Length > 0)) is { Length: > 0 } name ? name : "contact";

    /// <summary>The first label of a domain made from a company name, at most 40 characters.</summary>
    private static string DomainStem(string name) => Slug(name) is { Length: > 0 } stem ? stem[..Math.Min(stem.Length, 40)] : "company";

    /// <summary>Lower-case ASCII letters and digits of a name ("O'Hara and Sons" → "oharaandsons"): safe in emails and domains.</summary>
    private static string Slug(string text)
    {
        var slug = new StringBuilder(text.Length);
        foreach (var c in text.Normalize(NormalizationForm.FormD))
        {
            if (char.IsAsciiLetterOrDigit(c))
            {
                slug.Append(char.ToLower(c, CultureInfo.InvariantCulture));
            }
        }
        return slug.ToString();
    }
}

/// <summary>A deal entering its next stage: at what time, with what probability and status.</summary>
internal sealed record DealMove(Guid DealId, Guid StageId, DateTimeOffset EnteredAt, int Probability, DealStatus Status);
