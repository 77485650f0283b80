using Cohort.Core.Execution;
using Cohort.Core.Storage;

namespace Cohort.Core.Tests.Execution;

public sealed class CheckpointLedgerTests
{
    private const string Run = "r";

    private static CheckpointBytes Checkpoint(byte value) => CheckpointBytes.Of([value, value, value], value);

    private static HashSet<string> Live(params CheckpointBytes[] checkpoints) =>
        checkpoints.Select(c => c.Checkpoint.Hash).ToHashSet(StringComparer.Ordinal);

    [Fact]
    public void Cut_Should_StoreOnlyLiveCheckpointsAndDropTheRest_When_NothingIsStoredYet()
    {
        // Given three checkpoints written and told, of which only b is still referenced
        var store = new InMemoryCheckpointStore();
        var ledger = new CheckpointLedger(store, Run);
        var (a, b, c) = (Checkpoint(1), Checkpoint(2), Checkpoint(3));
        foreach (var x in new[] { a, b, c })
        {
            ledger.Written(x);
            ledger.Released(x.Checkpoint);
        }

        // When the ledger is cut
        var cut = ledger.Cut(Live(b));

        // Then only b is to be stored, nothing stored is to be deleted, and a and c never reach the store
        Assert.Equal([b], cut.Persist);
        Assert.Empty(cut.Delete);
        Assert.Equal(1, ledger.InMemory);
        Assert.Throws<CheckpointCorruptException>(() => ledger.Read(a.Checkpoint));
    }

    [Fact]
    public void Cut_Should_KeepACheckpointHeldByAnUntoldResult_When_NothingReferencesItYet()
    {
        var ledger = new CheckpointLedger(new InMemoryCheckpointStore(), Run);
        var a = Checkpoint(1);
        ledger.Written(a); // its result is not told yet

        var cut = ledger.Cut(Live());

        Assert.Empty(cut.Persist);
        Assert.Equal(a.Bytes, ledger.Read(a.Checkpoint));
    }

    [Fact]
    public void Cut_Should_DeleteStoredCheckpoints_When_TheirLastReferenceWent()
    {
        // Given b stored by a first commit
        var store = new InMemoryCheckpointStore();
        var ledger = new CheckpointLedger(store, Run);
        var (b, d) = (Checkpoint(2), Checkpoint(4));
        ledger.Written(b);
        ledger.Released(b.Checkpoint);
        var first = ledger.Cut(Live(b));
        store.Put(Run, first.Persist);
        ledger.Committed(first);
        Assert.Equal(0, ledger.InMemory); // once stored, reads go to the store
        Assert.Equal(b.Bytes, ledger.Read(b.Checkpoint));

        // When d replaces b as the only reference
        ledger.Written(d);
        ledger.Released(d.Checkpoint);
        var second = ledger.Cut(Live(d));

        // Then d is stored and b deleted, by the same commit (after its results)
        Assert.Equal([d], second.Persist);
        Assert.Equal([b.Checkpoint.Hash], second.Delete);
    }

    [Fact]
    public void Scan_Should_LetTheFirstCutRemoveCrashLeftovers_When_ARunResumes()
    {
        // Given a store holding checkpoints a crash left behind, and one the resumed run still needs
        var store = new InMemoryCheckpointStore();
        var (a, b, c) = (Checkpoint(1), Checkpoint(2), Checkpoint(3));
        store.Put(Run, [a, b, c]);
        store.Put("other-run", [a]);
        var ledger = new CheckpointLedger(store, Run);

        // When the resumed run lists the store once and cuts with its live set
        ledger.Scan();
        var cut = ledger.Cut(Live(b));

        // Then the leftovers of this run, and only they, are to be deleted; nothing is stored again
        Assert.Empty(cut.Persist);
        Assert.Equal(new[] { a.Checkpoint.Hash, c.Checkpoint.Hash }.Order(), cut.Delete.Order());
        Assert.Equal(a.Bytes, store.Read("other-run", a.Checkpoint));
    }

    [Fact]
    public void Cut_Should_StoreACheckpointAgain_When_ItIsWrittenAfterItsDeletionWasDecided()
    {
        // Given b stored, then cut away (to be deleted by the next commit)
        var store = new InMemoryCheckpointStore();
        var ledger = new CheckpointLedger(store, Run);
        var b = Checkpoint(2);
        ledger.Written(b);
        ledger.Released(b.Checkpoint);
        ledger.Committed(ledger.Cut(Live(b)));
        var away = ledger.Cut(Live());
        Assert.Equal([b.Checkpoint.Hash], away.Delete);

        // When a task writes the same bytes again and they become live
        ledger.Written(b);
        ledger.Released(b.Checkpoint);
        var again = ledger.Cut(Live(b));

        // Then the later commit stores them again (commits run in order: the deletion comes first)
        Assert.Equal([b], again.Persist);
    }

    [Fact]
    public void Recycle_Should_HandDeadInMemoryBuffersOutAgainAndLeaveStoredOnesForTheCut_When_CalledBetweenCommits()
    {
        // Given a stored (by a first commit) and, since, b, c and d written in memory; a, b and d are no longer referenced,
        // c is, and d's result is not told yet
        var store = new InMemoryCheckpointStore();
        var ledger = new CheckpointLedger(store, Run);
        var (a, b, c, d) = (Checkpoint(1), Checkpoint(2), Checkpoint(3), Checkpoint(4));
        ledger.Written(a);
        ledger.Released(a.Checkpoint);
        var first = ledger.Cut(Live(a));
        store.Put(Run, first.Persist);
        ledger.Committed(first);
        foreach (var x in new[] { b, c, d })
        {
            ledger.Written(x);
        }

        ledger.Released(b.Checkpoint);
        ledger.Released(c.Checkpoint);

        // When the driver recycles between commits
        ledger.Recycle(Live(c));

        // Then only b's buffer is handed out for the next save; c and d stay readable; a is left for the next cut to delete
        Assert.Same(b.Bytes, ledger.Spare(b.Bytes.Length));
        Assert.Null(ledger.Spare(b.Bytes.Length));
        Assert.Equal(c.Bytes, ledger.Read(c.Checkpoint));
        Assert.Equal(d.Bytes, ledger.Read(d.Checkpoint));
        Assert.Equal(2, ledger.InMemory);
        var next = ledger.Cut(Live(c));
        Assert.Equal([a.Checkpoint.Hash], next.Delete);
        Assert.Equal([c], next.Persist);
    }
}
