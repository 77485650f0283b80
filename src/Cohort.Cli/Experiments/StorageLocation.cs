using Cohort.Core.Security;
using Cohort.Storage.Postgres;

namespace Cohort.Cli.Experiments;

/// <summary>
/// Where a distributed experiment lives: a PostgreSQL connection string taken from <c>--storage</c>, else from the file
/// named by <c>--storage-file</c> (first non-empty line; for secrets mounted as files), else from the environment
/// variable <see cref="EnvironmentVariable"/>. <see cref="Display"/> is the only form ever printed: never the password.
/// </summary>
internal sealed record StorageLocation(string ConnectionString)
{
    public const string EnvironmentVariable = "COHORT_STORAGE";

    public string Display => SecretMasker.Mask(ConnectionString);

    /// <summary>Resolves the storage; null when none of the three is given.</summary>
    public static StorageLocation? Resolve(string? option, string? file, Func<string, string?>? getEnvironmentVariable = null)
    {
        string? value = null;
        if (!string.IsNullOrWhiteSpace(option))
        {
            value = option;
        }
        else if (!string.IsNullOrWhiteSpace(file))
        {
            if (!File.Exists(file))
            {
                throw new UsageException($"--storage-file {file} does not exist.");
            }

            value = File.ReadLines(file).Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0)
                ?? throw new UsageException($"--storage-file {file} is empty.");
        }
        else
        {
            value = (getEnvironmentVariable ?? Environment.GetEnvironmentVariable)(EnvironmentVariable);
        }

        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        if (!PostgresConnection.IsPostgres(value))
        {
            throw new UsageException(
                $"Storage '{SecretMasker.Mask(value)}' is not a PostgreSQL connection string; expected postgresql://user:password@host:port/database or Host=…;Username=…;Database=….");
        }

        try
        {
            _ = PostgresConnection.ToNpgsql(value);
        }
        catch (FormatException ex)
        {
            throw new UsageException(ex.Message);
        }

        return new StorageLocation(value);
    }
}
