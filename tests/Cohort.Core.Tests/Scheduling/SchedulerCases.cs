using System.Globalization;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Core.Strategies;
using FsCheck;
using FsCheck.Fluent;

namespace Cohort.Core.Tests.Scheduling;

/// <summary>What a scripted task reports: a metric value (any double), a divergence, or a failure.</summary>
public enum ScriptedKind
{
    Value,
    Diverged,
    Failed,
}

/// <summary>One entry of an outcome script.</summary>
public sealed record ScriptedOutcome(ScriptedKind Kind, double Value)
{
    public override string ToString() => Kind == ScriptedKind.Value ? Value.ToString("R", CultureInfo.InvariantCulture) : Kind.ToString();
}

/// <summary>
/// One random scenario for a scheduler: a valid search space, method options, budgets, a script of task outcomes and a
/// seed for the order in which each round's results are told. A task's outcome is a pure function of the task (its
/// seed and ordinal pick an entry of the script), so replaying the told results reproduces the run.
/// </summary>
public sealed record SchedulerCase(
    SearchSpace Space,
    MethodOptions Method,
    Objective Objective,
    int Population,
    long Steps,
    IReadOnlyList<ScriptedOutcome> Script,
    ulong RunSeed,
    ulong OrderSeed)
{
    public IPopulationScheduler Create() => SchedulerFactory.Create(Method, Space, Objective, Steps, Population, RunSeed);

    /// <summary>The result a worker reports for <paramref name="task"/>: what the script says, with the runner's shapes.</summary>
    public TaskResult Run(TrainTask task)
    {
        var outcome = Script[(int)((task.Seed + (ulong)task.Ordinal) % (ulong)Script.Count)];
        var none = new Dictionary<string, double>();
        var checkpoint = new CheckpointRef(string.Create(CultureInfo.InvariantCulture, $"m{task.Member}-o{task.Ordinal}"), task.EndStep, 64);
        return outcome.Kind switch
        {
            ScriptedKind.Failed => new TaskResult(task, TaskOutcome.Failed, none, none, null, "scripted failure"),
            ScriptedKind.Diverged => new TaskResult(task, TaskOutcome.Diverged, new Dictionary<string, double> { [Objective.Metric] = double.NaN }, none, null, "scripted divergence"),
            _ => new TaskResult(task, TaskOutcome.Completed, new Dictionary<string, double> { [Objective.Metric] = outcome.Value }, none, checkpoint),
        };
    }

    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Method} population={Population} steps={Steps} objective={Objective.Mode} script=[{string.Join(", ", Script)}] runSeed={RunSeed} orderSeed={OrderSeed} space=[{string.Join("; ", Space.Parameters.Select(Describe))}]");

    private static string Describe(Hyperparameter p) => p switch
    {
        NumericParameter n => string.Create(
            CultureInfo.InvariantCulture,
            $"{n.Name}:{(n.IsInteger ? "int" : "float")} [{n.Lower:R}, {n.Upper:R}] {n.Scale} {n.Prior} {n.Boundary} grid={n.GridCount}"),
        CategoricalParameter c => $"{c.Name}:[{string.Join(",", c.Choices)}]",
        ConstantParameter k => $"{k.Name}={k.Value}",
        _ => p.Name,
    };
}

/// <summary>
/// FsCheck generators of <see cref="SchedulerCase"/>s, one arbitrary per scheduler. Sizes are bounded (populations up
/// to 6, a few ready intervals) so that hundreds of cases run in seconds; the values are chosen to hit the edges:
/// bounds up to ±double.MaxValue and 2^63, log scales over hundreds of decades, min == max, and scores that tie, are
/// huge, NaN or infinite, diverge or fail.
/// </summary>
public static class SchedulerCases
{
    private const double TwoTo63 = 9223372036854775808.0;

