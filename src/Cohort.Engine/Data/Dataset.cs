namespace Cohort.Engine.Data;

/// <summary>
/// An in-memory dataset: <see cref="Count"/> samples of shape <see cref="Shape"/> stored row-major in
/// <see cref="Features"/> (NCHW for images: sample, channel, row, column), with <see cref="TargetWidth"/> targets per
/// sample in <see cref="Targets"/>. For classification the target is the class index stored as a float and
/// <see cref="TargetWidth"/> is 1. The dataset owns its arrays; loaders scale images to [0, 1].
/// </summary>
public sealed class Dataset
{
    private readonly int[] _shape;

    /// <summary>Wraps the arrays (no copy). <paramref name="features"/> holds count × prod(shape) values, <paramref name="targets"/> count × targetWidth.</summary>
    public Dataset(
        string name,
        ReadOnlySpan<int> shape,
        float[] features,
        float[] targets,
        int targetWidth,
        TaskKind task,
        int classCount = 0,
        IReadOnlyList<string>? featureNames = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(features);
        ArgumentNullException.ThrowIfNull(targets);
        if (shape.IsEmpty)
        {
            throw new ArgumentException("Shape must have at least one dimension.", nameof(shape));
        }

        var sampleSize = 1;
        foreach (var d in shape)
        {
            ArgumentOutOfRangeException.ThrowIfNegativeOrZero(d, nameof(shape));
            sampleSize = checked(sampleSize * d);
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(targetWidth);
        if (features.Length % sampleSize != 0)
        {
            throw new ArgumentException(
                $"Features length {features.Length} is not a multiple of the sample size {sampleSize}.", nameof(features));
        }

        var count = features.Length / sampleSize;
        if (targets.Length != checked(count * targetWidth))
        {
            throw new ArgumentException(
                $"Targets length {targets.Length} does not match {count} samples × target width {targetWidth}.", nameof(targets));
        }

        if (task == TaskKind.Classification)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(classCount, 2);
            if (targetWidth != 1)
            {
                throw new ArgumentException($"Classification needs target width 1, got {targetWidth}.", nameof(targetWidth));
            }
        }
        else if (classCount != 0)
        {
            throw new ArgumentException($"Regression datasets have no classes, got class count {classCount}.", nameof(classCount));
        }

        if (featureNames is not null && featureNames.Count != sampleSize)
        {
            throw new ArgumentException(
                $"{featureNames.Count} feature names for {sampleSize} features.", nameof(featureNames));
        }

        Name = name;
        _shape = shape.ToArray();
        SampleSize = sampleSize;
        Count = count;
        Features = features;
        Targets = targets;
        TargetWidth = targetWidth;
        Task = task;
        ClassCount = classCount;
        FeatureNames = featureNames;
    }

    /// <summary>Name, e.g. "mnist/train" or "boston/validation".</summary>
    public string Name { get; }

    /// <summary>Per-sample shape, e.g. [1, 28, 28], [3, 32, 32] or [13].</summary>
    public ReadOnlySpan<int> Shape => _shape;

    /// <summary>Number of features per sample: the product of <see cref="Shape"/>.</summary>
    public int SampleSize { get; }

    /// <summary>Number of samples.</summary>
    public int Count { get; }

    /// <summary>Count × SampleSize values, row-major (NCHW for images).</summary>
    public float[] Features { get; }

    /// <summary>Count × TargetWidth values; for classification the class index as a float.</summary>
    public float[] Targets { get; }

    /// <summary>Targets per sample (1 for classification).</summary>
    public int TargetWidth { get; }

    /// <summary>Classification or regression.</summary>
    public TaskKind Task { get; }

    /// <summary>Number of classes for classification; 0 for regression.</summary>
    public int ClassCount { get; }

    /// <summary>Names of the features of tabular data (one per feature), or null.</summary>
    public IReadOnlyList<string>? FeatureNames { get; }

