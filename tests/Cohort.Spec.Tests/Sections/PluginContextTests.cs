using Cohort.Core.Trainables;
using Cohort.Spec.Plugins;
using Cohort.Spec.Sections;
using Microsoft.Extensions.Logging.Abstractions;

namespace Cohort.Spec.Tests.Sections;

/// <summary>
/// A plugin factory that takes the run's context: it names itself after the seed and data directory it was given, so
/// the tests can see what reached it through the plugin's own load context.
/// </summary>
public sealed class ContextProbeFactory(IReadOnlyDictionary<string, string> options, TrainableContext context) : ITrainableFactory
{
    public TrainableDeclaration Declaration { get; } = new(
        $"probe-{context.Seed}-{context.DataDirectory ?? "default"}-{options.Count}",
        [],
        ["loss"]);

    public IReadOnlyList<string> Metrics => Declaration.Metrics;

    public bool HasTestSet => false;

    public ITrainable Create(ulong seed) => throw new NotSupportedException("the probe only reports its context");
}

public sealed class PluginContextTests
{
    private static PluginSettings Probe() =>
        new(typeof(ContextProbeFactory).Assembly.Location, typeof(ContextProbeFactory).FullName!, SpecList<KeyValuePair<string, string>>.From([new("a", "1")]));

    [Fact]
    public async Task CreateFactory_Should_HandTheRunsSeedAndDataDirectory_When_TheFactoryTakesAContext()
    {
        ITrainableSection section = new PluginSection();

        var factory = await section.CreateFactoryAsync(Probe(), new TrainableContext(7, "data-here", NullLogger.Instance), CancellationToken.None);

        Assert.Equal("probe-7-data-here-1", factory.Declaration.Trainable);
    }

    [Fact]
    public void Declare_Should_UseAQuietContextWithTheDefaultDataDirectory_When_Validating()
    {
        ITrainableSection section = new PluginSection();

        Assert.Equal("probe-0-default-1", section.Declare(Probe()).Trainable);
    }
}
