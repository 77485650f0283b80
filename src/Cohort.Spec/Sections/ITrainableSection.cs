using Cohort.Core.Trainables;

namespace Cohort.Spec.Sections;

/// <summary>
/// A trainable kind: the keys of <c>trainable</c> beyond <c>kind</c>, how they are read, validated and written, what the
/// trainable accepts (its <see cref="TrainableDeclaration"/>, from the settings alone) and the factory that builds it.
/// Derive from <see cref="TrainableSection{TSettings}"/> rather than implementing this directly.
/// </summary>
public interface ITrainableSection : ISpecSection
{
    /// <summary>Reads the kind's keys of <paramref name="map"/>; null when there were errors (already reported).</summary>
    ITrainableSettings? Read(SpecMap map);

    /// <summary>Writes <paramref name="settings"/> as the trainable's keys (after <c>kind</c>).</summary>
    void Write(ITrainableSettings settings, SpecWriter writer);

    /// <summary>
    /// What the trainable accepts and reports, computed from the settings without loading data. May throw
    /// <see cref="ArgumentException"/> when the settings cannot describe a trainable (a plugin that does not load).
    /// </summary>
    TrainableDeclaration Declare(ITrainableSettings settings);

    /// <summary>Builds the factory: loads (and if needed downloads) data, loads plugins.</summary>
    Task<ITrainableFactory> CreateFactoryAsync(ITrainableSettings settings, TrainableContext context, CancellationToken cancellationToken);
}
