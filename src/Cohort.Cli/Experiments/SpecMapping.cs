using Cohort.Cli.Spec;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Randomness;
using Cohort.Core.Scheduling;
using Cohort.Core.Strategies;
using CorePbtAblation = Cohort.Core.Scheduling.PbtAblation;
using CorePbtMode = Cohort.Core.Scheduling.PbtMode;
using SpecPbtAblation = Cohort.Cli.Spec.PbtAblation;
using SpecPbtMode = Cohort.Cli.Spec.PbtMode;

namespace Cohort.Cli.Experiments;

/// <summary>Maps a validated <see cref="ExperimentSpec"/> onto Core's search space, objective and schedulers.</summary>
internal static class SpecMapping
{
    public static Objective Objective(ExperimentSpec spec) =>
        new(spec.Objective.Metric, spec.Objective.Mode == ObjectiveDirection.Maximize ? ObjectiveMode.Maximize : ObjectiveMode.Minimize);

    /// <summary>The run's seed: derived from the experiment seed and the run's name, so adding a run changes no other.</summary>
    public static ulong RunSeed(ExperimentSpec spec, RunSpec run) => Seeds.Derive(spec.Seed, Seeds.Purpose(run.Name));

    /// <summary>The search space of a run: the searched hyperparameters (with the run's boundary policy) plus the constants.</summary>
    public static SearchSpace Space(ExperimentSpec spec, RunSpec run)
    {
        var boundary = run.Pbt?.Boundary == BoundaryMode.Reflect ? BoundaryPolicy.Reflect : BoundaryPolicy.Clamp;
        var parameters = new List<Hyperparameter>();
        foreach (var h in spec.Hyperparameters)
        {
            var scale = h.Scale == HyperparameterScale.Log ? ParameterScale.Log : ParameterScale.Linear;
            var grid = h.Grid.Count > 0 ? h.Grid.Select(v => v.Number).ToArray() : null;
            parameters.Add(h.Kind switch
            {
                HyperparameterKind.Continuous => new FloatParameter(h.Name, h.Min!.Value, h.Max!.Value, scale, Grid: grid, Boundary: boundary),
                HyperparameterKind.Integral => new IntegerParameter(h.Name, h.Min!.Value, h.Max!.Value, scale, Grid: grid, Boundary: boundary),
                HyperparameterKind.Categorical => new CategoricalParameter(
                    h.Name, h.Choices.ToArray(), h.Grid.Count > 0 ? h.Grid.Select(v => v.Category!).ToArray() : null),
                _ => throw new ArgumentOutOfRangeException(nameof(spec), h.Kind, "Unknown hyperparameter kind."),
            });
        }

        foreach (var c in spec.Constants)
        {
            parameters.Add(new ConstantParameter(c.Key, c.Value));
        }

        return new SearchSpace(parameters);
    }

    public static MethodOptions Method(ExperimentSpec spec, RunSpec run) => run.Method switch
    {
        RunMethod.Grid => new GridOptions { ReadyInterval = spec.Ready.Every, MaxTaskRetries = run.Retries },
        RunMethod.Random => new RandomOptions { ReadyInterval = spec.Ready.Every, MaxTaskRetries = run.Retries },
        RunMethod.Pbt => Pbt(spec, run, run.Pbt ?? throw new ArgumentException($"Run '{run.Name}' has no PBT options.", nameof(run))),
        RunMethod.Ga => Ga(spec, run, run.Ga ?? throw new ArgumentException($"Run '{run.Name}' has no GA options.", nameof(run))),
        RunMethod.Fire => FireMapping.Options(spec, run, run.Fire ?? throw new ArgumentException($"Run '{run.Name}' has no FIRE options.", nameof(run))),
        _ => throw new ArgumentOutOfRangeException(nameof(run), run.Method, "Unknown method."),
    };

