using System.Text.Json.Nodes;
using Crm.Web.Records;

namespace Crm.Web.Features.Pipeline;

/// <summary>A deal to move to another stage, as a card asks its board.</summary>
public sealed record MoveRequest(JsonObject Deal, Stage Stage);
