namespace Cohort.Core.Storage;

/// <summary>
/// A write-only stream that keeps what a trainable saves and names it (<see cref="ContentHash"/>), so that a checkpoint is hashed once
/// and copied at most once: the bytes kept are hashed in one pass when writing ends (no incremental hash state to
/// create for every checkpoint). With <c>keepBytes</c> false it only hashes, while the bytes are written: the
/// weight-exchange check uses it to compare a trainable's state with a checkpoint's hash without holding the bytes.
/// </summary>
public sealed class CheckpointWriter : Stream
{
    private readonly ContentHash.Incremental? _hash;
    private readonly bool _keepBytes;
    private byte[] _buffer;
    private long _length;
    private bool _finished;

    /// <param name="keepBytes">Keep the bytes (a checkpoint to store) or only hash them (a check).</param>
    /// <param name="expectedLength">
    /// The size the state is expected to have (for example the previous checkpoint's): the buffer starts at this size, so
    /// a state of exactly this size is neither regrown nor copied.
    /// </param>
    public CheckpointWriter(bool keepBytes = true, int expectedLength = 0)
        : this(keepBytes ? new byte[expectedLength] : [], keepBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(expectedLength);
    }

    /// <summary>Keeps the bytes, starting in <paramref name="buffer"/> (a spare one of the expected size, reused).</summary>
    public CheckpointWriter(byte[] buffer)
        : this(buffer, keepBytes: true)
    {
    }

    private CheckpointWriter(byte[] buffer, bool keepBytes)
    {
        ArgumentNullException.ThrowIfNull(buffer);
        _keepBytes = keepBytes;
        _buffer = buffer;
        _hash = keepBytes ? null : new ContentHash.Incremental();
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => !_finished;

    public override long Length => _length;

    public override long Position
    {
        get => _length;
        set => throw new NotSupportedException("A checkpoint writer only appends.");
    }

    /// <summary>Saves <paramref name="save"/>'s output as the checkpoint of <paramref name="step"/>.</summary>
    public static CheckpointBytes Capture(Action<Stream> save, long step, int expectedLength = 0)
    {
        ArgumentNullException.ThrowIfNull(save);
        using var writer = new CheckpointWriter(keepBytes: true, expectedLength);
        save(writer);
        return writer.ToCheckpoint(step);
    }

    /// <summary>As <see cref="Capture(Action{Stream}, long, int)"/>, writing into <paramref name="buffer"/> (reused) first.</summary>
    public static CheckpointBytes Capture(Action<Stream> save, long step, byte[] buffer)
    {
        ArgumentNullException.ThrowIfNull(save);
        using var writer = new CheckpointWriter(buffer);
        save(writer);
        return writer.ToCheckpoint(step);
    }

    /// <summary>The name (<see cref="ContentHash"/>) of what <paramref name="save"/> writes, without keeping the bytes.</summary>
    public static string HashOf(Action<Stream> save)
    {
        ArgumentNullException.ThrowIfNull(save);
        using var writer = new CheckpointWriter(keepBytes: false);
        save(writer);
        return writer.FinishHash();
    }

    /// <summary>Ends writing and returns the bytes written with their hash, as the checkpoint of <paramref name="step"/>.</summary>
    public CheckpointBytes ToCheckpoint(long step)
    {
        if (!_keepBytes)
        {
            throw new InvalidOperationException("This writer only hashes; it kept no bytes.");
        }

        var hash = FinishHash();
        var bytes = _buffer.Length == _length ? _buffer : _buffer.AsSpan(0, (int)_length).ToArray();
        return new CheckpointBytes(new CheckpointRef(hash, step, _length), bytes);
    }

    /// <summary>Ends writing and returns the name (<see cref="ContentHash"/>) of the bytes written.</summary>
    public string FinishHash()
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        _finished = true;
        return _hash is null ? ContentHash.Of(_buffer.AsSpan(0, (int)_length)) : _hash.Finish();
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_finished, this);
        if (_hash is not null)
        {
            _hash.Append(buffer);
            _length += buffer.Length;
            return;
        }

        var end = _length + buffer.Length;
        if (end > Array.MaxLength)
        {
            throw new InvalidOperationException($"A checkpoint larger than {Array.MaxLength} bytes cannot be held in memory.");
        }

        if (end > _buffer.Length)
        {
            var grown = new byte[Math.Min(Array.MaxLength, Math.Max(end, Math.Max(256, (long)_buffer.Length * 2)))];
            _buffer.AsSpan(0, (int)_length).CopyTo(grown);
            _buffer = grown;
        }

        buffer.CopyTo(_buffer.AsSpan((int)_length));
        _length = end;
    }

    public override void WriteByte(byte value) => Write([value]);

    public override void Flush()
    {
    }

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("A checkpoint writer cannot be read.");

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("A checkpoint writer only appends.");

    public override void SetLength(long value) => throw new NotSupportedException("A checkpoint writer only appends.");


}
