#region snippet:usings
using System.Globalization;
using Cohort.Core.Execution;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Lineage;
using Cohort.Core.Pb2;
using Cohort.Core.Randomness;
using Cohort.Core.Scheduling;
using Cohort.Core.Stopping;
using Cohort.Core.Storage;
using Cohort.Core.Strategies;
using Cohort.Core.Trainables;
using Cohort.Spec;
using Cohort.Spec.Sections;
using Cohort.Storage.Postgres;
using Cohort.Storage.Sqlite;
using Cohort.Training;
#endregion

namespace Cohort.Api.Tests.Guide;

/// <summary>
/// The code of docs/library.md: each <c>#region snippet:NAME</c> is the block after <c>&lt;!-- snippet: NAME --&gt;</c>
/// in the guide (<see cref="LibraryGuideTests"/> keeps them equal), and the methods run in the tests.
/// </summary>
internal static class LibraryGuide
{
    public static TrainableFactory Factory()
    {
        #region snippet:factory
        var declaration = new TrainableDeclaration(
            "quadratic",
            [
                HyperparameterDeclaration.Real("lr", ValueRange.HalfOpen(0, 2), "the step size") with { Required = true },
                HyperparameterDeclaration.Real("momentum", ValueRange.HalfOpen(0, 1), "heavy-ball momentum (default 0)"),
            ],
            ["loss"]);
        var factory = new TrainableFactory(declaration, seed => new Quadratic());
        #endregion
        return factory;
    }

    public static SearchSpace Space()
    {
        #region snippet:space
        var space = new SearchSpace(
            new FloatParameter("lr", 1e-3, 1.0, ParameterScale.Log),
            new FloatParameter("momentum", 0, 0.9));
        var objective = new Objective("loss", ObjectiveMode.Minimize);
        #endregion
        _ = objective;
        return space;
    }

    public static async Task<RunOutcome> RunPbtAsync(CancellationToken cancellationToken)
    {
        var factory = Factory();
        var space = Space();
        var objective = new Objective("loss", ObjectiveMode.Minimize);
        #region snippet:pbt
        var options = new PbtOptions
        {
            ReadyInterval = 20,                                      // exploit and explore every 20 steps
            Exploit = new TruncationSelection(0.25),                 // the bottom 25% copy the top 25%
            Explore = new PerturbExplore(PerturbExplore.Paper001Factors, resampleProbability: 0.25),
        };
        const ulong seed = 42;
        var scheduler = SchedulerFactory.Create(options, space, objective, stepsPerMember: 400, population: 8, runSeed: seed);
        var runner = new ExperimentRunner(new InMemoryCheckpointStore(), new InMemoryExperimentStore(), new RunnerOptions { Workers = 2 });
        var outcome = await runner.RunAsync(new RunDefinition("pbt", seed, objective), scheduler, factory, cancellationToken);

        var best = outcome.Best!; // the result with the best objective: its member, step, hyperparameters and metrics
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{outcome.Status}: member {best.Task.Member} reached loss {best.Validation["loss"]:G4} at step {best.Task.StartStep + best.Task.Steps} with {best.Task.Hyperparameters}"));
        #endregion
        return outcome;
    }

    public static PbtOptions PbtOptionsTour()
    {
        #region snippet:pbt-options
        var options = new PbtOptions
        {
            Mode = PbtMode.Asynchronous,            // decide for each member as its result arrives (no generation barrier)
            ReadyInterval = 50,
            BurnIn = 100,                           // no exploit or explore before step 100
            Exploit = new BinaryTournament(),       // or TruncationSelection(fraction), CopyBestIntoWorst(best, worst)
            Explore = new NoiseExplore(0.5, NoiseSpace.Log2),
            CopyHyperparameters = true,             // an exploit copies the donor's hyperparameters with its weights
            Initialization = InitializationKind.SubsampledGrid,
            MaxTaskRetries = 2,
        };
        var paper000 = PbtOptions.Paper000 with { ReadyInterval = 300 }; // the papers' settings, as presets
        #endregion
        _ = paper000;
        return options;
    }

