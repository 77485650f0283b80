using System.Globalization;
using Cohort.Core.Randomness;
using Cohort.Core.Trainables;
using Cohort.Engine.Training;
using Cohort.Spec;
using Cohort.Spec.Sections;
using Cohort.Training.Environments;

namespace Cohort.Training.Reinforcement;

/// <summary>The structural settings of <c>kind: deep_double_sarsa</c> (those of <see cref="DeepDoubleSarsaOptions"/> a spec sets).</summary>
/// <param name="Environment">A Gymnasium id of <see cref="EnvironmentCatalog.Names"/>.</param>
/// <param name="Hidden">Hidden layer widths of both Q-networks.</param>
/// <param name="Optimizer">The behaviour network's optimizer.</param>
/// <param name="BatchSize">Transitions per update.</param>
/// <param name="ReplayCapacity">Transitions the replay buffer holds (1 with batch 1: the paper's online update).</param>
/// <param name="EvaluationEpisodes">Greedy episodes per validation evaluation (the objective's mean).</param>
/// <param name="TestEpisodes">Greedy episodes per test evaluation (after a member's last task).</param>
public sealed record DeepDoubleSarsaSettings(
    string Environment,
    SpecList<int> Hidden,
    OptimizerKind Optimizer,
    int BatchSize,
    int ReplayCapacity,
    int EvaluationEpisodes,
    int TestEpisodes) : ITrainableSettings;

/// <summary>
/// <c>kind: deep_double_sarsa</c>: paper 002's Deep Double Sarsa agent (<see cref="DeepDoubleSarsaTrainable"/>) on a
/// classic-control environment. A step is one environment step; the objective is <c>return</c>, maximised. Evaluation
/// start states derive from the experiment seed, so runs of the same spec with other seeds see other episodes.
/// </summary>
public sealed class DeepDoubleSarsaSection : TrainableSection<DeepDoubleSarsaSettings>
{
    private static readonly (string, OptimizerKind)[] s_optimizers = [("adam", OptimizerKind.Adam), ("adamw", OptimizerKind.AdamW), ("sgd", OptimizerKind.Sgd)];
    private static readonly ulong s_evaluationPurpose = Seeds.Purpose("sarsa-evaluation-seed");

    /// <inheritdoc/>
    public override string Name => "deep_double_sarsa";

    /// <inheritdoc/>
    public override IReadOnlyList<string> Keys { get; } =
        ["environment", "hidden", "optimizer", "batch_size", "replay_capacity", "evaluation_episodes", "test_episodes"];

    /// <inheritdoc/>
    protected override DeepDoubleSarsaSettings? Read(SpecMap map)
    {
        var d = new DeepDoubleSarsaOptions();
        string? environment = null;
        if (map.Required("environment") is { } node && node.Text() is { } name)
        {
            if (EnvironmentCatalog.Names.Contains(name, StringComparer.Ordinal))
            {
                environment = name;
            }
            else
            {
                node.Error($"unknown environment; expected one of {string.Join(", ", EnvironmentCatalog.Names)}{NameSuggestions.DidYouMean(name, EnvironmentCatalog.Names)} (LunarLander-v2 needs Box2D, which Cohort does not have)", name);
            }
        }

        var hidden = map.Has("hidden") ? map.Widths("hidden", 1, 1 << 16, "a width") : SpecList<int>.From(d.Hidden);
        if (hidden is { Count: 0 })
        {
            map.Error("hidden", "expected at least one hidden layer width", "[]");
            hidden = null;
        }

        var optimizer = map.Choice("optimizer", d.Optimizer, s_optimizers);
        var batch = map.Whole("batch_size", d.BatchSize, x => x is >= 1 and <= 1 << 16, "an integer in [1, 65536]");
        var capacity = map.Whole("replay_capacity", d.ReplayCapacity, x => x is >= 1 and <= 1 << 24, "an integer in [1, 16777216]");
        var evaluation = map.Whole("evaluation_episodes", d.EvaluationEpisodes, x => x is >= 1 and <= 100_000, "an integer in [1, 100000]");
        var test = map.Whole("test_episodes", d.TestEpisodes, x => x is >= 1 and <= 100_000, "an integer in [1, 100000]");
        if (batch is { } b && capacity is { } c && c < b)
        {
            map.Error("replay_capacity", FormattableString.Invariant($"expected at least batch_size ({b}) transitions"), c.ToString(CultureInfo.InvariantCulture));
            capacity = null;
        }

        return environment is null || hidden is null || optimizer is null || batch is null || capacity is null || evaluation is null || test is null
            ? null
            : new DeepDoubleSarsaSettings(environment, hidden, optimizer.Value, (int)batch.Value, (int)capacity.Value, (int)evaluation.Value, (int)test.Value);
    }

    /// <inheritdoc/>
    protected override void Write(DeepDoubleSarsaSettings settings, SpecWriter writer)
    {
        writer.Write("environment", settings.Environment);
        writer.Write("hidden", settings.Hidden.Select(h => (long)h));
        writer.Write("optimizer", s_optimizers.First(x => x.Item2 == settings.Optimizer).Item1);
        writer.Write("batch_size", settings.BatchSize);
        writer.Write("replay_capacity", settings.ReplayCapacity);
        writer.Write("evaluation_episodes", settings.EvaluationEpisodes);
        writer.Write("test_episodes", settings.TestEpisodes);
    }

    /// <inheritdoc/>
    protected override TrainableDeclaration Declare(DeepDoubleSarsaSettings settings) => DeepDoubleSarsaTrainableFactory.Declared;

    /// <inheritdoc/>
    protected override Task<ITrainableFactory> CreateFactoryAsync(DeepDoubleSarsaSettings settings, TrainableContext context, CancellationToken cancellationToken) =>
        Task.FromResult<ITrainableFactory>(new DeepDoubleSarsaTrainableFactory(Options(settings, context.Seed)));

    /// <summary>The factory options of <paramref name="settings"/> in an experiment with root seed <paramref name="seed"/>.</summary>
    private static DeepDoubleSarsaOptions Options(DeepDoubleSarsaSettings settings, ulong seed) =>
        new()
        {
            Environment = settings.Environment,
            Hidden = settings.Hidden.ToArray(),
            Optimizer = settings.Optimizer,
            BatchSize = settings.BatchSize,
            ReplayCapacity = settings.ReplayCapacity,
            EvaluationEpisodes = settings.EvaluationEpisodes,
            TestEpisodes = settings.TestEpisodes,
            EvaluationSeed = Seeds.Derive(seed, s_evaluationPurpose),
        };
}
