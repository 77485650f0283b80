using System.Buffers.Binary;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Randomness;
using Cohort.Core.Trainables;
using Cohort.Engine.Training;
using Cohort.Training.Environments;

namespace Cohort.Training.Reinforcement;

/// <summary>
/// Deep Double Sarsa (paper 002, sec. 4.4) as a PBT member: a behaviour network θᴬ updated at every environment step
/// towards r + γ·Q(s′, a′; θᴮ), and a target network θᴮ that takes θᴬ's weights every <c>target_sync</c> steps (the
/// paper's variant after van Hasselt et al.'s Double DQN, rather than swapping the two networks at random). Actions
/// are ε-greedy on the average of the two networks' values (the paper's line 7), ε decaying linearly from 1 to
/// <c>epsilon_final</c> (0.1 in the paper); evaluation episodes are greedy (ε = 0) and do not train.
/// <para>
/// <b>A step is one environment step.</b> A task of k steps therefore costs the same for every member whatever its
/// episodes' lengths, the run's steps trained are its environment steps, and PBT's ready interval is a fixed amount
/// of experience (paper 002 evaluates every 40 episodes, whose length grows as the agent learns). Episodes run across
/// task boundaries: the environment's state mid-episode is part of the checkpoint.
/// </para>
/// <para>
/// Each step: take the pending action a in s, observe r and s′, choose a′ ε-greedily in s′, store (s, a, r, s′, a′,
/// terminated) in the replay buffer, and, once it holds a batch, update θᴬ on a batch drawn uniformly from it
/// (<see cref="TemporalDifferenceLoss"/>). A truncated episode (time limit) bootstraps from s′; a terminated one does
/// not. After an episode ends the next step starts a new one.
/// </para>
/// <para>
/// Purity: the state is both networks (with the optimizer's moments), the environment's state, the pending action, the
/// episode's return so far, the step and episode counters, the steps since the last synchronisation, the recent
/// training returns and the replay buffer — all in <see cref="Save"/>, which is byte-deterministic. Every random choice
/// of a task (start states, ε draws, actions, replay samples) comes from a generator seeded by the task seed alone, so
/// no generator position needs saving. Evaluation episodes draw their start states from
/// (<see cref="DeepDoubleSarsaOptions.EvaluationSeed"/>, step) and change nothing.
/// </para>
/// </summary>
public sealed class DeepDoubleSarsaTrainable : ITrainable
{
    /// <summary>Mean return of the evaluation episodes (the objective).</summary>
    public const string MetricReturn = "return";

    /// <summary>Training episodes completed.</summary>
    public const string MetricEpisodes = "episodes";

    /// <summary>Training environment steps (the member's step).</summary>
    public const string MetricEnvironmentSteps = "env_steps";

    /// <summary>Environment steps taken by the evaluation that reports it.</summary>
    public const string MetricEvaluationSteps = "eval_steps";

    /// <summary>Mean return of the last <see cref="RecentEpisodes"/> training episodes.</summary>
    public const string MetricTrainReturn = "train_return";

    /// <summary>How many training episodes <see cref="MetricTrainReturn"/> averages.</summary>
    public const int RecentEpisodes = 10;

    private const int FormatVersion = 1;
    private const int HeaderLength = 20;
    private const int HashLength = 32;
    private static readonly ulong s_trainPurpose = Seeds.Purpose("sarsa-train");
    private static readonly ulong s_validationPurpose = Seeds.Purpose("sarsa-validation");
    private static readonly ulong s_testPurpose = Seeds.Purpose("sarsa-test");
    private static ReadOnlySpan<byte> Magic => "COHORTRL"u8;

    private readonly DeepDoubleSarsaTrainableFactory _factory;
    private readonly Trainer _behaviour;
    private readonly Trainer _target;
    private readonly IEnvironment _environment;
    private readonly IEnvironment _evaluation;
    private readonly ReplayBuffer _replay;
    private readonly int _actionCount;
    private readonly int _batch;

