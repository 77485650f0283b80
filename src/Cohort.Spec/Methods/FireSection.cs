using System.Globalization;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Scheduling;
using Cohort.Core.Strategies;
using Cohort.Spec.Sections;

namespace Cohort.Spec.Methods;

/// <summary>FIRE PBT (paper 001 sec. 3–4); the run's population is the total number of workers W = n·S + |H|.</summary>
/// <param name="SubPopulations">n (default 2).</param>
/// <param name="SubPopulationSize">S (derived from W when not given).</param>
/// <param name="Evaluators">|H| (derived: W − n·S, about ¾ of the parents' total).</param>
/// <param name="EvalEvery">Steps between evaluations of Q (curve points); divides <c>ready.every</c>.</param>
/// <param name="PStat">p_stat (default 0.01).</param>
/// <param name="MaxEvalSteps">max_eval_steps (default 3 × <c>ready.every</c>).</param>
/// <param name="MinStepsBeforeEval">min_steps_before_eval for P2, P3, … (missing entries are 0).</param>
/// <param name="Exploit">The within-sub-population exploit (default truncation 25%).</param>
/// <param name="Explore">The within-sub-population explore (default perturb by {0.5, 0.8, 1.25, 2.0}).</param>
public sealed record FireSettings(
    int SubPopulations,
    int SubPopulationSize,
    int Evaluators,
    int EvalEvery,
    double PStat,
    long MaxEvalSteps,
    SpecList<long> MinStepsBeforeEval,
    ExploitSettings Exploit,
    ExploreSettings Explore) : IMethodSettings;

/// <summary><c>method: fire</c>: paper 001's FIRE PBT — sub-populations, evaluators and the improvement-rate fitness.</summary>
public sealed class FireSection : MethodSection<FireSettings>
{
    /// <inheritdoc/>
    public override string Name => "fire";

    /// <inheritdoc/>
    public override IReadOnlyList<string> Keys { get; } =
        ["sub_populations", "sub_population_size", "evaluators", "eval_every", "p_stat", "max_eval_steps", "min_steps_before_eval", "exploit", "explore"];

    /// <inheritdoc/>
    protected override (FireSettings? Settings, long? Population) ReadSettings(MethodReadContext context)
    {
        var run = context.Run;
        context.NoPoints("a fire run samples its members from the priors; points are for grid, pbt and ga runs");
        var population = context.RequirePopulation("a fire run needs a population (the total number of workers: members and evaluators)");
        context.RequireReadyBeforeEnd("evolves");
        var every = context.Ready?.Every ?? 1;
        var n = run.Whole("sub_populations", 2, x => x is >= 2 and <= 100, "an integer in [2, 100]");
        var size = run.Whole("sub_population_size", 0, x => x is >= 1 and <= MethodReadContext.MaxPopulation, "an integer >= 1");
        long? evaluators = run.Get("evaluators") is { } en ? en.Whole(x => x is >= 1 and <= MethodReadContext.MaxPopulation, "an integer >= 1") : null;
        var evalEvery = run.Whole("eval_every", every, x => x >= 1 && every % x == 0, string.Create(CultureInfo.InvariantCulture, $"an integer >= 1 that divides ready.every = {every}"));
        var pStat = run.Number("p_stat", 0.01, x => x is > 0 and < 1, "a probability in (0, 1)");
        var maxEval = run.Whole("max_eval_steps", 3L * every, x => x >= 1, "an integer >= 1");
        var minSteps = run.Get("min_steps_before_eval") is { } ms && n is not null ? MinSteps(ms, (int)n.Value) : SpecList<long>.Empty;
        var exploit = run.Get("exploit") is { } ex ? StrategyKeys.ReadExploit(ex, population) : new TruncationExploit(0.25);
        var explore = run.Get("explore") is { } xp ? StrategyKeys.ReadExplore(xp) : new PerturbSettings(SpecList<double>.From(PerturbExplore.Paper001Factors), 0);
        if (population is null || n is null || size is null || (run.Has("evaluators") && evaluators is null) || evalEvery is null || pStat is null
            || maxEval is null || minSteps is null || exploit is null || explore is null || context.Points.Count > 0)
        {
            return (null, null);
        }

        int s;
        int e;
        try
        {
            (s, e) = new FireOptions { SubPopulations = (int)n.Value, SubPopulationSize = (int)size.Value, Evaluators = (int?)evaluators }.Split((int)population.Value);
        }
        catch (ArgumentException ex2)
        {
            run.Error("population", ex2.Message.Split(" (Parameter", 2)[0], population.Value.ToString(CultureInfo.InvariantCulture));
            return (null, null);
        }

        return (new FireSettings((int)n.Value, s, e, (int)evalEvery.Value, pStat.Value, maxEval.Value, minSteps, exploit, explore), population);
    }

    /// <inheritdoc/>
    protected override void Write(FireSettings settings, SpecWriter writer)
    {
        writer.Write("sub_populations", settings.SubPopulations);
        writer.Write("sub_population_size", settings.SubPopulationSize);
        writer.Write("evaluators", settings.Evaluators);
        writer.Write("eval_every", settings.EvalEvery);
        writer.Write("p_stat", settings.PStat);
        writer.Write("max_eval_steps", settings.MaxEvalSteps);
        writer.Write("min_steps_before_eval", settings.MinStepsBeforeEval);
        StrategyKeys.Write(writer, settings.Exploit, settings.Explore);
    }

    /// <inheritdoc/>
    protected override MethodOptions CreateOptions(ExperimentSpec spec, RunSpec run, FireSettings settings) => new FireOptions
    {
        BurnIn = spec.Ready.BurnIn,
        SubPopulations = settings.SubPopulations,
        SubPopulationSize = settings.SubPopulationSize,
        Evaluators = settings.Evaluators,
        EvalInterval = settings.EvalEvery,
        PStat = settings.PStat,
        MaxEvalSteps = settings.MaxEvalSteps,
        MinStepsBeforeEval = settings.MinStepsBeforeEval.ToArray(),
        Initialization = InitializationKind.Random,
        Exploit = settings.Exploit.Create(),
        Explore = settings.Explore.Create(),
    };

    /// <summary><c>min_steps_before_eval</c>: one integer for every parent sub-population, or a list (P2, P3, …).</summary>
    private static SpecList<long>? MinSteps(SpecNode node, int subPopulations)
    {
        if (!node.IsList)
        {
            return node.Whole(x => x >= 0, "an integer >= 0, or a list with one per parent sub-population") is { } one
                ? SpecList<long>.From(Enumerable.Repeat(one, subPopulations - 1))
                : null;
        }

        var list = node.AsList("an integer or a list of integers")!;
        var values = list.Select(item => item.Whole(x => x >= 0, "an integer >= 0")).Where(v => v is not null).Select(v => v!.Value).ToList();
        if (values.Count > subPopulations - 1)
        {
            node.Error(string.Create(CultureInfo.InvariantCulture, $"one entry per parent sub-population (P2 … P{subPopulations}): at most {subPopulations - 1}"), values.Count.ToString(CultureInfo.InvariantCulture));
            return null;
        }

        return values.Count == list.Count ? SpecList<long>.From(values) : null;
    }
}
