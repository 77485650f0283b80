namespace Cohort.Engine.Training;

/// <summary>
/// A loss defined by the caller on the network's outputs, for <see cref="Trainer.TrainStep{TLoss}"/>: what the built-in
/// <see cref="LossKind"/>s cannot express, such as a temporal-difference loss on the chosen action's output only.
/// Implement it on a struct (a <c>ref struct</c> may hold the targets as spans) so the trainer calls it without boxing
/// or virtual dispatch.
/// </summary>
public interface IOutputLoss
{
    /// <summary>
    /// Returns the loss L of a batch and writes dL/dy into <paramref name="gradient"/>.
    /// </summary>
    /// <param name="outputs">The network's outputs y, [batch, outputs] row-major, from a training-mode forward pass.</param>
    /// <param name="gradient">dL/dy, same layout; zeroed on entry, so only non-zero entries need writing.</param>
    /// <param name="batch">The number of samples.</param>
    double Compute(ReadOnlySpan<float> outputs, Span<float> gradient, int batch);
}
