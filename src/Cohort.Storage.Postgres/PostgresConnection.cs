using System.Globalization;
using Cohort.Core.Security;
using Npgsql;

namespace Cohort.Storage.Postgres;

/// <summary>
/// PostgreSQL connection strings as users write them: a <c>postgresql://user:password@host:port/database?sslmode=require</c>
/// URI (libpq style) or an Npgsql key=value string. <see cref="SecretMasker.Mask"/> gives the form that may be printed
/// or logged: the password never is.
/// </summary>
public static class PostgresConnection
{
    /// <summary>Whether <paramref name="storage"/> names a PostgreSQL database (a <c>postgres://</c> or <c>postgresql://</c> URI, or a key=value string with a host).</summary>
    public static bool IsPostgres(string? storage) =>
        storage is not null
        && (storage.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase)
            || storage.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase)
            || (storage.Contains('=', StringComparison.Ordinal) && storage.Contains("host", StringComparison.OrdinalIgnoreCase)));

    /// <summary>Converts a URI or key=value string into an Npgsql connection string.</summary>
    /// <exception cref="FormatException">The string is neither (the message never contains the password).</exception>
    public static string ToNpgsql(string connection)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(connection);
        var text = connection.Trim();
        if (!text.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) && !text.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                return new NpgsqlConnectionStringBuilder(text).ConnectionString;
            }
            catch (ArgumentException ex)
            {
                throw new FormatException($"Not a PostgreSQL connection string: {SecretMasker.Mask(text)} ({ex.Message.Split('\n')[0]})", ex);
            }
        }

        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || string.IsNullOrEmpty(uri.Host))
        {
            // As in libpq, the first '@' ends the user information: one inside a password must be written %40.
            var hint = text.Count(c => c == '@') > 1 ? " A '@', ':' or '/' inside the user name or password must be percent-encoded (%40, %3A, %2F)." : "";
            throw new FormatException($"Not a PostgreSQL URI: {SecretMasker.Mask(text)}. Expected postgresql://user:password@host:port/database.{hint}");
        }

        var builder = new NpgsqlConnectionStringBuilder { Host = uri.Host };
        if (!uri.IsDefaultPort && uri.Port > 0)
        {
            builder.Port = uri.Port;
        }

        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            }
        }

        var database = Uri.UnescapeDataString(uri.AbsolutePath.TrimStart('/'));
        if (database.Length > 0)
        {
            builder.Database = database;
        }

        foreach (var pair in uri.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
            var value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..]);
            switch (key.ToLowerInvariant())
            {
                case "sslmode":
                    builder.SslMode = Enum.TryParse<SslMode>(value.Replace("-", "", StringComparison.Ordinal), ignoreCase: true, out var mode) && Enum.IsDefined(mode)
                        ? mode
                        : throw new FormatException($"PostgreSQL URI parameter sslmode={value} is not one of {string.Join(", ", Enum.GetNames<SslMode>().Select(n => n.ToLowerInvariant()))} in {SecretMasker.Mask(text)}.");
                    break;
                case "application_name":
                    builder.ApplicationName = value;
                    break;
                case "connect_timeout":
                    builder.Timeout = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
                        ? seconds
                        : throw new FormatException($"PostgreSQL URI parameter connect_timeout={value} is not a whole number of seconds in {SecretMasker.Mask(text)}.");
                    break;
                default:
                    try
                    {
                        builder[key] = value;
                    }
                    catch (ArgumentException ex)
                    {
                        throw new FormatException($"Unknown PostgreSQL URI parameter '{key}' in {SecretMasker.Mask(text)}.", ex);
                    }

                    break;
            }
        }

        return builder.ConnectionString;
    }

    /// <summary>A short description for progress lines: <c>user@host:port/database</c>, never the password.</summary>
    public static string Describe(string connection)
    {
        var builder = new NpgsqlConnectionStringBuilder(ToNpgsql(connection));
        return string.Create(CultureInfo.InvariantCulture, $"postgresql://{builder.Username}@{builder.Host}:{builder.Port}/{builder.Database}");
    }
}
