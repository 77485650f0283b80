using System.Buffers;
using System.Buffers.Binary;
using System.IO.Hashing;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using System.Text;
using Cohort.Engine.Randomness;

namespace Cohort.Engine.Training;

/// <summary>
/// Binary checkpoint of a <see cref="Trainer"/>, little-endian, version 3:
/// <code>
/// offset  size  field
///  0      8     magic "COHORTCK"
///  8      4     u32 format version (2)
/// 12      8     u64 payload length L (bytes between offset 20 and the checksum)
/// 20      L     payload:
///               u64 model fingerprint (first 8 bytes of SHA-256 of ModelSpec.Describe())
///               i32 n, n bytes UTF-8 ModelSpec.Describe() (for error messages)
///               u8 optimizer, u8 loss, u8 nesterov, u8 reserved (0)
///               i64 step
///               i64 optimizer step (steps of the current optimizer state; absent in version 1, where it is the step)
///               4 × u64 engine RNG state (xoshiro256**)
///               9 × f32 learning rate, momentum, β₁, β₂, ε, weight decay, λ₁, λ₂, dropout
///               i32 P parameter count, i32 K moment arrays (1 for SGD, 2 for Adam/AdamW)
///               P × f32 parameters, then K × P × f32 moments (SGD momentum, or Adam m then v)
/// 20+L    16    XXH128 of bytes [0, 20+L) (System.IO.Hashing's XxHash128, as it writes it)
/// </code>
/// A restored trainer continues bit-identically: every value a step reads is in the file. The optimizer is the
/// checkpoint's, whatever the trainer had (a member may have switched optimizer, <see cref="Trainer.SwitchOptimizer"/>).
/// Older files are still read: version 2 (the same payload, with a 32-byte SHA-256 checksum) and version 1 (before
/// optimizers could switch: no optimizer step field, SHA-256). The checksum only detects damage; what identifies a
/// checkpoint is the hash its store computes over all of these bytes. A non-cryptographic checksum is enough for that
/// and costs a fraction of SHA-256: a PBT run writes a checkpoint after every task.
/// </summary>
internal static class Checkpoint
{
    public const uint Version = 3;
    private const int HeaderLength = 20;
    private const int ChecksumLength = 16;
    private const int Sha256Length = 32;
    private static ReadOnlySpan<byte> Magic => "COHORTCK"u8;

