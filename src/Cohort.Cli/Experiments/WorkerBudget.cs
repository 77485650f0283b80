using System.Globalization;

namespace Cohort.Cli.Experiments;

/// <summary>
/// How many members <c>cohort run</c> trains at once, so that workers × threads per member
/// (<see cref="Core.Trainables.ITrainableFactory.ThreadsPerTrainable"/>) do not oversubscribe the cores: ⌊cores /
/// threads⌋, at least 1, unless <c>--workers</c> says otherwise — then <c>note</c> is told when the two compete for the cores.
/// </summary>
internal static class WorkerBudget
{
    public static int Choose(int? requested, int threadsPerTrainable, int cores, Action<string> note)
    {
        var threads = Math.Max(1, threadsPerTrainable);
        var fits = Math.Max(1, cores / threads);
        if (requested is not { } workers)
        {
            return fits;
        }

        if ((long)workers * threads > cores)
        {
            note(string.Create(
                CultureInfo.InvariantCulture,
                $"Note: {workers} workers × {threads} threads per member need {(long)workers * threads} cores and this machine has {cores}: they will compete for them; --workers {fits} fits."));
        }

        return workers;
    }
}
