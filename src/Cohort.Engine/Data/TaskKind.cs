namespace Cohort.Engine.Data;

/// <summary>What a dataset's targets mean.</summary>
public enum TaskKind
{
    /// <summary>One target per sample: the class index stored as a float in [0, ClassCount).</summary>
    Classification,

    /// <summary>TargetWidth real-valued targets per sample.</summary>
    Regression,
}
