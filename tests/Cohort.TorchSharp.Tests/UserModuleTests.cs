using Cohort.Core.Execution;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Core.Strategies;
using Cohort.TorchSharp.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cohort.TorchSharp.Tests;

/// <summary>A user's own module, optimizer and module setting through the library: declared, applied, tuned by PBT.</summary>
public sealed class UserModuleTests
{
    private const string Gain = "gain";

    /// <summary>A user's module: h = relu(gain · W₁x), dropout, then W₂h; <c>gain</c> is a live setting.</summary>
    private sealed class GainMlp : nn.Module<Tensor, Tensor>
    {
        private readonly Linear _hidden = nn.Linear(13, 16);
        private readonly GeneratorDropout _dropout;
        private readonly Linear _output = nn.Linear(16, 1);

        public GainMlp(torch.Generator generator)
            : base(nameof(GainMlp))
        {
            TorchInit.He(_hidden.weight!, _hidden.bias, generator);
            TorchInit.Glorot(_output.weight!, _output.bias, generator);
            _dropout = new GeneratorDropout(generator);
            RegisterComponents();
        }

        public double Gain { get; set; } = 1.0;

        public override Tensor forward(Tensor input) => _output.call(_dropout.call(nn.functional.relu(_hidden.call(input) * Gain)));
    }

    private static TorchTrainableFactory Factory() =>
        new(
            new TorchTrainableOptions("gain-mlp", g => new GainMlp(g))
            {
                CreateOptimizer = parameters => optim.SGD(parameters, 1e-3, momentum: 0.5),
                ModuleSettings = new Dictionary<string, Action<nn.Module, double>>(StringComparer.Ordinal) { [Gain] = (m, v) => ((GainMlp)m).Gain = v },
            },
            SharedData.Boston);

    [SharedDataFact]
    public void Should_DeclareAndApplyTheModuleSetting_When_AUserModuleHasOne()
    {
        // Given a user's module with a setting, a dropout layer and its own optimizer (SGD with momentum)
        var factory = Factory();

        // When members train the same task with the setting at 1 (twice) and at 3
        string Train(double gain)
        {
            using var member = factory.Create(4);
            member.Apply(HyperparameterSet.Empty.With("learning_rate", 0.01).With(Gain, gain).With("dropout", 0.1));
            member.Train(30, 9, CancellationToken.None);
            return Checkpoints.Hash(member);
        }

        // Then the declaration names what the member accepts, and the setting changes training deterministically
        Assert.Contains(factory.Declaration.Hyperparameters, h => h.Name == Gain);
        Assert.Contains(factory.Declaration.Hyperparameters, h => h.Name == "dropout");
        Assert.Equal(Train(1), Train(1));
        Assert.NotEqual(Train(1), Train(3));
    }

    [SharedDataFact]
    public async Task Should_CompleteWithExploits_When_PbtTunesTheUsersSetting()
    {
        // Given 4 members searching the learning rate and the module's gain
        var space = new SearchSpace(new FloatParameter("learning_rate", 1e-3, 3e-2, ParameterScale.Log), new FloatParameter(Gain, 0.1, 3));
        var points = new[] { (1e-3, 0.1), (3e-3, 1.0), (1e-2, 2.0), (3e-2, 3.0) }.Select(p => HyperparameterSet.Empty.With("learning_rate", p.Item1).With(Gain, p.Item2)).ToArray();
        var objective = new Objective("mse", ObjectiveMode.Minimize);
        var options = new PbtOptions { ReadyInterval = 20, Exploit = new TruncationSelection(0.25), Explore = new PerturbExplore([0.8, 1.2]) };
        var store = new InMemoryExperimentStore();
        var runner = new ExperimentRunner(new InMemoryCheckpointStore(), store, new RunnerOptions { Workers = 2, StepsPerMember = 60 });

        // When PBT runs 60 steps, ready every 20
        var outcome = await runner.RunAsync(new RunDefinition("user-module", 3, objective), new PbtScheduler(options, space, points, objective, 60, 3), Factory(), CancellationToken.None);

        // Then it completes, exploits (hash-verified by the runner) and explores the user's setting
        var events = (await store.ReadEventsAsync("user-module", CancellationToken.None)).Select(e => e.Event).ToArray();
        Assert.Equal(RunStatus.Completed, outcome.Status);
        Assert.NotEmpty(events.OfType<Exploited>());
        Assert.Contains(events.OfType<Explored>(), e => e.After.GetNumber(Gain) != e.Before.GetNumber(Gain));
        Assert.True(double.IsFinite(outcome.Best!.Validation["mse"]));
    }
}
