using System.Diagnostics;
using System.Globalization;
using Cohort.Core.Execution;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;

namespace Cohort.Cli.Console;

/// <summary>What is known about the run in progress, and the lines that show it.</summary>
/// <remarks>
/// "Best evaluation so far" is the best score any evaluation reached during the run (an earlier point of a member
/// may score better than its end); the results table at the end shows the best <em>final</em> member instead. The
/// labels say which is which.
/// </remarks>
internal sealed class RunProgress(RunInfo info, Objective objective)
{
    private readonly Stopwatch _session = new();
    private long _stepsAtStart = -1;

    public RunInfo Info { get; } = info;

    public int Workers { get; private set; }

    public int Replayed { get; private set; }

    public int TasksRerun { get; private set; }

    public long StepsTrained { get; private set; }

    public int Evaluations { get; private set; }

    public int Failures { get; private set; }

    public int Diverged { get; private set; }

    public int? BestMember { get; private set; }

    public long? BestStep { get; private set; }

    public double BestValue { get; private set; } = double.NaN;

    public int Exploits => Info.Exploits?.Invoke() ?? 0;

    private long TotalSteps => Info.Population * Info.StepsPerMember;

    private double Fraction => TotalSteps > 0 ? Math.Clamp((double)StepsTrained / TotalSteps, 0, 1) : 0;

    public void Started(RunStartedProgress progress)
    {
        Workers = progress.Workers;
        Replayed = progress.Replayed;
        TasksRerun = progress.TasksRerun;
        _session.Restart();
    }

    public void Finished(TaskFinishedProgress progress)
    {
        if (_stepsAtStart < 0)
        {
            // Results before the first live one were replayed from the store: they do not count towards the rate.
            _stepsAtStart = progress.StepsTrained - (progress.Result.Outcome == TaskOutcome.Failed ? 0 : progress.Result.Task.Steps);
        }

        StepsTrained = progress.StepsTrained;
        Evaluations++;
        switch (progress.Result.Outcome)
        {
            case TaskOutcome.Failed:
                Failures++;
                break;
            case TaskOutcome.Diverged:
                Diverged++;
                break;
        }

        if (progress.BestMember is { } member && double.IsFinite(progress.BestScore))
        {
            if (member == progress.Result.Task.Member && progress.Score == progress.BestScore)
            {
                BestStep = progress.Result.Task.EndStep;
            }
            else if (member != BestMember)
            {
                BestStep = null; // the best was replayed from the store: its step is not known here
            }

            BestMember = member;
            BestValue = objective.Mode == ObjectiveMode.Maximize ? progress.BestScore : -progress.BestScore;
        }
    }

    /// <summary>Steps per second of this session (replayed results excluded); null before the first live result.</summary>
    public double? Rate
    {
        get
        {
            var live = StepsTrained - Math.Max(0, _stepsAtStart);
            var seconds = _session.Elapsed.TotalSeconds;
            return _stepsAtStart >= 0 && live > 0 && seconds > 0 ? live / seconds : null;
        }
    }

    /// <summary>Time left at the session's rate; null when unknown.</summary>
    public TimeSpan? Eta => Rate is { } rate && rate > 0 ? TimeSpan.FromSeconds(Math.Max(0, TotalSteps - StepsTrained) / rate) : null;

    /// <summary><c>[pbt-6] pbt: 6 members x 3,000 steps on 2 workers (run 2 of 7)</c>: printed when a run starts.</summary>
    public string StartLine()
    {
        var resumed = Replayed > 0 ? I($", resuming after {Replayed:N0} stored results") : "";
        if (TasksRerun > 0)
        {
            resumed += I($" ({TasksRerun:N0} task(s) re-run for the checkpoints the last session had not stored)");
        }

        var of = Info.RunCount > 1 ? I($" (run {Info.Index + 1} of {Info.RunCount})") : "";
        return I($"[{Info.Name}] {Info.Method}: {Info.Population:N0} members x {Info.StepsPerMember:N0} steps on {Workers} workers{of}{resumed}");
    }

    /// <summary>The live display: a bar line, a counts line and the best evaluation so far, each fitted to <paramref name="width"/>.</summary>
    public IReadOnlyList<string> LiveLines(int width) => [BarLine(width), CountsLine(width), TextLayout.Fit("  " + BestText(), width)];

