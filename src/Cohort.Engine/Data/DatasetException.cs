namespace Cohort.Engine.Data;

/// <summary>
/// A dataset file is missing, truncated, corrupt, or failed its checksum. The message always names the file
/// (relative to the data directory where known) and the problem, e.g.
/// <c>mnist/train-images-idx3-ubyte.gz: truncated: header says 60000 images (47040016 bytes), file has 1234</c>.
/// </summary>
public sealed class DatasetException : Exception
{
    public DatasetException()
    {
    }

    public DatasetException(string message)
        : base(message)
    {
    }

    public DatasetException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an exception whose message starts with the file name: "<paramref name="file"/>: <paramref name="problem"/>".</summary>
    public DatasetException(string file, string problem, Exception? innerException = null)
        : base(file + ": " + problem, innerException)
    {
        FilePath = file;
    }

    /// <summary>The file the problem is about, when there is one.</summary>
    public string? FilePath { get; }
}