    private static readonly (double Lower, double Upper)[] s_linearFloat =
    [
        (0, 1), (-1, 1), (-1e6, 1e6), (0, double.MaxValue), (-double.MaxValue, double.MaxValue), (-double.MaxValue, -1e300),
        (1e300, double.MaxValue), (2.5, 2.5), (0, TwoTo63), (-TwoTo63, TwoTo63), (-0.0, 0.0), (double.Epsilon, 4 * double.Epsilon),
    ];

    private static readonly (double Lower, double Upper)[] s_logFloat =
    [
        (1e-3, 1.9), (1e-3, 100), (1e-3, 1e6), (1e-3, TwoTo63), (1e-300, 1e300), (double.Epsilon, double.MaxValue), (4, 4),
        (1, double.MaxValue), (double.Epsilon, 1e-300),
    ];

    private static readonly (double Lower, double Upper)[] s_linearInt =
    [
        (0, 3), (-5, 5), (0, TwoTo63), (-TwoTo63, TwoTo63), (7, 7), (0, 9007199254740992), (-double.MaxValue, double.MaxValue), (0, 1),
    ];

    private static readonly (double Lower, double Upper)[] s_logInt =
    [
        (1, 1024), (1, TwoTo63), (3, 3), (1, double.MaxValue), (1, 2),
    ];

    private static readonly double[] s_values =
    [
        0, 1, 1, -1, 0.5, 2, 1e300, -1e300, double.MaxValue, -double.MaxValue, double.NaN, double.PositiveInfinity,
        double.NegativeInfinity, 1e-300, double.Epsilon, -0.0,
    ];

    private static readonly IExploitStrategy[] s_exploits =
    [
        new TruncationSelection(0.2), new TruncationSelection(0.5), new TruncationSelection(0.25, TruncationRule.Percentile),
        new BinaryTournament(), new CopyBestIntoWorst(1, 1), new CopyBestIntoWorst(3, null),
    ];

    private static readonly IExploreStrategy[] s_explores =
    [
        new PerturbExplore(), new PerturbExplore(PerturbExplore.Paper000Factors, 0.3), new NoiseExplore(),
        new NoiseExplore(0.5, NoiseSpace.Linear, 0.2), new NoiseExplore(3.0, NoiseSpace.Linear),
    ];

    public static Arbitrary<Case<GridScheduler>> Grid() =>
        (from b in Basics(grid: true, maxPopulation: 0, maxIntervals: 3, maxRetries: 2)
         select new Case<GridScheduler>(b.Case with { Method = new GridOptions { ReadyInterval = b.Ready, MaxTaskRetries = b.Retries } })).ToArbitrary();

    public static Arbitrary<Case<RandomScheduler>> Random() =>
        (from b in Basics(grid: false, maxPopulation: 6, maxIntervals: 3, maxRetries: 2)
         select new Case<RandomScheduler>(b.Case with { Method = new RandomOptions { ReadyInterval = b.Ready, MaxTaskRetries = b.Retries } })).ToArbitrary();

    public static Arbitrary<Case<PbtScheduler>> Pbt() =>
        (from b in Basics(grid: false, maxPopulation: 6, maxIntervals: 5, maxRetries: 2)
         from asynchronous in Gen.Elements(false, true)
         from burnIn in Gen.Elements(0, 1)
         from exploit in Gen.Elements(s_exploits)
         from explore in Gen.Elements(s_explores)
         from ablation in Gen.Elements(PbtAblation.None, PbtAblation.None, PbtAblation.ExploreOnly, PbtAblation.ExploitOnly)
         from copyHyperparameters in Gen.Elements(true, true, false)
         from copyOptimizer in Gen.Elements(true, false)
         select new Case<PbtScheduler>(b.Case with
         {
             Method = new PbtOptions
             {
                 Mode = asynchronous ? PbtMode.Asynchronous : PbtMode.Synchronous,
                 ReadyInterval = b.Ready,
                 MaxTaskRetries = b.Retries,
                 BurnIn = burnIn * b.Ready,
                 Exploit = exploit,
                 Explore = explore,
                 Ablation = ablation,
                 CopyHyperparameters = copyHyperparameters,
                 CopyOptimizerState = asynchronous || copyOptimizer,
             },
         })).ToArbitrary();

