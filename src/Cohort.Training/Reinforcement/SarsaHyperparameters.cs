using System.Globalization;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Trainables;

namespace Cohort.Training.Reinforcement;

/// <summary>
/// The live hyperparameters of a <see cref="DeepDoubleSarsaTrainable"/>, every one optional (absent: the default):
/// <list type="table">
/// <item><term><c>learning_rate</c></term><description>float &gt; 0 (typically 1e-5 … 1e-1, log scale); α of the
/// behaviour network's optimizer. Default 1e-3.</description></item>
/// <item><term><c>discount</c></term><description>float in [0, 1] (typically 0.9 … 0.999); γ of the temporal-difference
/// target. Default 0.99.</description></item>
/// <item><term><c>target_sync</c></term><description>integer ≥ 1 (typically 100 … 10 000); environment steps between two
/// copies of the behaviour network into the target network. Default 500.</description></item>
/// <item><term><c>epsilon_decay</c></term><description>number ≥ 0 (typically 1 000 … 100 000); environment steps over
/// which ε falls linearly from 1 to <c>epsilon_final</c> (0: ε is <c>epsilon_final</c> from the start).
/// Default 10 000.</description></item>
/// <item><term><c>epsilon_final</c></term><description>float in [0, 1]; the ε that the decay ends at. Default 0.1
/// (paper 002: "decreasing to the value of 0.1").</description></item>
/// </list>
/// ε at the member's environment step t is max(ε_final, 1 − (1 − ε_final)·t / epsilon_decay): a function of the state
/// and the hyperparameters, so a member that takes a donor's state continues the donor's schedule.
/// </summary>
public static class SarsaHyperparameters
{
    public const string LearningRate = "learning_rate";
    public const string Discount = "discount";
    public const string TargetSync = "target_sync";
    public const string EpsilonDecay = "epsilon_decay";
    public const string EpsilonFinal = "epsilon_final";

    /// <summary>Every name <see cref="ToSettings"/> reads.</summary>
    public static IReadOnlyList<string> Names { get; } = [LearningRate, Discount, TargetSync, EpsilonDecay, EpsilonFinal];

    /// <summary>
    /// What a Deep Double Sarsa trainable accepts: each name of <see cref="Names"/> with its type and range (none
    /// required). <see cref="ToSettings"/> checks values against these ranges.
    /// </summary>
    public static IReadOnlyList<HyperparameterDeclaration> Declarations { get; } =
    [
        HyperparameterDeclaration.Real(LearningRate, ValueRange.Above(0), "the behaviour network's step size (default 1e-3)"),
        HyperparameterDeclaration.Real(Discount, ValueRange.Closed(0, 1), "γ of the temporal-difference target (default 0.99)"),
        HyperparameterDeclaration.Whole(TargetSync, new ValueRange(1, int.MaxValue), "environment steps between two copies of the behaviour network into the target network (default 500)"),
        HyperparameterDeclaration.Real(EpsilonDecay, ValueRange.AtLeast(0), "environment steps of the linear decay of ε from 1 to epsilon_final (default 10 000)"),
        HyperparameterDeclaration.Real(EpsilonFinal, ValueRange.Closed(0, 1), "ε after the decay (default 0.1)"),
    ];

    /// <summary>Reads <paramref name="h"/>; throws naming the key and the value for an unknown name or a value out of range.</summary>
    public static SarsaSettings ToSettings(HyperparameterSet h)
    {
        ArgumentNullException.ThrowIfNull(h);
        foreach (var name in h.Keys)
        {
            if (!Names.Contains(name, StringComparer.Ordinal))
            {
                throw new ArgumentException($"A Deep Double Sarsa trainable has no hyperparameter '{name}'; known: {string.Join(", ", Names)}.", nameof(h));
            }
        }

        var d = new SarsaSettings();
        return new SarsaSettings
        {
            LearningRate = Read(LearningRate, d.LearningRate),
            Discount = Read(Discount, d.Discount),
            TargetSync = (int)Read(TargetSync, d.TargetSync),
            EpsilonDecay = Read(EpsilonDecay, d.EpsilonDecay),
            EpsilonFinal = Read(EpsilonFinal, d.EpsilonFinal),
        };

        double Read(string name, double fallback)
        {
            if (!h.ContainsKey(name))
            {
                return fallback;
            }

            var value = h.GetNumber(name);
            var declaration = Declarations.First(x => x.Name == name);
            var whole = declaration.Type == HyperparameterType.Integral;
            return declaration.Range.Contains(value) && (!whole || value == Math.Round(value))
                ? value
                : throw new ArgumentOutOfRangeException(nameof(h), value, string.Create(
                    CultureInfo.InvariantCulture, $"Hyperparameter '{name}' must be {(whole ? "a whole number" : "a number")} in {declaration.Range}; got {value}."));
        }
    }
}

/// <summary>The values of <see cref="SarsaHyperparameters"/> as a <see cref="DeepDoubleSarsaTrainable"/> uses them; the defaults are the documented ones.</summary>
public sealed record SarsaSettings
{
    /// <summary>α of the behaviour network's optimizer.</summary>
    public double LearningRate { get; init; } = 1e-3;

    /// <summary>γ.</summary>
    public double Discount { get; init; } = 0.99;

    /// <summary>Environment steps between target synchronisations.</summary>
    public int TargetSync { get; init; } = 500;

    /// <summary>Environment steps of the linear ε decay.</summary>
    public double EpsilonDecay { get; init; } = 10_000;

    /// <summary>ε at the end of the decay.</summary>
    public double EpsilonFinal { get; init; } = 0.1;

    /// <summary>ε after <paramref name="step"/> environment steps.</summary>
    public double Epsilon(long step) =>
        EpsilonDecay <= 0 ? EpsilonFinal : Math.Max(EpsilonFinal, 1.0 - ((1.0 - EpsilonFinal) * step / EpsilonDecay));
}