    public static async Task<RunOutcome> RunMethodAsync(MethodOptions method, int population, CancellationToken cancellationToken)
    {
        var factory = Factory();
        var space = method is GridOptions ? GridSpace() : Space();
        var objective = new Objective("loss", ObjectiveMode.Minimize);
        var scheduler = SchedulerFactory.Create(method, space, objective, stepsPerMember: 200, population: population, runSeed: 7);
        var runner = new ExperimentRunner(new InMemoryCheckpointStore(), new InMemoryExperimentStore(), new RunnerOptions { Workers = 2 });
        return await runner.RunAsync(new RunDefinition(method.Method, 7, objective), scheduler, factory, cancellationToken);
    }

    public static IReadOnlyList<(MethodOptions Method, int Population)> Methods()
    {
        #region snippet:methods
        var pb2 = new Pb2Options { ReadyInterval = 20, Explore = new Pb2ExploreOptions { Candidates = 16 } };
        var random = new RandomOptions { ReadyInterval = 20 };      // population: how many points to draw
        var grid = new GridOptions { ReadyInterval = 20 };          // population: 0, the whole grid
        var fire = new FireOptions { ReadyInterval = 20, SubPopulations = 2 }; // population: all workers, members and evaluators
        #endregion
        return [(pb2, 6), (random, 6), (grid, 0), (fire, 9)];
    }

    public static SearchSpace GridSpace()
    {
        #region snippet:grid-space
        var gridSpace = new SearchSpace(
            new FloatParameter("lr", 1e-3, 1.0, ParameterScale.Log, GridCount: 4), // 4 values, log spaced
            new FloatParameter("momentum", 0, 0.9, Grid: [0.0, 0.9]));             // these 2 values: 8 points in all
        #endregion
        return gridSpace;
    }

    public static IPopulationScheduler InitialPointsExample()
    {
        var space = Space();
        var objective = new Objective("loss", ObjectiveMode.Minimize);
        #region snippet:initial-points
        HyperparameterSet[] points =
        [
            HyperparameterSet.From([new("lr", 0.5), new("momentum", 0.0)]),
            HyperparameterSet.From([new("lr", 0.05), new("momentum", 0.9)]),
        ];
        var scheduler = SchedulerFactory.Create(new PbtOptions(), space, objective, stepsPerMember: 400, population: 2, runSeed: 1, initialPoints: points);
        #endregion
        return scheduler;
    }

    #region snippet:observer
    /// <summary>Every result as it is told, by member: the curves without reading the store.</summary>
    public sealed class CurveRecorder(string metric) : IProgressObserver
    {
        public Dictionary<int, List<(long Step, double Value)>> Curves { get; } = [];

        public void TaskFinished(TaskFinishedProgress progress)
        {
            var result = progress.Result;
            if (result.Validation.TryGetValue(metric, out var value))
            {
                var curve = Curves.TryGetValue(result.Task.Member, out var c) ? c : Curves[result.Task.Member] = [];
                curve.Add((result.Task.StartStep + result.Task.Steps, value));
            }
        }

        public void RunStarted(RunStartedProgress progress)
        {
        }

        public void TaskStarted(TaskStartedProgress progress)
        {
        }

        public void RunFinished(RunOutcome outcome)
        {
        }
    }
    #endregion