    /// <summary>The features of sample <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> SampleFeatures(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return Features.AsSpan(index * SampleSize, SampleSize);
    }

    /// <summary>The targets of sample <paramref name="index"/>.</summary>
    public ReadOnlySpan<float> SampleTargets(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, Count);
        return Targets.AsSpan(index * TargetWidth, TargetWidth);
    }

    /// <summary>
    /// Copies the samples <paramref name="indices"/> (in that order) into <paramref name="inputs"/> (indices.Length × SampleSize)
    /// and <paramref name="targets"/> (indices.Length × TargetWidth). Allocates nothing.
    /// </summary>
    public void Gather(ReadOnlySpan<int> indices, Span<float> inputs, Span<float> targets)
    {
        var n = indices.Length;
        if (inputs.Length < n * SampleSize)
        {
            throw new ArgumentException($"Input buffer holds {inputs.Length} floats, {n} samples need {n * SampleSize}.", nameof(inputs));
        }

        if (targets.Length < n * TargetWidth)
        {
            throw new ArgumentException($"Target buffer holds {targets.Length} floats, {n} samples need {n * TargetWidth}.", nameof(targets));
        }

        var features = Features.AsSpan();
        var allTargets = Targets.AsSpan();
        for (var i = 0; i < n; i++)
        {
            var s = indices[i];
            if ((uint)s >= (uint)Count)
            {
                throw new ArgumentOutOfRangeException(nameof(indices), s, $"Sample index outside 0..{Count - 1}.");
            }

            features.Slice(s * SampleSize, SampleSize).CopyTo(inputs.Slice(i * SampleSize, SampleSize));
            allTargets.Slice(s * TargetWidth, TargetWidth).CopyTo(targets.Slice(i * TargetWidth, TargetWidth));
        }
    }

    /// <summary>A new dataset holding copies of the samples <paramref name="indices"/>, in that order.</summary>
    public Dataset Subset(ReadOnlySpan<int> indices, string name)
    {
        var features = new float[indices.Length * SampleSize];
        var targets = new float[indices.Length * TargetWidth];
        Gather(indices, features, targets);
        return new Dataset(name, _shape, features, targets, TargetWidth, Task, ClassCount, FeatureNames);
    }

    /// <summary>A new dataset with the same shape and samples but copied arrays and a new name.</summary>
    public Dataset Clone(string name) =>
        new(name, _shape, (float[])Features.Clone(), (float[])Targets.Clone(), TargetWidth, Task, ClassCount, FeatureNames);

    /// <summary>Concatenates datasets with the same shape, target width and task, in order.</summary>
    public static Dataset Concat(string name, IReadOnlyList<Dataset> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        ArgumentOutOfRangeException.ThrowIfZero(parts.Count);
        var first = parts[0];
        var total = 0;
        foreach (var p in parts)
        {
            if (!p.Shape.SequenceEqual(first.Shape) || p.TargetWidth != first.TargetWidth || p.Task != first.Task || p.ClassCount != first.ClassCount)
            {
                throw new ArgumentException($"Dataset '{p.Name}' does not match '{first.Name}' in shape, targets or task.", nameof(parts));
            }

            total = checked(total + p.Count);
        }

        var features = new float[checked(total * first.SampleSize)];
        var targets = new float[total * first.TargetWidth];
        int fo = 0, to = 0;
        foreach (var p in parts)
        {
            p.Features.CopyTo(features, fo);
            p.Targets.CopyTo(targets, to);
            fo += p.Features.Length;
            to += p.Targets.Length;
        }

        return new Dataset(name, first.Shape, features, targets, first.TargetWidth, first.Task, first.ClassCount, first.FeatureNames);
    }

    public override string ToString() =>
        $"{Name}: {Count} × [{string.Join(',', _shape)}] → {(Task == TaskKind.Classification ? $"{ClassCount} classes" : $"{TargetWidth} targets")}";
}