    public static Arbitrary<Case<GaScheduler>> Ga() =>
        (from b in Basics(grid: false, maxPopulation: 6, maxIntervals: 5, maxRetries: 2)
         from crossover in Gen.Elements(0.0, 0.33, 1.0)
         from mutation in Gen.Elements(0.0, 0.05, 1.0)
         from weights in Gen.Elements(WeightsParentChoice.FitnessProportional, WeightsParentChoice.BestOfHyperparameterParents)
         from demes in Gen.Choose(1, 3)
         from layout in Gen.Elements(DemeLayout.Ring, DemeLayout.Torus)
         from migration in Gen.Elements(0.0, 0.5, 1.0)
         select new Case<GaScheduler>(b.Case with
         {
             Method = new GaOptions
             {
                 ReadyInterval = b.Ready,
                 MaxTaskRetries = b.Retries,
                 CrossoverRate = crossover,
                 MutationRate = mutation,
                 WeightsParent = weights,
                 Demes = Math.Min(demes, b.Case.Population),
                 DemeLayout = layout,
                 MigrationRate = migration,
             },
         })).ToArbitrary();

    public static Arbitrary<Case<TopologyGaScheduler>> Topology() =>
        (from b in Basics(grid: false, maxPopulation: 5, maxIntervals: 3, maxRetries: 1)
         from generations in Gen.Choose(1, 4)
         from target in Gen.Elements<double?>(null, 0.5, 1.0)
         from demes in Gen.Choose(1, 2)
         select new Case<TopologyGaScheduler>(b.Case with
         {
             Method = new GaOptions
             {
                 Mode = GaMode.Topology,
                 ReadyInterval = b.Ready,
                 MaxTaskRetries = b.Retries,
                 Generations = generations,
                 Target = target,
                 Demes = Math.Min(demes, b.Case.Population),
                 CrossoverRate = 0.5,
                 MutationRate = 0.5,
             },
         })).ToArbitrary();

    public static Arbitrary<Case<FireScheduler>> Fire() =>
        (from b in Basics(grid: false, maxPopulation: 1, maxIntervals: 4, maxRetries: 1)
         from subPopulations in Gen.Elements(2, 2, 3)
         from size in Gen.Choose(1, 3)
         from evaluators in Gen.Choose(1, 2)
         from evalInterval in Gen.Choose(1, 2)
         from perReady in Gen.Choose(1, 2)
         from pStat in Gen.Elements(0.01, 0.5)
         from maxEval in Gen.Elements<long?>(null, 1, 100)
         from minSteps in Gen.Elements(false, true)
         from exploit in Gen.Elements(s_exploits)
         from explore in Gen.Elements(s_explores)
         select new Case<FireScheduler>(b.Case with
         {
             Method = new FireOptions
             {
                 SubPopulations = subPopulations,
                 SubPopulationSize = size,
                 Evaluators = evaluators,
                 EvalInterval = evalInterval,
                 ReadyInterval = evalInterval * perReady,
                 MaxTaskRetries = b.Retries,
                 PStat = pStat,
                 MaxEvalSteps = maxEval,
                 MinStepsBeforeEval = minSteps ? [evalInterval * perReady] : [],
                 Exploit = exploit,
                 Explore = explore,
             },
             Population = (subPopulations * size) + evaluators,
             Steps = evalInterval * perReady * b.Intervals,
         })).ToArbitrary();

