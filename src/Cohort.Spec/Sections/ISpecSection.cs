namespace Cohort.Spec.Sections;

/// <summary>
/// A part of the spec that one class owns: a search method (the keys of a run with <c>method: NAME</c>) or a trainable
/// kind (the keys of <c>trainable</c> with <c>kind: NAME</c>). A <see cref="SpecCatalog"/> holds the registered sections
/// and dispatches to them by name; a key that belongs to another section is reported as "only for …".
/// </summary>
public interface ISpecSection
{
    /// <summary>The name written in the spec (<c>pbt</c>, <c>network</c>); lower case, unique within its catalog.</summary>
    string Name { get; }

    /// <summary>The section's own keys, in the order the spec reference lists them.</summary>
    IReadOnlyList<string> Keys { get; }
}
