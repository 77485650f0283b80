using System.Globalization;
using System.Text.RegularExpressions;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Cohort.Spec.Sections;

/// <summary>
/// One value of a spec file, with its key path (<c>runs[1].exploit.fraction</c>) and position. The typed readers report
/// their own error (file, line, column, path, value, what was expected) and return null, so that a section goes on
/// reading and every problem of a spec is reported at once.
/// </summary>
public sealed partial class SpecNode
{
    private readonly YamlNode _node;

    internal SpecNode(YamlNode node, string path, SpecReadSession session)
    {
        _node = node;
        Path = path;
        Session = session;
    }

    /// <summary>The key path, e.g. <c>trainable.model.kind</c>.</summary>
    public string Path { get; }

    /// <summary>1-based line.</summary>
    public int Line => (int)_node.Start.Line;

    /// <summary>1-based column.</summary>
    public int Column => (int)_node.Start.Column;

    /// <summary>Whether the value is empty, <c>~</c> or <c>null</c>.</summary>
    public bool IsNull => IsNullNode(_node);

    /// <summary>Whether the value is a plain (unquoted) scalar: a number, a boolean or a bare word.</summary>
    public bool IsPlainScalar => _node is YamlScalarNode { Style: ScalarStyle.Plain } && !IsNull;

    /// <summary>Whether the value is a mapping.</summary>
    public bool IsMapping => _node is YamlMappingNode;

    /// <summary>Whether the value is a list.</summary>
    public bool IsList => _node is YamlSequenceNode;

    /// <summary>The scalar's text as written (quoted or not); null for a mapping, a list or a null value.</summary>
    public string? Scalar => _node is YamlScalarNode s && !IsNull ? s.Value : null;

    internal YamlNode Yaml => _node;

    /// <summary>The number of entries of a mapping or items of a list (0 for a scalar).</summary>
    internal int Count => _node switch
    {
        YamlMappingNode m => m.Children.Count,
        YamlSequenceNode l => l.Children.Count,
        _ => 0,
    };

    /// <summary>The value of <paramref name="key"/> when this is a mapping that has it; reports nothing.</summary>
    internal SpecNode? Child(string key) =>
        _node is YamlMappingNode map && map.Children.TryGetValue(new YamlScalarNode(key), out var value)
            ? new SpecNode(value, Join(Path, key), Session)
            : null;

    internal SpecReadSession Session { get; }

    /// <summary>The value in words for an error: the scalar itself, <c>a list</c>, <c>a mapping</c> or <c>nothing</c>.</summary>
    public string Describe() => _node switch
    {
        YamlScalarNode s when IsNullNode(s) => "nothing",
        YamlScalarNode s => s.Value ?? "",
        YamlSequenceNode => "a list",
        YamlMappingNode => "a mapping",
        _ => _node.NodeType.ToString(),
    };

    /// <summary>Reports a problem with this value: <paramref name="message"/> says what was expected.</summary>
    public void Error(string message, string? value = null) => Session.Error(Path, _node, message, value);

    /// <summary>Reports a problem at another key path (for example a missing key) located at this value.</summary>
    public void ErrorAt(string path, string message, string? value = null) => Session.Error(path, _node, message, value);

    /// <summary>The mapping, its keys checked against <paramref name="allowed"/> (unknown keys are reported with a suggestion); null when it is not a mapping.</summary>
    public SpecMap? AsMap(IReadOnlyCollection<string> allowed, string what = "key")
    {
        ArgumentNullException.ThrowIfNull(allowed);
        var entries = Entries();
        if (entries is null)
        {
            return null;
        }

        var known = new List<SpecEntry>();
        foreach (var entry in entries)
        {
            if (allowed.Contains(entry.Key))
            {
                known.Add(entry);
            }
            else
            {
                var expected = allowed.Count == 0 ? $"no {what}s are defined here" : $"expected one of {string.Join(", ", allowed)}";
                entry.KeyNode.Error($"unknown {what}{SpecReadSession.Suggest(entry.Key, allowed)}; {expected}", entry.Key);
            }
        }

        return new SpecMap(this, known);
    }

    /// <summary>The mapping's entries in file order, whatever their keys (a key must be a plain non-empty scalar); null when it is not a mapping.</summary>
    public IReadOnlyList<SpecEntry>? Entries()
    {
        if (_node is not YamlMappingNode map)
        {
            Error("expected a mapping (key: value pairs)", Describe());
            return null;
        }

        var entries = new List<SpecEntry>();
        foreach (var (keyNode, valueNode) in map.Children)
        {
            if (keyNode is YamlScalarNode { Value: { Length: > 0 } key })
            {
                entries.Add(new SpecEntry(key, new SpecNode(keyNode, Join(Path, key), Session), new SpecNode(valueNode, Join(Path, key), Session)));
            }
            else
            {
                Session.Error(Path, keyNode, "expected a plain key", new SpecNode(keyNode, Path, Session).Describe());
            }
        }

        return entries;
    }