    /// <summary>Builds the run's scheduler, fresh (nothing told yet).</summary>
    public static IPopulationScheduler Scheduler(ExperimentSpec spec, RunSpec run)
    {
        var space = Space(spec, run);
        var method = Method(spec, run);
        var seed = RunSeed(spec, run);
        IReadOnlyList<HyperparameterSet>? points = null;
        if (run.Points.Count > 0)
        {
            points = run.Points.Select(p => WithConstants(p, space)).ToArray();
        }
        else if (method is PbtOptions pbt)
        {
            points = InitialPoints.Create(pbt.Initialization, space, run.Population, seed);
        }
        else if (method is GaOptions ga)
        {
            points = InitialPoints.Create(ga.Initialization, space, run.Population, seed);
        }

        var population = run.Method == RunMethod.Grid && points is null ? 0 : run.Population;
        return SchedulerFactory.Create(method, space, Objective(spec), spec.Steps, population, seed, points);
    }

    private static HyperparameterSet WithConstants(HyperparameterSet point, SearchSpace space)
    {
        var result = point;
        foreach (var p in space.Parameters.OfType<ConstantParameter>())
        {
            result = result.With(p.Name, p.Value);
        }

        return result;
    }

    /// <summary>Paper 004's GA in PBT mode: one generation per ready interval.</summary>
    private static GaOptions Ga(ExperimentSpec spec, RunSpec run, GaSpec ga) => new()
    {
        ReadyInterval = spec.Ready.Every,
        BurnIn = spec.Ready.BurnIn,
        MaxTaskRetries = run.Retries,
        CrossoverRate = ga.CrossoverRate,
        MutationRate = ga.MutationRate,
        WeightsParent = ga.WeightsParent == GaWeightsParent.Best ? WeightsParentChoice.BestOfHyperparameterParents : WeightsParentChoice.FitnessProportional,
        Initialization = run.Points.Count > 0 ? InitializationKind.Explicit : InitializationKind.Random,
        Mode = ga.Mode,
        Generations = ga.Generations,
        Target = ga.Target,
        Time = ga.Time,
        Demes = ga.Demes,
        DemeLayout = ga.DemeLayout,
        MigrationRate = ga.MigrationRate,
    };

    private static PbtOptions Pbt(ExperimentSpec spec, RunSpec run, PbtSpec pbt) => new()
    {
        ReadyInterval = spec.Ready.Every,
        BurnIn = spec.Ready.BurnIn,
        MaxTaskRetries = run.Retries,
        Mode = pbt.Mode == SpecPbtMode.Asynchronous ? CorePbtMode.Asynchronous : CorePbtMode.Synchronous,
        Initialization = run.Points.Count > 0 ? InitializationKind.Explicit : pbt.Init switch
        {
            PbtInit.Grid => InitializationKind.Grid,
            PbtInit.GridSubsample => InitializationKind.SubsampledGrid,
            PbtInit.Points => InitializationKind.Explicit,
            _ => InitializationKind.Random,
        },
        Exploit = pbt.Exploit.Strategy switch
        {
            ExploitStrategyKind.Tournament => new BinaryTournament(),
            ExploitStrategyKind.BestIntoWorst => new CopyBestIntoWorst(pbt.Exploit.Count ?? 1),
            _ => new TruncationSelection(
                pbt.Exploit.Fraction ?? TruncationSelection.DefaultFraction,
                pbt.Exploit.Rule == TruncationRuleKind.Percentile ? TruncationRule.Percentile : TruncationRule.Count),
        },
        Explore = pbt.Explore.Strategy switch
        {
            ExploreStrategyKind.LogNoise => new NoiseExplore(pbt.Explore.Sigma ?? NoiseExplore.DefaultSigma, NoiseSpace.Log2, pbt.Explore.ResampleProbability),
            ExploreStrategyKind.Noise => new NoiseExplore(pbt.Explore.Sigma ?? NoiseExplore.DefaultSigma, NoiseSpace.Linear, pbt.Explore.ResampleProbability),
            _ => new PerturbExplore(pbt.Explore.Factors.Count > 0 ? pbt.Explore.Factors.ToArray() : null, pbt.Explore.ResampleProbability),
        },
        Ablation = pbt.Ablation switch
        {
            SpecPbtAblation.ExploreOnly => CorePbtAblation.ExploreOnly,
            SpecPbtAblation.ExploitOnly => CorePbtAblation.ExploitOnly,
            _ => CorePbtAblation.None,
        },
        CopyHyperparameters = pbt.CopyHyperparameters,
        CopyOptimizerState = pbt.CopyOptimizerState,
    };
}
