using Cohort.Training.Environments;

namespace Cohort.Training.Tests.Environments;

/// <summary>CartPole-v1 and Acrobot-v1 against episodes computed by Gymnasium's own code (<see cref="GymReference"/>).</summary>
public sealed class GymReferenceTests
{
    public static TheoryData<string, int> Cases
    {
        get
        {
            var data = new TheoryData<string, int>();
            foreach (var (key, id) in new[] { ("cartpole", CartPole.Id), ("acrobot", Acrobot.Id) })
            {
                for (var i = 0; i < GymReference.Episodes(key).Count; i++)
                {
                    data.Add(id, i);
                }
            }

            return data;
        }
    }

    private static GymReference.Episode Episode(string id, int index) =>
        GymReference.Episodes(id == CartPole.Id ? "cartpole" : "acrobot")[index];

    /// <summary>Starts an episode at <paramref name="physical"/>: the state followed by 0 elapsed steps, not done.</summary>
    private static void Start(IEnvironment env, double[] physical) => env.SetState([.. physical, 0, 0]);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Step_Should_MatchGymnasium_When_ReplayingAReferenceEpisode(string id, int index)
    {
        // Given a reference episode (terminated, or truncated at the 500-step limit) and its start state
        var episode = Episode(id, index);
        var env = EnvironmentCatalog.Create(id);
        Start(env, episode.Start);
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
    public void Step_Should_MatchGymnasiumToTheLastBits_When_StartedFromEachReferenceState(string id, int index)
    {
        // One transition at a time from Gymnasium's own state, so no rounding difference can grow over the episode
        var episode = Episode(id, index);
        var env = EnvironmentCatalog.Create(id);
        Span<double> state = stackalloc double[env.StateLength];
        for (var t = 0; t < episode.Length; t++)
        {
            Start(env, t == 0 ? episode.Start : episode.States[t - 1]);
            env.Step(episode.Actions[t]);
            env.GetState(state);
            EnvironmentAssert.Close(episode.States[t], state[..4], 1e-13, t);
        }
    }

    [Fact]
    public void Cases_Should_CoverTerminationAndTruncation_ForBothEnvironments()
    {
        foreach (var key in new[] { "cartpole", "acrobot" })
        {
            var episodes = GymReference.Episodes(key);
            Assert.Contains(episodes, e => e.Terminated[^1] && !e.Truncated[^1]);
            Assert.Contains(episodes, e => e.Truncated[^1] && e.Length == 500);
        }
    }
}
