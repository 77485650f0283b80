using Cohort.Core.Trainables;
using YamlDotNet.RepresentationModel;

namespace Cohort.Spec.Sections;

/// <summary>The state of one read: the file, where relative paths start, the catalog in use and the errors so far.</summary>
internal sealed class SpecReadSession(string file, string? baseDirectory, SpecCatalog catalog)
{
    private readonly List<SpecError> _errors = [];

    public string File { get; } = file;

    public string? BaseDirectory { get; } = baseDirectory;

    /// <summary>The catalog: the one given, extended by the spec's <c>plugins</c> once they are read.</summary>
    public SpecCatalog Catalog { get; set; } = catalog;

    public IReadOnlyList<SpecError> Errors => _errors;

    public void Error(string path, YamlNode node, string message, string? value = null) =>
        _errors.Add(new SpecError(File, path, value, message, (int)node.Start.Line, (int)node.Start.Column));

    public void Error(SpecError error) => _errors.Add(error);

    public static string Suggest(string word, IEnumerable<string> candidates) => NameSuggestions.DidYouMean(word, candidates);
}
