using System.Buffers.Binary;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Randomness;

namespace Cohort.Core.Trainables;

/// <summary>
/// A base for a trainable whose state is a few named arrays and values: register them once in the constructor
/// (<see cref="Weights{T}(string, T[])"/>, <see cref="State{T}(string, T[])"/>, <see cref="Value"/>) and write only the
/// math — <see cref="Apply"/>, <see cref="TrainSteps"/>, <see cref="Evaluate"/>. Save, Load, CopyFrom and the weights-only
/// exchange of <see cref="IWeightTransfer"/> come from the registrations: the state is written deterministically
/// (the step, then each entry in registration order with its name, role, element type, length and little-endian
/// contents), so a copy saves to the same bytes and hashes the same as its source.
/// <para>The contract: everything a later task or evaluation depends on is registered (what is not registered is
/// neither saved nor copied); hyperparameters are not state (they are applied before every task). Randomness comes
/// from the <see cref="Rng"/> handed to <see cref="TrainSteps"/>, seeded by the task, so no generator is saved.
/// <see cref="Weights{T}(string, T[])"/> are what an exploit without optimizer state copies (Keras's
/// <c>set_weights</c>); <see cref="State{T}(string, T[])"/> and <see cref="Value"/> stay with the member then.</para>
/// </summary>
public abstract class StateTrainable : ITrainable, IWeightTransfer
{
    private const uint Magic = 0x31545343; // "CST1", little endian
    private const int FormatVersion = 1;

    private readonly List<Entry> _entries = [];

    /// <inheritdoc/>
    public long Step { get; private set; }

    /// <inheritdoc/>
    public abstract void Apply(HyperparameterSet hyperparameters);

    /// <inheritdoc/>
    public abstract IReadOnlyDictionary<string, double> Evaluate(DataSplit split);

    /// <summary>Trains <paramref name="steps"/> steps with <see cref="TrainSteps"/>, handing it a generator seeded by <paramref name="seed"/>, and counts them.</summary>
    public void Train(int steps, ulong seed, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        TrainSteps(steps, new Rng(seed), cancellationToken);
        Step += steps;
    }

