namespace Cohort.Core.Trainables;

/// <summary>What a <see cref="TrainableDeclaration"/> found wrong with a search space, a point or an objective.</summary>
public enum DeclarationProblemKind
{
    /// <summary>A hyperparameter the trainable does not declare.</summary>
    UnknownHyperparameter,

    /// <summary>A hyperparameter of the wrong type (a categorical for a number, a float for an int).</summary>
    WrongType,

    /// <summary>The lower bound of a searched hyperparameter lies outside the declared range.</summary>
    LowerBoundOutside,

    /// <summary>The upper bound of a searched hyperparameter lies outside the declared range.</summary>
    UpperBoundOutside,

    /// <summary>A fixed value (a constant, a point's value) outside the declared range or choices.</summary>
    ValueOutside,

    /// <summary>A choice of a searched categorical hyperparameter that the trainable does not declare.</summary>
    NotAChoice,

    /// <summary>Required hyperparameters that are neither searched nor constant (<see cref="DeclarationProblem.Name"/> lists them).</summary>
    MissingHyperparameter,

    /// <summary>An objective metric the trainable does not report.</summary>
    UnknownMetric,

    /// <summary>
    /// A conditional hyperparameter (<see cref="HyperparameterDeclaration.ReadWhen"/>) that no member of the space can
    /// read: the categorical it depends on never takes a value under which it is read.
    /// </summary>
    NeverRead,
}

/// <summary>One problem found by <see cref="TrainableDeclaration"/>.</summary>
/// <param name="Kind">What is wrong.</param>
/// <param name="Name">The hyperparameter (or metric) concerned; for a missing one, the missing names joined by commas.</param>
/// <param name="Value">The offending value as text (a bound, a value, a choice); null when there is none.</param>
/// <param name="Message">What was expected, without the value.</param>
public sealed record DeclarationProblem(DeclarationProblemKind Kind, string Name, string? Value, string Message)
{
    /// <summary>The message with the value: <c>message (got 'value')</c>.</summary>
    public override string ToString() => Value is null ? Message : $"{Message} (got '{Value}')";
}
