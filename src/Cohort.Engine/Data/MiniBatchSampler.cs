namespace Cohort.Engine.Data;

/// <summary>
/// The position of a <see cref="MiniBatchSampler"/>: the seed of its permutations, the current epoch and the
/// next position within the epoch's permutation. Epoch e's permutation is a pure function of (seed, e), so these
/// three numbers restore a sampler exactly.
/// </summary>
public sealed record SamplerState(ulong Seed, long Epoch, int Position)
{
    private const int FormatVersion = 1;

    /// <summary>Writes the state (a version tag and the three fields, little-endian).</summary>
    public void WriteTo(BinaryWriter writer)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.Write(FormatVersion);
        writer.Write(Seed);
        writer.Write(Epoch);
        writer.Write(Position);
    }

    /// <summary>Reads a state written by <see cref="WriteTo"/>.</summary>
    public static SamplerState ReadFrom(BinaryReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var version = reader.ReadInt32();
        if (version != FormatVersion)
        {
            throw new InvalidDataException($"Unknown sampler state version {version}, expected {FormatVersion}.");
        }

        return new SamplerState(reader.ReadUInt64(), reader.ReadInt64(), reader.ReadInt32());
    }
}

/// <summary>
/// Seeded mini-batch sampler over a <see cref="Dataset"/>: each epoch visits the samples in a fresh permutation
/// (Fisher–Yates with a SplitMix64 stream derived from (seed, epoch)), and <see cref="NextBatch"/> copies the next
/// batch into caller-provided buffers without allocating. Batches never straddle epochs: with
/// <see cref="DropLast"/> false every sample appears exactly once per epoch and the last batch may be short; with it
/// true every batch is full and the epoch's remainder is skipped. <see cref="State"/> / <see cref="Restore"/> make a
/// run restored from a checkpoint draw exactly the batches it would have drawn.
/// </summary>
public sealed class MiniBatchSampler
{
    private const ulong EpochPurpose = 0x45504F4348UL; // "EPOCH"

    private readonly int[] _permutation;
    private readonly int[] _lastIndices;
    private ulong _seed;
    private long _epoch;
    private int _position;
    private int _lastCount;

    public MiniBatchSampler(Dataset data, int batchSize, ulong seed, bool dropLast = false)
    {
        ArgumentNullException.ThrowIfNull(data);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(batchSize);
        ArgumentOutOfRangeException.ThrowIfZero(data.Count, nameof(data));
        if (dropLast && batchSize > data.Count)
        {
            throw new ArgumentOutOfRangeException(nameof(batchSize), batchSize, $"With dropLast, the batch size must not exceed the {data.Count} samples of '{data.Name}'.");
        }

        Data = data;
        BatchSize = batchSize;
        DropLast = dropLast;
        _permutation = new int[data.Count];
        _lastIndices = new int[batchSize];
        _seed = seed;
        BuildPermutation();
    }

    /// <summary>The dataset sampled.</summary>
    public Dataset Data { get; }

    /// <summary>Samples per full batch.</summary>
    public int BatchSize { get; }

    /// <summary>Whether a short final batch of each epoch is skipped.</summary>
    public bool DropLast { get; }

    /// <summary>Batches per epoch.</summary>
    public int BatchesPerEpoch => DropLast ? Data.Count / BatchSize : (Data.Count + BatchSize - 1) / BatchSize;

    /// <summary>Epochs completed so far (the epoch the next batch comes from).</summary>
    public long Epoch => _epoch;

    /// <summary>The current position (seed, epoch, index within the epoch).</summary>
    public SamplerState State => new(_seed, _epoch, _position);

    /// <summary>The dataset indices of the batch most recently returned by <see cref="NextBatch"/>.</summary>
    public ReadOnlySpan<int> LastBatchIndices => _lastIndices.AsSpan(0, _lastCount);

    /// <summary>
    /// Copies the next batch into <paramref name="inputs"/> (≥ BatchSize × SampleSize floats) and
    /// <paramref name="targets"/> (≥ BatchSize × TargetWidth floats) and returns the number of samples copied:
    /// BatchSize, or fewer for the last batch of an epoch when <see cref="DropLast"/> is false. Allocates nothing.
    /// </summary>
    public int NextBatch(Span<float> inputs, Span<float> targets)
    {
        var count = Math.Min(BatchSize, Data.Count - _position);
        var batch = _permutation.AsSpan(_position, count);
        Data.Gather(batch, inputs, targets);
        batch.CopyTo(_lastIndices);
        _lastCount = count;
        _position += count;
        var remaining = Data.Count - _position;
        if (remaining == 0 || (DropLast && remaining < BatchSize))
        {
            _epoch++;
            _position = 0;
            BuildPermutation();
        }

        return count;
    }

    /// <summary>Moves the sampler to <paramref name="state"/>, e.g. one read from a checkpoint.</summary>
    public void Restore(SamplerState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        ArgumentOutOfRangeException.ThrowIfNegative(state.Epoch, nameof(state));
        var limit = DropLast ? Data.Count - BatchSize : Data.Count - 1;
        if (state.Position < 0 || state.Position > limit)
        {
            throw new ArgumentOutOfRangeException(nameof(state), state.Position, $"Sampler position must lie in 0..{limit} for {Data.Count} samples.");
        }

        _seed = state.Seed;
        _epoch = state.Epoch;
        _position = state.Position;
        _lastCount = 0;
        BuildPermutation();
    }

    private void BuildPermutation()
    {
        var p = _permutation.AsSpan();
        for (var i = 0; i < p.Length; i++)
        {
            p[i] = i;
        }

        var random = DataRandom.Derive(_seed, EpochPurpose, (ulong)_epoch);
        random.Shuffle(p);
    }
}
