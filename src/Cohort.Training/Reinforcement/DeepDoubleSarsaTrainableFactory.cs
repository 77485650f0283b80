using System.Globalization;
using Cohort.Core.Trainables;
using Cohort.Engine.Models;
using Cohort.Engine.Training;
using Cohort.Training.Environments;

namespace Cohort.Training.Reinforcement;

/// <summary>
/// The structural settings of a Deep Double Sarsa run (fixed for all members; the live ones are
/// <see cref="SarsaHyperparameters"/>). Every property has a default, so <c>new DeepDoubleSarsaOptions()</c> is CartPole-v1.
/// </summary>
public sealed record DeepDoubleSarsaOptions
{
    /// <summary>The environment's Gymnasium id (<see cref="EnvironmentCatalog.Names"/>). Default <c>CartPole-v1</c>.</summary>
    public string Environment { get; init; } = CartPole.Id;

    /// <summary>
    /// Hidden layer widths of both Q-networks (ReLU after each): observation → hidden… → one output per action.
    /// Default [64, 64], as the public PBT Deep Double Sarsa code for paper 002's LunarLander experiment.
    /// </summary>
    public IReadOnlyList<int> Hidden { get; init; } = [64, 64];

    /// <summary>The behaviour network's optimizer. Default Adam (that code uses RMSprop, which the engine does not have).</summary>
    public OptimizerKind Optimizer { get; init; } = OptimizerKind.Adam;

    /// <summary>Transitions per update, drawn uniformly (with replacement) from the replay buffer. Default 32.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>
    /// Transitions the replay buffer holds (the oldest is overwritten). Paper 002 does not mention one; its public code
    /// samples batches of 64 from the last 1000 transitions. Capacity 1 with batch 1 is the paper's pure online update
    /// (one update on the latest transition per step). Default 10 000.
    /// </summary>
    public int ReplayCapacity { get; init; } = 10_000;

    /// <summary>Greedy (ε = 0) episodes per validation evaluation: its <c>return</c> is their mean. Default 10.</summary>
    public int EvaluationEpisodes { get; init; } = 10;

    /// <summary>Greedy episodes per test evaluation (Gymnasium's "solved" criterion averages 100). Default 100.</summary>
    public int TestEpisodes { get; init; } = 100;

    /// <summary>
    /// Seeds the start states of evaluation episodes, together with the member's step: every member evaluated at the
    /// same step sees the same start states (common random numbers), and each evaluation step new ones.
    /// </summary>
    public ulong EvaluationSeed { get; init; } = 0x4556414C5541UL; // "EVALUA"

    /// <summary>Kernel threads per member (1 when members train in parallel).</summary>
    public int Threads { get; init; } = 1;

    /// <summary>Throws naming the first invalid setting and its value.</summary>
    public void Validate()
    {
        _ = EnvironmentCatalog.Create(Environment);
        if (Hidden is null || Hidden.Any(h => h < 1))
        {
            throw Invalid(nameof(Hidden), Hidden is null ? "null" : $"[{string.Join(", ", Hidden)}]", "positive widths");
        }

        Check(BatchSize >= 1, nameof(BatchSize), BatchSize, ">= 1");
        Check(ReplayCapacity >= BatchSize, nameof(ReplayCapacity), ReplayCapacity, $">= the batch size ({BatchSize})");
        Check(EvaluationEpisodes >= 1, nameof(EvaluationEpisodes), EvaluationEpisodes, ">= 1");
        Check(TestEpisodes >= 1, nameof(TestEpisodes), TestEpisodes, ">= 1");
        Check(Threads >= 1, nameof(Threads), Threads, ">= 1");
        Check(Enum.IsDefined(Optimizer), nameof(Optimizer), Optimizer, "an optimizer");

        static void Check(bool ok, string name, object value, string expected)
        {
            if (!ok)
            {
                throw Invalid(name, value, expected);
            }
        }
    }

    private static ArgumentException Invalid(string name, object value, string expected) =>
        new(string.Create(CultureInfo.InvariantCulture, $"Deep Double Sarsa option '{name}' must be {expected}; got {value}."), name);
}

/// <summary>
/// Builds <see cref="DeepDoubleSarsaTrainable"/> members. Metrics on every split: <c>return</c> (the objective: mean
/// return of greedy evaluation episodes; on the training split, of the last ten training episodes), <c>episodes</c>
/// (training episodes completed), <c>env_steps</c> (training environment steps, = the member's step),
/// <c>eval_steps</c> (environment steps the evaluation took) and <c>train_return</c> (mean return of the last ten
/// training episodes; NaN before the first ends). Objective: <c>return</c>, maximised.
/// <para>
/// Hyperparameters, all optional and live (details and defaults in <see cref="SarsaHyperparameters"/>):
/// <c>learning_rate</c> (float &gt; 0, default 1e-3), <c>discount</c> (float in [0, 1], default 0.99),
/// <c>target_sync</c> (integer ≥ 1, environment steps, default 500), <c>epsilon_decay</c> (number ≥ 0, environment
/// steps, default 10 000) and <c>epsilon_final</c> (float in [0, 1], default 0.1). A step is one environment step.
/// </para>
/// </summary>
public sealed class DeepDoubleSarsaTrainableFactory : ITrainableFactory
{
    private static readonly string[] s_metrics =
    [
        DeepDoubleSarsaTrainable.MetricReturn,
        DeepDoubleSarsaTrainable.MetricEpisodes,
        DeepDoubleSarsaTrainable.MetricEnvironmentSteps,
        DeepDoubleSarsaTrainable.MetricEvaluationSteps,
        DeepDoubleSarsaTrainable.MetricTrainReturn,
    ];

    public DeepDoubleSarsaTrainableFactory(DeepDoubleSarsaOptions? options = null)
    {
        Options = options ?? new DeepDoubleSarsaOptions();
        Options.Validate();
        var probe = EnvironmentCatalog.Create(Options.Environment);
        Model = ModelSpec.Mlp(probe.ObservationSize, Options.Hidden, probe.ActionCount);
    }

    public DeepDoubleSarsaOptions Options { get; }

    /// <summary>The Q-network architecture (both networks).</summary>
    public ModelSpec Model { get; }

    public IReadOnlyList<string> Metrics => s_metrics;

    /// <summary>The hyperparameters of <see cref="SarsaHyperparameters.Declarations"/> (none required) and the metrics; the same for every setting.</summary>
    public static TrainableDeclaration Declared { get; } = new("deep_double_sarsa", SarsaHyperparameters.Declarations, s_metrics);

    /// <inheritdoc cref="Declared"/>
    public TrainableDeclaration Declaration => Declared;

    public bool HasTestSet => true;

    /// <summary>A member whose two networks start from the same weights, drawn from <paramref name="seed"/>.</summary>
    public ITrainable Create(ulong seed) => new DeepDoubleSarsaTrainable(this, seed);
}