    // Work buffers (no state).
    private readonly float[] _state;
    private readonly float[] _q;
    private readonly float[] _qTarget;
    private readonly int[] _indices;
    private readonly float[] _states;
    private readonly int[] _actions;
    private readonly float[] _rewards;
    private readonly float[] _nextStates;
    private readonly int[] _nextActions;
    private readonly float[] _notTerminal;
    private readonly float[] _nextValues;
    private readonly float[] _targets;

    // State besides the networks, the environment and the replay buffer.
    private readonly double[] _recent = new double[RecentEpisodes];
    private int _recentCount;
    private int _recentNext;
    private int _pendingAction;
    private double _episodeReturn;
    private long _episodes;
    private long _sinceSync;
    private SarsaSettings _settings = new();

    internal DeepDoubleSarsaTrainable(DeepDoubleSarsaTrainableFactory factory, ulong seed)
    {
        _factory = factory;
        var o = factory.Options;
        _batch = o.BatchSize;
        _behaviour = new Trainer(factory.Model, o.Optimizer, LossKind.MeanSquaredError, seed, o.Threads, _batch);
        _target = new Trainer(factory.Model, OptimizerKind.Sgd, LossKind.MeanSquaredError, seed, o.Threads, _batch);
        _target.CopyParametersFrom(_behaviour);
        _environment = EnvironmentCatalog.Create(o.Environment);
        _evaluation = EnvironmentCatalog.Create(o.Environment);
        _actionCount = _environment.ActionCount;
        var n = _environment.ObservationSize;
        _replay = new ReplayBuffer(o.ReplayCapacity, n);
        _state = new float[n];
        _q = new float[_actionCount];
        _qTarget = new float[_actionCount];
        _indices = new int[_batch];
        _states = new float[_batch * n];
        _actions = new int[_batch];
        _rewards = new float[_batch];
        _nextStates = new float[_batch * n];
        _nextActions = new int[_batch];
        _notTerminal = new float[_batch];
        _nextValues = new float[_batch * _actionCount];
        _targets = new float[_batch];
        Apply(HyperparameterSet.Empty);
    }

    /// <summary>Training environment steps taken.</summary>
    public long Step { get; private set; }

    /// <summary>Training episodes completed.</summary>
    public long Episodes => _episodes;

    /// <summary>Whether a training episode is in progress (the next step continues it rather than starting one).</summary>
    public bool InEpisode => !_environment.IsDone;

    /// <summary>The live settings (from the last <see cref="Apply"/>).</summary>
    public SarsaSettings Settings => _settings;

    /// <summary>FNV-1a of the behaviour network's weights (for tests and logs).</summary>
    public ulong BehaviourHash => _behaviour.ParameterHash();

    /// <summary>FNV-1a of the target network's weights (for tests and logs).</summary>
    public ulong TargetHash => _target.ParameterHash();

    public void Apply(HyperparameterSet hyperparameters)
    {
        _settings = SarsaHyperparameters.ToSettings(hyperparameters);
        _behaviour.Hyperparameters = _behaviour.Hyperparameters with { LearningRate = (float)_settings.LearningRate };
    }

    public void Train(int steps, ulong seed, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(steps);
        var rng = new Rng(Seeds.Derive(seed, s_trainPurpose));
        for (var i = 0; i < steps; i++)
        {
            if ((i & 63) == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            TrainStep(rng);
        }
    }

    public IReadOnlyDictionary<string, double> Evaluate(DataSplit split)
    {
        var (mean, steps) = split switch
        {
            DataSplit.Train => (RecentReturn(), 0L),
            DataSplit.Validation => RunGreedyEpisodes(_factory.Options.EvaluationEpisodes, s_validationPurpose),
            DataSplit.Test => RunGreedyEpisodes(_factory.Options.TestEpisodes, s_testPurpose),
            _ => throw new ArgumentOutOfRangeException(nameof(split), split, "Unknown split."),
        };
        return new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [MetricReturn] = mean,
            [MetricEpisodes] = _episodes,
            [MetricEnvironmentSteps] = Step,
            [MetricEvaluationSteps] = steps,
            [MetricTrainReturn] = RecentReturn(),
        };
    }

