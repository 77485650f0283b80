using System.Globalization;
using Cohort.Core.Strategies;
using Cohort.Spec.Sections;

namespace Cohort.Spec.Methods;

/// <summary>Reads and writes the <c>exploit</c> and <c>explore</c> mappings that pbt and fire share (pb2 shares the exploit).</summary>
internal static class StrategyKeys
{
    /// <summary>Default perturbation factors (issue 2: {0.8, 1.2}).</summary>
    public static readonly SpecList<double> DefaultFactors = SpecList.Of(0.8, 1.2);

    private static readonly string[] s_exploitKeys = ["strategy", "fraction", "count", "rule"];
    private static readonly string[] s_exploreKeys = ["strategy", "factors", "sigma", "base", "resample_probability"];
    private static readonly (string, Exploit)[] s_exploits = [("truncation", Exploit.Truncation), ("tournament", Exploit.Tournament), ("best-into-worst", Exploit.BestIntoWorst)];
    private static readonly (string, Explore)[] s_explores = [("perturb", Explore.Perturb), ("log-noise", Explore.LogNoise), ("noise", Explore.Noise)];

    private enum Exploit
    {
        Truncation,
        Tournament,
        BestIntoWorst,
    }

    private enum Explore
    {
        Perturb,
        LogNoise,
        Noise,
    }
    private static readonly (string, TruncationRule)[] s_rules = [("count", TruncationRule.Count), ("percentile", TruncationRule.Percentile)];

    public static ExploitSettings? ReadExploit(SpecNode node, long? population)
    {
        var map = node.AsMap(s_exploitKeys);
        if (map?.Choice("strategy", Exploit.Truncation, s_exploits) is not { } strategy)
        {
            return null;
        }

        map.OnlyFor("fraction", strategy == Exploit.Truncation, "strategy truncation");
        map.OnlyFor("count", strategy == Exploit.BestIntoWorst, "strategy best-into-worst");
        map.OnlyFor("rule", strategy == Exploit.Truncation, "strategy truncation");
        switch (strategy)
        {
            case Exploit.Truncation:
                var fraction = map.Number("fraction", TruncationSelection.DefaultFraction, x => x is > 0 and <= 0.5, "a number in (0, 0.5]");
                var rule = map.Choice("rule", TruncationRule.Count, s_rules);
                return fraction is null || rule is null ? null : new TruncationExploit(fraction.Value, rule.Value);
            case Exploit.BestIntoWorst:
                var half = Math.Max(1, population is { } p ? p / 2 : MethodReadContext.MaxPopulation);
                var count = map.Whole("count", 1, x => x >= 1 && x <= half, string.Create(CultureInfo.InvariantCulture, $"an integer in [1, population / 2 = {half}]"));
                return count is null ? null : new BestIntoWorstExploit((int)count.Value);
            default:
                return new TournamentExploit();
        }
    }

    public static ExploreSettings? ReadExplore(SpecNode node)
    {
        var map = node.AsMap(s_exploreKeys);
        if (map?.Choice("strategy", Explore.Perturb, s_explores) is not { } strategy)
        {
            return null;
        }

        var perturb = strategy == Explore.Perturb;
        map.OnlyFor("factors", perturb, "strategy perturb");
        map.OnlyFor("sigma", !perturb, "strategy log-noise or noise");
        map.OnlyFor("base", strategy == Explore.LogNoise, "strategy log-noise");
        var resample = map.Number("resample_probability", 0, x => x is >= 0 and <= 1, "a probability in [0, 1]");
        if (perturb)
        {
            var factors = map.Get("factors") is { } f ? Factors(f) : DefaultFactors;
            return factors is null || resample is null ? null : new PerturbSettings(factors, resample.Value);
        }

        var sigma = map.Number("sigma", NoiseExplore.DefaultSigma, x => x > 0, "a number > 0");
        if (strategy == Explore.Noise)
        {
            // Additive N(0, sigma) noise in units of each hyperparameter's range (the PBT paper's toy explores this way).
            return sigma is null || resample is null ? null : new NoiseSettings(sigma.Value, NoiseSpace.Linear, resample.Value);
        }

        var logBase = map.Number("base", 2, x => x == 2, "2 (noise is added in log2 space, as in paper 003)");
        return sigma is null || logBase is null || resample is null ? null : new NoiseSettings(sigma.Value, NoiseSpace.Log2, resample.Value);
    }

    public static void Write(SpecWriter w, ExploitSettings exploit, ExploreSettings explore)
    {
        WriteExploit(w, exploit);
        WriteExplore(w, explore);
    }

    public static void WriteExploit(SpecWriter w, ExploitSettings exploit) =>
        w.Nested("exploit", x =>
        {
            switch (exploit)
            {
                case TruncationExploit t:
                    x.Write("strategy", "truncation");
                    x.Write("fraction", t.Fraction);
                    x.Write("rule", t.Rule == TruncationRule.Percentile ? "percentile" : "count");
                    break;
                case BestIntoWorstExploit b:
                    x.Write("strategy", "best-into-worst");
                    x.Write("count", b.Count);
                    break;
                default:
                    x.Write("strategy", "tournament");
                    break;
            }
        });

    private static void WriteExplore(SpecWriter w, ExploreSettings explore) =>
        w.Nested("explore", x =>
        {
            switch (explore)
            {
                case PerturbSettings p:
                    x.Write("strategy", "perturb");
                    x.Write("factors", p.Factors);
                    break;
                case NoiseSettings { Space: NoiseSpace.Log2 } n:
                    x.Write("strategy", "log-noise");
                    x.Write("sigma", n.Sigma);
                    x.Write("base", 2L);
                    break;
                case NoiseSettings n:
                    x.Write("strategy", "noise");
                    x.Write("sigma", n.Sigma);
                    break;
            }

            x.Write("resample_probability", explore.ResampleProbability);
        });

    private static SpecList<double>? Factors(SpecNode node)
    {
        var list = node.AsList();
        if (list is null)
        {
            return null;
        }

        if (list.Count == 0)
        {
            node.Error("expected at least one perturbation factor", "[]");
            return null;
        }

        var factors = list.Select(item => item.Number(x => x > 0, "a factor > 0")).ToArray();
        return factors.All(f => f is not null) ? SpecList<double>.From(factors.Select(f => f!.Value)) : null;
    }
}
