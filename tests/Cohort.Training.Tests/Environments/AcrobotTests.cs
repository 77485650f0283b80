using Cohort.Core.Randomness;
using Cohort.Training.Environments;

namespace Cohort.Training.Tests.Environments;

public sealed class AcrobotTests
{
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
        env.SetState([3.1, -3.1, 60.0, -90.0, 0, 0]);

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
