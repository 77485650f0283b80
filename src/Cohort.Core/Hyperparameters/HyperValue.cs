using System.Globalization;

namespace Cohort.Core.Hyperparameters;

/// <summary>
/// One hyperparameter value: a number (float or integer hyperparameters) or a category name (categorical ones).
/// </summary>
public readonly record struct HyperValue
{
    private HyperValue(double number, string? category)
    {
        Number = number;
        Category = category;
    }

    /// <summary>The numeric value; NaN for a categorical value.</summary>
    public double Number { get; }

    /// <summary>The category name; null for a numeric value.</summary>
    public string? Category { get; }

    public bool IsCategorical => Category is not null;

    public static HyperValue Of(double number) => new(number, null);

    public static HyperValue Of(string category)
    {
        ArgumentNullException.ThrowIfNull(category);
        return new HyperValue(double.NaN, category);
    }

    public static implicit operator HyperValue(double number) => Of(number);

    public static implicit operator HyperValue(string category) => Of(category);

    public override string ToString() =>
        Category ?? Number.ToString("R", CultureInfo.InvariantCulture);
}
