using Cohort.Engine.Data;

namespace Cohort.Engine.Tests.Data;

public sealed class DatasetCatalogTests
{
    [SharedDataFact]
    public void Should_SplitValidationFromMnistTrainingAndKeepCanonicalTest_When_LoadingMnist()
    {
        // DatasetCatalog.Load("mnist", …) is DatasetSplitter.Split(DatasetCatalog.LoadRaw("mnist", …), …); the raw load is shared.
        var splits = DatasetSplitter.Split(SharedData.Mnist, new SplitOptions { ValidationFraction = 1.0 / 6.0, Seed = 4 });

        Assert.Equal(50000, splits.Train.Count);
        Assert.Equal(10000, splits.Validation.Count);
        Assert.Equal(10000, splits.Test.Count);
        Assert.Equal([1, 28, 28], splits.Train.Shape.ToArray());
        Assert.Null(splits.FeatureScaler); // images stay in [0, 1] by default
        Assert.Equal(1f, splits.Validation.Features.Max());
        Assert.Equal(7f, splits.Test.Targets[0]);
        Assert.Equal("mnist/validation", splits.Validation.Name);
    }

    [SharedDataFact]
    public void Should_ReturnStandardisedBostonSplits_When_LoadingBoston()
    {
        var splits = DatasetCatalog.Load("boston", new DataDirectory(SharedData.Root!), new SplitOptions { Seed = 0 });

        Assert.Equal(506, splits.Train.Count + splits.Validation.Count + splits.Test.Count);
        Assert.Equal(101, splits.Test.Count);
        Assert.Equal(51, splits.Validation.Count);
        Assert.NotNull(splits.FeatureScaler);
        Assert.Equal(13, splits.FeatureScaler.Mean.Count);
        var firstColumn = Enumerable.Range(0, splits.Train.Count).Select(r => (double)splits.Train.Features[r * 13]).ToArray();
        Assert.Equal(0.0, firstColumn.Average(), 1e-5);
        Assert.InRange(splits.Train.Targets.Average(), 15f, 30f); // MEDV in $1000s, not standardised by default
    }

    [Fact]
    public void Should_LoadFashionMnistFromDataDirectory_When_SmallFilesArePresent()
    {
        using var temp = new TempDirectory();
        File.WriteAllBytes(temp.Path("fashion-mnist/train-images-idx3-ubyte.gz"), FormatWriter.Gzip(FormatWriter.IdxImages(20, 28, 28, (i, p) => (byte)(i * 10 + p % 7))));
        File.WriteAllBytes(temp.Path("fashion-mnist/train-labels-idx1-ubyte"), FormatWriter.IdxLabels([.. Enumerable.Range(0, 20).Select(i => (byte)(i % 10))]));
        File.WriteAllBytes(temp.Path("fashion-mnist/t10k-images-idx3-ubyte"), FormatWriter.IdxImages(4, 28, 28, (_, p) => (byte)p));
        File.WriteAllBytes(temp.Path("fashion-mnist/t10k-labels-idx1-ubyte.gz"), FormatWriter.Gzip(FormatWriter.IdxLabels([3, 1, 4, 1])));

        var splits = DatasetCatalog.Load("fashion-mnist", new DataDirectory(temp.Root), new SplitOptions { ValidationFraction = 0.25, FeatureScaling = FeatureScaling.PerChannel });

        Assert.Equal(15, splits.Train.Count);
        Assert.Equal(5, splits.Validation.Count);
        Assert.Equal([3f, 1f, 4f, 1f], splits.Test.Targets);
        Assert.Single(splits.FeatureScaler!.Mean);
        Assert.Equal(0.0, splits.Train.Features.Average(v => (double)v), 1e-4);
    }

    [Fact]
    public void Should_NameMissingFileAndHowToGetIt_When_Cifar10IsAbsent()
    {
        using var temp = new TempDirectory();

        var ex = Assert.Throws<DatasetException>(() => DatasetCatalog.Load("cifar10", new DataDirectory(temp.Root)));

        Assert.StartsWith($"cifar10/data_batch_1.bin: missing from data directory {temp.Root} (looked for cifar10/data_batch_1.bin, cifar10/cifar-10-batches-bin/data_batch_1.bin)", ex.Message, StringComparison.Ordinal);
        Assert.Contains("cifar-10-binary.tar.gz", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_FindCifarBatches_When_TheyAreInTheArchiveFolder()
    {
        using var temp = new TempDirectory();
        foreach (var name in Cifar10Loader.TrainFiles.Append(Cifar10Loader.TestFile))
        {
            File.WriteAllBytes(temp.Path("cifar10/cifar-10-batches-bin/" + name), [1, 2]);
        }

        var ex = Assert.Throws<DatasetException>(() => DatasetCatalog.LoadRaw("cifar10", new DataDirectory(temp.Root)));

        // Found the files (so the error is about their content, naming the first batch).
        Assert.Contains(Path.Combine("cifar-10-batches-bin", "data_batch_1.bin") + ": truncated", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_ListKnownNames_When_NameIsUnknown()
    {
        using var temp = new TempDirectory();

        var ex = Assert.Throws<ArgumentException>(() => DatasetCatalog.Load("imagenet", new DataDirectory(temp.Root)));

        Assert.Contains("Unknown dataset 'imagenet'; known: mnist, fashion-mnist, cifar10, boston, california", ex.Message, StringComparison.Ordinal);
    }

    [SharedDataFact]
    public async Task Should_DownloadMissingFilesThenLoad_When_LoadingAsync()
    {
        using var server = LocalHttpServer.ServingFolder(SharedData.Root!);
        using var temp = new TempDirectory();
        using var http = new HttpClient(new SocketsHttpHandler { UseProxy = false });
        var directory = new DataDirectory(temp.Root);

        var splits = await DatasetCatalog.LoadAsync("boston", directory, new DatasetDownloader(http, server.BaseUrl), new SplitOptions { Seed = 2 });

        Assert.Equal(506, splits.Train.Count + splits.Validation.Count + splits.Test.Count);
        Assert.True(directory.Contains("boston/housing.data"));
        Assert.Equal(["/boston/housing.data"], server.Requests);
    }
}
