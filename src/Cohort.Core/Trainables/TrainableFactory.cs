namespace Cohort.Core.Trainables;

/// <summary>
/// An <see cref="ITrainableFactory"/> from a declaration and a constructor: <c>new TrainableFactory(declaration, seed =&gt;
/// new MyTrainable(seed))</c>. The metrics are the declaration's.
/// </summary>
public sealed class TrainableFactory : ITrainableFactory
{
    private readonly Func<ulong, ITrainable> _create;

    /// <param name="declaration">What the trainables accept and report (checked before anything trains).</param>
    /// <param name="create">Builds a fresh trainable whose initial state is a function of the seed only.</param>
    /// <param name="hasTestSet">Whether test-split evaluations are meaningful.</param>
    public TrainableFactory(TrainableDeclaration declaration, Func<ulong, ITrainable> create, bool hasTestSet = false)
    {
        ArgumentNullException.ThrowIfNull(declaration);
        ArgumentNullException.ThrowIfNull(create);
        Declaration = declaration;
        _create = create;
        HasTestSet = hasTestSet;
    }

    /// <inheritdoc/>
    public TrainableDeclaration Declaration { get; }

    /// <inheritdoc/>
    public IReadOnlyList<string> Metrics => Declaration.Metrics;

    /// <inheritdoc/>
    public bool HasTestSet { get; }

    /// <inheritdoc/>
    public ITrainable Create(ulong seed) => _create(seed);
}
