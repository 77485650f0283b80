using System.Diagnostics;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Trainables;
using TorchSharp;
using Xunit.Abstractions;

namespace Cohort.TorchSharp.Tests;

/// <summary>Runs alone (no other test allocates native memory meanwhile), so the resident set measures this test only.</summary>
[CollectionDefinition(nameof(MemoryCollection), DisableParallelization = true)]
public sealed class MemoryCollection;

[Collection(nameof(MemoryCollection))]
public sealed class MemoryTests(ITestOutputHelper output)
{
    [SharedDataFact]
    public void Should_KeepNativeMemoryFlat_When_APopulationRunsAThousandTasks()
    {
        // Given a population of 4 Boston MLPs, and tasks as a PBT run issues them: apply, train, evaluate, save, and
        // now and then an exploit by copy, by checkpoint or of weights only
        var factory = TorchTrainableFactory.Builtin("mlp", SharedData.Boston);
        var members = Enumerable.Range(0, 4).Select(i => factory.Create((ulong)i)).ToArray();
        try
        {
            var stats = DisposeScopeManager.Statistics;
            void RunTasks(int from, int to)
            {
                for (var task = from; to > task; task++)
                {
                    var m = members[task % members.Length];
                    m.Apply(HyperparameterSet.Empty.With("learning_rate", 1e-3 * (1 + (task % 7))).With("l2", 1e-4));
                    m.Train(5, (ulong)task, CancellationToken.None);
                    m.Evaluate(DataSplit.Validation);
                    var bytes = Checkpoints.Bytes(m);
                    var other = members[(task + 1) % members.Length];
                    if (task % 10 == 0)
                    {
                        other.CopyFrom(m);
                    }
                    else if (task % 13 == 0)
                    {
                        Checkpoints.Load(other, bytes);
                    }
                    else if (task % 17 == 0)
                    {
                        ((IWeightTransfer)other).CopyWeightsFrom(m);
                    }
                }
            }

            // When it runs 100 tasks, then 900 more
            RunTasks(0, 100);
            var (rss100, live100) = Measure(stats);
            RunTasks(100, 1000);
            var (rss1000, live1000) = Measure(stats);

            output.WriteLine($"RSS after 100 tasks {rss100 / 1e6:F1} MB, after 1000 {rss1000 / 1e6:F1} MB; live tensors {live100}, {live1000}");

            // Then no tensor outlives its task (every one this thread created is disposed: none is left for the
            // finalizer), and the resident set after 1000 tasks is within 10% of that after 100
            Assert.Equal(live100, live1000);
            Assert.True(rss1000 <= rss100 * 1.10, $"RSS after 100 tasks {rss100 / 1e6:F1} MB, after 1000 {rss1000 / 1e6:F1} MB");
        }
        finally
        {
            foreach (var m in members)
            {
                m.Dispose();
            }
        }
    }

    private static (long Rss, long LiveTensors) Measure(ThreadDisposeScopeStatistics stats)
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return (process.WorkingSet64, stats.ThreadTotalLiveCount);
    }
}
