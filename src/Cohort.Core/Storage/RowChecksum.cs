using System.Buffers;
using System.Data.Common;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage.Serialization;

namespace Cohort.Core.Storage;

/// <summary>
/// The checksum every store keeps beside each result and event row, and verifies when it reads the row back (issue 13):
/// a bit flipped in a stored score must not become a silently different result. It is the first 128 bits of the
/// SHA-256 of the row's stored columns (the run and, for a result, member, ordinal, generation, start and end step,
/// outcome and JSON document; for an event, member, step, kind and JSON document), joined by a unit separator and
/// encoded as UTF-8, written as 32 lower-case hexadecimal digits. Stores compute it the same way, so a row reads back the
/// same from SQLite and PostgreSQL.
/// </summary>
public static class RowChecksum
{
    private const char Separator = '\u001f';

    /// <summary>The checksum of a result row.</summary>
    public static string OfResult(string run, int member, int ordinal, int generation, long startStep, long endStep, string outcome, string json) =>
        Of(run, [member, ordinal, generation, startStep, endStep], outcome, json);

    /// <summary>The checksum of an event row.</summary>
    public static string OfEvent(string run, int member, long step, string kind, string json) =>
        Of(run, [member, step], kind, json);

    /// <summary>The checksum of a result row whose JSON document is given as UTF-8 (the same value as for the string).</summary>
    public static string OfResult(string run, int member, int ordinal, int generation, long startStep, long endStep, string outcome, ReadOnlySpan<byte> jsonUtf8) =>
        Of(run, [member, ordinal, generation, startStep, endStep], outcome, null, jsonUtf8);

    /// <summary>The checksum of an event row whose JSON document is given as UTF-8 (the same value as for the string).</summary>
    public static string OfEvent(string run, int member, long step, string kind, ReadOnlySpan<byte> jsonUtf8) =>
        Of(run, [member, step], kind, null, jsonUtf8);

    /// <summary>
    /// Checks a row read back from <paramref name="store"/>: throws when its stored checksum is present and differs
    /// from <paramref name="actual"/>, the checksum of its content as read. A row written before the store kept
    /// checksums (<paramref name="stored"/> null) is accepted unverified.
    /// </summary>
    /// <param name="stored">The checksum stored with the row; null for a row written without one.</param>
    /// <param name="actual">The checksum of the row's columns as read (<see cref="OfResult"/>, <see cref="OfEvent"/>).</param>
    /// <param name="store">The store, for the message (a file path, a database and experiment).</param>
    /// <param name="run">The run the row belongs to.</param>
    /// <param name="table">The row's table.</param>
    /// <param name="id">The row's id.</param>
    /// <exception cref="StoreException">The checksums differ.</exception>
    public static void Verify(string? stored, string actual, string store, string run, string table, long id)
    {
        if (stored is not null && !string.Equals(stored, actual, StringComparison.Ordinal))
        {
            throw new StoreException(
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{store}: row {id} of table {table} (run '{run}') fails its checksum: it was stored with {stored}, its content now hashes to {actual}. The row changed after it was written (a disk or memory fault, or an edit); nothing read from it is used. Restore the file from a copy, or run the experiment again."),
                store,
                run,
                string.Create(CultureInfo.InvariantCulture, $"{table} {id}"));
        }
    }

    /// <summary>
    /// Decodes a row's JSON document with <paramref name="decode"/>; a document that no longer decodes (a row written
    /// without a checksum and damaged since) throws a <see cref="StoreException"/> naming the store, run and row.
    /// </summary>
    /// <typeparam name="T">What the row holds.</typeparam>
    /// <param name="decode">The decoder (for example <c>CohortJson.DeserializeTaskResult</c>).</param>
    /// <param name="json">The row's document.</param>
    /// <param name="store">The store, for the message.</param>
    /// <param name="run">The run the row belongs to.</param>
    /// <param name="table">The row's table.</param>
    /// <param name="id">The row's id.</param>
    /// <exception cref="StoreException">The document does not decode.</exception>
    public static T Decode<T>(Func<string, T> decode, string json, string store, string run, string table, long id)
    {
        ArgumentNullException.ThrowIfNull(decode);
        try
        {
            return decode(json);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or FormatException or InvalidOperationException or ArgumentException)
        {
            throw new StoreException(
                string.Create(CultureInfo.InvariantCulture, $"{store}: row {id} of table {table} (run '{run}') cannot be read: {ex.Message}"),
                store,
                run,
                string.Create(CultureInfo.InvariantCulture, $"{table} {id}"),
                ex);
        }
    }

