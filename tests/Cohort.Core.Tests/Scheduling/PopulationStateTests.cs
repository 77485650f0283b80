using Cohort.Core.Scheduling;

namespace Cohort.Core.Tests.Scheduling;

public sealed class PopulationStateTests
{
    private static PopulationState Create(int population) =>
        new(Simulation.Points(population), Simulation.Space, Simulation.Loss, stepsPerMember: 100, readyInterval: 10, maxTaskRetries: 0, runSeed: 5);

    [Fact]
    public void Pending_Should_BeSortedAgain_When_AMembersPendingTaskChanges()
    {
        // Given three members with their first tasks pending
        var state = Create(3);
        var first = state.Pending;
        Assert.Same(first, state.Pending); // nothing changed: the sorted list is kept

        // When member 0 is issued a task further on and member 1's task is withdrawn
        var m0 = state.Members[0];
        m0.Pending = m0.Pending! with { StartStep = 10 };
        state.Members[1].Pending = null;

        // Then the list is rebuilt, least advanced first, and the earlier list is unchanged
        var second = state.Pending;
        Assert.NotSame(first, second);
        Assert.Equal(new[] { (2, 0L), (0, 10L) }, second.Select(t => (t.Member, t.StartStep)));
        Assert.Equal(new[] { 0, 1, 2 }, first.Select(t => t.Member));
        Assert.Same(second, state.Pending);
    }
}
