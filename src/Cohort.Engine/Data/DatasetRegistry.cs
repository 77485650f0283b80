namespace Cohort.Engine.Data;

/// <summary>How a downloaded file without a known checksum is checked instead.</summary>
public enum DatasetFileFormat
{
    /// <summary>Text; only a checksum can verify it.</summary>
    Text,

    /// <summary>An IDX images file (magic 2051, exact length).</summary>
    IdxImages,

    /// <summary>An IDX labels file (magic 2049, exact length, labels 0..9).</summary>
    IdxLabels,

    /// <summary>A CIFAR-10 binary batch (ExpectedCount records of 3073 bytes, labels 0..9).</summary>
    Cifar10Batch,
}

/// <summary>A file inside a <see cref="DatasetArchive"/>: the tar entry's name and the data-directory file it becomes.</summary>
public sealed record ArchiveMember(string EntryName, DatasetFile File);

/// <summary>
/// A gzipped tar archive that provides several dataset files (CIFAR-10 is distributed only this way). The archive is
/// downloaded to a temporary file, the members are extracted to temporary files and verified, and only then moved
/// into place; the archive itself is not kept.
/// </summary>
/// <param name="RelativePath">Where a mirror serves the archive, relative to its base URL, e.g. "cifar10/cifar-10-binary.tar.gz".</param>
/// <param name="Url">Canonical download URL.</param>
/// <param name="Members">The entries to extract.</param>
public sealed record DatasetArchive(string RelativePath, Uri Url, IReadOnlyList<ArchiveMember> Members);

/// <summary>
/// A file Cohort knows how to fetch: its place in the data directory, its canonical URL and the SHA-256 of its
/// content — of the <em>decompressed</em> content for gzip files, because re-compressed copies of the same data differ
/// in the gzip header (mtime). <see cref="Sha256"/> is null where no checksum is known for certain; such a file is
/// verified by <see cref="Format"/> (header, dimensions, exact length, <see cref="ExpectedCount"/>) instead.
/// </summary>
/// <param name="RelativePath">Path in the data directory with '/' separators, e.g. "mnist/t10k-labels-idx1-ubyte.gz".</param>
/// <param name="Url">Canonical download URL.</param>
/// <param name="Sha256">Lower-case hex SHA-256 of the (decompressed) content, or null when unknown.</param>
/// <param name="Format">The format checked when there is no checksum.</param>
/// <param name="ExpectedCount">Images or labels the IDX file must hold (format check), or null.</param>
public sealed record DatasetFile(string RelativePath, Uri Url, string? Sha256, DatasetFileFormat Format = DatasetFileFormat.Text, int? ExpectedCount = null);

/// <summary>
/// The registry of known dataset files. Checksums: MNIST, Boston and California from <c>shared/data/README.md</c>
/// (MNIST: the SHA-256 of the decompressed canonical IDX files, whose md5s match the published ones). Fashion-MNIST
/// files are verified by format (IDX header, 28×28, 60000/10000 items, exact length). CIFAR-10 is distributed only as
/// one tar.gz archive (<see cref="Archives"/>); its batches are verified by format (exactly 10000 records of 3073 bytes,
/// labels 0..9), since no SHA-256 of them is known here for certain.
/// </summary>
public static class DatasetRegistry
{
    /// <summary>Mirror of LeCun's MNIST files used by torchvision (the original site is often unavailable).</summary>
    public static readonly Uri MnistBase = new("https://ossci-datasets.s3.amazonaws.com/mnist/");

    /// <summary>Zalando Research's Fashion-MNIST download location.</summary>
    public static readonly Uri FashionMnistBase = new("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/");

    /// <summary>The CIFAR-10 binary archive (Krizhevsky's site).</summary>
    public static readonly Uri Cifar10BinaryArchive = new("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz");

