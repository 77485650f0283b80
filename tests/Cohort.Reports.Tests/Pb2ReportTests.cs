using System.Xml.Linq;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Pb2;
using Cohort.Core.Scheduling;
using Cohort.Core.Storage;

namespace Cohort.Reports.Tests;

/// <summary>The PB2 figures (<see cref="Pb2Choices"/>, <see cref="Pb2AcquisitionSurface"/>) and categorical hyperparameters in the report.</summary>
public sealed class Pb2ReportTests
{
    private static readonly XNamespace s_svg = "http://www.w3.org/2000/svg";
    private static readonly Objective s_objective = new("loss", ObjectiveMode.Minimize);

    private static readonly SearchSpace s_space = new(
        new FloatParameter("lr", 1e-4, 0.1, ParameterScale.Log),
        new FloatParameter("momentum", 0, 0.95),
        new CategoricalParameter("optimizer", ["adam", "sgd"]));

    private static ReportOptions Options(bool withSpace) =>
        new("pb2 vs pbt", s_objective, ["lr", "momentum"], new HashSet<string>(["lr"]))
        {
            Space = withSpace ? s_space : null,
            Categories = new Dictionary<string, IReadOnlyList<string>> { ["optimizer"] = ["adam", "sgd"] },
            Pb2Runs = new Dictionary<string, Pb2ExploreOptions> { ["pb2"] = new() },
        };

    private static HyperparameterSet H(double lr, double momentum, string optimizer) =>
        HyperparameterSet.From(new Dictionary<string, HyperValue> { ["lr"] = lr, ["momentum"] = momentum, ["optimizer"] = optimizer });

    /// <summary>
    /// A synchronous run of 4 members over 6 generations of 10 steps on a smooth loss of (lr, momentum, optimizer):
    /// after each generation the worst member copies the best and explores to new values (seeded, so the store is
    /// fixed), logged as <see cref="Explored"/> events, as PBT and PB2 log them.
    /// </summary>
    private static async Task AppendRunAsync(InMemoryExperimentStore store, string name, string method, int seed)
    {
        var ct = CancellationToken.None;
        await store.CreateRunAsync(new RunRecord(name, method, "{}"), ct);
        var rng = new Random(seed);
        var h = Enumerable.Range(0, 4).Select(m => H(Math.Pow(10, -4 + (3 * rng.NextDouble())), 0.9 * rng.NextDouble(), m % 2 == 0 ? "adam" : "sgd")).ToArray();
        var from = new CheckpointRef?[4];
        var loss = new double[4];
        for (var g = 0; g < 6; g++)
        {
            for (var m = 0; m < 4; m++)
            {
                var lr = h[m].GetNumber("lr");
                var quality = Math.Pow(Math.Log10(lr) + 2.5, 2) + Math.Pow(h[m].GetNumber("momentum") - 0.5, 2) + (h[m].GetCategory("optimizer") == "sgd" ? 0.3 : 0);
                loss[m] = (g == 0 ? 5.0 : loss[m]) - (0.5 / (1 + quality));
                var result = new TaskResult(
                    new TrainTask(m, g, g, from[m], h[m], g * 10, 10, 1),
                    TaskOutcome.Completed,
                    new Dictionary<string, double> { ["loss"] = loss[m] },
                    new Dictionary<string, double>(),
                    new CheckpointRef($"{name}-m{m}-g{g}", (g * 10) + 10, 100));
                from[m] = result.Checkpoint;
                var events = new List<RunEvent>();
                if (m == 3 && g < 5)
                {
                    var best = Enumerable.Range(0, 4).MinBy(i => loss[i]);
                    var worst = Enumerable.Range(0, 4).MaxBy(i => loss[i]);
                    if (best != worst)
                    {
                        var after = H(Math.Clamp(h[best].GetNumber("lr") * (0.5 + rng.NextDouble()), 1e-4, 0.1), Math.Clamp(h[best].GetNumber("momentum") + (0.2 * (rng.NextDouble() - 0.5)), 0, 0.95), rng.Next(2) == 0 ? "adam" : "sgd");
                        events.Add(new Explored(worst, (g * 10) + 10, h[best], after, method));
                        h[worst] = after;
                        from[worst] = from[best];
                        loss[worst] = loss[best];
                    }
                }

                await store.AppendAsync(name, result, events, ct);
            }
        }
    }

