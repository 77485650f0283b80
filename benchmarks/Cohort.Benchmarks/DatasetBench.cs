using System.Diagnostics;
using Cohort.Engine.Data;

namespace Cohort.Benchmarks;

/// <summary>
/// What verifying a dataset on every load costs: hashing MNIST's four files (gunzip + SHA-256) against loading them
/// (gunzip + parse + convert), measured side by side in one process. Medians of <c>repeats</c> runs.
/// </summary>
internal static class DatasetBench
{
    public sealed record Result(string Dataset, int Repeats, double FirstLoadSeconds, double HashSeconds, double LoadVerifiedSeconds, double HashToLoadRatio);

    public static Result Run(string dataRoot, int repeats)
    {
        var directory = new DataDirectory(dataRoot);
        var files = DatasetCatalog.Requirements("mnist").Select(a => a.First(directory.Contains)).ToArray();

        // The process's first load hashes every file, then parses them.
        var watch = Stopwatch.StartNew();
        DatasetCatalog.LoadRaw("mnist", directory);
        var first = watch.Elapsed.TotalSeconds;

        var hash = new List<double>();
        var load = new List<double>();
        for (var r = 0; r < repeats; r++)
        {
            watch.Restart();
            foreach (var f in files)
            {
                DatasetVerifier.ContentSha256(directory.GetPath(f));
            }

            hash.Add(watch.Elapsed.TotalSeconds);

            // Later loads find the verification remembered (the files are older than the settle time): parsing only.
            watch.Restart();
            DatasetCatalog.LoadRaw("mnist", directory);
            load.Add(watch.Elapsed.TotalSeconds);
        }

        var h = Median(hash);
        var l = Median(load);
        return new Result("mnist", repeats, first, h, l, h / l);
    }

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }
}
