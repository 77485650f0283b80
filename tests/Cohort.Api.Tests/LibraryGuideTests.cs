using System.Text;
using Cohort.Api.Tests.Guide;
using Cohort.Core.Execution;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;

namespace Cohort.Api.Tests;

/// <summary>
/// docs/library.md: every C# block is a compiled snippet (Guide/*.cs), equal to its source, and the snippets do what the
/// guide says. To rewrite the guide's blocks from the code: <c>COHORT_ACCEPT_GUIDE=1 dotnet test tests/Cohort.Api.Tests --filter LibraryGuide</c>.
/// </summary>
public sealed class LibraryGuideTests
{
    private static readonly double s_initialLoss = 0.5 * (1.0 + 0.5 + 0.1 + 0.05);

    [Fact]
    public void Guide_Should_ShowTheCompiledSnippets_When_EveryBlockIsMarked()
    {
        // Given the guide and the snippets of Guide/*.cs
        var path = RepositoryPaths.Of(GuideSnippets.GuidePath);
        var markdown = File.ReadAllText(path);
        var snippets = GuideSnippets.FromCode();
        if (Environment.GetEnvironmentVariable("COHORT_ACCEPT_GUIDE") == "1")
        {
            markdown = GuideSnippets.Rewrite(markdown, snippets);
            File.WriteAllText(path, markdown, new UTF8Encoding(false));
        }

        // When the C# blocks are compared with them
        var blocks = GuideSnippets.FromGuide(markdown);
        var problems = new List<string>();
        foreach (var (name, code, line) in blocks)
        {
            if (name is null)
            {
                problems.Add($"{GuideSnippets.GuidePath}:{line}: a C# block without <!-- snippet: NAME --> before it is not compiled; move its code into a #region snippet:NAME in tests/Cohort.Api.Tests/Guide.");
            }
            else if (!snippets.TryGetValue(name, out var expected))
            {
                problems.Add($"{GuideSnippets.GuidePath}:{line}: no #region snippet:{name} in tests/Cohort.Api.Tests/Guide.");
            }
            else if (expected != code)
            {
                problems.Add($"{GuideSnippets.GuidePath}:{line}: the block of snippet '{name}' differs from its compiled code.");
            }
        }

        problems.AddRange(snippets.Keys.Except(blocks.Select(b => b.Name).OfType<string>(), StringComparer.Ordinal)
            .Select(n => $"snippet '{n}' is not shown in {GuideSnippets.GuidePath} (add <!-- snippet: {n} --> and a ```csharp block, or delete it)."));

        // Then they are the same
        Assert.True(
            problems.Count == 0,
            string.Join("\n", problems) + "\nTo rewrite the guide's blocks from the code: COHORT_ACCEPT_GUIDE=1 dotnet test tests/Cohort.Api.Tests --filter LibraryGuide");
        Assert.True(blocks.Count >= 10, $"Only {blocks.Count} C# blocks found in the guide.");
    }

    [Fact]
    public async Task Pbt_Should_LowerTheLoss_When_RunAsInTheGuide()
    {
        var outcome = await LibraryGuide.RunPbtAsync(CancellationToken.None);

        Assert.Equal(RunStatus.Completed, outcome.Status);
        Assert.Equal(8 * (400 / 20), outcome.Results);
        Assert.True(outcome.Best!.Validation["loss"] < s_initialLoss / 10, $"best loss {outcome.Best.Validation["loss"]}");
    }

    [Fact]
    public async Task EachMethod_Should_Complete_When_BuiltFromItsOptions()
    {
        foreach (var (method, population) in LibraryGuide.Methods())
        {
            var outcome = await LibraryGuide.RunMethodAsync(method, population, CancellationToken.None);

            Assert.True(outcome.Status == RunStatus.Completed, $"{method.Method}: {outcome.Status} {outcome.Message}");
            Assert.True(outcome.StepsTrained > 0, method.Method);
            Assert.True(outcome.Best!.Validation["loss"] < s_initialLoss, method.Method);
        }
    }

