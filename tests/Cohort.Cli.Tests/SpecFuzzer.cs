using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.RepresentationModel;

namespace Cohort.Cli.Tests;

/// <summary>
/// Mutated specs for issue 13's bar "1,000 fuzzed specs through run": an example spec, shrunk to a small budget
/// (steps, ready interval, populations, grids, generations, FIRE's evaluation interval, exploit counts), then changed in one to three places — a value replaced
/// by another type, an extreme or a non-number; a key misspelt, dropped or added; a range's bounds swapped, equal,
/// or outside a log scale's domain. Spec i is a pure function of (seed, i).
/// </summary>
internal static partial class SpecFuzzer
{
    private static readonly string[] s_values =
    [
        "0", "-1", "1", "2", "0.5", "-0.0", "1.0e308", "-1.0e308", "1.0e-320", "9223372036854775808", "18446744073709551616",
        "2147483648", ".nan", ".inf", "-.inf", "~", "''", "abc", "true", "[]", "{}", "[1, 2]", "{a: 1}", "1e3", "0x10", "\"1\"",
    ];

    /// <summary>
    /// Every example spec (examples/*.yaml) that the plain <c>cohort</c> command reads: those of <c>kind: torch</c> need
    /// <c>cohort-torch</c> (or the torch plugin) and are left out.
    /// </summary>
    public static IReadOnlyList<string> Bases { get; } = Directory.GetFiles(Path.Combine(TestPaths.RepositoryRoot, "examples"), "*.yaml")
        .Where(f => !File.ReadLines(f).Any(line => line.Trim() is "kind: torch"))
        .Order(StringComparer.Ordinal)
        .ToArray();

    /// <summary>
    /// The examples the mutations start from: those whose dataset is in <paramref name="data"/> (none that trains on
    /// a dataset without it), so that the fuzzer never downloads one.
    /// </summary>
    public static IReadOnlyList<string> Usable(string? data) =>
        Bases.Where(b => DatasetOf(b) is not { } dataset || (data is not null && Directory.Exists(Path.Combine(data, dataset)))).ToArray();