    private static async Task<XDocument> ReportAsync(bool withSpace)
    {
        var store = new InMemoryExperimentStore();
        await AppendRunAsync(store, "pbt", "pbt", 1);
        await AppendRunAsync(store, "pb2", "pb2", 2);
        var html = await HtmlReport.BuildAsync(store, Options(withSpace), CancellationToken.None);
        return XDocument.Parse(html.Replace("<!DOCTYPE html>", "", StringComparison.Ordinal));
    }

    private static XElement Chart(XDocument doc, string titleStart) =>
        doc.Descendants(s_svg + "svg").Single(s => ((string?)s.Element(s_svg + "title") ?? "").StartsWith(titleStart, StringComparison.Ordinal));

    private static XElement[] Charts(XDocument doc, string titleStart) =>
        doc.Descendants(s_svg + "svg").Where(s => ((string?)s.Element(s_svg + "title") ?? "").StartsWith(titleStart, StringComparison.Ordinal)).ToArray();

    [Fact]
    public async Task BuildAsync_Should_ShowPb2sChoicesBesidePbts_When_TheExperimentHasBoth()
    {
        var doc = await ReportAsync(withSpace: false);

        // Then one figure holds every explore decision of each run: PB2's filled, PBT's hollow
        var chart = Chart(doc, "Chosen lr × momentum: pb2 beside pbt");
        Assert.Equal(5, chart.Descendants(s_svg + "circle").Count(c => (string?)c.Attribute("class") == "point"));
        Assert.Equal(5, chart.Descendants(s_svg + "circle").Count(c => (string?)c.Attribute("class") == "hollow"));
        Assert.Empty(Charts(doc, "PB2 acquisition")); // no search space given: no surface
    }

    [Fact]
    public async Task BuildAsync_Should_DrawTheAcquisitionSurfaceAtThreeGenerations_When_TheSpaceIsKnown()
    {
        var doc = await ReportAsync(withSpace: true);

        // Then three heat maps (a quarter, half way and the last explore step), each a 24 × 24 surface refitted from the
        // stored results that is not flat, with the step's choice marked
        var maps = Charts(doc, "PB2 acquisition at step");
        Assert.Equal(["PB2 acquisition at step 20 (pb2)", "PB2 acquisition at step 30 (pb2)", "PB2 acquisition at step 50 (pb2)"], maps.Select(m => (string)m.Element(s_svg + "title")!));
        foreach (var map in maps)
        {
            var cells = map.Descendants(s_svg + "g").Single(g => (string?)g.Attribute("class") == "cells").Elements(s_svg + "rect").ToArray();
            Assert.Equal(24 * 24, cells.Length);
            Assert.True(cells.Select(c => (string)c.Attribute("fill")!).Distinct().Count() > 10, "the surface is flat");
            Assert.Single(map.Descendants(s_svg + "circle"), c => (string?)c.Attribute("class") == "mark");
        }
    }

    [Fact]
    public async Task BuildAsync_Should_DrawACategoricalOnAnAxisOfItsChoices_When_OptimizerIsSearched()
    {
        var doc = await ReportAsync(withSpace: false);

        // Then each run has a step chart of the optimizer labelled adam and sgd, with every member and the best schedule
        var chart = Chart(doc, "optimizer per member (pb2)");
        var labels = chart.Descendants(s_svg + "g").Single(g => (string?)g.Attribute("class") == "y-ticks").Elements(s_svg + "text").Select(t => t.Value);
        Assert.Equal(["adam", "sgd"], labels);
        Assert.Equal(5, chart.Descendants(s_svg + "path").Count(p => p.Parent?.Attribute("class")?.Value == "series" || p.Ancestors().Any(a => (string?)a.Attribute("class") == "series")));

        // And the best member's schedule table has an optimizer column with the names
        var html = doc.ToString();
        Assert.Contains("<th>optimizer</th>", html, StringComparison.Ordinal);
        Assert.Matches("<td class=\"n\">(adam|sgd)</td>", html);
    }
}
