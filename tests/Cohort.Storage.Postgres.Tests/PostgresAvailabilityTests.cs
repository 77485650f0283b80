namespace Cohort.Storage.Postgres.Tests;

/// <summary>Makes a missing test database visible: one skipped test with the reason, rather than silence.</summary>
public sealed class PostgresAvailabilityTests
{
    [PostgresFact]
    public void Should_HaveATestDatabase_When_PostgresTestsRun()
    {
        Assert.NotNull(PostgresTestDatabase.ConnectionString);
    }
}
