namespace Cohort.Storage.Postgres.Tests;

/// <summary>
/// The PostgreSQL the tests run against: the connection string in <c>COHORT_TEST_POSTGRES</c> (set by
/// <c>.ci/postgres.sh</c>, which starts a throw-away cluster on 127.0.0.1). Each test uses its own experiment name,
/// so tests never see each other's rows.
/// </summary>
internal static class PostgresTestDatabase
{
    public const string EnvironmentVariable = "COHORT_TEST_POSTGRES";

    public const string SkipReason =
        "COHORT_TEST_POSTGRES is not set: no PostgreSQL to test against (start one with: eval \"$(.ci/postgres.sh)\").";

    public static string? ConnectionString => Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } s ? s : null;

    public static string Require() => ConnectionString ?? throw new InvalidOperationException(SkipReason);

    public static string NewExperiment(string prefix) => prefix + "-" + Guid.NewGuid().ToString("N")[..12];
}

/// <summary>A [Fact] that is skipped, with the reason shown, when no test PostgreSQL is configured.</summary>
internal sealed class PostgresFactAttribute : FactAttribute
{
    public PostgresFactAttribute()
    {
        if (PostgresTestDatabase.ConnectionString is null)
        {
            Skip = PostgresTestDatabase.SkipReason;
        }
    }
}

/// <summary>A [Theory] that is skipped, with the reason shown, when no test PostgreSQL is configured.</summary>
internal sealed class PostgresTheoryAttribute : TheoryAttribute
{
    public PostgresTheoryAttribute()
    {
        if (PostgresTestDatabase.ConnectionString is null)
        {
            Skip = PostgresTestDatabase.SkipReason;
        }
    }
}