    /// <summary>The list's items (paths <c>path[i]</c>); null when it is not a list.</summary>
    public IReadOnlyList<SpecNode>? AsList(string expected = "a list")
    {
        if (_node is not YamlSequenceNode list)
        {
            Error("expected " + expected, Describe());
            return null;
        }

        return list.Children.Select((item, i) => new SpecNode(item, Index(Path, i), Session)).ToArray();
    }

    /// <summary>A non-empty string.</summary>
    public string? Text()
    {
        if (_node is YamlScalarNode scalar && !IsNull && scalar.Value is { Length: > 0 } text)
        {
            return text;
        }

        Error("expected a non-empty string", Describe());
        return null;
    }

    /// <summary>
    /// A name of an experiment or run: lower-case letters, digits, <c>-</c>, <c>_</c> and <c>.</c>, starting with a letter
    /// or digit, so that it is a safe file and directory name (never <c>.</c> or <c>..</c>).
    /// </summary>
    public string? Name()
    {
        var text = Text();
        if (text is not null && !NamePattern().IsMatch(text))
        {
            Error("a name uses only lower-case letters, digits, '-', '_' and '.', and starts with a letter or digit", text);
            return null;
        }

        return text;
    }

    /// <summary>A plain integer satisfying <paramref name="ok"/>; <paramref name="expected"/> describes the valid values.</summary>
    public long? Whole(Func<long, bool>? ok = null, string expected = "an integer")
    {
        if (_node is YamlScalarNode { Style: ScalarStyle.Plain, Value: { } text } && !IsNull
            && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            && (ok is null || ok(value)))
        {
            return value;
        }

        Error("expected " + expected, Describe());
        return null;
    }

    /// <summary>A plain finite number satisfying <paramref name="ok"/>.</summary>
    public double? Number(Func<double, bool>? ok = null, string expected = "a number")
    {
        if (_node is YamlScalarNode { Style: ScalarStyle.Plain, Value: { } text } && !IsNull
            && TryNumber(text, out var value) && double.IsFinite(value)
            && (ok is null || ok(value)))
        {
            return value;
        }

        Error("expected " + expected, Describe());
        return null;
    }

    /// <summary>A plain unsigned 64-bit integer (a seed).</summary>
    public ulong? Seed()
    {
        if (_node is YamlScalarNode { Style: ScalarStyle.Plain, Value: { } text }
            && ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        Error("expected an integer in [0, 18446744073709551615]", Describe());
        return null;
    }

    /// <summary><c>true</c> or <c>false</c>.</summary>
    public bool? Bool()
    {
        if (_node is YamlScalarNode { Style: ScalarStyle.Plain, Value: { } text })
        {
            if (string.Equals(text, "true", StringComparison.OrdinalIgnoreCase))
            {
                return true;
            }

            if (string.Equals(text, "false", StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }
        }

        Error("expected true or false", Describe());
        return null;
    }

    /// <summary>One of the named <paramref name="options"/> (exact spelling); otherwise reports them with a suggestion.</summary>
    public T? Choice<T>(params IReadOnlyList<(string Name, T Value)> options)
        where T : struct
    {
        ArgumentNullException.ThrowIfNull(options);
        var names = options.Select(o => o.Name).ToArray();
        if (_node is YamlScalarNode { Value: { } text } && !IsNull)
        {
            foreach (var (name, value) in options)
            {
                if (string.Equals(name, text, StringComparison.Ordinal))
                {
                    return value;
                }
            }

            Error($"expected one of {string.Join(", ", names)}{SpecReadSession.Suggest(text, names)}", text);
            return null;
        }

        Error($"expected one of {string.Join(", ", names)}", Describe());
        return null;
    }

    /// <summary>A file path: relative ones are taken from the spec file's directory; returned absolute and normalised.</summary>
    public string? FilePath()
    {
        var text = Text();
        if (text is null)
        {
            return null;
        }

        try
        {
            return System.IO.Path.GetFullPath(text, Session.BaseDirectory ?? Directory.GetCurrentDirectory());
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException or PathTooLongException)
        {
            Error("expected a file path: " + e.Message, text);
            return null;
        }
    }

    internal static bool TryNumber(string text, out double value) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out value);

    internal static bool IsNullNode(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain or ScalarStyle.Any, Value: null or "" or "~" or "null" or "Null" or "NULL" };

    internal static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;

    internal static string Index(string path, int index) => string.Create(CultureInfo.InvariantCulture, $"{path}[{index}]");

    [GeneratedRegex("^[a-z0-9][a-z0-9._-]*$")]
    private static partial Regex NamePattern();
}

/// <summary>One <c>key: value</c> of a mapping.</summary>
/// <param name="Key">The key.</param>
/// <param name="KeyNode">The key itself (unknown-key errors point here).</param>
/// <param name="Value">The value.</param>
public sealed record SpecEntry(string Key, SpecNode KeyNode, SpecNode Value);
