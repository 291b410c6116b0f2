namespace Crm.AppHost.Local;

/// <summary>A failure the user can act on; printed as one clear line instead of a stack trace.</summary>
internal sealed class LocalAppHostException(string message, Exception? innerException = null) : Exception(message, innerException);
