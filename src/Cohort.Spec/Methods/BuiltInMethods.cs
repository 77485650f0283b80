using Cohort.Spec.Sections;

namespace Cohort.Spec.Methods;

/// <summary>The search methods Cohort.Spec ships, in the order the spec reference lists them. A new method is one line here.</summary>
public static class BuiltInMethods
{
    /// <summary>grid, random, pbt, ga, fire, pb2.</summary>
    public static IReadOnlyList<IMethodSection> All { get; } =
    [
        new GridSection(),
        new RandomSection(),
        new PbtSection(),
        new GaSection(),
        new FireSection(),
        new Pb2Section(),
    ];
}
