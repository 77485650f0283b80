using Cohort.Training.Environments;

namespace Cohort.Training.Tests.Environments;

public sealed class EnvironmentCatalogTests
{
    [Fact]
    public void Create_Should_BuildEveryListedEnvironment_WithGymnasiumsSpaces()
    {
        Assert.Equal([CartPole.Id, Acrobot.Id], EnvironmentCatalog.Names);
        var cartPole = EnvironmentCatalog.Create(CartPole.Id);
        Assert.Equal((4, 2, 500, 475.0), (cartPole.ObservationSize, cartPole.ActionCount, cartPole.MaxEpisodeSteps, cartPole.RewardThreshold));
        var acrobot = EnvironmentCatalog.Create(Acrobot.Id);
        Assert.Equal((6, 3, 500, -100.0), (acrobot.ObservationSize, acrobot.ActionCount, acrobot.MaxEpisodeSteps, acrobot.RewardThreshold));
        Assert.True(cartPole.IsDone && acrobot.IsDone); // no episode before Reset
    }

    [Fact]
    public void Create_Should_NameTheKnownEnvironments_When_NameIsUnknown()
    {
        var e = Assert.Throws<ArgumentException>(() => EnvironmentCatalog.Create("LunarLander-v2"));
        Assert.Contains("CartPole-v1, Acrobot-v1", e.Message, StringComparison.Ordinal);
        Assert.Contains("Box2D", e.Message, StringComparison.Ordinal);
    }
}