    /// <summary>
    /// Writes the whole state, little-endian:
    /// <code>
    /// "COHORTRL", u32 version (1), u64 payload length L, then the payload:
    ///   i32 n + n bytes UTF-8 environment id
    ///   i64 step, i64 episodes, i64 steps since the last synchronisation, i32 pending action, f64 episode return
    ///   i32 m + m × f64 environment state (<see cref="IEnvironment.GetState"/>)
    ///   i32 recent count, i32 recent next, 10 × f64 recent training returns
    ///   replay buffer: i32 capacity, i32 floats per observation, i32 count, i32 next,
    ///                  count × (s, s′ as floats, i32 a, i32 a′, f32 r, u8 terminated)
    ///   i32 + behaviour network checkpoint, i32 + target network checkpoint (the engine's format)
    /// SHA-256 of everything before it
    /// </code>
    /// </summary>
    public void Save(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var payload = new MemoryStream();
        using (var w = new BinaryWriter(payload, Encoding.UTF8, leaveOpen: true))
        {
            var name = Encoding.UTF8.GetBytes(_environment.Name);
            w.Write(name.Length);
            w.Write(name);
            w.Write(Step);
            w.Write(_episodes);
            w.Write(_sinceSync);
            w.Write(_pendingAction);
            w.Write(_episodeReturn);
            Span<double> env = stackalloc double[_environment.StateLength];
            _environment.GetState(env);
            w.Write(env.Length);
            foreach (var v in env)
            {
                w.Write(v);
            }

            w.Write(_recentCount);
            w.Write(_recentNext);
            foreach (var v in _recent)
            {
                w.Write(v);
            }

            _replay.Write(w);
            WriteTrainer(w, _behaviour);
            WriteTrainer(w, _target);
        }

        var length = (int)payload.Length;
        var buffer = new byte[HeaderLength + length + HashLength];
        Magic.CopyTo(buffer);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(8), FormatVersion);
        BinaryPrimitives.WriteUInt64LittleEndian(buffer.AsSpan(12), (ulong)length);
        payload.GetBuffer().AsSpan(0, length).CopyTo(buffer.AsSpan(HeaderLength));
        SHA256.HashData(buffer.AsSpan(0, HeaderLength + length), buffer.AsSpan(HeaderLength + length));
        destination.Write(buffer);
    }

    /// <summary>
    /// Restores a state written by <see cref="Save"/> of a member of the same spec. The whole file is checked (magic,
    /// version, SHA-256, environment, sizes) before anything changes; throws <see cref="InvalidDataException"/> naming
    /// the problem.
    /// </summary>
    public void Load(Stream source)
    {
        ArgumentNullException.ThrowIfNull(source);
        var header = new byte[HeaderLength];
        var got = source.ReadAtLeast(header, HeaderLength, throwOnEndOfStream: false);
        if (got < HeaderLength || !header.AsSpan(0, Magic.Length).SequenceEqual(Magic))
        {
            throw Fail(got == 0 ? "the checkpoint is empty" : "not a Deep Double Sarsa checkpoint (bad magic bytes or truncated header)");
        }

        var version = BinaryPrimitives.ReadUInt32LittleEndian(header.AsSpan(8));
        var length = BinaryPrimitives.ReadUInt64LittleEndian(header.AsSpan(12));
        if (version != FormatVersion)
        {
            throw Fail(string.Create(CultureInfo.InvariantCulture, $"unsupported format version {version} (this build reads {FormatVersion})"));
        }

        if (length > (ulong)(Array.MaxLength - HeaderLength - HashLength))
        {
            throw Fail(string.Create(CultureInfo.InvariantCulture, $"impossible payload length {length}"));
        }

        var buffer = new byte[HeaderLength + (int)length + HashLength];
        header.CopyTo(buffer, 0);
        var body = source.ReadAtLeast(buffer.AsSpan(HeaderLength), buffer.Length - HeaderLength, throwOnEndOfStream: false);
        if (body < buffer.Length - HeaderLength)
        {
            throw Fail(string.Create(CultureInfo.InvariantCulture, $"truncated: {HeaderLength + body} of {buffer.Length} bytes"));
        }

        Span<byte> hash = stackalloc byte[HashLength];
        SHA256.HashData(buffer.AsSpan(0, HeaderLength + (int)length), hash);
        if (!hash.SequenceEqual(buffer.AsSpan(HeaderLength + (int)length)))
        {
            throw Fail("corrupted: the SHA-256 does not match its contents");
        }

        using var r = new BinaryReader(new MemoryStream(buffer, HeaderLength, (int)length, writable: false), Encoding.UTF8);
        try
        {
            var name = Encoding.UTF8.GetString(r.ReadBytes(r.ReadInt32()));
            if (name != _environment.Name)
            {
                throw Fail($"it was written for environment '{name}', this member runs '{_environment.Name}'");
            }

            var step = r.ReadInt64();
            var episodes = r.ReadInt64();
            var sinceSync = r.ReadInt64();
            var pending = r.ReadInt32();
            var episodeReturn = r.ReadDouble();
            var envLength = r.ReadInt32();
            if (envLength != _environment.StateLength || step < 0 || episodes < 0 || sinceSync < 0 || (uint)pending >= (uint)_actionCount)
            {
                throw Fail(string.Create(CultureInfo.InvariantCulture, $"inconsistent counters (step {step}, episodes {episodes}, since sync {sinceSync}, action {pending}, environment state of {envLength} values)"));
            }

            var env = new double[envLength];
            for (var i = 0; i < env.Length; i++)
            {
                env[i] = r.ReadDouble();
            }

            var recentCount = r.ReadInt32();
            var recentNext = r.ReadInt32();
            if (recentCount is < 0 or > RecentEpisodes || recentNext is < 0 or >= RecentEpisodes)
            {
                throw Fail(string.Create(CultureInfo.InvariantCulture, $"inconsistent recent returns (count {recentCount}, next {recentNext})"));
            }

            var recent = new double[RecentEpisodes];
            for (var i = 0; i < recent.Length; i++)
            {
                recent[i] = r.ReadDouble();
            }

            // Validated above or by the SHA-256; from here on the state changes.
            _environment.SetState(env);
            _replay.Read(r, _actionCount);
            ReadTrainer(r, _behaviour, "behaviour");
            ReadTrainer(r, _target, "target");
            Step = step;
            _episodes = episodes;
            _sinceSync = sinceSync;
            _pendingAction = pending;
            _episodeReturn = episodeReturn;
            recent.CopyTo(_recent, 0);
            _recentCount = recentCount;
            _recentNext = recentNext;
        }
        catch (EndOfStreamException)
        {
            throw Fail("its payload ends early");
        }
    }

    public void CopyFrom(ITrainable other)
    {
        if (other is not DeepDoubleSarsaTrainable sarsa || sarsa._environment.Name != _environment.Name)
        {
            throw new ArgumentException($"Cannot copy a {other?.GetType().Name ?? "null"} into a Deep Double Sarsa trainable on {_environment.Name}.", nameof(other));
        }

        if (ReferenceEquals(sarsa, this))
        {
            return;
        }

        _behaviour.CopyFrom(sarsa._behaviour);
        _target.CopyFrom(sarsa._target);
        _replay.CopyFrom(sarsa._replay);
        Span<double> env = stackalloc double[_environment.StateLength];
        sarsa._environment.GetState(env);
        _environment.SetState(env);
        Step = sarsa.Step;
        _episodes = sarsa._episodes;
        _sinceSync = sarsa._sinceSync;
        _pendingAction = sarsa._pendingAction;
        _episodeReturn = sarsa._episodeReturn;
        sarsa._recent.CopyTo(_recent, 0);
        _recentCount = sarsa._recentCount;
        _recentNext = sarsa._recentNext;
        _settings = sarsa._settings;
    }

    public void Dispose()
    {
    }

    /// <summary>One environment step, its update and, when due, the target synchronisation.</summary>
    private void TrainStep(Rng rng)
    {
        var epsilon = _settings.Epsilon(Step);
        if (_environment.IsDone)
        {
            _environment.Reset(rng);
            _episodeReturn = 0;
            _pendingAction = Act(_environment.Observation, epsilon, rng);
        }

        _environment.Observation.CopyTo(_state);
        var action = _pendingAction;
        var outcome = _environment.Step(action);
        _episodeReturn += outcome.Reward;
        var next = Act(_environment.Observation, epsilon, rng);
        _replay.Add(_state, action, outcome.Reward, _environment.Observation, next, outcome.Terminated);
        Step++;
        if (_replay.Count >= _batch)
        {
            Update(rng);
        }

        if (++_sinceSync >= _settings.TargetSync)
        {
            _target.CopyParametersFrom(_behaviour);
            _sinceSync = 0;
        }

        if (outcome.Done)
        {
            _episodes++;
            _recent[_recentNext] = _episodeReturn;
            _recentNext = (_recentNext + 1) % RecentEpisodes;
            _recentCount = Math.Min(_recentCount + 1, RecentEpisodes);
        }
        else
        {
            _pendingAction = next;
        }
    }

    /// <summary>One optimizer step of θᴬ on a batch drawn uniformly from the replay buffer.</summary>
    private void Update(Rng rng)
    {
        for (var j = 0; j < _batch; j++)
        {
            _indices[j] = rng.NextInt(_replay.Count);
        }

        _replay.Gather(_indices, _states, _actions, _rewards, _nextStates, _nextActions, _notTerminal);
        _target.Predict(_nextStates, _nextValues, _batch);
        var gamma = (float)_settings.Discount;
        for (var j = 0; j < _batch; j++)
        {
            _targets[j] = _rewards[j] + (gamma * _notTerminal[j] * _nextValues[(j * _actionCount) + _nextActions[j]]);
        }

        var loss = new TemporalDifferenceLoss(_actions, _targets, _actionCount);
        _behaviour.TrainStep(_states, _batch, ref loss);
    }

    /// <summary>ε-greedy: a uniform action with probability ε, else <see cref="Greedy"/>.</summary>
    private int Act(ReadOnlySpan<float> observation, double epsilon, Rng rng) =>
        epsilon > 0 && rng.NextDouble() < epsilon ? rng.NextInt(_actionCount) : Greedy(observation);

    /// <summary>argmax over a of Q(s, a; θᴬ) + Q(s, a; θᴮ) (the average's argmax); ties go to the lower action.</summary>
    private int Greedy(ReadOnlySpan<float> observation)
    {
        _behaviour.Predict(observation, _q, 1);
        _target.Predict(observation, _qTarget, 1);
        var best = 0;
        var bestValue = _q[0] + _qTarget[0];
        for (var a = 1; a < _actionCount; a++)
        {
            var v = _q[a] + _qTarget[a];
            if (v > bestValue)
            {
                best = a;
                bestValue = v;
            }
        }

        return best;
    }

    /// <summary>Mean return of <paramref name="count"/> greedy episodes on the evaluation environment, and their steps.</summary>
    private (double Mean, long Steps) RunGreedyEpisodes(int count, ulong purpose)
    {
        var rng = new Rng(Seeds.Derive(_factory.Options.EvaluationSeed, purpose, (ulong)Step));
        var sum = 0.0;
        var steps = 0L;
        for (var e = 0; e < count; e++)
        {
            _evaluation.Reset(rng);
            while (!_evaluation.IsDone)
            {
                sum += _evaluation.Step(Greedy(_evaluation.Observation)).Reward;
                steps++;
            }
        }

        return (sum / count, steps);
    }

    private double RecentReturn()
    {
        if (_recentCount == 0)
        {
            return double.NaN;
        }

        var sum = 0.0;
        for (var i = 0; i < _recentCount; i++)
        {
            sum += _recent[i];
        }

        return sum / _recentCount;
    }

    private static void WriteTrainer(BinaryWriter writer, Trainer trainer)
    {
        using var buffer = new MemoryStream();
        trainer.Save(buffer);
        writer.Write((int)buffer.Length);
        writer.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static void ReadTrainer(BinaryReader reader, Trainer trainer, string which)
    {
        var length = reader.ReadInt32();
        var bytes = reader.ReadBytes(length);
        if (bytes.Length != length)
        {
            throw new EndOfStreamException();
        }

        trainer.Load(new MemoryStream(bytes, writable: false), $"the {which} network of a Deep Double Sarsa checkpoint");
    }

    private static InvalidDataException Fail(string problem) => new($"Cannot load the Deep Double Sarsa checkpoint: {problem}.");
}
