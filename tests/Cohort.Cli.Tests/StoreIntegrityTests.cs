using Microsoft.Data.Sqlite;

namespace Cohort.Cli.Tests;

/// <summary>Issue 13: a damaged experiment database is reported with its file, run and row, and a non-zero exit.</summary>
public sealed class StoreIntegrityTests
{
    [Fact]
    public async Task Should_ExitNonZeroNamingTheFileAndRow_When_OneBitOfAStoredScoreFlipped()
    {
        // Given a finished toy experiment
        var dir = TestPaths.NewDirectory();
        Assert.Equal(0, (await Cli.RunAsync("run", TestPaths.Example("toy.yaml"), "--out", dir, "--seed", "1")).ExitCode);
        var database = Path.Combine(dir, "cohort.db");

        // When one bit of a stored score flips (the first digit of the last result's validation metrics)
        var (id, run) = FlipABitOfAScore(database);
        var show = await Cli.RunAsync("show", dir);

        // Then show refuses to report it: non-zero exit, the file, the run and the row named, no internal error
        Assert.Equal(1, show.ExitCode);
        Assert.Contains(database, show.Error, StringComparison.Ordinal);
        Assert.Contains($"row {id} of table results (run '{run}') fails its checksum", show.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("internal error", show.Error, StringComparison.Ordinal);
    }

    private static (long Id, string Run) FlipABitOfAScore(string database)
    {
        using var connection = new SqliteConnection($"Data Source={database};Pooling=False");
        connection.Open();
        long id;
        string run;
        byte[] json;
        using (var select = connection.CreateCommand())
        {
            select.CommandText = "SELECT id, run, CAST(json AS BLOB) FROM results ORDER BY id DESC LIMIT 1;";
            using var reader = select.ExecuteReader();
            Assert.True(reader.Read());
            (id, run, json) = (reader.GetInt64(0), reader.GetString(1), reader.GetFieldValue<byte[]>(2));
        }

        var at = System.Text.Encoding.UTF8.GetString(json).IndexOf("\"validation\"", StringComparison.Ordinal);
        Assert.True(at >= 0, "the result has no validation metrics");
        while (json[at] is < (byte)'0' or > (byte)'9')
        {
            at++;
        }

        json[at] ^= 0x01;
        using var update = connection.CreateCommand();
        update.CommandText = "UPDATE results SET json = CAST(@json AS TEXT) WHERE id = @id;";
        update.Parameters.AddWithValue("@json", json);
        update.Parameters.AddWithValue("@id", id);
        Assert.Equal(1, update.ExecuteNonQuery());
        return (id, run);
    }
}