    public static async Task<(CurveRecorder Recorder, RunOutcome Outcome, RunLineage Lineage)> RunObservedAsync(CancellationToken cancellationToken)
    {
        var factory = Factory();
        var space = Space();
        var objective = new Objective("loss", ObjectiveMode.Minimize);
        var scheduler = SchedulerFactory.Create(new PbtOptions { ReadyInterval = 20 }, space, objective, stepsPerMember: 200, population: 4, runSeed: 3);
        #region snippet:observe
        var recorder = new CurveRecorder("loss");
        var store = new InMemoryExperimentStore();
        var runner = new ExperimentRunner(new InMemoryCheckpointStore(), store, new RunnerOptions { Workers = 2 }, observer: recorder);
        var outcome = await runner.RunAsync(new RunDefinition("observed", 3, objective), scheduler, factory, cancellationToken);
        foreach (var latest in outcome.Latest) // each member's last result
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"member {latest.Task.Member}: loss {latest.Validation["loss"]:G4}"));
        }
        #endregion
        #region snippet:lineage
        var events = (await store.ReadEventsAsync("observed", cancellationToken)).Select(e => e.Event).ToArray();
        var lineage = RunLineage.Build(events, await store.ReadResultsAsync("observed", cancellationToken), objective);
        var bestMember = lineage.BestMember()!.Value;
        foreach (var segment in lineage.Schedule(bestMember)) // the hyperparameter schedule the best member followed
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"from step {segment.Step}: lr = {segment.Hyperparameters.GetNumber("lr"):G3}"));
        }

        foreach (var exploit in lineage.Exploits(bestMember)) // where its weights came from
        {
            Console.WriteLine($"step {exploit.Step}: copied member {exploit.Donor}");
        }
        #endregion
        return (recorder, outcome, lineage);
    }

    public static async Task<RunOutcome> RunSqliteAsync(string directory, CancellationToken cancellationToken)
    {
        var factory = Factory();
        var objective = new Objective("loss", ObjectiveMode.Minimize);
        var scheduler = SchedulerFactory.Create(new RandomOptions { ReadyInterval = 50 }, Space(), objective, stepsPerMember: 100, population: 2, runSeed: 5);
        #region snippet:sqlite
        await using var store = await SqliteExperimentStore.OpenAsync(Path.Combine(directory, "cohort.db"), cancellationToken: cancellationToken);
        var checkpoints = new FileCheckpointStore(Path.Combine(directory, "checkpoints"));
        var runner = new ExperimentRunner(checkpoints, store);
        // Run it again with the same store after an interruption: the stored results are replayed and the run resumes.
        var outcome = await runner.RunAsync(new RunDefinition("random", 5, objective), scheduler, factory, cancellationToken);
        #endregion
        return outcome;
    }

    public static async Task<ExperimentRunner> PostgresAsync(string connectionString, CancellationToken cancellationToken)
    {
        #region snippet:postgres
        var store = await PostgresExperimentStore.OpenAsync(connectionString, "my-experiment", cancellationToken: cancellationToken);
        var runner = new ExperimentRunner(new PostgresCheckpointStore(store.DataSource, store.Experiment), store);
        #endregion
        return runner;
    }

    public static async Task<(RunOutcome Outcome, RunLineage Lineage)> RunWithStopAsync(CancellationToken cancellationToken)
    {
        var factory = Factory();
        var space = Space();
        var objective = new Objective("loss", ObjectiveMode.Minimize);
        #region snippet:stop
        var options = new PbtOptions
        {
            ReadyInterval = 20,
            Stop = new StopConditions(
                MetricThreshold.Below("loss", 0.01),     // done once the loss is at most 0.01
                new Plateau(Patience: 5, MinDelta: 1e-4), // or when 5 evaluations in a row did not improve it
                new StepLimit(300))                      // and never train past step 300
            {
                StoppedDonors = true, // a stopped member's weights stay available to exploits
            },
        };
        #endregion
        var scheduler = SchedulerFactory.Create(options, space, objective, stepsPerMember: 400, population: 4, runSeed: 11);
        var store = new InMemoryExperimentStore();
        var runner = new ExperimentRunner(new InMemoryCheckpointStore(), store, new RunnerOptions { Workers = 2 });
        var outcome = await runner.RunAsync(new RunDefinition("stop", 11, objective), scheduler, factory, cancellationToken);
        var events = (await store.ReadEventsAsync("stop", cancellationToken)).Select(e => e.Event).ToArray();
        var lineage = RunLineage.Build(events, await store.ReadResultsAsync("stop", cancellationToken), objective);
        #region snippet:stop-reasons
        foreach (var member in lineage.Members)
        {
            var finished = lineage.Finished(member); // null while a member still trains
            Console.WriteLine($"member {member}: {finished?.Reason} at step {finished?.Step}: {finished?.Message}");
        }
        #endregion
        return (outcome, lineage);
    }

    public static async Task<IReadOnlyList<RunOutcome>> RunSpecAsync(CancellationToken cancellationToken)
    {
        #region snippet:spec
        const string yaml = """
            version: 1
            experiment: toy
            objective: {metric: q, mode: maximize}
            trainable: {kind: toy}
            hyperparameters:
              h0: {type: float, min: 0, max: 1}
              h1: {type: float, min: 0, max: 1}
            constants: {lr: 0.01}
            steps: 100
            ready: {every: 10}
            runs:
              - {name: pbt, method: pbt, population: 4, stop: {plateau: {patience: 3}}}
            """;
        var catalog = SpecCatalog.Default.Add(TrainingSections.All); // built-in methods, plugins, Cohort.Training's kinds
        var spec = catalog.Parse(yaml, "toy.yaml");                  // or catalog.Load(path); SpecException lists every error
        var factory = await catalog.CreateFactoryAsync(spec, TrainableContext.Quiet(spec.Seed), cancellationToken);
        var runner = new ExperimentRunner(new InMemoryCheckpointStore(), new InMemoryExperimentStore(), new RunnerOptions { StepsPerMember = spec.Steps });
        var outcomes = new List<RunOutcome>();
        foreach (var run in spec.Runs)
        {
            var definition = new RunDefinition(run.Name, SpecMapping.RunSeed(spec, run), spec.Objective, catalog.ToJson(spec, run));
            outcomes.Add(await runner.RunAsync(definition, catalog.CreateScheduler(spec, run), factory, cancellationToken));
        }
        #endregion
        return outcomes;
    }

    public static SpecException? RejectUnknownHyperparameter()
    {
        try
        {
            #region snippet:spec-errors
            SpecCatalog.Default.Add(TrainingSections.All).Parse(
                """
                version: 1
                experiment: typo
                objective: {metric: q, mode: maximize}
                trainable: {kind: toy}
                hyperparameters: {h0: {type: float, min: 0, max: 1}, learning_rate: {type: float, min: 0, max: 1}}
                steps: 100
                runs: [{name: random, method: random, population: 4}]
                """,
                "typo.yaml");
            #endregion
        }
        catch (SpecException e)
        {
            return e;
        }

        return null;
    }
}

