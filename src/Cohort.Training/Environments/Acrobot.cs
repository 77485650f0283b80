using Cohort.Core.Randomness;

namespace Cohort.Training.Environments;

/// <summary>
/// Gymnasium's <c>Acrobot-v1</c> (Sutton 1996; the "book" variant of the dynamics, Gymnasium's
/// default): two links of length 1 m and mass 1 kg, centres of mass at 0.5 m, moments of inertia 1, g = 9.8; torque
/// τ ∈ {−1, 0, +1} on the joint between the links. With θ₁ the first link's angle from hanging down and θ₂ the
/// second's relative to the first:
/// <code>
/// d₁ = m₁l_c1² + m₂(l₁² + l_c2² + 2l₁l_c2 cos θ₂) + I₁ + I₂
/// d₂ = m₂(l_c2² + l₁l_c2 cos θ₂) + I₂
/// φ₂ = m₂l_c2 g cos(θ₁ + θ₂ − π/2)
/// φ₁ = −m₂l₁l_c2 θ̇₂² sin θ₂ − 2m₂l₁l_c2 θ̇₂θ̇₁ sin θ₂ + (m₁l_c1 + m₂l₁) g cos(θ₁ − π/2) + φ₂
/// θ̈₂ = (τ + d₂/d₁ φ₁ − m₂l₁l_c2 θ̇₁² sin θ₂ − φ₂) / (m₂l_c2² + I₂ − d₂²/d₁)
/// θ̈₁ = −(d₂θ̈₂ + φ₁) / d₁
/// </code>
/// integrated over dt = 0.2 s by one classical Runge–Kutta (RK4) step; then θ₁, θ₂ are wrapped into [−π, π] and the
/// velocities clipped to ±4π and ±9π. Observation (cos θ₁, sin θ₁, cos θ₂, sin θ₂, θ̇₁, θ̇₂) in single precision.
/// Actions 0, 1, 2 apply torque −1, 0, +1. Reward −1 per step, 0 on the terminating step. Terminated when the free end
/// is above the bar, −cos θ₁ − cos(θ₂ + θ₁) &gt; 1; truncated after 500 steps; solved at a mean return of −100. Start
/// state: each of θ₁, θ₂, θ̇₁, θ̇₂ uniform on [−0.1, 0.1), rounded to single precision (as Gymnasium stores it).
/// </summary>
public sealed class Acrobot : IEnvironment
{
    /// <summary>The Gymnasium id.</summary>
    public const string Id = "Acrobot-v1";

    private const double Dt = 0.2;
    private const double Length1 = 1.0;
    private const double Mass1 = 1.0;
    private const double Mass2 = 1.0;
    private const double CenterOfMass1 = 0.5;
    private const double CenterOfMass2 = 0.5;
    private const double Inertia = 1.0;
    private const double Gravity = 9.8;
    private const double MaxVelocity1 = 4 * Math.PI;
    private const double MaxVelocity2 = 9 * Math.PI;
    private const double StartBound = 0.1;

    private readonly float[] _observation = new float[6];
    private EpisodeClock _clock = new(Id, 500, 3);
    private double _theta1;
    private double _theta2;
    private double _dTheta1;
    private double _dTheta2;

    // Call Reset before the first step.

    public string Name => Id;

    public int ObservationSize => 6;

    public int ActionCount => 3;

    public int MaxEpisodeSteps => 500;

    public double RewardThreshold => -100.0;

    public ReadOnlySpan<float> Observation => _observation;

    public int ElapsedSteps => _clock.Elapsed;

    public bool IsDone => _clock.IsDone;

    public int StateLength => 6;

    public void Reset(Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        (_theta1, _theta2, _dTheta1, _dTheta2) = (Uniform(rng), Uniform(rng), Uniform(rng), Uniform(rng));
        _clock.Start();
        Observe();
    }