    /// <summary>
    /// The result in the reader's current row, its checksum verified and its document decoded. The columns are, in
    /// order: id, member, ordinal, generation, start_step, end_step, outcome, json, checksum (every store's results
    /// table, read the same way).
    /// </summary>
    /// <exception cref="StoreException">The row is damaged; the message names the store, run, table and row.</exception>
    public static (long Id, TaskResult Result) ReadResult(DbDataReader reader, string store, string run, string table)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var id = reader.GetInt64(0);
        var json = reader.GetString(7);
        Verify(
            reader.IsDBNull(8) ? null : reader.GetString(8),
            OfResult(run, reader.GetInt32(1), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt64(4), reader.GetInt64(5), reader.GetString(6), json),
            store,
            run,
            table,
            id);
        return (id, Decode(CohortJson.DeserializeTaskResult, json, store, run, table, id));
    }

    /// <summary>
    /// The event in the reader's current row, its checksum verified and its document decoded. The columns are, in
    /// order: id, member, step, kind, json, checksum.
    /// </summary>
    /// <exception cref="StoreException">The row is damaged; the message names the store, run, table and row.</exception>
    public static StoredEvent ReadEvent(DbDataReader reader, string store, string run, string table)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var id = reader.GetInt64(0);
        var json = reader.GetString(4);
        Verify(reader.IsDBNull(5) ? null : reader.GetString(5), OfEvent(run, reader.GetInt32(1), reader.GetInt64(2), reader.GetString(3), json), store, run, table, id);
        return new StoredEvent(id, run, Decode(CohortJson.DeserializeEvent, json, store, run, table, id));
    }

    /// <summary>
    /// The checksum of a row whose columns are <paramref name="run"/>, <paramref name="numbers"/>, <paramref name="name"/>
    /// and <paramref name="json"/>: they are joined by <see cref="Separator"/> and encoded as UTF-8 straight into a rented
    /// buffer, the same bytes as encoding the joined string (each column is a whole string or an invariant integer, and
    /// the separator is one byte) without building it. Every row is checksummed when written and when read.
    /// </summary>
    private static string Of(string run, ReadOnlySpan<long> numbers, string name, string json) => Of(run, numbers, name, json, default);

    /// <summary>As above, with the JSON document either a string (<paramref name="json"/>) or UTF-8 (<paramref name="jsonUtf8"/>).</summary>
    private static string Of(string run, ReadOnlySpan<long> numbers, string name, string? json, ReadOnlySpan<byte> jsonUtf8)
    {
        var jsonBytes = json is null ? jsonUtf8.Length : Encoding.UTF8.GetMaxByteCount(json.Length);
        var rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetMaxByteCount(run.Length + name.Length + (numbers.Length * 21) + 8) + jsonBytes);
        try
        {
            var bytes = rented.AsSpan();
            var length = Encoding.UTF8.GetBytes(run, bytes);
            foreach (var number in numbers)
            {
                bytes[length++] = (byte)Separator;
                if (!number.TryFormat(bytes[length..], out var written, default, CultureInfo.InvariantCulture))
                {
                    throw new InvalidOperationException("The row checksum buffer is too small."); // sized for 21 bytes per number
                }

                length += written;
            }

            bytes[length++] = (byte)Separator;
            length += Encoding.UTF8.GetBytes(name, bytes[length..]);
            bytes[length++] = (byte)Separator;
            if (json is null)
            {
                jsonUtf8.CopyTo(bytes[length..]);
                length += jsonUtf8.Length;
            }
            else
            {
                length += Encoding.UTF8.GetBytes(json, bytes[length..]);
            }

            Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
            SHA256.HashData(bytes[..length], hash);
            return Convert.ToHexStringLower(hash[..16]);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(rented);
        }
    }
}
