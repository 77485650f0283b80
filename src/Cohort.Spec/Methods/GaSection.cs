using System.Globalization;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Scheduling;
using Cohort.Spec.Sections;

namespace Cohort.Spec.Methods;

/// <summary>
/// Paper 004's genetic algorithm: per-locus crossover and mutation rates (defaults 0.33 and 0.05) and how the weights
/// parent is chosen. Topology mode (paper 004 sec. 4.2; <see cref="GaMode.Topology"/>): every individual trains from
/// scratch to the <see cref="Target"/> or the step cap for <see cref="Generations"/> generations, time counted in
/// <see cref="Time"/>. Demes (sec. 6.2): <see cref="Demes"/> sub-populations on a <see cref="DemeLayout"/> with
/// <see cref="MigrationRate"/> (both modes).
/// </summary>
public sealed record GaSettings(
    double CrossoverRate = GaOptions.DefaultCrossoverRate,
    double MutationRate = GaOptions.DefaultMutationRate,
    WeightsParentChoice WeightsParent = WeightsParentChoice.FitnessProportional,
    GaMode Mode = GaMode.Pbt,
    int Generations = 250,
    double? Target = null,
    TimeMeasure Time = TimeMeasure.Steps,
    int Demes = 1,
    DemeLayout DemeLayout = DemeLayout.Ring,
    double MigrationRate = 0.05) : IMethodSettings;

/// <summary><c>method: ga</c>: paper 004's genetic algorithm, in PBT mode (one generation per ready interval) or topology mode.</summary>
public sealed class GaSection : MethodSection<GaSettings>
{
    private static readonly (string, WeightsParentChoice)[] s_weightsParents = [("fitness", WeightsParentChoice.FitnessProportional), ("best", WeightsParentChoice.BestOfHyperparameterParents)];
    private static readonly (string, GaMode)[] s_modes = [("pbt", GaMode.Pbt), ("topology", GaMode.Topology)];
    private static readonly (string, TimeMeasure)[] s_times = [("steps", TimeMeasure.Steps), ("cost", TimeMeasure.Cost), ("seconds", TimeMeasure.Seconds)];
    private static readonly (string, DemeLayout)[] s_layouts = [("ring", DemeLayout.Ring), ("torus", DemeLayout.Torus)];

    /// <inheritdoc/>
    public override string Name => "ga";

    /// <inheritdoc/>
    public override IReadOnlyList<string> Keys { get; } =
        ["mode", "crossover_rate", "mutation_rate", "weights_parent", "generations", "target", "time", "demes", "deme_layout", "migration_rate"];

    /// <inheritdoc/>
    protected override (GaSettings? Settings, long? Population) ReadSettings(MethodReadContext context)
    {
        var run = context.Run;
        var population = context.Points.Count > 0
            ? context.Agree(context.Points.Count, "the number of points")
            : context.RequirePopulation("a ga run needs a population (or points)");
        population = context.AtLeast(population, 2, "a ga run needs a population of at least 2 (parents breed)");
        var crossover = run.Number("crossover_rate", GaOptions.DefaultCrossoverRate, x => x is >= 0 and <= 1, "a rate in [0, 1]");
        var mutation = run.Number("mutation_rate", GaOptions.DefaultMutationRate, x => x is >= 0 and <= 1, "a rate in [0, 1]");
        var weights = run.Choice("weights_parent", WeightsParentChoice.FitnessProportional, s_weightsParents);
        var mode = run.Choice("mode", GaMode.Pbt, s_modes);
        var generations = run.Whole("generations", 250, x => x is >= 1 and <= 1_000_000, "an integer in [1, 1000000]");
        double? target = null;
        if (run.Get("target") is { } tg)
        {
            target = tg.Number(double.IsFinite, "a finite objective value");
            if (target is not null && mode != GaMode.Topology)
            {
                tg.Error("a time-to-target fom is for mode topology only (in pbt mode members inherit weights)");
                mode = null;
            }
        }

        var time = run.Choice("time", TimeMeasure.Steps, s_times);
        foreach (var key in new[] { "generations", "time" }.Where(k => run.Has(k) && mode == GaMode.Pbt))
        {
            run.Get(key)!.Error("only for mode topology");
            mode = null;
        }

        var demes = run.Whole("demes", 1, x => x is >= 1 and <= 1_000_000, "an integer >= 1");
        var layout = run.Choice("deme_layout", DemeLayout.Ring, s_layouts);
        var migration = run.Number("migration_rate", 0.05, x => x is >= 0 and <= 1, "a rate in [0, 1]");
        if (demes is { } d && population is { } pop && d > pop)
        {
            run.Error("demes", string.Create(CultureInfo.InvariantCulture, $"more demes than members (population {pop})"), d.ToString(CultureInfo.InvariantCulture));
            demes = null;
        }

        context.RequireReadyBeforeEnd("breeds");
        return crossover is null || mutation is null || weights is null || population is null || mode is null || generations is null
            || time is null || demes is null || layout is null || migration is null
            ? (null, null)
            : (new GaSettings(crossover.Value, mutation.Value, weights.Value, mode.Value, (int)generations.Value, target, time.Value, (int)demes.Value, layout.Value, migration.Value), population);
    }

    /// <inheritdoc/>
    protected override void Write(GaSettings settings, SpecWriter writer)
    {
        writer.Write("crossover_rate", settings.CrossoverRate);
        writer.Write("mutation_rate", settings.MutationRate);
        writer.Write("weights_parent", s_weightsParents.First(w => w.Item2 == settings.WeightsParent).Item1);
        if (settings.Mode == GaMode.Topology)
        {
            writer.Write("mode", "topology");
            writer.Write("generations", settings.Generations);
            if (settings.Target is { } target)
            {
                writer.Write("target", target);
            }

            writer.Write("time", s_times.First(t => t.Item2 == settings.Time).Item1);
        }

        writer.Write("demes", settings.Demes);
        writer.Write("deme_layout", s_layouts.First(l => l.Item2 == settings.DemeLayout).Item1);
        writer.Write("migration_rate", settings.MigrationRate);
    }

    /// <inheritdoc/>
    protected override MethodOptions CreateOptions(ExperimentSpec spec, RunSpec run, GaSettings settings) => new GaOptions
    {
        BurnIn = spec.Ready.BurnIn,
        CrossoverRate = settings.CrossoverRate,
        MutationRate = settings.MutationRate,
        WeightsParent = settings.WeightsParent,
        Initialization = run.Points.Count > 0 ? InitializationKind.Explicit : InitializationKind.Random,
        Mode = settings.Mode,
        Generations = settings.Generations,
        Target = settings.Target,
        Time = settings.Time,
        Demes = settings.Demes,
        DemeLayout = settings.DemeLayout,
        MigrationRate = settings.MigrationRate,
    };
}
