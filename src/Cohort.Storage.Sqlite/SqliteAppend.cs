using System.Buffers;
using System.Text;
using System.Text.Json;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Core.Storage.Serialization;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Cohort.Storage.Sqlite;

/// <summary>
/// A batch of told results and their events, serialised, and its insertion (issue 12: the runner's group commits go
/// through here, hundreds of rows at a time). The JSON documents are written once, as UTF-8, into one buffer, and bound
/// from it as text; the rows go through two statements prepared on the connection's native handle, their parameters
/// bound by position. Through <see cref="SqliteCommand"/> each row cost a string per document, the documents'
/// re-encoding, parameter lookups by name and a data reader, more than SQLite's own insert.
/// </summary>
internal sealed class SqliteAppend
{
    private const string InsertResult =
        """
        INSERT INTO results (run, member, ordinal, generation, start_step, end_step, outcome, json, checksum)
        VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
        ON CONFLICT (run, member, ordinal) DO NOTHING
        RETURNING id;
        """;

    private const string InsertEvent =
        "INSERT INTO events (run, member, step, kind, json, result_id, checksum) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7);";

    private readonly ArrayBufferWriter<byte> _json = new(64 * 1024);
    private readonly List<Row> _results = [];
    private readonly List<Row> _events = [];

    /// <summary>
    /// Serialises <paramref name="told"/> (before the database is touched: an unserialisable event fails the batch with
    /// nothing written).
    /// </summary>
    public SqliteAppend(IReadOnlyList<ToldResult> told)
    {
        using var writer = CohortJson.CreateWriter(_json);
        foreach (var t in told)
        {
            _results.Add(Write(writer, w => CohortJson.WriteTaskResult(w, t.Result), CohortJson.OutcomeName(t.Result.Outcome), t.Events.Count));
            foreach (var e in t.Events)
            {
                _events.Add(Write(writer, w => CohortJson.WriteEvent(w, e), CohortJson.KindOf(e), 0));
            }
        }

        Told = told;
    }

    private IReadOnlyList<ToldResult> Told { get; }

    /// <summary>
    /// Inserts the rows in the connection's open transaction; returns how many results were new (a result already
    /// recorded is skipped with its events). Throws <see cref="SqliteException"/> as the ADO.NET path would.
    /// </summary>
    public int Insert(SqliteConnection connection, string run, CancellationToken cancellationToken)
    {
        var db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        var runUtf8 = Encoding.UTF8.GetBytes(run);
        Check(raw.sqlite3_prepare_v2(db, InsertResult, out var insertResult), db);
        using (insertResult)
        {
            Check(raw.sqlite3_prepare_v2(db, InsertEvent, out var insertEvent), db);
            using (insertEvent)
            {
                var appended = 0;
                var nextEvent = 0;
                for (var i = 0; i < _results.Count; i++)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var task = Told[i].Result.Task;
                    var row = _results[i];
                    var json = Json(row);
                    var checksum = RowChecksum.OfResult(run, task.Member, task.Ordinal, task.Generation, task.StartStep, task.EndStep, row.Name, json);
                    Check(raw.sqlite3_bind_text(insertResult, 1, runUtf8), db);
                    Check(raw.sqlite3_bind_int64(insertResult, 2, task.Member), db);
                    Check(raw.sqlite3_bind_int64(insertResult, 3, task.Ordinal), db);
                    Check(raw.sqlite3_bind_int64(insertResult, 4, task.Generation), db);
                    Check(raw.sqlite3_bind_int64(insertResult, 5, task.StartStep), db);
                    Check(raw.sqlite3_bind_int64(insertResult, 6, task.EndStep), db);
                    Check(raw.sqlite3_bind_text(insertResult, 7, row.Name), db);
                    Check(raw.sqlite3_bind_text(insertResult, 8, json), db);
                    Check(raw.sqlite3_bind_text(insertResult, 9, checksum), db);
                    var id = StepReturningId(insertResult, db);
                    var first = nextEvent;
                    nextEvent += row.Events;
                    if (id is not { } resultId)
                    {
                        continue; // already recorded: skipped with its events
                    }

                    appended++;
                    var told = Told[i].Events;
                    for (var j = 0; j < row.Events; j++)
                    {
                        var e = told[j];
                        var stored = _events[first + j];
                        var eventJson = Json(stored);
                        Check(raw.sqlite3_bind_text(insertEvent, 1, runUtf8), db);
                        Check(raw.sqlite3_bind_int64(insertEvent, 2, e.Member), db);
                        Check(raw.sqlite3_bind_int64(insertEvent, 3, e.Step), db);
                        Check(raw.sqlite3_bind_text(insertEvent, 4, stored.Name), db);
                        Check(raw.sqlite3_bind_text(insertEvent, 5, eventJson), db);
                        Check(raw.sqlite3_bind_int64(insertEvent, 6, resultId), db);
                        Check(raw.sqlite3_bind_text(insertEvent, 7, RowChecksum.OfEvent(run, e.Member, e.Step, stored.Name, eventJson)), db);
                        var rc = raw.sqlite3_step(insertEvent);
                        if (rc != raw.SQLITE_DONE)
                        {
                            Check(rc, db);
                        }

                        Check(raw.sqlite3_reset(insertEvent), db);
                    }
                }

                return appended;
            }
        }
    }

    /// <summary>Steps an insert with <c>RETURNING id</c>: the new row's id, or null when the insert did nothing.</summary>
    private static long? StepReturningId(sqlite3_stmt statement, sqlite3 db)
    {
        long? id = null;
        int rc;
        while ((rc = raw.sqlite3_step(statement)) == raw.SQLITE_ROW)
        {
            id = raw.sqlite3_column_int64(statement, 0);
        }

        if (rc != raw.SQLITE_DONE)
        {
            Check(rc, db);
        }

        Check(raw.sqlite3_reset(statement), db);
        return id;
    }

    private static void Check(int rc, sqlite3 db)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
        }
    }

    private ReadOnlySpan<byte> Json(Row row) => _json.WrittenSpan.Slice(row.Start, row.Length);

    private Row Write(Utf8JsonWriter writer, Action<Utf8JsonWriter> write, string name, int events)
    {
        var start = _json.WrittenCount;
        writer.Reset(_json);
        write(writer);
        writer.Flush();
        return new Row(start, _json.WrittenCount - start, name, events);
    }

    /// <summary>A document in the buffer; for a result, its outcome and number of events, for an event its kind.</summary>
    private readonly record struct Row(int Start, int Length, string Name, int Events);
}
