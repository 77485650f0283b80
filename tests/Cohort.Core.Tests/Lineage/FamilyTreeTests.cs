using Cohort.Core.Hyperparameters;
using Cohort.Core.Lineage;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;
using Cohort.Core.Tests.Scheduling;

namespace Cohort.Core.Tests.Lineage;

public sealed class FamilyTreeTests
{
    private static readonly HyperparameterSet s_h = HyperparameterSet.Empty.With("lr", 0.1);

    private static Bred Bred(int member, long step, int a, int b, int w) =>
        new(member, step, a, b, w, w < 0 ? null : new CheckpointRef("c" + w, step, 1), s_h, s_h, "crossover:none");

    [Fact]
    public void Build_Should_LinkEachChildToTheIndividualsItsThreeParentsWereThen_When_SlotsAreRebred()
    {
        RunEvent[] events =
        [
            new MemberCreated(0, s_h), new MemberCreated(1, s_h), new MemberCreated(2, s_h),
            Bred(2, 10, 0, 1, 0),   // index 3: member 2's second individual, from founders 0, 1 (weights 0)
            Bred(0, 20, 2, 1, 2),   // index 4: member 0's second individual, from 2@10 and founder 1 (weights 2@10)
        ];

        var (nodes, edges) = FamilyTree.Build(events, 0);

        Assert.Equal(new FamilyNode(0, 4, 20, 0), nodes[0]);
        Assert.Contains(edges, e => e.Child.Member == 0 && e.Parent == new FamilyNode(2, 3, 10, 1) && e.Role == ParentRole.HyperparametersA);
        Assert.Contains(edges, e => e.Child.Member == 0 && e.Parent.Member == 2 && e.Role == ParentRole.Weights);
        Assert.Contains(edges, e => e.Child.Member == 0 && e.Parent == new FamilyNode(1, -1, 0, 1) && e.Role == ParentRole.HyperparametersB);
        // Member 2's individual at step 10 descends from the founders 0 and 1 — founder 0, not the later 0@20.
        Assert.Contains(edges, e => e.Child == new FamilyNode(2, 3, 10, 1) && e.Parent == new FamilyNode(0, -1, 0, 2));
        Assert.Equal(6, edges.Count);
        Assert.Equal(4, nodes.Count);
    }

    [Fact]
    public void Build_Should_OmitTheWeightsParent_When_TheChildTrainsFromScratch()
    {
        RunEvent[] events = [new MemberCreated(0, s_h), new MemberCreated(1, s_h), Bred(1, 5, 0, 0, Cohort.Core.Scheduling.Bred.NoWeightsParent)];

        var (nodes, edges) = FamilyTree.Build(events, 1);

        Assert.Equal(2, edges.Count);
        Assert.DoesNotContain(edges, e => e.Role == ParentRole.Weights);
        Assert.Equal(2, nodes.Count);
    }

    [Fact]
    public void Build_Should_RecordThreeParentsForEveryChild_When_AGaRunIsDriven()
    {
        var scheduler = new GaScheduler(new GaOptions { ReadyInterval = 10 }, Simulation.Space, Simulation.Points(8), Simulation.Loss, 200, 2);
        var (events, _) = Simulation.Drive(scheduler);
        var log = scheduler.InitialEvents.Concat(events).ToArray();

        var (nodes, edges) = FamilyTree.Build(log, 3, maxDepth: 3);

        Assert.All(nodes, n => Assert.InRange(n.Depth, 0, 3));
        foreach (var child in nodes.Where(n => n.BredIndex >= 0 && n.Depth < 3))
        {
            Assert.Equal(3, edges.Count(e => e.Child == child));
        }
    }
}
