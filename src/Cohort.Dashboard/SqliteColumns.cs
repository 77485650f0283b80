using System.Runtime.InteropServices;
using SQLitePCL;

namespace Cohort.Dashboard;

/// <summary>
/// Steps a prepared SQLite statement and reads its current row's columns by calling e_sqlite3 (the library
/// SQLitePCLRaw's bundle loads, <c>SQLitePCLRaw.bundle_e_sqlite3</c>) directly. SQLitePCLRaw counts references on the
/// statement's safe handle in every call, which costs the dashboard's follower as much as it saves by reading the JSON in
/// place; here the caller holds the statement (its <see cref="sqlite3_stmt"/>) for the whole loop, so the handle is
/// taken once. With another provider the calls go through SQLitePCLRaw.
/// </summary>
internal readonly unsafe partial struct SqliteColumns
{
    private static readonly bool s_direct = string.Equals(raw.GetNativeLibraryName(), "e_sqlite3", StringComparison.Ordinal);

    private readonly sqlite3_stmt _statement;
    private readonly IntPtr _handle;

    /// <summary>Reads <paramref name="statement"/>; the caller keeps it open while this is used.</summary>
    public SqliteColumns(sqlite3_stmt statement)
    {
        _statement = statement;
        _handle = s_direct ? statement.DangerousGetHandle() : IntPtr.Zero;
    }

    /// <summary>sqlite3_step: <see cref="raw.SQLITE_ROW"/>, <see cref="raw.SQLITE_DONE"/> or an error code.</summary>
    public int Step() => s_direct ? NativeStep(_handle) : raw.sqlite3_step(_statement);

    /// <summary>The current row's column <paramref name="index"/> as an integer.</summary>
    public long Int64(int index) => s_direct ? NativeInt64(_handle, index) : raw.sqlite3_column_int64(_statement, index);

    /// <summary>The current row's column <paramref name="index"/> as bytes (a text's UTF-8), valid until the next step.</summary>
    public ReadOnlySpan<byte> Bytes(int index)
    {
        if (!s_direct)
        {
            return raw.sqlite3_column_blob(_statement, index);
        }

        var data = NativeBlob(_handle, index); // before its length, as SQLite asks
        return data == IntPtr.Zero ? [] : new ReadOnlySpan<byte>((void*)data, NativeBytes(_handle, index));
    }

    [LibraryImport("e_sqlite3", EntryPoint = "sqlite3_step")]
    private static partial int NativeStep(IntPtr statement);

    [LibraryImport("e_sqlite3", EntryPoint = "sqlite3_column_int64")]
    private static partial long NativeInt64(IntPtr statement, int index);

    [LibraryImport("e_sqlite3", EntryPoint = "sqlite3_column_blob")]
    private static partial IntPtr NativeBlob(IntPtr statement, int index);

    [LibraryImport("e_sqlite3", EntryPoint = "sqlite3_column_bytes")]
    private static partial int NativeBytes(IntPtr statement, int index);
}
