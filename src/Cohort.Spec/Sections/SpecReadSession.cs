using Cohort.Core.Trainables;
using YamlDotNet.RepresentationModel;

namespace Cohort.Spec.Sections;

/// <summary>
/// The state of one read: the file, where relative paths start, the catalog in use, the overrides applied to the file
/// (<see cref="SpecOverride"/>) and the errors so far.
/// </summary>
internal sealed class SpecReadSession(string file, string? baseDirectory, SpecCatalog catalog, IReadOnlyList<SpecOverride>? overrides = null)
{
    private readonly List<SpecError> _errors = [];

    /// <summary>The nodes an override put into the document (by reference: equal scalars are distinct nodes).</summary>
    private readonly Dictionary<YamlNode, SpecOverride> _overridden = new(ReferenceEqualityComparer.Instance);

    public string File { get; } = file;

    public string? BaseDirectory { get; } = baseDirectory;

    /// <summary>The catalog: the one given, extended by the spec's <c>plugins</c> once they are read.</summary>
    public SpecCatalog Catalog { get; set; } = catalog;

    public IReadOnlyList<SpecError> Errors => _errors;

    /// <summary>Changes applied to the document before it is read, in order.</summary>
    public IReadOnlyList<SpecOverride> Overrides { get; } = overrides ?? [];

    /// <summary>An error at <paramref name="node"/>: located in the file, or naming the override that wrote the node.</summary>
    public void Error(string path, YamlNode node, string message, string? value = null) =>
        _errors.Add(_overridden.TryGetValue(node, out var by)
            ? new SpecError(by.Label, path, value, message, 0, 0)
            : new SpecError(File, path, value, message, (int)node.Start.Line, (int)node.Start.Column));

    /// <summary>Records that <paramref name="node"/> was written by <paramref name="by"/>.</summary>
    public void MarkOverride(YamlNode node, SpecOverride by) => _overridden[node] = by;

    public void Error(SpecError error) => _errors.Add(error);

    public static string Suggest(string word, IEnumerable<string> candidates) => NameSuggestions.DidYouMean(word, candidates);
}
