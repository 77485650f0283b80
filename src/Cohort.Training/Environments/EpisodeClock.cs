using System.Globalization;

namespace Cohort.Training.Environments;

/// <summary>
/// The episode bookkeeping every environment shares: Gymnasium's <c>TimeLimit</c> wrapper (truncated once the elapsed
/// steps reach the limit), the done flag, action checks, and the two trailing doubles of the saved state.
/// </summary>
internal struct EpisodeClock(string name, int maxSteps, int actions)
{
    public int Elapsed { get; private set; }

    /// <summary>True until the first <see cref="Start"/>: no episode is running yet.</summary>
    public bool IsDone { get; private set; } = true;

    public void Start()
    {
        Elapsed = 0;
        IsDone = false;
    }

    /// <summary>Throws unless an episode is running and <paramref name="action"/> is legal.</summary>
    public readonly void CheckStep(int action)
    {
        if (IsDone)
        {
            throw new InvalidOperationException($"{name}: the episode has ended; call Reset before stepping again.");
        }

        if ((uint)action >= (uint)actions)
        {
            throw new ArgumentOutOfRangeException(nameof(action), action, string.Create(CultureInfo.InvariantCulture, $"{name} has actions 0 to {actions - 1}."));
        }
    }

    /// <summary>Counts a step and returns its outcome with the time limit applied.</summary>
    public EnvironmentStep Count(double reward, bool terminated)
    {
        Elapsed++;
        var truncated = Elapsed >= maxSteps;
        IsDone = terminated || truncated;
        return new EnvironmentStep(reward, terminated, truncated);
    }

    public readonly void Write(Span<double> destination)
    {
        destination[0] = Elapsed;
        destination[1] = IsDone ? 1 : 0;
    }

    public void Read(ReadOnlySpan<double> source)
    {
        var elapsed = source[0];
        if (!(elapsed >= 0 && elapsed <= maxSteps && elapsed == Math.Floor(elapsed)) || source[1] is not (0 or 1))
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"{name}: invalid saved state (elapsed steps {elapsed}, done flag {source[1]})."), nameof(source));
        }

        Elapsed = (int)elapsed;
        IsDone = source[1] == 1;
    }
}
