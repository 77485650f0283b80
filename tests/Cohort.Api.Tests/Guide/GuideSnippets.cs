using System.Text;
using System.Text.RegularExpressions;

namespace Cohort.Api.Tests.Guide;

/// <summary>
/// The C# blocks of docs/library.md and the compiled code they come from: a block preceded by
/// <c>&lt;!-- snippet: NAME --&gt;</c> must equal the <c>#region snippet:NAME</c> of a file in this folder (dedented).
/// </summary>
internal static partial class GuideSnippets
{
    public const string GuidePath = "docs/library.md";

    public static IReadOnlyDictionary<string, string> FromCode()
    {
        var snippets = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.EnumerateFiles(RepositoryPaths.Of("tests", "Cohort.Api.Tests", "Guide"), "*.cs").Order(StringComparer.Ordinal))
        {
            var lines = File.ReadAllLines(file);
            for (var i = 0; i < lines.Length; i++)
            {
                var start = RegionStart().Match(lines[i]);
                if (!start.Success)
                {
                    continue;
                }

                var end = Array.FindIndex(lines, i + 1, l => l.Trim() == "#endregion");
                if (end < 0)
                {
                    throw new InvalidOperationException($"{file}:{i + 1}: snippet '{start.Groups[1].Value}' has no #endregion.");
                }

                if (!snippets.TryAdd(start.Groups[1].Value, Dedent(lines[(i + 1)..end])))
                {
                    throw new InvalidOperationException($"{file}:{i + 1}: snippet '{start.Groups[1].Value}' is defined twice.");
                }
            }
        }

        return snippets;
    }

    /// <summary>The guide's C# blocks in order: the snippet name before each (null when none) and its text.</summary>
    public static IReadOnlyList<(string? Name, string Code, int Line)> FromGuide(string markdown)
    {
        var blocks = new List<(string?, string, int)>();
        var lines = markdown.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            if (lines[i].TrimEnd() != "```csharp")
            {
                continue;
            }

            var marker = i > 0 ? Marker().Match(lines[i - 1]) : Match.Empty;
            var end = Array.FindIndex(lines, i + 1, l => l.TrimEnd() == "```");
            blocks.Add((marker.Success ? marker.Groups[1].Value : null, string.Join("\n", lines[(i + 1)..end]), i + 1));
            i = end;
        }

        return blocks;
    }

    /// <summary>The guide with every marked block replaced by its snippet's code.</summary>
    public static string Rewrite(string markdown, IReadOnlyDictionary<string, string> snippets)
    {
        var lines = markdown.Split('\n').ToList();
        var output = new StringBuilder();
        for (var i = 0; i < lines.Count; i++)
        {
            output.Append(lines[i]);
            if (i < lines.Count - 1)
            {
                output.Append('\n');
            }

            var marker = Marker().Match(lines[i]);
            if (marker.Success && i + 1 < lines.Count && lines[i + 1].TrimEnd() == "```csharp" && snippets.TryGetValue(marker.Groups[1].Value, out var code))
            {
                var end = lines.FindIndex(i + 2, l => l.TrimEnd() == "```");
                output.Append("```csharp\n").Append(code).Append('\n');
                i = end - 1;
            }
        }

        return output.ToString();
    }

    private static string Dedent(string[] lines)
    {
        var indent = lines.Where(l => l.Trim().Length > 0).Select(l => l.Length - l.TrimStart().Length).DefaultIfEmpty(0).Min();
        return string.Join("\n", lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()).Select(l => l.TrimEnd()));
    }

    [GeneratedRegex(@"^\s*#region snippet:([a-z0-9-]+)\s*$")]
    private static partial Regex RegionStart();

    [GeneratedRegex(@"^<!-- snippet: ([a-z0-9-]+) -->\s*$")]
    private static partial Regex Marker();
}