    /// <summary>One line for a log or pipe: everything the live display shows.</summary>
    public string PlainLine() =>
        I($"[{Info.Name}] {Percent()} · ") + string.Join(" · ", Counts()) + " · " + EtaText() + " · " + BestText();

    /// <summary><c>[pbt-6] completed: 18,000 steps in 2.0 s (9,000 steps/s) · best evaluation mse 19.09 (member 3, step 1,500) · 12 exploits · 0 failures</c>.</summary>
    public string EndLine(RunOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        var rate = outcome.WallSeconds > 0 && outcome.StepsTrained > 0 ? I($" ({Rate ?? outcome.StepsTrained / outcome.WallSeconds:N0} steps/s)") : "";
        var best = BestMember is null ? "no completed evaluation" : BestEvaluation("best evaluation");
        var failures = Failures + Diverged > 0 ? I($" · {Failures:N0} failed, {Diverged:N0} diverged") : " · 0 failures";
        var message = outcome.Status == RunStatus.Completed || outcome.Message is null ? "" : " — " + outcome.Message;
        return I($"[{Info.Name}] {RunStatusNames.Name(outcome.Status)}: {outcome.StepsTrained:N0} steps in {outcome.WallSeconds:F1} s{rate} · {best} · {Exploits:N0} exploits{failures}{message}");
    }

    private string BarLine(int width)
    {
        var usable = TextLayout.Usable(width);
        var name = Info.Name.Length > 24 ? Info.Name[..23] + "…" : Info.Name;
        var percent = Percent().PadLeft(4);
        string[] tails = [EtaText()];
        for (var kept = tails.Length; kept >= 0; kept--)
        {
            var tail = string.Join("  ", tails.Take(kept));
            var fixedWidth = name.Length + 2 + 2 + percent.Length + (tail.Length > 0 ? 2 + tail.Length : 0);
            var bar = Math.Min(40, usable - fixedWidth);
            if (bar >= 10 || kept == 0)
            {
                var barText = bar >= 10 ? "  " + Bar(bar) + "  " : "  ";
                return TextLayout.Fit(name + barText + percent + (tail.Length > 0 ? "  " + tail : ""), width);
            }
        }

        return TextLayout.Fit(name, width);
    }

    private string CountsLine(int width)
    {
        var counts = Counts();
        return TextLayout.Join(["  " + counts[0], .. counts.Skip(1), .. RunOf()], " · ", width);
    }

    private string[] Counts()
    {
        var failures = Diverged > 0 ? I($"{Failures:N0} failures, {Diverged:N0} diverged") : I($"{Failures:N0} failures");
        var rate = Rate is { } r ? I($"{r:N0} steps/s") : "— steps/s";
        return [I($"{Math.Min(StepsTrained, TotalSteps):N0}/{TotalSteps:N0} steps"), failures, I($"{Exploits:N0} exploits"), rate];
    }

    private string[] RunOf() => Info.RunCount > 1 ? [I($"run {Info.Index + 1} of {Info.RunCount}")] : [];

    private string BestText() => BestMember is null ? "best evaluation so far: —" : BestEvaluation("best evaluation so far:");

    private string BestEvaluation(string label)
    {
        var at = BestStep is { } step ? I($", step {step:N0}") : "";
        return I($"{label} {objective.Metric} {BestValue:G6} (member {BestMember}{at})");
    }

    private string Percent() => I($"{Math.Floor(Fraction * 100):0}%");

    private string EtaText() => Eta is { } eta ? "ETA " + Clock(eta) : "ETA —";

    private string Bar(int width)
    {
        var filled = (int)Math.Round(Fraction * width);
        return new string('█', filled) + new string('░', width - filled);
    }

    private static string Clock(TimeSpan t) =>
        t.TotalHours >= 100 ? ">99h" : I($"{(int)t.TotalHours:00}:{t.Minutes:00}:{t.Seconds:00}");

    private static string I(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>A run as the display announces it.</summary>
/// <param name="Name">The run's name.</param>
/// <param name="Method">Its method.</param>
/// <param name="Index">Its 0-based position among the runs this command works on.</param>
/// <param name="RunCount">How many runs this command works on.</param>
/// <param name="Population">Members.</param>
/// <param name="StepsPerMember">Steps each member trains.</param>
/// <param name="Exploits">The scheduler's exploits so far (a <see cref="Experiments.DecisionCounter"/>); null where not counted.</param>
internal sealed record RunInfo(string Name, string Method, int Index, int RunCount, int Population, long StepsPerMember, Func<int>? Exploits);