    /// <summary>The <paramref name="index"/>-th mutated spec as YAML text, and what was changed.</summary>
    public static (string Yaml, string Changes) Create(IReadOnlyList<string> bases, int seed, int index)
    {
        ArgumentNullException.ThrowIfNull(bases);
        // Not HashCode.Combine: its values change from process to process, and a spec must be the same in every run.
        var random = new Random(unchecked((seed * 1_000_003) + index) & int.MaxValue);
        var basePath = bases[random.Next(bases.Count)];
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(basePath)));
        var root = (YamlMappingNode)stream.Documents[0].RootNode;
        Shrink(root);
        var changes = new List<string> { Path.GetFileName(basePath) };
        var mutations = random.Next(10) switch { < 6 => 1, < 9 => 2, _ => 3 };
        for (var i = 0; i < mutations; i++)
        {
            changes.Add(Mutate(root, random));
        }

        var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        return (writer.ToString(), string.Join("; ", changes));
    }

    /// <summary>The example at <paramref name="basePath"/> shrunk to the fuzzer's budget, unmutated.</summary>
    public static string Shrunk(string basePath)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(File.ReadAllText(basePath)));
        Shrink((YamlMappingNode)stream.Documents[0].RootNode);
        var writer = new StringWriter();
        stream.Save(writer, assignAnchors: false);
        return writer.ToString();
    }

    /// <summary>Whether <paramref name="text"/> holds a .NET stack trace or an exception's type name at a line start.</summary>
    public static bool HasStackTrace(string text) => StackTrace().IsMatch(text);

    [GeneratedRegex(@"(^|\n)\s+at [\w.<>`\[\]]+\(|--- End of|(^|\n)[\w.]+Exception:", RegexOptions.CultureInvariant)]
    private static partial Regex StackTrace();

    /// <summary>A small budget: 40 steps, evaluations every 10, at most 4 members, grids of 2, 2 generations.</summary>
    private static void Shrink(YamlMappingNode root)
    {
        root.Children[new YamlScalarNode("steps")] = new YamlScalarNode("40");
        root.Children[new YamlScalarNode("ready")] = new YamlMappingNode(new YamlScalarNode("every"), new YamlScalarNode("10"));
        if (Get(root, "hyperparameters") is YamlMappingNode hyperparameters)
        {
            foreach (var h in hyperparameters.Children.Values.OfType<YamlMappingNode>())
            {
                if (Get(h, "grid") is YamlSequenceNode list)
                {
                    h.Children[new YamlScalarNode("grid")] = new YamlSequenceNode(list.Children.Take(2));
                }
                else if (Get(h, "grid") is YamlScalarNode)
                {
                    h.Children[new YamlScalarNode("grid")] = new YamlScalarNode("2");
                }
            }
        }

        if (Get(root, "runs") is YamlSequenceNode runs)
        {
            foreach (var run in runs.Children.OfType<YamlMappingNode>())
            {
                foreach (var (key, value) in new[] { ("population", "4"), ("generations", "2"), ("demes", "2"), ("sub_populations", "2") })
                {
                    if (Get(run, key) is YamlScalarNode)
                    {
                        run.Children[new YamlScalarNode(key)] = new YamlScalarNode(value);
                    }
                }

                if (Get(run, "eval_every") is YamlScalarNode)
                {
                    run.Children[new YamlScalarNode("eval_every")] = new YamlScalarNode("5");
                }

                if (Get(run, "exploit") is YamlMappingNode exploit && Get(exploit, "count") is YamlScalarNode)
                {
                    exploit.Children[new YamlScalarNode("count")] = new YamlScalarNode("1");
                }

                if (Get(run, "points") is YamlSequenceNode points)
                {
                    run.Children[new YamlScalarNode("points")] = new YamlSequenceNode(points.Children.Take(4));
                }
            }
        }

        if (Get(root, "trainable") is YamlMappingNode trainable)
        {
            if (Get(trainable, "eval_samples") is not null || Get(trainable, "dataset") is not null)
            {
                trainable.Children[new YamlScalarNode("eval_samples")] = new YamlScalarNode("200");
            }
        }
    }

    private static string Mutate(YamlMappingNode root, Random random)
    {
        var entries = new List<(YamlMappingNode Map, YamlNode Key, string Path)>();
        Collect(root, "", entries);
        var (map, key, path) = entries[random.Next(entries.Count)];
        switch (random.Next(8))
        {
            case 6 or 7:
                return Rescale(entries, random) ?? Replace(map, key, path, random);
            case 0 or 1:
                return Replace(map, key, path, random);
            case 2:
                map.Children.Remove(key);
                return $"{path} removed";
            case 3:
                var name = ((YamlScalarNode)key).Value ?? "";
                var typo = name.Length > 1 ? name.Remove(random.Next(name.Length), 1) : name + "x";
                var old = map.Children[key];
                map.Children.Remove(key);
                map.Children[new YamlScalarNode(typo)] = old;
                return $"{path} renamed {typo}";
            case 4:
                var bounds = entries.Where(e => e.Map.Children.ContainsKey(new YamlScalarNode("min")) && e.Map.Children.ContainsKey(new YamlScalarNode("max"))).ToList();
                if (bounds.Count == 0)
                {
                    return Replace(map, key, path, random);
                }

                var (m, _, p) = bounds[random.Next(bounds.Count)];
                var min = m.Children[new YamlScalarNode("min")];
                var max = m.Children[new YamlScalarNode("max")];
                switch (random.Next(4))
                {
                    case 0:
                        m.Children[new YamlScalarNode("min")] = max;
                        m.Children[new YamlScalarNode("max")] = min;
                        return $"{p} bounds swapped";
                    case 1:
                        m.Children[new YamlScalarNode("max")] = min;
                        return $"{p} max = min";
                    case 2:
                        m.Children[new YamlScalarNode("scale")] = new YamlScalarNode("log");
                        m.Children[new YamlScalarNode("min")] = new YamlScalarNode(random.Next(2) == 0 ? "0" : "-1");
                        return $"{p} log scale from 0 or below";
                    default:
                        var extreme = random.Next(2) == 0 ? "9223372036854775808" : "1.0e300";
                        m.Children[new YamlScalarNode("max")] = new YamlScalarNode(extreme);
                        return $"{p} max = {extreme}";
                }

            default:
                var added = "extra_" + random.Next(100).ToString(CultureInfo.InvariantCulture);
                map.Children[new YamlScalarNode(added)] = new YamlScalarNode("1");
                return $"{path}: added {added}";
        }
    }

    /// <summary>A number scaled (×0, ×0.1, ×10, ×1000, negated, +1), integers kept integral: mostly still valid, often extreme.</summary>
    private static string? Rescale(List<(YamlMappingNode Map, YamlNode Key, string Path)> entries, Random random)
    {
        var numbers = entries
            .Where(e => e.Map.Children[e.Key] is YamlScalarNode { Value: { } v } && double.TryParse(v, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
            .ToList();
        if (numbers.Count == 0)
        {
            return null;
        }

        var (map, key, path) = numbers[random.Next(numbers.Count)];
        var text = ((YamlScalarNode)map.Children[key]).Value!;
        var value = double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture);
        double[] factors = [0, 0.1, 10, 1000, -1];
        var scaled = random.Next(6) is var f && f < factors.Length ? value * factors[f] : value + 1;
        var integral = long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _);
        var written = integral ? Math.Round(scaled).ToString("R", CultureInfo.InvariantCulture) : scaled.ToString("R", CultureInfo.InvariantCulture);
        if (integral && written.Contains('E', StringComparison.Ordinal))
        {
            written = "9223372036854775807";
        }

        map.Children[key] = new YamlScalarNode(written);
        return $"{path} = {written} (was {text})";
    }

    private static string Replace(YamlMappingNode map, YamlNode key, string path, Random random)
    {
        var value = s_values[random.Next(s_values.Length)];
        map.Children[key] = Parse(value);
        return $"{path} = {value}";
    }

    private static void Collect(YamlNode node, string path, List<(YamlMappingNode, YamlNode, string)> entries)
    {
        switch (node)
        {
            case YamlMappingNode map:
                foreach (var (key, value) in map.Children)
                {
                    var p = path.Length == 0 ? key.ToString() : path + "." + key;
                    entries.Add((map, key, p));
                    Collect(value, p, entries);
                }

                break;
            case YamlSequenceNode list:
                for (var i = 0; i < list.Children.Count; i++)
                {
                    Collect(list.Children[i], string.Create(CultureInfo.InvariantCulture, $"{path}[{i}]"), entries);
                }

                break;
        }
    }

    private static string? DatasetOf(string path)
    {
        var match = Regex.Match(File.ReadAllText(path), @"dataset:\s*([\w-]+)", RegexOptions.CultureInvariant);
        return match.Success ? match.Groups[1].Value : null;
    }

    private static YamlNode? Get(YamlMappingNode map, string key) => map.Children.TryGetValue(new YamlScalarNode(key), out var v) ? v : null;

    private static YamlNode Parse(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader("v: " + text));
        return ((YamlMappingNode)stream.Documents[0].RootNode).Children[new YamlScalarNode("v")];
    }
}
