using System.Globalization;

namespace Cohort.Training.Reinforcement;

/// <summary>
/// A ring buffer of Sarsa transitions (s, a, r, s′, a′, terminated): once full, each new transition overwrites the
/// oldest. Storage is preallocated; adding and gathering allocate nothing. Part of a member's checkpoint.
/// </summary>
internal sealed class ReplayBuffer
{
    private readonly int _observationSize;
    private readonly float[] _states;
    private readonly float[] _nextStates;
    private readonly int[] _actions;
    private readonly int[] _nextActions;
    private readonly float[] _rewards;
    private readonly bool[] _terminated;

    public ReplayBuffer(int capacity, int observationSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(observationSize, 1);
        Capacity = capacity;
        _observationSize = observationSize;
        _states = new float[capacity * observationSize];
        _nextStates = new float[capacity * observationSize];
        _actions = new int[capacity];
        _nextActions = new int[capacity];
        _rewards = new float[capacity];
        _terminated = new bool[capacity];
    }

    public int Capacity { get; }

    /// <summary>Transitions held (at most <see cref="Capacity"/>).</summary>
    public int Count { get; private set; }

    /// <summary>Where the next transition goes.</summary>
    public int Next { get; private set; }

    public void Add(ReadOnlySpan<float> state, int action, double reward, ReadOnlySpan<float> nextState, int nextAction, bool terminated)
    {
        var i = Next;
        state.CopyTo(_states.AsSpan(i * _observationSize, _observationSize));
        nextState.CopyTo(_nextStates.AsSpan(i * _observationSize, _observationSize));
        _actions[i] = action;
        _nextActions[i] = nextAction;
        _rewards[i] = (float)reward;
        _terminated[i] = terminated;
        Next = (i + 1) % Capacity;
        Count = Math.Min(Count + 1, Capacity);
    }

    /// <summary>Copies the transitions at <paramref name="indices"/> into batch buffers; notTerminal is 0 or 1.</summary>
    public void Gather(
        ReadOnlySpan<int> indices, Span<float> states, Span<int> actions, Span<float> rewards,
        Span<float> nextStates, Span<int> nextActions, Span<float> notTerminal)
    {
        var n = _observationSize;
        for (var j = 0; j < indices.Length; j++)
        {
            var i = indices[j];
            _states.AsSpan(i * n, n).CopyTo(states.Slice(j * n, n));
            _nextStates.AsSpan(i * n, n).CopyTo(nextStates.Slice(j * n, n));
            actions[j] = _actions[i];
            nextActions[j] = _nextActions[i];
            rewards[j] = _rewards[i];
            notTerminal[j] = _terminated[i] ? 0f : 1f;
        }
    }

    public void CopyFrom(ReplayBuffer other)
    {
        if (other.Capacity != Capacity || other._observationSize != _observationSize)
        {
            throw new ArgumentException("Replay buffers of different shapes.", nameof(other));
        }

        var used = other.Count * _observationSize;
        other._states.AsSpan(0, used).CopyTo(_states);
        other._nextStates.AsSpan(0, used).CopyTo(_nextStates);
        other._actions.AsSpan(0, other.Count).CopyTo(_actions);
        other._nextActions.AsSpan(0, other.Count).CopyTo(_nextActions);
        other._rewards.AsSpan(0, other.Count).CopyTo(_rewards);
        other._terminated.AsSpan(0, other.Count).CopyTo(_terminated);
        Count = other.Count;
        Next = other.Next;
    }

    /// <summary>Writes capacity, observation size, count, next, then the <see cref="Count"/> stored transitions.</summary>
    public void Write(BinaryWriter writer)
    {
        writer.Write(Capacity);
        writer.Write(_observationSize);
        writer.Write(Count);
        writer.Write(Next);
        var n = _observationSize;
        for (var i = 0; i < Count; i++)
        {
            foreach (var v in _states.AsSpan(i * n, n))
            {
                writer.Write(v);
            }

            foreach (var v in _nextStates.AsSpan(i * n, n))
            {
                writer.Write(v);
            }

            writer.Write(_actions[i]);
            writer.Write(_nextActions[i]);
            writer.Write(_rewards[i]);
            writer.Write(_terminated[i]);
        }
    }

    /// <summary>Reads what <see cref="Write"/> wrote; throws <see cref="InvalidDataException"/> when it does not fit this buffer.</summary>
    public void Read(BinaryReader reader, int actionCount)
    {
        var capacity = reader.ReadInt32();
        var observationSize = reader.ReadInt32();
        var count = reader.ReadInt32();
        var next = reader.ReadInt32();
        if (capacity != Capacity || observationSize != _observationSize || count < 0 || count > capacity || next < 0 || next >= capacity
            || (count < capacity && next != count))
        {
            throw new InvalidDataException(string.Create(
                CultureInfo.InvariantCulture,
                $"The replay buffer (capacity {capacity}, {observationSize} floats per observation, count {count}, next {next}) does not fit this trainable (capacity {Capacity}, {_observationSize} floats)."));
        }

        var n = _observationSize;
        for (var i = 0; i < count; i++)
        {
            for (var k = 0; k < n; k++)
            {
                _states[(i * n) + k] = reader.ReadSingle();
            }

            for (var k = 0; k < n; k++)
            {
                _nextStates[(i * n) + k] = reader.ReadSingle();
            }

            _actions[i] = ReadAction(reader, actionCount);
            _nextActions[i] = ReadAction(reader, actionCount);
            _rewards[i] = reader.ReadSingle();
            _terminated[i] = reader.ReadBoolean();
        }

        Count = count;
        Next = next;
    }

    private static int ReadAction(BinaryReader reader, int actionCount)
    {
        var a = reader.ReadInt32();
        return (uint)a < (uint)actionCount
            ? a
            : throw new InvalidDataException(string.Create(CultureInfo.InvariantCulture, $"The replay buffer holds action {a}; the environment has {actionCount}."));
    }
}
