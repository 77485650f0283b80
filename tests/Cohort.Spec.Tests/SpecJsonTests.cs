using System.Text.Json;

namespace Cohort.Spec.Tests;

/// <summary>Writing resolved specs (<see cref="SpecCatalog.ToJson(ExperimentSpec)"/>): the JSON stored with a run.</summary>
public sealed class SpecJsonTests
{
    [Theory]
    [InlineData(SpecCatalogTests.Full)]
    [InlineData(SpecCatalogTests.Toy)]
    public void Serialize_Should_ParseBackToAnEqualSpec_When_Resolved(string yaml)
    {
        var spec = TestCatalog.Parse(yaml, "spec.yaml");

        var json = TestCatalog.WithLab.ToJson(spec);
        var back = TestCatalog.Parse(json, "stored.json");

        Assert.Equal(spec, back);
        Assert.Equal(json, TestCatalog.WithLab.ToJson(back));
    }

    [Fact]
    public void Serialize_Should_WriteEveryDefault_When_TheFileLeftThemOut()
    {
        var spec = TestCatalog.Parse(SpecCatalogTests.Toy, "toy.yaml");

        using var document = JsonDocument.Parse(TestCatalog.WithLab.ToJson(spec));
        var root = document.RootElement;
        var pbt = root.GetProperty("runs")[1];

        Assert.Equal(0UL, root.GetProperty("seed").GetUInt64());
        Assert.Equal(0, root.GetProperty("ready").GetProperty("burn_in").GetInt32());
        Assert.Equal("synchronous", pbt.GetProperty("mode").GetString());
        Assert.Equal("points", pbt.GetProperty("init").GetString());
        Assert.Equal(0.2, pbt.GetProperty("exploit").GetProperty("fraction").GetDouble());
        Assert.Equal([0.8, 1.2], pbt.GetProperty("explore").GetProperty("factors").EnumerateArray().Select(f => f.GetDouble()));
        Assert.Equal(2, pbt.GetProperty("retries").GetInt32());
        Assert.Equal(2, pbt.GetProperty("population").GetInt32());
    }

    [Fact]
    public void SerializeRun_Should_WriteTheRunAlone_When_StoredWithTheRun()
    {
        var spec = TestCatalog.Parse(SpecCatalogTests.Full, "spec.yaml");

        using var document = JsonDocument.Parse(TestCatalog.WithLab.ToJson(spec, spec.Runs[3]));

        Assert.Equal("pbt-async", document.RootElement.GetProperty("name").GetString());
        Assert.Equal("best-into-worst", document.RootElement.GetProperty("exploit").GetProperty("strategy").GetString());
        Assert.Equal(2, document.RootElement.GetProperty("exploit").GetProperty("count").GetInt32());
        Assert.Equal("log-noise", document.RootElement.GetProperty("explore").GetProperty("strategy").GetString());
    }
}
