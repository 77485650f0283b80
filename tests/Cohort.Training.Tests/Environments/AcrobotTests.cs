using Cohort.Core.Randomness;
using Cohort.Training.Environments;

namespace Cohort.Training.Tests.Environments;

public sealed class AcrobotTests
{
    public static TheoryData<int> Cases => new(Enumerable.Range(0, GymReference.Episodes("acrobot").Count));

    [Theory]
    [MemberData(nameof(Cases))]
    public void Step_Should_MatchGymnasium_When_ReplayingAReferenceEpisode(int index)
    {
        // Given a reference episode of Gymnasium's Acrobot-v1 (swung above the bar, or idle until the 500-step limit)
        var episode = GymReference.Episodes("acrobot")[index];
        var env = new Acrobot();
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
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Step_Should_MatchGymnasiumToTheLastBits_When_StartedFromEachReferenceState(int index)
    {
        var episode = GymReference.Episodes("acrobot")[index];
        var env = new Acrobot();
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
    public void Reset_Should_DrawSinglePrecisionStartStates_When_Seeded()
    {
        // Gymnasium stores the start state as float32: θ₁ etc. are single-precision values in [−0.1, 0.1)
        var env = new Acrobot();
        env.Reset(new Rng(3));
        var state = new double[env.StateLength];
        env.GetState(state);
        foreach (var v in state[..4])
        {
            Assert.InRange(v, -0.1, 0.1);
            Assert.Equal(v, (double)(float)v);
        }

        var again = new Acrobot();
        again.Reset(new Rng(3));
        Assert.Equal(env.Observation.ToArray(), again.Observation.ToArray());
        Assert.Equal(6, env.ObservationSize);
        Assert.Equal(3, env.ActionCount);
    }

    [Fact]
    public void Step_Should_ClipVelocitiesAndWrapAngles_When_DrivenHard()
    {
        // Given a state spinning faster than the limits allow
        var env = new Acrobot();
        env.ResetTo(3.1, -3.1, 60.0, -90.0);

        // When it steps
        env.Step(2);

        // Then the velocities are clipped to ±4π and ±9π and the angles wrapped into [−π, π]
        var state = new double[env.StateLength];
        env.GetState(state);
        Assert.InRange(state[0], -Math.PI, Math.PI);
        Assert.InRange(state[1], -Math.PI, Math.PI);
        Assert.InRange(state[2], -4 * Math.PI, 4 * Math.PI);
        Assert.InRange(state[3], -9 * Math.PI, 9 * Math.PI);
        Assert.True(Math.Abs(state[2]) == 4 * Math.PI || Math.Abs(state[3]) == 9 * Math.PI, $"θ̇ = ({state[2]}, {state[3]})");
    }
}
