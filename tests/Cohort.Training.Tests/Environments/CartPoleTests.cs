using Cohort.Core.Randomness;
using Cohort.Training.Environments;

namespace Cohort.Training.Tests.Environments;

public sealed class CartPoleTests
{
    [Fact]
    public void Reset_Should_DrawTheSameStartState_When_GivenTheSameSeed()
    {
        var a = new CartPole();
        var b = new CartPole();
        a.Reset(new Rng(5));
        b.Reset(new Rng(5));
        Assert.Equal(a.Observation.ToArray(), b.Observation.ToArray());
        Assert.All(a.Observation.ToArray(), v => Assert.InRange(v, -0.05f, 0.05f));
        b.Reset(new Rng(6));
        Assert.NotEqual(a.Observation.ToArray(), b.Observation.ToArray());
        Assert.Equal(0, a.ElapsedSteps);
        Assert.False(a.IsDone);
    }

    [Fact]
    public void Step_Should_Throw_When_EpisodeEndedOrNotStartedOrActionInvalid()
    {
        var env = new CartPole();
        Assert.Throws<InvalidOperationException>(() => env.Step(0));
        env.SetState([0, 0, 0.2, 0, 0, 0]); // 0.2 rad, just inside the 12° (0.2094 rad) limit
        Assert.Throws<ArgumentOutOfRangeException>(() => env.Step(2));
        Assert.Throws<ArgumentOutOfRangeException>(() => env.Step(-1));
        EnvironmentStep step;
        do
        {
            step = env.Step(0);
        }
        while (!step.Done);

        Assert.True(step.Terminated);
        Assert.Equal(1.0, step.Reward);
        Assert.Throws<InvalidOperationException>(() => env.Step(1));
    }

    [Fact]
    public void SetState_Should_ContinueIdentically_When_RestoredMidEpisode()
    {
        // Given an episode saved after 5 steps
        var env = new CartPole();
        env.Reset(new Rng(11));
        for (var i = 0; i < 5; i++)
        {
            env.Step(i % 2);
        }

        var saved = new double[env.StateLength];
        env.GetState(saved);

        // When a fresh environment restores it and both take the same actions
        var copy = new CartPole();
        copy.SetState(saved);
        Assert.Equal(5, copy.ElapsedSteps);
        for (var i = 0; i < 5 && !env.IsDone; i++)
        {
            var a = env.Step(1);
            var b = copy.Step(1);

            // Then they agree bit for bit
            Assert.Equal(a, b);
            Assert.Equal(env.Observation.ToArray(), copy.Observation.ToArray());
        }

        Assert.Throws<ArgumentException>(() => copy.SetState([0, 0, 0, 0, 501, 0]));
        Assert.Throws<ArgumentException>(() => copy.SetState([0, 0, 0, 0, 3, 0.5]));
    }
}
