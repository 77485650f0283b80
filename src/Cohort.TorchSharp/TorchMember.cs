using Cohort.Core.Hyperparameters;
using Cohort.Core.Trainables;

namespace Cohort.TorchSharp;

/// <summary>
/// What every Cohort TorchSharp trainable shares: its checkpointed state (module, optimizers, step), the checkpoint
/// operations of <see cref="ITrainable"/> and <see cref="IWeightTransfer"/> on it, and the check of hyperparameter names.
/// </summary>
internal sealed class TorchMember
{
    private readonly HashSet<string> _names;

    public TorchMember(TorchState state, IEnumerable<string> hyperparameterNames)
    {
        State = state;
        _names = new HashSet<string>(hyperparameterNames, StringComparer.Ordinal);
    }

    public TorchState State { get; }

    public long Step { get; set; }

    /// <summary>The hyperparameter names the member accepts.</summary>
    public IReadOnlyCollection<string> Names => _names;

    /// <summary>Throws naming the first hyperparameter the member does not know, with the names it does.</summary>
    public void CheckNames(HyperparameterSet hyperparameters)
    {
        ArgumentNullException.ThrowIfNull(hyperparameters);
        foreach (var name in hyperparameters.Keys)
        {
            if (!_names.Contains(name))
            {
                throw new ArgumentException(
                    $"TorchSharp model '{State.Architecture}' has no hyperparameter '{name}'; known: {string.Join(", ", _names.Order(StringComparer.Ordinal))}.",
                    nameof(hyperparameters));
            }
        }
    }

    public void Save(Stream destination) => TorchCheckpoint.Write(destination, State, Step);

    public void Load(Stream source) => Step = TorchCheckpoint.Read(source, State, "stream");

    public void LoadWeights(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        TorchCheckpoint.Read(source, State, "stream", weightsOnly: true);
    }

    /// <summary>Copies <paramref name="donor"/>'s state (all of it, or the module's tensors only).</summary>
    public void CopyFrom(TorchMember donor, bool weightsOnly)
    {
        TorchCheckpoint.Copy(donor.State, State, weightsOnly);
        if (!weightsOnly)
        {
            Step = donor.Step;
        }
    }
}