    public static void Write(Trainer trainer, Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        var description = trainer.Description;
        var p = trainer.ParameterCount;
        var k = trainer.Optimizer == OptimizerKind.Sgd ? 1 : 2;
        var payload = 8 + 4 + description.Length + 4 + 8 + 8 + (8 * EngineRandom.StateLength) + (9 * 4) + 4 + 4 + (4L * p * (1 + k));
        var total = HeaderLength + payload + ChecksumLength;
        if (total > Array.MaxLength)
        {
            throw new InvalidOperationException($"A checkpoint of {total} bytes is too large.");
        }

        // Rented, not allocated: a checkpoint is saved after every task, and the stream copies what it is given.
        var buffer = ArrayPool<byte>.Shared.Rent((int)total);
        try
        {
            var span = buffer.AsSpan(0, (int)total);
            Magic.CopyTo(span);
            BinaryPrimitives.WriteUInt32LittleEndian(span[8..], Version);
            BinaryPrimitives.WriteUInt64LittleEndian(span[12..], (ulong)payload);
            var w = new SpanWriter(span[HeaderLength..]);
            w.U64(trainer.Fingerprint);
            w.I32(description.Length);
            w.Bytes(description);
            w.Byte((byte)trainer.Optimizer);
            w.Byte((byte)trainer.Loss);
            var h = trainer.Hyperparameters;
            w.Byte(h.Nesterov ? (byte)1 : (byte)0);
            w.Byte(0);
            w.I64(trainer.Step);
            w.I64(trainer.OptimizerStep);
            Span<ulong> state = stackalloc ulong[EngineRandom.StateLength];
            trainer.Random.GetState(state);
            foreach (var s in state)
            {
                w.U64(s);
            }

            foreach (var f in (ReadOnlySpan<float>)[h.LearningRate, h.Momentum, h.Beta1, h.Beta2, h.Epsilon, h.WeightDecay, h.L1, h.L2, h.Dropout])
            {
                w.F32(f);
            }

            w.I32(p);
            w.I32(k);
            w.Floats(trainer.Parameters);
            w.Floats(trainer.FirstMoment);
            if (k == 2)
            {
                w.Floats(trainer.SecondMoment);
            }

            XxHash128.Hash(span[..(HeaderLength + (int)payload)], span[(HeaderLength + (int)payload)..]);
            stream.Write(span);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public static void Read(Trainer trainer, Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(sourceName);
        var header = new byte[HeaderLength];
        var got = stream.ReadAtLeast(header, HeaderLength, throwOnEndOfStream: false);
        if (got < Magic.Length || !header.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw Fail(sourceName, got == 0 ? "the file is empty." : "not a Cohort checkpoint (bad magic bytes).");
        }

        if (got < HeaderLength)
        {
            throw Fail(sourceName, $"truncated: the {HeaderLength}-byte header has only {got} bytes.");
        }

        var version = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(8));
        if (version is not (1 or 2 or Version))
        {
            throw Fail(sourceName, $"unsupported format version {version} (this engine reads versions 1 to {Version}).");
        }

        var checksumLength = version == Version ? ChecksumLength : Sha256Length;
        var payloadLength = BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(12));
        if (payloadLength > (ulong)(Array.MaxLength - HeaderLength - checksumLength))
        {
            throw Fail(sourceName, $"corrupted: payload length {payloadLength} is impossible.");
        }

        var total = HeaderLength + (int)payloadLength + checksumLength;
        var buffer = new byte[total];
        header.CopyTo(buffer, 0);
        var body = stream.ReadAtLeast(buffer.AsSpan(HeaderLength), total - HeaderLength, throwOnEndOfStream: false);
        if (body < total - HeaderLength)
        {
            throw Fail(sourceName, $"truncated: expected {total} bytes, found {HeaderLength + body}.");
        }

        Span<byte> checksum = stackalloc byte[checksumLength];
        var covered = buffer.AsSpan(0, HeaderLength + (int)payloadLength);
        if (version == Version)
        {
            XxHash128.Hash(covered, checksum);
        }
        else
        {
            SHA256.HashData(covered, checksum);
        }

        if (!checksum.SequenceEqual(buffer.AsSpan(HeaderLength + (int)payloadLength, checksumLength)))
        {
            throw Fail(sourceName, version == Version ? "corrupted: checksum mismatch." : "corrupted: SHA-256 checksum mismatch.");
        }

        var r = new SpanReader(buffer.AsSpan(HeaderLength, (int)payloadLength), sourceName);
        var fingerprint = r.U64();
        var descriptionLength = r.I32();
        var description = Encoding.UTF8.GetString(r.Bytes(descriptionLength));
        if (fingerprint != trainer.Fingerprint)
        {
            throw Fail(sourceName, $"architecture mismatch: the checkpoint holds '{description}', this trainer is '{trainer.Spec.Describe()}'.");
        }

        var optimizer = (OptimizerKind)r.Byte();
        var loss = (LossKind)r.Byte();
        if (!Enum.IsDefined(optimizer))
        {
            throw Fail(sourceName, $"corrupted: unknown optimizer {(int)optimizer}.");
        }

        if (loss != trainer.Loss)
        {
            throw Fail(sourceName, $"loss mismatch: the checkpoint has {loss}, this trainer {trainer.Loss}.");
        }

        var nesterov = r.Byte() != 0;
        _ = r.Byte();
        var step = r.I64();
        var optimizerStep = version == 1 ? step : r.I64();
        Span<ulong> state = stackalloc ulong[EngineRandom.StateLength];
        for (var i = 0; i < state.Length; i++)
        {
            state[i] = r.U64();
        }

        var h = new TrainingHyperparameters(
            LearningRate: r.F32(), Momentum: r.F32(), Nesterov: nesterov, Beta1: r.F32(), Beta2: r.F32(),
            Epsilon: r.F32(), WeightDecay: r.F32(), L1: r.F32(), L2: r.F32(), Dropout: r.F32());
        var p = r.I32();
        var k = r.I32();
        var expectedK = optimizer == OptimizerKind.Sgd ? 1 : 2;
        if (p != trainer.ParameterCount || k != expectedK)
        {
            throw Fail(sourceName, $"holds {p} parameters and {k} moment arrays; expected {trainer.ParameterCount} and {expectedK}.");
        }

        var parameters = r.Floats(p);
        var m1 = r.Floats(p);
        var m2 = k == 2 ? r.Floats(p) : [];
        if (r.Remaining != 0 || step < 0 || optimizerStep < 0 || optimizerStep > step || (state[0] | state[1] | state[2] | state[3]) == 0)
        {
            throw Fail(sourceName, "corrupted: inconsistent payload.");
        }

        try
        {
            trainer.RestoreState(parameters, optimizer, m1, m2, step, optimizerStep, state, h);
        }
        catch (ArgumentException e)
        {
            throw Fail(sourceName, $"invalid hyperparameters: {e.Message}");
        }
    }

