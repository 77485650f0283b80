namespace Cohort.Engine.Data;

/// <summary>
/// One entry point for the built-in datasets: <c>mnist</c>, <c>fashion-mnist</c>, <c>cifar10</c>, <c>boston</c>,
/// <c>california</c>. Finds the files in a <see cref="DataDirectory"/> (optionally downloading missing ones), loads
/// them and returns seeded, standardised train/validation/test splits (<see cref="DatasetSplitter"/>).
/// Files looked for, first match wins:
/// <list type="bullet">
/// <item>mnist, fashion-mnist: <c>{name}/train-images-idx3-ubyte(.gz)</c>, <c>train-labels-idx1-ubyte(.gz)</c>, <c>t10k-…</c>; shape [1,28,28], 10 classes; canonical 10000-image test set.</item>
/// <item>cifar10: <c>cifar10/data_batch_1.bin</c>…<c>_5.bin</c> and <c>test_batch.bin</c>, directly or under <c>cifar10/cifar-10-batches-bin/</c>; shape [3,32,32]; canonical test set. Downloads fetch the binary tar.gz and extract the batches into <c>cifar10/</c>.</item>
/// <item>boston: <c>boston/housing.data</c>, else <c>boston/BostonHousing.csv</c>; 13 features, target MEDV in $1000s.</item>
/// <item>california: <c>california/housing.csv</c> (13 features incl. one-hot ocean_proximity; missing total_bedrooms imputed with the training median), else <c>california/cal_housing.data</c> (8 features); target median_house_value in $100k.</item>
/// </list>
/// </summary>
public static class DatasetCatalog
{
    /// <summary>The dataset names understood by <see cref="Load"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = ["mnist", "fashion-mnist", "cifar10", "boston", "california"];

    /// <summary>Loads <paramref name="name"/> from <paramref name="directory"/> and splits it; missing files are an error.</summary>
    public static DatasetSplits Load(string name, DataDirectory directory, SplitOptions? options = null) =>
        DatasetSplitter.Split(LoadRaw(name, directory), options ?? new SplitOptions());

    /// <summary>Like <see cref="Load"/>, but first downloads and verifies any missing file with <paramref name="downloader"/>.</summary>
    public static async Task<DatasetSplits> LoadAsync(
        string name, DataDirectory directory, DatasetDownloader downloader, SplitOptions? options = null, CancellationToken cancellationToken = default)
    {
        await EnsureFilesAsync(name, directory, downloader, cancellationToken).ConfigureAwait(false);
        return Load(name, directory, options);
    }

    /// <summary>Downloads whichever of <paramref name="name"/>'s files are missing (the first downloadable alternative of each).</summary>
    public static async Task EnsureFilesAsync(string name, DataDirectory directory, DatasetDownloader downloader, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(directory);
        ArgumentNullException.ThrowIfNull(downloader);
        foreach (var alternatives in Requirements(name))
        {
            if (alternatives.Any(directory.Contains))
            {
                continue;
            }

            var known = alternatives.Select(DatasetRegistry.Find).FirstOrDefault(f => f is not null);
            if (known is not null)
            {
                await downloader.EnsureAsync(directory, known, cancellationToken).ConfigureAwait(false);
                continue;
            }

            var archive = alternatives.Select(DatasetRegistry.FindArchive).FirstOrDefault(a => a is not null)
                ?? throw MissingError(name, directory, alternatives);
            await downloader.EnsureArchiveAsync(directory, archive, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Loads <paramref name="name"/> without splitting: the training pool and, where defined, the canonical test set.
    /// Every file with a SHA-256 in <see cref="DatasetRegistry"/> is verified against it first, on every load (a
    /// verification is remembered within the process while the file's length and last-write time stay the same); a
    /// mismatch is a <see cref="DatasetException"/> naming the file, both hashes and how to get the original back.
    /// </summary>
    public static LoadedData LoadRaw(string name, DataDirectory directory)
    {
        ArgumentNullException.ThrowIfNull(directory);
        var files = Requirements(name).Select(a => Locate(name, directory, a)).ToArray();
        switch (name)
        {
            case "mnist":
            case "fashion-mnist":
                return new LoadedData(
                    IdxLoader.Load(files[0], files[1], name + "/train"),
                    IdxLoader.Load(files[2], files[3], name + "/test"));
            case "cifar10":
                return new LoadedData(
                    Cifar10Loader.Load(files[..5], name + "/train"),
                    Cifar10Loader.Load([files[5]], name + "/test"));
            case "boston":
                return new LoadedData(
                    files[0].EndsWith(".csv", StringComparison.OrdinalIgnoreCase)
                        ? TabularLoader.LoadBostonCsv(files[0], name)
                        : TabularLoader.LoadBostonWhitespace(files[0], name),
                    null);
            case "california":
                return new LoadedData(
                    files[0].EndsWith(".csv", StringComparison.OrdinalIgnoreCase)
                        ? TabularLoader.LoadCaliforniaCsv(files[0], name)
                        : TabularLoader.LoadCaliforniaData(files[0], name),
                    null);
            default:
                throw UnknownName(name);
        }
    }

    /// <summary>For each file <paramref name="name"/> needs, the relative paths that may provide it, in order of preference.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Requirements(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        switch (name)
        {
            case "mnist":
            case "fashion-mnist":
                string[] idx = ["train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte", "t10k-labels-idx1-ubyte"];
                return [.. idx.Select(f => (IReadOnlyList<string>)[$"{name}/{f}.gz", $"{name}/{f}"])];
            case "cifar10":
                return [.. Cifar10Loader.TrainFiles.Append(Cifar10Loader.TestFile)
                    .Select(f => (IReadOnlyList<string>)[$"cifar10/{f}", $"cifar10/cifar-10-batches-bin/{f}"])];
            case "boston":
                return [["boston/housing.data", "boston/BostonHousing.csv"]];
            case "california":
                return [["california/housing.csv", "california/cal_housing.data"]];
            default:
                throw UnknownName(name);
        }
    }

    private static string Locate(string name, DataDirectory directory, IReadOnlyList<string> alternatives)
    {
        foreach (var a in alternatives)
        {
            if (directory.Contains(a))
            {
                DatasetVerifier.Shared.Verify(directory, a);
                return directory.GetPath(a);
            }
        }

        throw MissingError(name, directory, alternatives);
    }

    private static DatasetException MissingError(string name, DataDirectory directory, IReadOnlyList<string> alternatives)
    {
        var hint = "enable downloads, or point --data / " + DataDirectory.EnvironmentVariable + " at a directory that has it"
            + (name == "cifar10" ? $" (or extract {DatasetRegistry.Cifar10BinaryArchive} into {directory.GetPath("cifar10")})" : "");
        return new DatasetException(
            alternatives[0],
            $"missing from data directory {directory.Root} (looked for {string.Join(", ", alternatives)}); {hint}");
    }

    private static ArgumentException UnknownName(string name) =>
        new($"Unknown dataset '{name}'; known: {string.Join(", ", Names)}.", nameof(name));
}
