namespace Cohort.Spec.Sections;

/// <summary>
/// Registers a section from a plugin assembly: <c>[assembly: SpecSection(typeof(MyKindSection))]</c>. A spec listing the
/// assembly under <c>plugins:</c> can then use the section's name (<c>kind: my-kind</c> or <c>method: my-method</c>).
/// The type implements <see cref="ITrainableSection"/> or <see cref="IMethodSection"/> and has a public parameterless
/// constructor.
/// </summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class SpecSectionAttribute(Type sectionType) : Attribute
{
    /// <summary>The section's type.</summary>
    public Type SectionType { get; } = sectionType;
}
