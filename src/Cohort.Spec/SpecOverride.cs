using System.Globalization;
using Cohort.Spec.Sections;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Cohort.Spec;

/// <summary>
/// One change to a spec made outside its file, such as the CLI's <c>--set steps=500</c>: the value (YAML, so
/// <c>[0.1, 0.2]</c> and <c>{strategy: truncation}</c> work) replaces the one at <see cref="Path"/> before the spec is
/// read, and is validated like the file. Errors about it name the override instead of a line of the file.
/// </summary>
/// <param name="Path">
/// Dotted key path: <c>steps</c>, <c>trainable.batch_size</c>, <c>runs[1].population</c>, or a run by name,
/// <c>runs.pbt-6.population</c>. Missing mapping keys are created.
/// </param>
/// <param name="Value">The value as YAML text; empty for null.</param>
public sealed record SpecOverride(string Path, string Value)
{
    /// <summary>How the override was given, for messages: <c>--set path=value</c>.</summary>
    public string Label => $"--set {Path}={Value}";

    /// <summary>Parses <c>key.path=value</c>; throws <see cref="SpecException"/> naming it when there is no <c>=</c> or no path.</summary>
    public static SpecOverride Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var equals = text.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0 || string.IsNullOrWhiteSpace(text[..equals]))
        {
            throw new SpecException([new SpecError("--set " + text, "", text, "expected key.path=value, e.g. --set steps=500 or --set runs[0].population=8", 0, 0)]);
        }

        return new SpecOverride(text[..equals].Trim(), text[(equals + 1)..].Trim());
    }

    /// <summary>
    /// Sets the value in <paramref name="root"/> (a spec's YAML document) and marks every node it adds with this
    /// override, so that the reader reports errors in it as the override's. False, with the error reported, when the
    /// path or the value cannot be used.
    /// </summary>
    internal bool ApplyTo(YamlNode root, SpecReadSession session)
    {
        if (ParseValue(session) is not { } value)
        {
            return false;
        }

        var segments = Segments();
        if (segments is null)
        {
            Fail(session, "the key path is malformed; expected names separated by '.', each optionally followed by [index]");
            return false;
        }

        var node = root;
        var walked = "";
        for (var i = 0; i < segments.Count; i++)
        {
            var (key, index) = segments[i];
            var last = i == segments.Count - 1;
            if (node is YamlSequenceNode list && index is null)
            {
                // runs.pbt-6: the item of a list of mappings whose name is the key.
                var named = list.Children.OfType<YamlMappingNode>()
                    .FirstOrDefault(m => m.Children.TryGetValue(new YamlScalarNode("name"), out var n) && n is YamlScalarNode { Value: { } s } && s == key);
                if (named is null)
                {
                    var names = list.Children.OfType<YamlMappingNode>()
                        .Select(m => m.Children.TryGetValue(new YamlScalarNode("name"), out var n) && n is YamlScalarNode { Value: { } s } ? s : null)
                        .OfType<string>().ToList();
                    Fail(session, $"{walked} has no item named '{key}'{SpecReadSession.Suggest(key, names)}");
                    return false;
                }

                if (last)
                {
                    Fail(session, $"{walked}.{key} is a whole item; set one of its keys, e.g. {walked}.{key}.population");
                    return false;
                }

                node = named;
                walked = SpecNode.Join(walked, key);
                continue;
            }

            if (node is not YamlMappingNode map)
            {
                Fail(session, $"{(walked.Length == 0 ? "the spec" : walked)} is not a mapping, so it has no key '{key}'");
                return false;
            }

            walked = SpecNode.Join(walked, key);
            var keyNode = new YamlScalarNode(key);
            if (index is null && last)
            {
                if (!map.Children.ContainsKey(keyNode))
                {
                    session.MarkOverride(keyNode, this);
                }

                map.Children[keyNode] = value;
                return true;
            }

            if (!map.Children.TryGetValue(keyNode, out var child))
            {
                if (index is not null)
                {
                    Fail(session, $"{walked} is not in the spec, so it has no item [{index}]");
                    return false;
                }

                child = new YamlMappingNode();
                session.MarkOverride(keyNode, this);
                session.MarkOverride(child, this);
                map.Children[keyNode] = child;
            }

            if (index is { } at)
            {
                if (child is not YamlSequenceNode items || at >= items.Children.Count)
                {
                    var count = child is YamlSequenceNode s ? s.Children.Count : 0;
                    Fail(session, child is YamlSequenceNode
                        ? string.Create(CultureInfo.InvariantCulture, $"{walked} has {count} item{(count == 1 ? "" : "s")}, so no [{at}]")
                        : $"{walked} is not a list");
                    return false;
                }

                walked = SpecNode.Index(walked, at);
                if (last)
                {
                    items.Children[at] = value;
                    return true;
                }

                child = items.Children[at];
            }

            node = child;
        }

        return true;
    }

    private YamlNode? ParseValue(SpecReadSession session)
    {
        if (Value.Length == 0)
        {
            var empty = new YamlScalarNode(null) { Style = ScalarStyle.Plain };
            session.MarkOverride(empty, this);
            return empty;
        }

        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(Value));
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            Fail(session, "the value is not valid YAML: " + (e is YamlException y ? y.Message : "unexpected end of input (an unclosed [, { or quote?)"));
            return null;
        }

        if (stream.Documents.Count != 1)
        {
            Fail(session, "expected one value");
            return null;
        }

        var root = stream.Documents[0].RootNode;
        foreach (var node in root.AllNodes)
        {
            session.MarkOverride(node, this);
        }

        return root;
    }

    /// <summary>The path's segments: a key and an optional [index] each; null when malformed.</summary>
    private List<(string Key, int? Index)>? Segments()
    {
        var segments = new List<(string, int?)>();
        foreach (var part in Path.Split('.'))
        {
            var open = part.IndexOf('[', StringComparison.Ordinal);
            if (open < 0)
            {
                if (part.Length == 0 || part.Contains(']', StringComparison.Ordinal))
                {
                    return null;
                }

                segments.Add((part, null));
                continue;
            }

            if (open == 0 || !part.EndsWith(']')
                || !int.TryParse(part.AsSpan(open + 1, part.Length - open - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var index))
            {
                return null;
            }

            segments.Add((part[..open], index));
        }

        return segments;
    }

    private void Fail(SpecReadSession session, string message) =>
        session.Error(new SpecError(Label, Path, null, message, 0, 0));
}
