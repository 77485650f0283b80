using System.Text.Json;

namespace Cohort.Dashboard.Tests;

public sealed class FlatHyperparametersTests
{
    [Fact]
    public void Parse_Should_ReadNumbersAndCategories_When_TheSetIsInTheCommonForm()
    {
        // When
        var set = FlatHyperparameters.Parse("{\"lr\":0.01,\"opt\":\"adam \\\"<b>\\\"\",\"layers\":3}", null);

        // Then it reads as the dictionary the page is sent, and serialises as one
        Assert.NotNull(set);
        Assert.Equal(["lr", "opt", "layers"], set.Keys);
        Assert.Equal(0.01, (double)set["lr"]);
        Assert.Equal("adam \"<b>\"", set["opt"]);
        Assert.Equal(3.0, (double)set["layers"]);
        Assert.False(set.ContainsKey("momentum"));
        var expected = new Dictionary<string, object> { ["lr"] = 0.01, ["opt"] = "adam \"<b>\"", ["layers"] = 3.0 };
        Assert.Equal(JsonSerializer.Serialize(expected), JsonSerializer.Serialize<IReadOnlyDictionary<string, object>>(set));
    }

    [Fact]
    public void Parse_Should_ShareTheNames_When_TheNextSetHasTheSameNamesInTheSameOrder()
    {
        var first = FlatHyperparameters.Parse("{\"lr\":0.01,\"momentum\":0.9}", null);
        var same = FlatHyperparameters.Parse("{\"lr\":0.02,\"momentum\":0.8}", first);
        var other = FlatHyperparameters.Parse("{\"momentum\":0.8,\"lr\":0.02}", first);

        Assert.NotNull(first);
        Assert.NotNull(same);
        Assert.NotNull(other);
        Assert.Same(first.Names, same.Names);
        Assert.NotSame(first.Names, other.Names);
        Assert.Equal([0.02, 0.8], same.Values.Cast<double>());
        Assert.Equal(["momentum", "lr"], other.Keys);
    }

    [Theory]
    [InlineData("{\"lr\":\"NaN\",\"x\":1e999}")]
    [InlineData("{\"lr\":1,\"lr\":2}")]
    [InlineData("{\"lr\":[1]}")]
    [InlineData("[1]")]
    public void Parse_Should_LeaveTheSetToTheFullReader_When_ItIsNotInTheCommonForm(string json)
    {
        Assert.Null(FlatHyperparameters.Parse(json, null));
    }

    [Fact]
    public void ChunkedList_Should_KeepEveryItemInOrder_When_ItGrowsPastSeveralChunks()
    {
        var list = new ChunkedList<long>();
        for (var i = 0L; i < 50_000; i++)
        {
            list.Add(i * 3);
        }

        Assert.Equal(50_000, list.Count);
        Assert.Equal(0, list[0]);
        Assert.Equal(3 * 16_384L, list[16_384]);
        Assert.Equal(3 * 49_999L, list[49_999]);
        Assert.Throws<ArgumentOutOfRangeException>(() => list[50_000]);
    }
}
