using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Cohort.Training.Tests.Environments;

/// <summary>
/// Reference episodes computed by Gymnasium's own cartpole.py and acrobot.py (make_golden.py → golden.json, committed;
/// not run by CI): start state, actions, and after each step the observation, the double-precision state, the reward
/// and the termination and truncation flags.
/// </summary>
internal static class GymReference
{
    private static readonly JsonElement s_golden = Load();

    public static IReadOnlyList<Episode> Episodes(string environment) =>
        s_golden.GetProperty(environment).EnumerateArray().Select(Read).ToArray();

    private static JsonElement Load([CallerFilePath] string source = "")
    {
        var path = Path.Combine(Path.GetDirectoryName(source)!, "golden.json");
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        return doc.RootElement.Clone();
    }

    private static Episode Read(JsonElement e) => new(
        Doubles(e.GetProperty("start")),
        e.GetProperty("actions").EnumerateArray().Select(a => a.GetInt32()).ToArray(),
        e.GetProperty("observations").EnumerateArray().Select(o => o.EnumerateArray().Select(v => v.GetSingle()).ToArray()).ToArray(),
        e.GetProperty("states").EnumerateArray().Select(Doubles).ToArray(),
        Doubles(e.GetProperty("rewards")),
        e.GetProperty("terminated").EnumerateArray().Select(b => b.GetBoolean()).ToArray(),
        e.GetProperty("truncated").EnumerateArray().Select(b => b.GetBoolean()).ToArray());

    private static double[] Doubles(JsonElement e) => e.EnumerateArray().Select(v => v.GetDouble()).ToArray();

    public sealed record Episode(
        double[] Start, int[] Actions, float[][] Observations, double[][] States, double[] Rewards, bool[] Terminated, bool[] Truncated)
    {
        public int Length => Actions.Length;
    }
}
