using System.Globalization;
using Cohort.Core.Hyperparameters;
using Cohort.Training.Environments;
using Cohort.Training.Reinforcement;

namespace Cohort.Benchmarks.Rl;

/// <summary>The settings of one invocation of the CartPole experiment.</summary>
internal sealed record CartPoleOptions(
    IReadOnlyList<ulong> Seeds,
    int Population,
    int ReadyInterval,
    int Budget,
    int Workers,
    IReadOnlyList<string> Methods,
    HyperparameterSet? Fixed,
    DeepDoubleSarsaOptions Network)
{
    public static CartPoleOptions? Parse(string[] args)
    {
        if (args.Length == 0 || args[0] != "cartpole")
        {
            return null;
        }

        var o = new CartPoleOptions([1, 2, 3], 20, 2000, 60_000, 1, ["pbt", "random"], null, new DeepDoubleSarsaOptions { Environment = CartPole.Id });
        for (var i = 1; i < args.Length - 1; i += 2)
        {
            var v = args[i + 1];
            o = args[i] switch
            {
                "--seeds" => o with { Seeds = v.Split(',').Select(s => ulong.Parse(s, CultureInfo.InvariantCulture)).ToArray() },
                "--population" => o with { Population = int.Parse(v, CultureInfo.InvariantCulture) },
                "--ready" => o with { ReadyInterval = int.Parse(v, CultureInfo.InvariantCulture) },
                "--budget" => o with { Budget = int.Parse(v, CultureInfo.InvariantCulture) },
                "--workers" => o with { Workers = int.Parse(v, CultureInfo.InvariantCulture) },
                "--methods" => o with { Methods = v.Split(',') },
                "--fixed" => o with { Fixed = ParsePoint(v) },
                "--hidden" => o with { Network = o.Network with { Hidden = v.Split(',').Select(h => int.Parse(h, CultureInfo.InvariantCulture)).ToArray() } },
                "--batch" => o with { Network = o.Network with { BatchSize = int.Parse(v, CultureInfo.InvariantCulture) } },
                "--replay" => o with { Network = o.Network with { ReplayCapacity = int.Parse(v, CultureInfo.InvariantCulture) } },
                _ => throw new ArgumentException($"Unknown option '{args[i]}'."),
            };
        }

        return o;
    }

    private static HyperparameterSet ParsePoint(string text)
    {
        var h = HyperparameterSet.Empty;
        foreach (var pair in text.Split(','))
        {
            var parts = pair.Split('=');
            h = h.With(parts[0], HyperValue.Of(double.Parse(parts[1], CultureInfo.InvariantCulture)));
        }

        return h;
    }
}
