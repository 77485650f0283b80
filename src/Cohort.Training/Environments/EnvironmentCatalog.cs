namespace Cohort.Training.Environments;

/// <summary>The environments Cohort ships, by Gymnasium id.</summary>
public static class EnvironmentCatalog
{
    /// <summary>The ids <see cref="Create"/> accepts.</summary>
    public static IReadOnlyList<string> Names { get; } = [CartPole.Id, Acrobot.Id];

    /// <summary>A new environment (no episode started); throws naming the known ids for an unknown one.</summary>
    public static IEnvironment Create(string name) => name switch
    {
        CartPole.Id => new CartPole(),
        Acrobot.Id => new Acrobot(),
        _ => throw new ArgumentException(
            $"Unknown environment '{name}'; known: {string.Join(", ", Names)}. (LunarLander-v2 needs the Box2D physics engine, which Cohort does not have.)",
            nameof(name)),
    };
}
