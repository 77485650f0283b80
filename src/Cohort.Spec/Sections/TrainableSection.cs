using Cohort.Core.Trainables;

namespace Cohort.Spec.Sections;

/// <summary>
/// The base of a trainable kind section with settings of type <typeparamref name="TSettings"/>: implement the name,
/// the keys, reading, writing, the declaration and the factory. Register an instance in a <see cref="SpecCatalog"/>.
/// </summary>
public abstract class TrainableSection<TSettings> : ITrainableSection
    where TSettings : class, ITrainableSettings
{
    /// <inheritdoc/>
    public abstract string Name { get; }

    /// <inheritdoc/>
    public abstract IReadOnlyList<string> Keys { get; }

    /// <inheritdoc/>
    ITrainableSettings? ITrainableSection.Read(SpecMap map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return Read(map);
    }

    /// <inheritdoc/>
    public void Write(ITrainableSettings settings, SpecWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        Write(Cast(settings), writer);
    }

    /// <inheritdoc/>
    public TrainableDeclaration Declare(ITrainableSettings settings) => Declare(Cast(settings));

    /// <inheritdoc/>
    public Task<ITrainableFactory> CreateFactoryAsync(ITrainableSettings settings, TrainableContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        return CreateFactoryAsync(Cast(settings), context, cancellationToken);
    }

    /// <summary>Reads the kind's keys (every key of <paramref name="map"/> is one of <see cref="Keys"/>); null when there were errors.</summary>
    protected abstract TSettings? Read(SpecMap map);

    /// <summary>Writes every key of <paramref name="settings"/> (defaults included), so that reading them back gives equal settings.</summary>
    protected abstract void Write(TSettings settings, SpecWriter writer);

    /// <summary>What the trainable accepts and reports, from the settings alone.</summary>
    protected abstract TrainableDeclaration Declare(TSettings settings);

    /// <summary>Builds the factory.</summary>
    protected abstract Task<ITrainableFactory> CreateFactoryAsync(TSettings settings, TrainableContext context, CancellationToken cancellationToken);

    private TSettings Cast(ITrainableSettings settings) =>
        settings as TSettings ?? throw new ArgumentException(
            $"Trainable kind '{Name}' takes settings of type {typeof(TSettings).Name}, not {settings?.GetType().Name ?? "null"}.", nameof(settings));
}