    /// <summary>
    /// What every case shares: a space, a population (0 for a grid: the whole grid), a budget of a few ready
    /// intervals, retries, an objective, an outcome script and seeds. The caller sets the method.
    /// </summary>
    private static Gen<CaseBasics> Basics(bool grid, int maxPopulation, int maxIntervals, int maxRetries) =>
        from space in Space(grid).Where(s => !grid || s.GridSize <= 12)
        from population in Gen.Choose(Math.Min(1, maxPopulation), maxPopulation)
        from ready in Gen.Choose(1, 3)
        from intervals in Gen.Choose(1, maxIntervals)
        from retries in Gen.Choose(0, maxRetries)
        from mode in Gen.Elements(ObjectiveMode.Minimize, ObjectiveMode.Maximize)
        from script in Outcome().NonEmptyListOf().Select(l => l.Take(6).ToArray())
        from runSeed in Seed()
        from orderSeed in Seed()
        select new CaseBasics(
            new SchedulerCase(space, new GridOptions(), new Objective("loss", mode), population, ready * intervals, script, runSeed, orderSeed),
            ready,
            intervals,
            retries);

    private static Gen<ulong> Seed() =>
        from high in Gen.Choose(int.MinValue, int.MaxValue)
        from low in Gen.Choose(int.MinValue, int.MaxValue)
        select ((ulong)(uint)high << 32) | (uint)low;

    private static Gen<ScriptedOutcome> Outcome() =>
        Gen.Frequency(
            (6, Gen.Elements(s_values).Select(v => new ScriptedOutcome(ScriptedKind.Value, v))),
            (2, Gen.Constant(new ScriptedOutcome(ScriptedKind.Diverged, double.NaN))),
            (1, Gen.Constant(new ScriptedOutcome(ScriptedKind.Failed, double.NaN))));

    private static Gen<SearchSpace> Space(bool grid) =>
        from count in Gen.Choose(1, 3)
        from parameters in Gen.CollectToArray(Enumerable.Range(0, count), i => Parameter("p" + i.ToString(CultureInfo.InvariantCulture), grid))
        select new SearchSpace(parameters);

    private static Gen<Hyperparameter> Parameter(string name, bool grid) =>
        Gen.Frequency(
            (4, Numeric(name, grid, integer: false)),
            (3, Numeric(name, grid, integer: true)),
            (2, Gen.Choose(1, 4).Select(n => (Hyperparameter)new CategoricalParameter(name, [.. Enumerable.Range(0, n).Select(i => "c" + i.ToString(CultureInfo.InvariantCulture))]))),
            (1, Gen.Elements(HyperValue.Of(0.5), HyperValue.Of("fixed")).Select(v => (Hyperparameter)new ConstantParameter(name, v))));

    private static Gen<Hyperparameter> Numeric(string name, bool grid, bool integer) =>
        from log in Gen.Elements(false, true)
        from bounds in Gen.Elements(integer ? (log ? s_logInt : s_linearInt) : (log ? s_logFloat : s_linearFloat))
        from uniform in Gen.Elements(false, false, true)
        from boundary in Gen.Elements(BoundaryPolicy.Clamp, BoundaryPolicy.Reflect)
        from gridCount in grid ? Gen.Choose(1, 3).Select(n => (int?)n) : Gen.Elements<int?>(null, 3)
        let count = !integer && bounds.Lower == bounds.Upper ? 1 : gridCount
        select integer
            ? (Hyperparameter)new IntegerParameter(name, bounds.Lower, bounds.Upper, log ? ParameterScale.Log : ParameterScale.Linear, uniform ? PriorKind.Uniform : PriorKind.Default, GridCount: count, Boundary: boundary)
            : new FloatParameter(name, bounds.Lower, bounds.Upper, log ? ParameterScale.Log : ParameterScale.Linear, uniform ? PriorKind.Uniform : PriorKind.Default, GridCount: count, Boundary: boundary);
}

/// <summary>The shared part of a generated case, with the ready interval, interval count and retries it was built from.</summary>
internal sealed record CaseBasics(SchedulerCase Case, int Ready, int Intervals, int Retries);

/// <summary>
/// A scenario for the scheduler type <typeparamref name="TScheduler"/> (the type argument only tells FsCheck which
/// generator of <see cref="SchedulerCases"/> to use).
/// </summary>
public sealed record Case<TScheduler>(SchedulerCase Scenario)
    where TScheduler : IPopulationScheduler
{
    public override string ToString() => Scenario.ToString();
}