    public EnvironmentStep Step(int action)
    {
        _clock.CheckStep(action);
        var torque = action - 1.0;

        // One RK4 step of y' = f(y) over [0, dt], y = (θ₁, θ₂, θ̇₁, θ̇₂).
        Span<double> y = [_theta1, _theta2, _dTheta1, _dTheta2];
        Span<double> k1 = stackalloc double[4];
        Span<double> k2 = stackalloc double[4];
        Span<double> k3 = stackalloc double[4];
        Span<double> k4 = stackalloc double[4];
        Span<double> at = stackalloc double[4];
        const double half = Dt / 2.0;
        Derivatives(y, torque, k1);
        Axpy(y, half, k1, at);
        Derivatives(at, torque, k2);
        Axpy(y, half, k2, at);
        Derivatives(at, torque, k3);
        Axpy(y, Dt, k3, at);
        Derivatives(at, torque, k4);
        for (var i = 0; i < 4; i++)
        {
            y[i] += Dt / 6.0 * (k1[i] + (2 * k2[i]) + (2 * k3[i]) + k4[i]);
        }

        _theta1 = Wrap(y[0]);
        _theta2 = Wrap(y[1]);
        _dTheta1 = Math.Min(Math.Max(y[2], -MaxVelocity1), MaxVelocity1);
        _dTheta2 = Math.Min(Math.Max(y[3], -MaxVelocity2), MaxVelocity2);
        Observe();
        var terminated = -Math.Cos(_theta1) - Math.Cos(_theta2 + _theta1) > 1.0;
        return _clock.Count(terminated ? 0.0 : -1.0, terminated);
    }

    public void GetState(Span<double> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, StateLength, nameof(destination));
        destination[0] = _theta1;
        destination[1] = _theta2;
        destination[2] = _dTheta1;
        destination[3] = _dTheta2;
        _clock.Write(destination[4..]);
    }

    public void SetState(ReadOnlySpan<double> source)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(source.Length, StateLength, nameof(source));
        _clock.Read(source[4..]);
        (_theta1, _theta2, _dTheta1, _dTheta2) = (source[0], source[1], source[2], source[3]);
        Observe();
    }

    /// <summary>dy/dt of the "book" dynamics (see the class summary) at <paramref name="s"/> under <paramref name="torque"/>.</summary>
    private static void Derivatives(ReadOnlySpan<double> s, double torque, Span<double> ds)
    {
        var theta1 = s[0];
        var theta2 = s[1];
        var dTheta1 = s[2];
        var dTheta2 = s[3];
        var cos2 = Math.Cos(theta2);
        var sin2 = Math.Sin(theta2);
        const double m1 = Mass1, m2 = Mass2, l1 = Length1, lc1 = CenterOfMass1, lc2 = CenterOfMass2, i1 = Inertia, i2 = Inertia;
        var d1 = (m1 * (lc1 * lc1)) + (m2 * ((l1 * l1) + (lc2 * lc2) + (2 * l1 * lc2 * cos2))) + i1 + i2;
        var d2 = (m2 * ((lc2 * lc2) + (l1 * lc2 * cos2))) + i2;
        var phi2 = m2 * lc2 * Gravity * Math.Cos(theta1 + theta2 - (Math.PI / 2.0));
        var phi1 = (-m2 * l1 * lc2 * (dTheta2 * dTheta2) * sin2)
            - (2 * m2 * l1 * lc2 * dTheta2 * dTheta1 * sin2)
            + (((m1 * lc1) + (m2 * l1)) * Gravity * Math.Cos(theta1 - (Math.PI / 2)))
            + phi2;
        var ddTheta2 = (torque + (d2 / d1 * phi1) - (m2 * l1 * lc2 * (dTheta1 * dTheta1) * sin2) - phi2)
            / ((m2 * (lc2 * lc2)) + i2 - (d2 * d2 / d1));
        var ddTheta1 = -((d2 * ddTheta2) + phi1) / d1;
        ds[0] = dTheta1;
        ds[1] = dTheta2;
        ds[2] = ddTheta1;
        ds[3] = ddTheta2;
    }

    /// <summary>result = y + h·k.</summary>
    private static void Axpy(ReadOnlySpan<double> y, double h, ReadOnlySpan<double> k, Span<double> result)
    {
        for (var i = 0; i < 4; i++)
        {
            result[i] = y[i] + (h * k[i]);
        }
    }

    /// <summary>Wraps an angle into [−π, π] by whole turns.</summary>
    private static double Wrap(double angle)
    {
        const double turn = Math.PI - (-Math.PI);
        while (angle > Math.PI)
        {
            angle -= turn;
        }

        while (angle < -Math.PI)
        {
            angle += turn;
        }

        return angle;
    }

    private static double Uniform(Rng rng) => (float)(-StartBound + ((2 * StartBound) * rng.NextDouble()));

    private void Observe()
    {
        _observation[0] = (float)Math.Cos(_theta1);
        _observation[1] = (float)Math.Sin(_theta1);
        _observation[2] = (float)Math.Cos(_theta2);
        _observation[3] = (float)Math.Sin(_theta2);
        _observation[4] = (float)_dTheta1;
        _observation[5] = (float)_dTheta2;
    }
}
