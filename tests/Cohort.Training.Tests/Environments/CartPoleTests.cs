using Cohort.Core.Randomness;
using Cohort.Training.Environments;

namespace Cohort.Training.Tests.Environments;

public sealed class CartPoleTests
{
    public static TheoryData<int> Cases => new(Enumerable.Range(0, GymReference.Episodes("cartpole").Count));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Step_Should_MatchGymnasium_When_ReplayingAReferenceEpisode(int index)
    {
        // Given a reference episode of Gymnasium's CartPole-v1 (pole falls, or balanced until the 500-step limit)
        var episode = GymReference.Episodes("cartpole")[index];
        var env = new CartPole();
        env.ResetTo(episode.Start[0], episode.Start[1], episode.Start[2], episode.Start[3]);
        Span<double> state = stackalloc double[env.StateLength];

        // When its actions are replayed, then every step gives Gymnasium's state, observation, reward and flags
        for (var t = 0; t < episode.Length; t++)
        {
            var step = env.Step(episode.Actions[t]);
            env.GetState(state);
            EnvironmentAssert.Close(episode.States[t], state[..4], 1e-9, t);
            Assert.Equal(episode.Observations[t], env.Observation.ToArray());
            Assert.Equal(episode.Rewards[t], step.Reward);
            Assert.Equal(episode.Terminated[t], step.Terminated);
            Assert.Equal(episode.Truncated[t], step.Truncated);
        }

        Assert.True(env.IsDone);
        Assert.Equal(episode.Length, env.ElapsedSteps);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Step_Should_MatchGymnasiumToTheLastBits_When_StartedFromEachReferenceState(int index)
    {
        // One transition at a time from Gymnasium's own state, so no rounding difference can grow over the episode
        var episode = GymReference.Episodes("cartpole")[index];
        var env = new CartPole();
        Span<double> state = stackalloc double[env.StateLength];
        for (var t = 0; t < episode.Length; t++)
        {
            var from = t == 0 ? episode.Start : episode.States[t - 1];
            env.ResetTo(from[0], from[1], from[2], from[3]);
            env.Step(episode.Actions[t]);
            env.GetState(state);
            EnvironmentAssert.Close(episode.States[t], state[..4], 1e-13, t);
        }
    }

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
        env.ResetTo(0, 0, 0.2, 0); // beyond 12°? no: 0.2 rad < 0.2094; one push right tips it over
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
