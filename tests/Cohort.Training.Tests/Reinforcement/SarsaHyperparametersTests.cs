using Cohort.Core.Hyperparameters;
using Cohort.Training.Reinforcement;

namespace Cohort.Training.Tests.Reinforcement;

public sealed class SarsaHyperparametersTests
{
    [Fact]
    public void ToSettings_Should_UseDefaults_When_SetIsEmpty()
    {
        var s = SarsaHyperparameters.ToSettings(HyperparameterSet.Empty);
        Assert.Equal(new SarsaSettings(), s);
        Assert.Equal(0.1, s.EpsilonFinal);
    }

    [Fact]
    public void ToSettings_Should_ReadEveryName()
    {
        var h = HyperparameterSet.Empty
            .With(SarsaHyperparameters.LearningRate, HyperValue.Of(0.01))
            .With(SarsaHyperparameters.Discount, HyperValue.Of(0.95))
            .With(SarsaHyperparameters.TargetSync, HyperValue.Of(250))
            .With(SarsaHyperparameters.EpsilonDecay, HyperValue.Of(2000))
            .With(SarsaHyperparameters.EpsilonFinal, HyperValue.Of(0.05));
        var s = SarsaHyperparameters.ToSettings(h);
        Assert.Equal(new SarsaSettings { LearningRate = 0.01, Discount = 0.95, TargetSync = 250, EpsilonDecay = 2000, EpsilonFinal = 0.05 }, s);
    }

    [Theory]
    [InlineData("momentum", 0.9, "no hyperparameter 'momentum'")]
    [InlineData("discount", 1.5, "'discount' must be a number in [0, 1]")]
    [InlineData("target_sync", 0, "'target_sync' must be a whole number in [1, 2147483647]")]
    [InlineData("target_sync", 2.5, "'target_sync' must be a whole number in [1, 2147483647]")]
    [InlineData("learning_rate", -1, "'learning_rate' must be a number in (0, ∞)")]
    [InlineData("epsilon_final", 2, "'epsilon_final' must be a number in [0, 1]")]
    [InlineData("epsilon_decay", double.NaN, "'epsilon_decay' must be a number in [0, ∞)")]
    public void ToSettings_Should_NameTheKey_When_ValueIsInvalid(string name, double value, string message)
    {
        var h = HyperparameterSet.Empty.With(name, HyperValue.Of(value));
        var e = Assert.ThrowsAny<ArgumentException>(() => SarsaHyperparameters.ToSettings(h));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(0, 1.0)]
    [InlineData(500, 0.55)]
    [InlineData(1000, 0.1)]
    [InlineData(5000, 0.1)]
    public void Epsilon_Should_DecayLinearlyFromOneToFinal(long step, double expected)
    {
        var s = new SarsaSettings { EpsilonDecay = 1000, EpsilonFinal = 0.1 };
        Assert.Equal(expected, s.Epsilon(step), 12);
        Assert.Equal(0.1, (s with { EpsilonDecay = 0 }).Epsilon(0));
    }
}
