using Cohort.Core.Trainables;
using Cohort.Spec;
using Cohort.Spec.Methods;
using Cohort.Spec.Sections;
using Cohort.Training.NoisyQuadratic;
using Cohort.Training.Reinforcement;
using Cohort.Training.Synthetic;
using Cohort.Training.Toy;

namespace Cohort.Training.Tests;

/// <summary>The toy, synthetic, noisy-quadratic and Deep Double Sarsa sections: settings round-trip, and the declaration from settings is the factory's.</summary>
public sealed class TrainingSectionsTests
{
    private static readonly SpecCatalog s_catalog = SpecCatalog.Empty.Add(BuiltInMethods.All).Add(TrainingSections.All);

    [Theory]
    [InlineData("{kind: toy}", "h0: {type: float, min: 0, max: 1}\n  h1: {type: float, min: 0, max: 1}", "q", typeof(ToyTrainableFactory))]
    [InlineData("{kind: synthetic, dimensions: 2, noise: 0.1}", "h0: {type: float, min: 0, max: 1}\n  h1: {type: float, min: 0, max: 1}", "score", typeof(SyntheticTrainableFactory))]
    [InlineData("{kind: noisy_quadratic, dimensions: 5, curvature_power: 1, batch_size: 10, noise: expected}", "lr: {type: float, scale: log, min: 0.01, max: 1}", "loss", typeof(NoisyQuadraticTrainableFactory))]
    [InlineData("{kind: deep_double_sarsa, environment: Acrobot-v1, hidden: [16]}", "discount: {type: float, min: 0.9, max: 0.999}\n  target_sync: {type: int, min: 20, max: 2000}", "return", typeof(DeepDoubleSarsaTrainableFactory))]
    public async Task Section_Should_RoundTripAndDeclareWhatTheFactoryDeclares_When_TheKindIsBuiltIn(string trainable, string hyperparameters, string metric, Type factoryType)
    {
        var text = $$"""
            version: 1
            experiment: kinds
            objective: {metric: {{metric}}}
            trainable: {{trainable}}
            hyperparameters:
              {{hyperparameters}}
            steps: 10
            runs: [{name: r, method: random, population: 2}]
            """;

        var spec = s_catalog.Parse(text, "kinds.yaml");
        var factory = await s_catalog.CreateFactoryAsync(spec, TrainableContext.Quiet(spec.Seed), CancellationToken.None);
        var declared = s_catalog.Declare(spec);

        Assert.Equal(spec, s_catalog.Parse(s_catalog.ToJson(spec), "stored.json"));
        Assert.IsType(factoryType, factory);
        Assert.Equal(declared.Hyperparameters, factory.Declaration.Hyperparameters);
        Assert.Equal(factory.Metrics, declared.Metrics);
        Assert.False(declared.AcceptsAnyHyperparameter);
    }

    [Fact]
    public void Declaration_Should_RequireEveryCoordinate_When_TheSyntheticProblemHasDimensions()
    {
        var declaration = SyntheticTrainableFactory.Declare(3);

        Assert.Equal(["h0", "h1", "h2", "lr"], declaration.Hyperparameters.Select(h => h.Name));
        Assert.Equal([true, true, true, false], declaration.Hyperparameters.Select(h => h.Required));
        Assert.Equal(ValueRange.Closed(0, 1), declaration.Find("lr")!.Range);
    }
}
