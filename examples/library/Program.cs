// Using Cohort as a library with a trainable of your own: PBT tunes the step size of gradient descent on a noisy
// quadratic, in memory (no files). Run it with: dotnet run --project examples/library
using System.Globalization;
using Cohort.Core.Execution;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Lineage;
using Cohort.Core.Randomness;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Core.Strategies;
using Cohort.Core.Trainables;

var space = new SearchSpace(new FloatParameter("lr", 1e-4, 1.0, ParameterScale.Log));
var objective = new Objective("loss", ObjectiveMode.Minimize);
var options = new PbtOptions
{
    ReadyInterval = 20,
    Exploit = new TruncationSelection(0.25),
    Explore = new PerturbExplore(PerturbExplore.Paper001Factors),
};
const ulong seed = 42;
var scheduler = SchedulerFactory.Create(options, space, objective, stepsPerMember: 400, population: 8, runSeed: seed);
var store = new InMemoryExperimentStore();
var runner = new ExperimentRunner(new InMemoryCheckpointStore(), store, new RunnerOptions { Workers = 2 });
// What the trainable reads and reports: the runner refuses a run naming anything else before training.
var factory = new TrainableFactory(
    new TrainableDeclaration("quadratic", [HyperparameterDeclaration.Real("lr", ValueRange.Above(0), "the step size") with { Required = true }], ["loss"]),
    _ => new Quadratic());
var outcome = await runner.RunAsync(new RunDefinition("pbt", seed, objective), scheduler, factory, CancellationToken.None);

var lineage = RunLineage.Build((await store.ReadEventsAsync("pbt", default)).Select(e => e.Event).ToArray(), await store.ReadResultsAsync("pbt", default), objective);
var best = lineage.BestMember()!.Value;
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{outcome.Status}: best member {best}, loss {lineage.FinalResult(best)!.Validation["loss"]:G4}"));
foreach (var segment in lineage.Schedule(best))
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"  from step {segment.Step,4}: lr = {segment.Hyperparameters.GetNumber("lr"):G3}"));
}

/// <summary>
/// Gradient descent on f(x) = ½·Σ cᵢ·xᵢ² with gradient noise: a large step size makes fast early progress but a high
/// noise floor, so a good schedule decays it — what PBT should find. Its state is one registered array: StateTrainable
/// saves, loads and copies it.
/// </summary>
internal sealed class Quadratic : StateTrainable
{
    private static readonly double[] s_curvature = [1.0, 0.5, 0.1, 0.05];
    private readonly double[] _x;
    private double _lr = 0.01;

    public Quadratic() => _x = Weights("x", new[] { 1.0, 1.0, 1.0, 1.0 });

    public override void Apply(HyperparameterSet hyperparameters) => _lr = hyperparameters.GetNumber("lr");

    protected override void TrainSteps(int steps, Rng random, CancellationToken cancellationToken)
    {
        for (var s = 0; s < steps; s++)
        {
            for (var i = 0; i < _x.Length; i++)
            {
                var gradient = s_curvature[i] * _x[i] + 0.1 * Math.Sqrt(s_curvature[i]) * random.NextGaussian();
                _x[i] -= Math.Min(_lr, 1.9) * gradient;
            }
        }
    }

    public override IReadOnlyDictionary<string, double> Evaluate(DataSplit split) =>
        new Dictionary<string, double> { ["loss"] = 0.5 * _x.Select((x, i) => s_curvature[i] * x * x).Sum() };
}
