using System.Globalization;
using Cohort.Core.Storage;

namespace Cohort.Storage.Sqlite.Tests;

public sealed class RunDirectoryLockTests : IDisposable
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "cohort-lock-" + Guid.NewGuid().ToString("N"));

    public void Dispose()
    {
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Fact]
    public void Acquire_Should_FailAtOnceNamingTheHolder_When_AnotherWriterHoldsTheDirectory()
    {
        // Given a writer holding the directory
        using var first = RunDirectoryLock.Acquire(_directory);

        // When a second writer tries
        var error = Assert.Throws<RunLockedException>(() => RunDirectoryLock.Acquire(_directory));

        // Then it is refused, naming the holder's process and host
        Assert.Equal(first.Owner, error.Holder);
        Assert.Contains(Environment.ProcessId.ToString(CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
        Assert.Contains(Environment.MachineName, error.Message, StringComparison.Ordinal);
        Assert.Contains(_directory, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Acquire_Should_Succeed_When_TheHolderReleasedIt()
    {
        RunDirectoryLock.Acquire(_directory).Dispose();

        using var again = RunDirectoryLock.Acquire(_directory);

        Assert.True(File.Exists(Path.Combine(_directory, RunDirectoryLock.FileName)));
        Assert.Contains(again.Owner, File.ReadAllText(Path.Combine(_directory, RunDirectoryLock.OwnerFileName)), StringComparison.Ordinal);
    }
}
