namespace Cohort.Core.Storage;

/// <summary>
/// The experiment store failed (a damaged or unreadable database, a full disk) or holds a row that does not read back as
/// written (its checksum differs, or it no longer decodes). The message names the store (its file or database), and
/// the run and row when the fault is in one.
/// </summary>
public sealed class StoreException : Exception
{
    /// <summary>Creates the exception.</summary>
    /// <param name="message">What failed, naming the store, run and row.</param>
    /// <param name="store">The store: a database file's path, or a PostgreSQL database and experiment.</param>
    /// <param name="run">The run the faulty row belongs to; null when the fault is not in one run's rows.</param>
    /// <param name="row">The faulty row (table and id); null when the fault is not in one row.</param>
    /// <param name="inner">The underlying error, if any.</param>
    public StoreException(string message, string store, string? run = null, string? row = null, Exception? inner = null)
        : base(message, inner)
    {
        Store = store;
        Run = run;
        Row = row;
    }

    /// <summary>The store: a database file's path, or a PostgreSQL database and experiment.</summary>
    public string Store { get; }

    /// <summary>The run the faulty row belongs to; null when the fault is not in one run's rows.</summary>
    public string? Run { get; }

    /// <summary>The faulty row (table and id); null when the fault is not in one row.</summary>
    public string? Row { get; }
}
