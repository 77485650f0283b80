using Cohort.Engine.Models;
using Cohort.Engine.Training;
using Cohort.Spec;
using Cohort.Spec.Methods;
using Cohort.Spec.Sections;
using Cohort.Training.Reinforcement;

namespace Cohort.Training.Tests.Reinforcement;

/// <summary><c>kind: deep_double_sarsa</c>: defaults, errors, the declaration check and the options it builds.</summary>
public sealed class DeepDoubleSarsaSectionTests
{
    private static readonly SpecCatalog s_catalog = SpecCatalog.Empty.Add(BuiltInMethods.All).Add(TrainingSections.All);

    private const string CartPole = """
        version: 1
        experiment: cartpole
        seed: 3
        objective: {metric: return, mode: maximize}
        trainable:
          kind: deep_double_sarsa
          environment: CartPole-v1
        hyperparameters:
          learning_rate: {type: float, scale: log, min: 1.0e-4, max: 1.0e-2}
          target_sync: {type: int, scale: log, min: 20, max: 2000}
        constants: {epsilon_final: 0.1}
        steps: 100
        ready: {every: 50}
        runs:
          - {name: pbt, method: pbt, population: 4}
        """;

    private static IReadOnlyList<SpecError> Errors(string text) => Assert.Throws<SpecException>(() => s_catalog.Parse(text, "rl.yaml")).Errors;

    [Fact]
    public async Task Parse_Should_FillTheDefaultsAndBuildTheirFactory_When_OnlyTheEnvironmentIsGiven()
    {
        var spec = s_catalog.Parse(CartPole, "rl.yaml");

        var factory = Assert.IsType<DeepDoubleSarsaTrainableFactory>(await s_catalog.CreateFactoryAsync(spec, TrainableContext.Quiet(spec.Seed), CancellationToken.None));
        var other = Assert.IsType<DeepDoubleSarsaTrainableFactory>(await s_catalog.CreateFactoryAsync(spec with { Seed = 4 }, TrainableContext.Quiet(4), CancellationToken.None));

        Assert.Equal(new DeepDoubleSarsaSettings("CartPole-v1", SpecList.Of(64, 64), OptimizerKind.Adam, 32, 10_000, 10, 100), spec.Trainable.Settings);
        Assert.Equal(spec, s_catalog.Parse(s_catalog.ToJson(spec), "stored.json"));
        Assert.Equal(new DeepDoubleSarsaOptions().Hidden, factory.Options.Hidden);
        Assert.Equal(ModelSpec.Mlp(4, [64, 64], 2).Describe(), factory.Model.Describe());
        Assert.NotEqual(factory.Options.EvaluationSeed, other.Options.EvaluationSeed);
    }

    [Fact]
    public async Task CreateFactory_Should_UseEveryKey_When_TheyAreGiven()
    {
        var spec = s_catalog.Parse(CartPole.Replace(
            "environment: CartPole-v1",
            "environment: Acrobot-v1\n  hidden: [32]\n  optimizer: sgd\n  batch_size: 1\n  replay_capacity: 1\n  evaluation_episodes: 3\n  test_episodes: 7",
            StringComparison.Ordinal), "rl.yaml");

        var factory = Assert.IsType<DeepDoubleSarsaTrainableFactory>(await s_catalog.CreateFactoryAsync(spec, TrainableContext.Quiet(spec.Seed), CancellationToken.None));

        Assert.Equal(
            new DeepDoubleSarsaOptions
            {
                Environment = "Acrobot-v1",
                Hidden = factory.Options.Hidden,
                Optimizer = OptimizerKind.Sgd,
                BatchSize = 1,
                ReplayCapacity = 1,
                EvaluationEpisodes = 3,
                TestEpisodes = 7,
                EvaluationSeed = factory.Options.EvaluationSeed,
            },
            factory.Options);
        Assert.Equal([32], factory.Options.Hidden);
        Assert.Equal(ModelSpec.Mlp(6, [32], 3).Describe(), factory.Model.Describe());
        Assert.Equal(spec, s_catalog.Parse(s_catalog.ToJson(spec), "stored.json"));
    }

    [Fact]
    public void Parse_Should_ReportEachBadKey_When_TheSettingsAreWrong()
    {
        var errors = Errors(CartPole.Replace(
            "environment: CartPole-v1",
            "environment: LunarLander-v2\n  hidden: [64, 0]\n  batch_size: 64\n  replay_capacity: 10\n  evaluation_episodes: 0",
            StringComparison.Ordinal));

        Assert.Equal(["trainable.environment", "trainable.hidden[1]", "trainable.evaluation_episodes", "trainable.replay_capacity"], errors.Select(e => e.Path));
        Assert.Contains("unknown environment; expected one of CartPole-v1, Acrobot-v1", errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("Box2D", errors[0].Message, StringComparison.Ordinal);
        Assert.Contains("expected at least batch_size (64) transitions", errors[3].Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("learning_rate: {type: float, scale: log, min: 1.0e-4, max: 1.0e-2}", "lr: {type: float, min: 0.1, max: 0.2}", "hyperparameters.lr", "has no hyperparameter 'lr'")]
    [InlineData("target_sync: {type: int, scale: log, min: 20, max: 2000}", "target_sync: {type: float, min: 20, max: 2000}", "hyperparameters.target_sync.type", "takes 'target_sync' as int")]
    [InlineData("constants: {epsilon_final: 0.1}", "constants: {epsilon_final: 1.5}", "constants.epsilon_final", "takes 'epsilon_final' in [0, 1]")]
    [InlineData("{metric: return, mode: maximize}", "{metric: reward, mode: maximize}", "objective.metric", "reports no metric 'reward'")]
    public void Parse_Should_CheckTheDeclaration_When_AHyperparameterOrMetricIsWrong(string from, string to, string path, string message)
    {
        var error = Assert.Single(Errors(CartPole.Replace(from, to, StringComparison.Ordinal)));

        Assert.Equal(path, error.Path);
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }
}
