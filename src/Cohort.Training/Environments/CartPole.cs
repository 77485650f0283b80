using Cohort.Core.Randomness;

namespace Cohort.Training.Environments;

/// <summary>
/// Gymnasium's <c>CartPole-v1</c> (Barto, Sutton and Anderson 1983): a pole hinged on a cart that moves along a
/// frictionless track. Dynamics from Florian (2007), "Correct equations for the dynamics of the cart-pole system",
/// with the constants and explicit Euler integration of Gymnasium's <c>cartpole.py</c>:
/// <code>
/// g = 9.8, m_c = 1.0, m_p = 0.1, l = 0.5 (half the pole), F = ±10 N, τ = 0.02 s
/// temp = (F + m_p·l·θ̇²·sin θ) / (m_c + m_p)
/// θ̈ = (g·sin θ − cos θ·temp) / (l·(4/3 − m_p·cos²θ / (m_c + m_p)))
/// ẍ = temp − m_p·l·θ̈·cos θ / (m_c + m_p)
/// x ← x + τ·ẋ, ẋ ← ẋ + τ·ẍ, θ ← θ + τ·θ̇, θ̇ ← θ̇ + τ·θ̈
/// </code>
/// Observation (x, ẋ, θ, θ̇) in single precision; the state is kept in double precision. Actions: 0 pushes left,
/// 1 pushes right. Reward +1 for every step, the terminating one included. Terminated when |x| &gt; 2.4 or
/// |θ| &gt; 12° (2π·12/360 rad); truncated after 500 steps; solved at a mean return of 475. Start state: each component
/// uniform on [−0.05, 0.05).
/// </summary>
public sealed class CartPole : IEnvironment
{
    /// <summary>The Gymnasium id.</summary>
    public const string Id = "CartPole-v1";

    private const double Gravity = 9.8;
    private const double MassCart = 1.0;
    private const double MassPole = 0.1;
    private const double HalfLength = 0.5;
    private const double ForceMagnitude = 10.0;
    private const double Tau = 0.02;
    private const double XThreshold = 2.4;
    private const double StartBound = 0.05;
    private const double TotalMass = MassPole + MassCart;
    private const double PoleMassLength = MassPole * HalfLength;
    private static readonly double s_thetaThreshold = 12 * 2 * Math.PI / 360;

    private readonly float[] _observation = new float[4];
    private EpisodeClock _clock = new(Id, 500, 2);
    private double _x;
    private double _xDot;
    private double _theta;
    private double _thetaDot;

    // Call Reset before the first step.

    public string Name => Id;

    public int ObservationSize => 4;

    public int ActionCount => 2;

    public int MaxEpisodeSteps => 500;

    public double RewardThreshold => 475.0;

    public ReadOnlySpan<float> Observation => _observation;

    public int ElapsedSteps => _clock.Elapsed;

    public bool IsDone => _clock.IsDone;

    public int StateLength => 6;

    public void Reset(Rng rng)
    {
        ArgumentNullException.ThrowIfNull(rng);
        (_x, _xDot, _theta, _thetaDot) = (Uniform(rng), Uniform(rng), Uniform(rng), Uniform(rng));
        _clock.Start();
        Observe();
    }

    public EnvironmentStep Step(int action)
    {
        _clock.CheckStep(action);
        var force = action == 1 ? ForceMagnitude : -ForceMagnitude;
        var cos = Math.Cos(_theta);
        var sin = Math.Sin(_theta);
        var temp = (force + (PoleMassLength * (_thetaDot * _thetaDot) * sin)) / TotalMass;
        var thetaAcc = ((Gravity * sin) - (cos * temp)) / (HalfLength * ((4.0 / 3.0) - (MassPole * (cos * cos) / TotalMass)));
        var xAcc = temp - (PoleMassLength * thetaAcc * cos / TotalMass);
        _x += Tau * _xDot;
        _xDot += Tau * xAcc;
        _theta += Tau * _thetaDot;
        _thetaDot += Tau * thetaAcc;
        Observe();
        var terminated = _x < -XThreshold || _x > XThreshold || _theta < -s_thetaThreshold || _theta > s_thetaThreshold;
        return _clock.Count(1.0, terminated);
    }

    public void GetState(Span<double> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, StateLength, nameof(destination));
        destination[0] = _x;
        destination[1] = _xDot;
        destination[2] = _theta;
        destination[3] = _thetaDot;
        _clock.Write(destination[4..]);
    }

    public void SetState(ReadOnlySpan<double> source)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(source.Length, StateLength, nameof(source));
        _clock.Read(source[4..]);
        (_x, _xDot, _theta, _thetaDot) = (source[0], source[1], source[2], source[3]);
        Observe();
    }

    private static double Uniform(Rng rng) => -StartBound + ((2 * StartBound) * rng.NextDouble());

    private void Observe()
    {
        _observation[0] = (float)_x;
        _observation[1] = (float)_xDot;
        _observation[2] = (float)_theta;
        _observation[3] = (float)_thetaDot;
    }
}