    /// <inheritdoc/>
    public void Save(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var header = new byte[20];
        BinaryPrimitives.WriteUInt32LittleEndian(header, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), FormatVersion);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(8), Step);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(16), _entries.Count);
        destination.Write(header);
        foreach (var entry in _entries)
        {
            entry.Write(destination);
        }
    }

    /// <inheritdoc/>
    public void Load(Stream source) => Read(source, weightsOnly: false);

    /// <inheritdoc/>
    public void CopyFrom(ITrainable other)
    {
        var source = Compatible(other);
        for (var i = 0; i < _entries.Count; i++)
        {
            _entries[i].CopyFrom(source._entries[i]);
        }

        Step = source.Step;
    }

    /// <inheritdoc/>
    public void CopyWeightsFrom(ITrainable other)
    {
        var source = Compatible(other);
        for (var i = 0; i < _entries.Count; i++)
        {
            if (_entries[i].Role == EntryRole.Weights)
            {
                _entries[i].CopyFrom(source._entries[i]);
            }
        }
    }

    /// <inheritdoc/>
    public void LoadWeights(Stream source) => Read(source, weightsOnly: true);

    /// <inheritdoc/>
    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Trains <paramref name="steps"/> steps; every random choice comes from <paramref name="random"/>.</summary>
    protected abstract void TrainSteps(int steps, Rng random, CancellationToken cancellationToken);

    /// <summary>Releases what the trainable holds beyond its arrays (nothing by default).</summary>
    protected virtual void Dispose(bool disposing)
    {
    }

    /// <summary>
    /// Registers <paramref name="initial"/> (kept, not copied) as model weights named <paramref name="name"/> and
    /// returns it: train it in place. An exploit copies it with the rest of the state, or alone when the optimizer state
    /// stays with the member. Element types: <see cref="double"/>, <see cref="float"/>, <see cref="int"/>, <see cref="long"/>.
    /// </summary>
    protected T[] Weights<T>(string name, T[] initial)
        where T : unmanaged => Register(name, initial, EntryRole.Weights);

    /// <summary>
    /// Registers <paramref name="initial"/> (kept, not copied) as state other than weights — optimizer moments,
    /// counters, a buffer — named <paramref name="name"/>, and returns it.
    /// </summary>
    protected T[] State<T>(string name, T[] initial)
        where T : unmanaged => Register(name, initial, EntryRole.State);

    /// <summary>Registers a single number of state (not weights) named <paramref name="name"/>.</summary>
    protected StateValue Value(string name, double initial = 0)
    {
        var storage = Register(name, new[] { initial }, EntryRole.State);
        return new StateValue(storage);
    }

    private T[] Register<T>(string name, T[] array, EntryRole role)
        where T : unmanaged
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(array);
        if (_entries.Any(e => e.Name == name))
        {
            throw new ArgumentException($"State '{name}' is registered twice.", nameof(name));
        }

        _entries.Add(new Entry(name, role, TypeCode<T>(), array));
        return array;
    }

    private static byte TypeCode<T>()
        where T : unmanaged =>
        typeof(T) == typeof(double) ? (byte)1
        : typeof(T) == typeof(float) ? (byte)2
        : typeof(T) == typeof(int) ? (byte)3
        : typeof(T) == typeof(long) ? (byte)4
        : throw new NotSupportedException($"State arrays hold double, float, int or long, not {typeof(T).Name}.");

    private StateTrainable Compatible(ITrainable other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other is not StateTrainable source || source.GetType() != GetType())
        {
            throw new ArgumentException($"Cannot copy a {other.GetType().Name} into a {GetType().Name}.", nameof(other));
        }

        if (source._entries.Count != _entries.Count)
        {
            throw new ArgumentException($"The two {GetType().Name}s register different state ({source._entries.Count} and {_entries.Count} entries).", nameof(other));
        }

        for (var i = 0; i < _entries.Count; i++)
        {
            _entries[i].Check(source._entries[i].Name, source._entries[i].Role, source._entries[i].Type, source._entries[i].Length, i);
        }

        return source;
    }

    private void Read(Stream source, bool weightsOnly)
    {
        ArgumentNullException.ThrowIfNull(source);
        Span<byte> header = stackalloc byte[20];
        source.ReadExactly(header);
        var magic = BinaryPrimitives.ReadUInt32LittleEndian(header);
        var version = BinaryPrimitives.ReadInt32LittleEndian(header[4..]);
        if (magic != Magic || version != FormatVersion)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"Not a {GetType().Name} checkpoint (magic 0x{magic:X8}, version {version})."));
        }

        var step = BinaryPrimitives.ReadInt64LittleEndian(header[8..]);
        var count = BinaryPrimitives.ReadInt32LittleEndian(header[16..]);
        if (count != _entries.Count)
        {
            throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"The checkpoint holds {count} state entries; this {GetType().Name} registers {_entries.Count}."));
        }

        // Read everything before changing anything: a bad checkpoint leaves the state as it was.
        var contents = new byte[_entries.Count][];
        for (var i = 0; i < _entries.Count; i++)
        {
            contents[i] = _entries[i].ReadContents(source, i);
        }

        for (var i = 0; i < _entries.Count; i++)
        {
            if (!weightsOnly || _entries[i].Role == EntryRole.Weights)
            {
                _entries[i].SetContents(contents[i]);
            }
        }

        if (!weightsOnly)
        {
            Step = step;
        }
    }

    private enum EntryRole : byte
    {
        Weights = 1,
        State = 2,
    }

    /// <summary>One registered array: its name, role, element type and the array itself.</summary>
    private sealed class Entry(string name, EntryRole role, byte type, Array array)
    {
        private readonly byte[] _name = Encoding.UTF8.GetBytes(name);

        public string Name { get; } = name;

        public EntryRole Role { get; } = role;

        public byte Type { get; } = type;

        public int Length => array.Length;

        public Array Items => array;

        private int ElementSize => Type switch
        {
            1 or 4 => 8,
            _ => 4,
        };

        private Span<byte> Bytes => MemoryMarshal.CreateSpan(ref MemoryMarshal.GetArrayDataReference(array), array.Length * ElementSize);

        public void Write(Stream destination)
        {
            var head = new byte[4 + _name.Length + 2 + 4];
            BinaryPrimitives.WriteInt32LittleEndian(head, _name.Length);
            _name.CopyTo(head, 4);
            head[4 + _name.Length] = (byte)Role;
            head[5 + _name.Length] = Type;
            BinaryPrimitives.WriteInt32LittleEndian(head.AsSpan(6 + _name.Length), array.Length);
            destination.Write(head);
            if (BitConverter.IsLittleEndian)
            {
                destination.Write(Bytes);
            }
            else
            {
                destination.Write(Swapped(Bytes));
            }
        }

        public byte[] ReadContents(Stream source, int index)
        {
            Span<byte> lengthBytes = stackalloc byte[4];
            source.ReadExactly(lengthBytes);
            var nameLength = BinaryPrimitives.ReadInt32LittleEndian(lengthBytes);
            if (nameLength is < 1 or > 4096)
            {
                throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"State entry {index} of the checkpoint is damaged (name length {nameLength})."));
            }

            var head = new byte[nameLength + 6];
            source.ReadExactly(head);
            Check(Encoding.UTF8.GetString(head, 0, nameLength), (EntryRole)head[nameLength], head[nameLength + 1], BinaryPrimitives.ReadInt32LittleEndian(head.AsSpan(nameLength + 2)), index);
            var contents = new byte[array.Length * ElementSize];
            source.ReadExactly(contents);
            if (!BitConverter.IsLittleEndian)
            {
                contents = Swapped(contents);
            }

            return contents;
        }

        public void SetContents(byte[] contents) => contents.CopyTo(Bytes);

        public void CopyFrom(Entry other) => Array.Copy(other.Items, array, array.Length);

        public void Check(string otherName, EntryRole otherRole, byte otherType, int otherLength, int index)
        {
            if (otherName != Name || otherRole != Role || otherType != Type || otherLength != array.Length)
            {
                throw new InvalidDataException(string.Create(
                    CultureInfo.InvariantCulture,
                    $"State entry {index} is '{otherName}' ({Describe(otherRole, otherType, otherLength)}) where this trainable has '{Name}' ({Describe(Role, Type, array.Length)}): not the same trainable."));
            }
        }

        private static string Describe(EntryRole role, byte type, int length) =>
            string.Create(CultureInfo.InvariantCulture, $"{(role == EntryRole.Weights ? "weights" : "state")}, {TypeName(type)}[{length}]");

        private static string TypeName(byte type) => type switch
        {
            1 => "double",
            2 => "float",
            3 => "int",
            4 => "long",
            _ => "type " + type.ToString(CultureInfo.InvariantCulture),
        };

        private byte[] Swapped(ReadOnlySpan<byte> bytes)
        {
            var copy = bytes.ToArray();
            for (var i = 0; i < copy.Length; i += ElementSize)
            {
                copy.AsSpan(i, ElementSize).Reverse();
            }

            return copy;
        }
    }
}

/// <summary>A single number of a <see cref="StateTrainable"/>'s state (registered with its <c>Value</c> method).</summary>
public sealed class StateValue
{
    private readonly double[] _storage;

    internal StateValue(double[] storage) => _storage = storage;

    /// <summary>The number.</summary>
    public double Value
    {
        get => _storage[0];
        set => _storage[0] = value;
    }
}
