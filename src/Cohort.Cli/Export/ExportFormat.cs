namespace Cohort.Cli.Export;

/// <summary>What <c>cohort export</c> writes.</summary>
internal enum ExportFormat
{
    /// <summary>One CSV row per evaluation (<see cref="EvaluationTable"/>).</summary>
    Csv,

    /// <summary>One JSON object per line and evaluation, with the CSV's keys.</summary>
    Jsonl,

    /// <summary>TensorBoard event files: a folder per run and member, scalars per evaluation step.</summary>
    Tensorboard,
}
