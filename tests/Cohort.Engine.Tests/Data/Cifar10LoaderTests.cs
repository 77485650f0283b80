using Cohort.Engine.Data;

namespace Cohort.Engine.Tests.Data;

public sealed class Cifar10LoaderTests
{
    [Fact]
    public void Should_LoadRecordsInNchwOrder_When_BatchFilesAreWellFormed()
    {
        using var temp = new TempDirectory();
        var first = temp.Path("cifar10/data_batch_1.bin");
        var second = temp.Path("cifar10/data_batch_2.bin");
        File.WriteAllBytes(first, FormatWriter.Cifar(3, r => (byte)(r + 1), (r, p) => (byte)((r * 31 + p) % 256)));
        File.WriteAllBytes(second, FormatWriter.Cifar(2, r => (byte)(9 - r), (r, p) => (byte)(p / 1024 * 100 + r)));

        var data = Cifar10Loader.Load([first, second], "cifar10/train", recordsPerFile: null);

        Assert.Equal(5, data.Count);
        Assert.Equal([3, 32, 32], data.Shape.ToArray());
        Assert.Equal(10, data.ClassCount);
        Assert.Equal([1f, 2f, 3f, 9f, 8f], data.Targets);
        // Record 1, pixel 1500 (green plane, row 14, column 28).
        Assert.Equal(((1 * 31 + 1500) % 256) / 255f, data.Features[1 * 3072 + 1500]);
        // Record 4 (second file, r = 1): channel c holds c*100 + 1.
        Assert.Equal(1 / 255f, data.Features[4 * 3072 + 5]);
        Assert.Equal(101 / 255f, data.Features[4 * 3072 + 1024 + 5]);
        Assert.Equal(201 / 255f, data.Features[4 * 3072 + 2048 + 5]);
    }

    [Fact]
    public void Should_ReportTruncation_When_CanonicalBatchIsShort()
    {
        using var temp = new TempDirectory();
        var path = temp.Path("cifar10/test_batch.bin");
        File.WriteAllBytes(path, FormatWriter.Cifar(4, _ => 0, (_, _) => 0));

        var ex = Assert.Throws<DatasetException>(() => Cifar10Loader.Load([path], "cifar10/test"));

        Assert.Equal($"{path}: truncated: a CIFAR-10 batch holds 10000 records (30730000 bytes), file has 12292", ex.Message);
    }

    [Fact]
    public void Should_RejectPartialRecord_When_LengthIsNotAMultipleOfTheRecord()
    {
        using var temp = new TempDirectory();
        var path = temp.Path("cifar10/data_batch_1.bin");
        File.WriteAllBytes(path, FormatWriter.Cifar(2, _ => 0, (_, _) => 0)[..5000]);

        var ex = Assert.Throws<DatasetException>(() => Cifar10Loader.Load([path], "cifar10/train", recordsPerFile: null));

        Assert.Contains("5000 bytes, not a positive multiple of the 3073-byte record", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Should_RejectLabel_When_OutsideZeroToNine()
    {
        using var temp = new TempDirectory();
        var path = temp.Path("cifar10/data_batch_1.bin");
        File.WriteAllBytes(path, FormatWriter.Cifar(3, r => r == 2 ? (byte)10 : (byte)0, (_, _) => 0));

        var ex = Assert.Throws<DatasetException>(() => Cifar10Loader.Load([path], "cifar10/train", recordsPerFile: 3));

        Assert.Equal($"{path}: record 2: label 10 is outside 0..9 (offset 6146)", ex.Message);
    }
}