    /// <summary>All known files.</summary>
    public static IReadOnlyList<DatasetFile> Files { get; } =
    [
        new("mnist/train-images-idx3-ubyte.gz", new Uri(MnistBase, "train-images-idx3-ubyte.gz"), "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db", DatasetFileFormat.IdxImages, 60000),
        new("mnist/train-labels-idx1-ubyte.gz", new Uri(MnistBase, "train-labels-idx1-ubyte.gz"), "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5", DatasetFileFormat.IdxLabels, 60000),
        new("mnist/t10k-images-idx3-ubyte.gz", new Uri(MnistBase, "t10k-images-idx3-ubyte.gz"), "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7", DatasetFileFormat.IdxImages, 10000),
        new("mnist/t10k-labels-idx1-ubyte.gz", new Uri(MnistBase, "t10k-labels-idx1-ubyte.gz"), "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2", DatasetFileFormat.IdxLabels, 10000),
        new("fashion-mnist/train-images-idx3-ubyte.gz", new Uri(FashionMnistBase, "train-images-idx3-ubyte.gz"), null, DatasetFileFormat.IdxImages, 60000),
        new("fashion-mnist/train-labels-idx1-ubyte.gz", new Uri(FashionMnistBase, "train-labels-idx1-ubyte.gz"), null, DatasetFileFormat.IdxLabels, 60000),
        new("fashion-mnist/t10k-images-idx3-ubyte.gz", new Uri(FashionMnistBase, "t10k-images-idx3-ubyte.gz"), null, DatasetFileFormat.IdxImages, 10000),
        new("fashion-mnist/t10k-labels-idx1-ubyte.gz", new Uri(FashionMnistBase, "t10k-labels-idx1-ubyte.gz"), null, DatasetFileFormat.IdxLabels, 10000),
        new("boston/housing.data", new Uri("https://archive.ics.uci.edu/ml/machine-learning-databases/housing/housing.data"), "4a8425d42eb99b76feb7ee7cf0fb1d897a6cd19b72c437e4855d767cabb7e24e"),
        new("boston/BostonHousing.csv", new Uri("https://raw.githubusercontent.com/selva86/datasets/master/BostonHousing.csv"), "ab16ba38fbbbbcc69fe930aab1293104f1442c8279c130d9eba03dd864bef675"),
        new("california/housing.csv", new Uri("https://raw.githubusercontent.com/ageron/handson-ml2/master/datasets/housing/housing.csv"), "8a3727f4cf54ac1a327f69b1d5b4db54c5834ea81c6e4efc0d163300022a685e"),
        new("california/cal_housing.data", new Uri("https://raw.githubusercontent.com/we-b/datasets_for_ai/85985fbd60d1a2d8d098a55acb544cfac7818216/cal_housing.data"), "a2b44dcc7e1c9091b43c4f458b25cbd1f7e8068d08edd26bc4703108d3fa6214"),
    ];

    /// <summary>Known archives: the CIFAR-10 binary version, whose <c>cifar-10-batches-bin/*.bin</c> become <c>cifar10/*.bin</c>.</summary>
    public static IReadOnlyList<DatasetArchive> Archives { get; } =
    [
        new DatasetArchive(
            "cifar10/cifar-10-binary.tar.gz",
            Cifar10BinaryArchive,
            [.. Cifar10Loader.TrainFiles.Append(Cifar10Loader.TestFile).Select(f => new ArchiveMember(
                "cifar-10-batches-bin/" + f,
                new DatasetFile("cifar10/" + f, Cifar10BinaryArchive, null, DatasetFileFormat.Cifar10Batch, Cifar10Loader.RecordsPerBatch)))]),
    ];

    /// <summary>The archive that provides <paramref name="relativePath"/>, or null.</summary>
    public static DatasetArchive? FindArchive(string relativePath) =>
        Archives.FirstOrDefault(a => a.Members.Any(m => string.Equals(m.File.RelativePath, relativePath, StringComparison.Ordinal)));

    /// <summary>The registry entry for <paramref name="relativePath"/>, or null.</summary>
    public static DatasetFile? Find(string relativePath)
    {
        foreach (var f in Files)
        {
            if (string.Equals(f.RelativePath, relativePath, StringComparison.Ordinal))
            {
                return f;
            }
        }

        return null;
    }
}