#region snippet:plugin
/// <summary>
/// A factory <c>cohort run</c> can load from your assembly: <c>trainable: {kind: plugin, assembly: bin/…/My.dll,
/// type: My.QuadraticFactory, options: {noise: 0.1}}</c>. It takes the spec's options, or nothing.
/// </summary>
public sealed class QuadraticFactory(IReadOnlyDictionary<string, string> options) : ITrainableFactory
{
    private readonly double _noise = double.Parse(options.GetValueOrDefault("noise", "0.1"), CultureInfo.InvariantCulture);

    public TrainableDeclaration Declaration { get; } = new(
        "quadratic",
        [HyperparameterDeclaration.Real("lr", ValueRange.HalfOpen(0, 2)) with { Required = true }],
        ["loss", StopConditions.DoneMetric]);

    public IReadOnlyList<string> Metrics => Declaration.Metrics;

    public bool HasTestSet => false;

    public ITrainable Create(ulong seed) => new NoisyQuadratic(_noise);
}
#endregion

/// <summary>A one-dimensional noisy quadratic that declares itself done when close enough (the guide's stop example).</summary>
public sealed class NoisyQuadratic : StateTrainable
{
    private readonly double _noise;
    private readonly StateValue _x;
    private double _lr;

    public NoisyQuadratic(double noise)
    {
        _noise = noise;
        _x = Value("x", 1.0);
    }

    public override void Apply(HyperparameterSet hyperparameters) => _lr = hyperparameters.GetNumber("lr");

    protected override void TrainSteps(int steps, Rng random, CancellationToken cancellationToken)
    {
        for (var s = 0; s < steps; s++)
        {
            _x.Value -= _lr * (_x.Value + _noise * random.NextGaussian());
        }
    }

    #region snippet:done
    public override IReadOnlyDictionary<string, double> Evaluate(DataSplit split)
    {
        var loss = 0.5 * _x.Value * _x.Value;
        // Above 0: this member is done (declare "done" among the factory's metrics).
        return new Dictionary<string, double> { ["loss"] = loss, [StopConditions.DoneMetric] = loss < 1e-4 ? 1 : 0 };
    }
    #endregion
}