    [Fact]
    public void Options_Should_BeValid_When_WrittenAsInTheGuide()
    {
        var options = LibraryGuide.PbtOptionsTour();
        options.Validate();

        Assert.Equal(8, LibraryGuide.GridSpace().GridSize);
        var scheduler = LibraryGuide.InitialPointsExample();
        Assert.Equal([0.5, 0.05], scheduler.Pending.Select(t => t.Hyperparameters.GetNumber("lr")).Order().Reverse());
    }

    [Fact]
    public async Task Observer_Should_SeeEveryResult_When_TheRunIsObserved()
    {
        var (recorder, outcome, lineage) = await LibraryGuide.RunObservedAsync(CancellationToken.None);

        Assert.Equal(4, recorder.Curves.Count);
        Assert.All(recorder.Curves.Values, c => Assert.Equal(10, c.Count));
        Assert.Equal(outcome.Results, recorder.Curves.Values.Sum(c => c.Count));
        foreach (var member in lineage.Members)
        {
            Assert.Equal(lineage.FinalResult(member)!.Validation["loss"], recorder.Curves[member][^1].Value);
        }
    }

    [Fact]
    public async Task Sqlite_Should_Resume_When_RunAgainOnTheSameStore()
    {
        var directory = Directory.CreateTempSubdirectory("cohort-guide-").FullName;
        try
        {
            var first = await LibraryGuide.RunSqliteAsync(directory, CancellationToken.None);
            var second = await LibraryGuide.RunSqliteAsync(directory, CancellationToken.None);

            Assert.Equal(RunStatus.Completed, first.Status);
            Assert.Equal(first.Results, second.Replayed);
            Assert.Equal(first.Best!.Validation["loss"], second.Best!.Validation["loss"]);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task StopConditions_Should_StopMembers_When_TheyHold()
    {
        var (outcome, lineage) = await LibraryGuide.RunWithStopAsync(CancellationToken.None);

        Assert.Equal(RunStatus.Completed, outcome.Status);
        var reasons = lineage.Members.Select(m => lineage.Finished(m)!.Reason).ToArray();
        Assert.All(reasons, r => Assert.Contains(r, new[] { MemberStopReason.Threshold, MemberStopReason.Plateau, MemberStopReason.StepLimit }));
        Assert.All(lineage.Members, m => Assert.True(lineage.FinalResult(m)!.Task.StartStep + lineage.FinalResult(m)!.Task.Steps <= 300));
    }

    [Fact]
    public async Task Spec_Should_Run_When_LoadedFromTheLibrary()
    {
        var outcomes = await LibraryGuide.RunSpecAsync(CancellationToken.None);

        var outcome = Assert.Single(outcomes);
        Assert.Equal(RunStatus.Completed, outcome.Status);
        Assert.True(outcome.StepsTrained > 0);
    }

    [Fact]
    public void Spec_Should_NameTheKeyAndTheKnownNames_When_AHyperparameterIsUnknown()
    {
        var error = LibraryGuide.RejectUnknownHyperparameter();

        Assert.NotNull(error);
        Assert.Contains("learning_rate", error.Message, StringComparison.Ordinal);
        Assert.Contains("lr", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PluginFactory_Should_StopAMember_When_ItsTrainableIsDone()
    {
        var factory = new QuadraticFactory(new Dictionary<string, string> { ["noise"] = "0" });
        var objective = new Objective("loss", ObjectiveMode.Minimize);
        var space = new SearchSpace(new FloatParameter("lr", 0.05, 0.5));
        var scheduler = SchedulerFactory.Create(new RandomOptions { ReadyInterval = 10 }, space, objective, stepsPerMember: 1000, population: 2, runSeed: 2);
        var store = new InMemoryExperimentStore();

        var outcome = await new ExperimentRunner(new InMemoryCheckpointStore(), store, new RunnerOptions { Workers = 1 })
            .RunAsync(new RunDefinition("done", 2, objective), scheduler, factory, CancellationToken.None);

        Assert.Equal(RunStatus.Completed, outcome.Status);
        var finished = (await store.ReadEventsAsync("done", CancellationToken.None)).Select(e => e.Event).OfType<MemberFinished>().ToArray();
        Assert.Equal(2, finished.Length);
        Assert.All(finished, f => Assert.Equal(MemberStopReason.TrainableDone, f.Reason));
        Assert.True(outcome.StepsTrained < 2 * 1000);
    }
}
