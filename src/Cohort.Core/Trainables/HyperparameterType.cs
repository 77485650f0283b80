namespace Cohort.Core.Trainables;

/// <summary>The type of a hyperparameter, as a spec writes it (<c>type: float | int | categorical</c>) and a trainable declares it.</summary>
public enum HyperparameterType
{
    /// <summary><c>float</c>: a real number.</summary>
    Continuous,

    /// <summary><c>int</c>: a whole number; stays whole after any perturbation.</summary>
    Integral,

    /// <summary><c>categorical</c>: one of a list of names.</summary>
    Categorical,
}
