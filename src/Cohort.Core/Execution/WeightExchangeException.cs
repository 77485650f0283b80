namespace Cohort.Core.Execution;

/// <summary>
/// A member that was meant to start from a checkpoint holds different weights after the copy or load: the exploit
/// would silently have kept the wrong weights. The task fails with this message and is not retried.
/// </summary>
public sealed class WeightExchangeException(string message) : Exception(message);
