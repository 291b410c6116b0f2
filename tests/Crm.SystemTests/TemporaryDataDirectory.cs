namespace Crm.SystemTests;

/// <summary>
/// A data directory for one test's AppHost runs, removed afterwards. Created world-traversable (not with
/// Directory.CreateTempSubdirectory's 0700) because, as root, the AppHost runs PostgreSQL as the postgres user.
/// </summary>
internal sealed class TemporaryDataDirectory : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"crm-systest-{Guid.NewGuid():N}");

    public TemporaryDataDirectory() => Directory.CreateDirectory(Path);

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