    /// <summary>
    /// The error for an unloadable checkpoint. InvalidDataException is sealed, so the source and the problem travel in
    /// the message ("Checkpoint 'path': problem") and in <see cref="Exception.Data"/> under "SourceName"/"Problem".
    /// </summary>
    private static InvalidDataException Fail(string sourceName, string problem)
    {
        var e = new InvalidDataException($"Checkpoint '{sourceName}': {problem}");
        e.Data["SourceName"] = sourceName;
        e.Data["Problem"] = problem;
        return e;
    }

    private ref struct SpanWriter(Span<byte> span)
    {
        private readonly Span<byte> _span = span;
        private int _pos;

        public void Byte(byte v) => _span[_pos++] = v;

        public void I32(int v)
        {
            BinaryPrimitives.WriteInt32LittleEndian(_span[_pos..], v);
            _pos += 4;
        }

        public void I64(long v)
        {
            BinaryPrimitives.WriteInt64LittleEndian(_span[_pos..], v);
            _pos += 8;
        }

        public void U64(ulong v)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(_span[_pos..], v);
            _pos += 8;
        }

        public void F32(float v)
        {
            BinaryPrimitives.WriteSingleLittleEndian(_span[_pos..], v);
            _pos += 4;
        }

        public void Bytes(ReadOnlySpan<byte> v)
        {
            v.CopyTo(_span[_pos..]);
            _pos += v.Length;
        }

        public void Floats(ReadOnlySpan<float> v)
        {
            if (BitConverter.IsLittleEndian)
            {
                Bytes(MemoryMarshal.AsBytes(v));
                return;
            }

            foreach (var f in v)
            {
                F32(f);
            }
        }
    }

    private ref struct SpanReader(ReadOnlySpan<byte> span, string sourceName)
    {
        private readonly ReadOnlySpan<byte> _span = span;
        private readonly string _sourceName = sourceName;
        private int _pos;

        public readonly int Remaining => _span.Length - _pos;

        public byte Byte() => Take(1)[0];

        public int I32() => BinaryPrimitives.ReadInt32LittleEndian(Take(4));

        public long I64() => BinaryPrimitives.ReadInt64LittleEndian(Take(8));

        public ulong U64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

        public float F32() => BinaryPrimitives.ReadSingleLittleEndian(Take(4));

        public ReadOnlySpan<byte> Bytes(int n) => Take(n);

        public float[] Floats(int n)
        {
            var bytes = Take(checked(n * 4));
            var result = new float[n];
            if (BitConverter.IsLittleEndian)
            {
                bytes.CopyTo(MemoryMarshal.AsBytes(result.AsSpan()));
            }
            else
            {
                for (var i = 0; i < n; i++)
                {
                    result[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * 4)..]);
                }
            }

            return result;
        }

        private ReadOnlySpan<byte> Take(int n)
        {
            if (n < 0 || n > Remaining)
            {
                throw Fail(_sourceName, "corrupted: a field runs past the end of the payload.");
            }

            var s = _span.Slice(_pos, n);
            _pos += n;
            return s;
        }
    }
}
