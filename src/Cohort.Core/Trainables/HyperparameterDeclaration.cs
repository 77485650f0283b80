namespace Cohort.Core.Trainables;

/// <summary>
/// One hyperparameter a trainable accepts: its name, its type, the values it takes (a range for numbers, choices for a
/// categorical) and whether every run must set it (searched or constant).
/// </summary>
/// <param name="Name">The name the trainable reads from its <see cref="Hyperparameters.HyperparameterSet"/>.</param>
/// <param name="Type">
/// <see cref="HyperparameterType.Continuous"/> accepts float and int hyperparameters; <see cref="HyperparameterType.Integral"/>
/// only int ones; <see cref="HyperparameterType.Categorical"/> only categorical ones.
/// </param>
public sealed record HyperparameterDeclaration(string Name, HyperparameterType Type)
{
    /// <summary>The values a numeric hyperparameter may take (default: every finite number).</summary>
    public ValueRange Range { get; init; } = ValueRange.All;

    /// <summary>The names a categorical hyperparameter may take; null: any name.</summary>
    public IReadOnlyList<string>? Choices { get; init; }

    /// <summary>Whether the trainable needs a value (it has no default).</summary>
    public bool Required { get; init; }

    /// <summary>One line for humans: what it does and its default.</summary>
    public string Description { get; init; } = "";

    /// <summary>
    /// When set, the trainable reads this hyperparameter only while a categorical one takes certain values (SGD's
    /// <c>momentum</c> only while <c>optimizer</c> is <c>sgd</c>): a search space in which that can never happen is
    /// rejected. Null (the default): always read.
    /// </summary>
    public HyperparameterCondition? ReadWhen { get; init; }

    /// <summary>A real-valued hyperparameter in <paramref name="range"/>.</summary>
    public static HyperparameterDeclaration Real(string name, ValueRange range, string description = "") =>
        new(name, HyperparameterType.Continuous) { Range = range, Description = description };

    /// <summary>A whole-number hyperparameter in <paramref name="range"/>.</summary>
    public static HyperparameterDeclaration Whole(string name, ValueRange range, string description = "") =>
        new(name, HyperparameterType.Integral) { Range = range, Description = description };

    /// <summary>A categorical hyperparameter taking one of <paramref name="choices"/>.</summary>
    public static HyperparameterDeclaration Categorical(string name, IReadOnlyList<string> choices, string description = "") =>
        new(name, HyperparameterType.Categorical) { Choices = choices, Description = description };

    /// <summary><c>float</c>, <c>int</c> or <c>categorical</c>, as a spec writes the type.</summary>
    public static string TypeName(HyperparameterType type) => type switch
    {
        HyperparameterType.Integral => "int",
        HyperparameterType.Categorical => "categorical",
        _ => "float",
    };

    /// <summary>e.g. <c>float in [0, 1)</c>, <c>categorical (relu, tanh)</c>.</summary>
    public string Describe() => Type == HyperparameterType.Categorical
        ? Choices is null ? "categorical" : $"categorical ({string.Join(", ", Choices)})"
        : $"{TypeName(Type)} in {Range}";
}

/// <summary>
/// The values of categorical hyperparameter <paramref name="Name"/> under which a conditional hyperparameter is read
/// (<see cref="HyperparameterDeclaration.ReadWhen"/>).
/// </summary>
/// <param name="Name">The categorical hyperparameter, e.g. <c>optimizer</c>.</param>
/// <param name="Values">The values under which the conditional one is read, e.g. <c>sgd</c>.</param>
/// <param name="Default">The value <paramref name="Name"/> has when a run neither searches nor fixes it (the trainable's setting).</param>
public sealed record HyperparameterCondition(string Name, IReadOnlyList<string> Values, string Default)
{
    /// <summary>e.g. <c>optimizer sgd</c> or <c>optimizer adam or adamw</c>.</summary>
    public string Describe() => $"{Name} {string.Join(" or ", Values)}";
}
