using Cohort.Core.Scheduling;

namespace Cohort.Core.Lineage;

/// <summary>
/// One individual of a GA run: the occupant of member slot <paramref name="Member"/> born by the <see cref="Bred"/>
/// event at <paramref name="BredIndex"/> in the event log (−1: a founder, created with the run), at
/// <paramref name="Step"/> (the step of that event; 0 for a founder), <paramref name="Depth"/> generations above the
/// individual the tree is drawn for.
/// </summary>
public sealed record FamilyNode(int Member, int BredIndex, long Step, int Depth);

/// <summary>The role of a parent (paper 004 sec. 3.1, three parents per child).</summary>
public enum ParentRole
{
    /// <summary>The first hyperparameter parent.</summary>
    HyperparametersA,

    /// <summary>The second hyperparameter parent.</summary>
    HyperparametersB,

    /// <summary>The parent that gave its weights (absent in topology mode).</summary>
    Weights,
}

/// <summary>An edge of a family tree: <paramref name="Parent"/> is a parent of <paramref name="Child"/> in <paramref name="Role"/>.</summary>
public sealed record FamilyEdge(FamilyNode Child, FamilyNode Parent, ParentRole Role);

/// <summary>
/// The family tree of a GA member (paper 004's three parents per child), a pure projection of the event log: the
/// member's current individual is the one born by its last <see cref="Bred"/> event (or the founder); a parent of an
/// individual born by the event at index i is that parent slot's individual born by its last <see cref="Bred"/> before i.
/// Parents of one generation are its survivors, not bred in it, so this is the individual that was alive then.
/// </summary>
public static class FamilyTree
{
    /// <summary>
    /// The nodes (depth 0 is <paramref name="member"/>'s current individual) and edges up to <paramref name="maxDepth"/>
    /// generations back; each individual appears once (at its smallest depth).
    /// </summary>
    public static (IReadOnlyList<FamilyNode> Nodes, IReadOnlyList<FamilyEdge> Edges) Build(IReadOnlyList<RunEvent> events, int member, int maxDepth = 6)
    {
        ArgumentNullException.ThrowIfNull(events);
        ArgumentOutOfRangeException.ThrowIfNegative(maxDepth);
        var bred = events.Select((e, i) => (Event: e as Bred, Index: i)).Where(x => x.Event is not null).ToArray();
        FamilyNode Individual(int m, int beforeIndex, int depth)
        {
            var last = bred.LastOrDefault(x => x.Event!.Member == m && x.Index < beforeIndex);
            return last.Event is null ? new FamilyNode(m, -1, 0, depth) : new FamilyNode(m, last.Index, last.Event.Step, depth);
        }

        var root = Individual(member, int.MaxValue, 0);
        var nodes = new Dictionary<(int, int), FamilyNode> { [(root.Member, root.BredIndex)] = root };
        var edges = new List<FamilyEdge>();
        var frontier = new List<FamilyNode> { root };
        while (frontier.Count > 0)
        {
            var next = new List<FamilyNode>();
            foreach (var child in frontier)
            {
                if (child.BredIndex < 0 || child.Depth >= maxDepth)
                {
                    continue;
                }

                var b = (Bred)events[child.BredIndex];
                var parents = new List<(int Member, ParentRole Role)> { (b.HyperparameterParentA, ParentRole.HyperparametersA), (b.HyperparameterParentB, ParentRole.HyperparametersB) };
                if (b.WeightsParent != Bred.NoWeightsParent)
                {
                    parents.Add((b.WeightsParent, ParentRole.Weights));
                }

                foreach (var (m, role) in parents)
                {
                    var p = Individual(m, child.BredIndex, child.Depth + 1);
                    if (!nodes.TryGetValue((p.Member, p.BredIndex), out var existing))
                    {
                        nodes[(p.Member, p.BredIndex)] = existing = p;
                        next.Add(p);
                    }

                    edges.Add(new FamilyEdge(child, existing, role));
                }
            }

            frontier = next;
        }

        return (nodes.Values.OrderBy(n => n.Depth).ThenBy(n => n.Member).ThenBy(n => n.BredIndex).ToArray(), edges);
    }
}
