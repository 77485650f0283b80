using System.Globalization;
using System.Text.Json.Nodes;
using Cohort.Core.Trainables;
using Cohort.Reports.Charts;

namespace Cohort.Reports;

/// <summary>
/// Samples a run's best member generates (<see cref="ISampleImages"/>: a GAN's digits), drawn from its final
/// checkpoint when the run ended and kept in the experiment store (metadata <see cref="MetadataKey"/>), so that the
/// report, like everything else in it, comes from the store.
/// </summary>
/// <param name="Member">The member drawn.</param>
/// <param name="Step">Its step.</param>
/// <param name="Score">Its final validation score (the objective).</param>
/// <param name="Png">The image.</param>
public sealed record SampleGrid(int Member, long Step, double Score, byte[] Png)
{
    /// <summary>The store metadata key of <paramref name="run"/>'s samples.</summary>
    public static string MetadataKey(string run) => "sample-grid:" + run;

    /// <summary>The stored form: JSON with the image in base64.</summary>
    public string ToJson() => new JsonObject
    {
        ["member"] = Member,
        ["step"] = Step,
        ["score"] = double.IsFinite(Score) ? Score : null,
        ["png"] = Convert.ToBase64String(Png),
    }.ToJsonString();

    /// <summary>Reads <see cref="ToJson"/>'s form; null when <paramref name="json"/> is not one.</summary>
    public static SampleGrid? FromJson(string? json)
    {
        if (string.IsNullOrEmpty(json) || JsonNode.Parse(json) is not JsonObject o
            || o["member"]?.GetValue<int>() is not { } member || o["step"]?.GetValue<long>() is not { } step || o["png"]?.GetValue<string>() is not { } png)
        {
            return null;
        }

        return new SampleGrid(member, step, o["score"]?.GetValue<double>() ?? double.NaN, Convert.FromBase64String(png));
    }

    /// <summary>The report's figure: the image, scaled up without smoothing, with a caption.</summary>
    internal string ToHtml(string run, string metric) =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"<img class=\"samples\" alt=\"samples of {Svg.Escape(run)}\" src=\"data:image/png;base64,{Convert.ToBase64String(Png)}\"/><figcaption>Generated samples ({Svg.Escape(run)}): best member {Member} at step {Step}, validation {Svg.Escape(metric)} {Ticks.Format(Score)}; the same noise for every run.</figcaption>");
}
