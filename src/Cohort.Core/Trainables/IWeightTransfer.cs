namespace Cohort.Core.Trainables;

/// <summary>
/// Optional capability of an <see cref="ITrainable"/>: take only another state's model weights and keep every other part
/// of its own state (optimizer moments, step) — Keras's <c>model.set_weights(donor.get_weights())</c>, which is how
/// the public code of paper 000 exploits. Used when <see cref="Scheduling.PbtOptions.CopyOptimizerState"/> is false.
/// </summary>
public interface IWeightTransfer
{
    /// <summary>Copies the weights of <paramref name="other"/> (same spec) in memory.</summary>
    void CopyWeightsFrom(ITrainable other);

    /// <summary>Replaces the weights with those of a state written by <see cref="ITrainable.Save"/>; the rest of the state is kept.</summary>
    void LoadWeights(Stream source);
}
