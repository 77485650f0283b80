using Cohort.Core.Lineage;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Core.Trainables;
using Cohort.Cli.Console;
using Cohort.Reports;

namespace Cohort.Cli.Experiments;

/// <summary>
/// After a run, for trainables that generate images (<see cref="ISampleImages"/>: the GAN): loads the best member's
/// final checkpoint, draws its samples and keeps them in the store (<see cref="SampleGrid"/>), where the report finds
/// them. Other trainables are left alone.
/// </summary>
internal static class RunSamples
{
    /// <summary>
    /// Draws and stores <paramref name="run"/>'s samples; returns false (storing nothing) when there is nothing to draw,
    /// or when the checkpoint cannot be read (said on <paramref name="terminal"/>: the run itself stands).
    /// </summary>
    public static async Task<bool> StoreAsync(
        IExperimentStore store, ITrainableFactory factory, Func<CheckpointRef, byte[]> readCheckpoint, string run, Objective objective, Terminal terminal, CancellationToken cancellationToken)
    {
        var results = await store.ReadResultsAsync(run, cancellationToken).ConfigureAwait(false);
        var events = await store.ReadEventsAsync(run, cancellationToken).ConfigureAwait(false);
        var lineage = RunLineage.Build(events.Select(e => e.Event).ToArray(), results, objective);
        if (lineage.BestMember() is not { } best || lineage.FinalResult(best) is not { Checkpoint: { } checkpoint } final)
        {
            return false;
        }

        using var trainable = factory.Create(0);
        if (trainable is not ISampleImages images)
        {
            return false;
        }

        byte[] bytes;
        try
        {
            bytes = readCheckpoint(checkpoint);
        }
        catch (CheckpointCorruptException e)
        {
            terminal.Problem($"[{run}] no samples drawn: {e.Message}");
            return false;
        }

        using (var state = new MemoryStream(bytes, writable: false))
        {
            trainable.Load(state);
        }

        using var png = new MemoryStream();
        images.WriteSamples(png);
        var score = final.Validation.TryGetValue(objective.Metric, out var v) ? v : double.NaN;
        var grid = new SampleGrid(best, final.Task.EndStep, score, png.ToArray());
        await store.SetMetadataAsync(SampleGrid.MetadataKey(run), grid.ToJson(), cancellationToken).ConfigureAwait(false);
        return true;
    }
}
