using System.Text;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cohort.TorchSharp;

/// <summary>
/// The checkpoint of a TorchSharp trainable: the module's state dict (parameters and persistent buffers, such as
/// batch-norm running statistics), each optimizer's per-parameter state (Adam's moments and step counts, SGD's momentum
/// buffers) and the trainable's step. Live hyperparameters (the optimizers' options) are not part of it: a trainable
/// re-applies them before every task, as the engine's does.
/// <para>
/// The bytes are a function of the state alone (tensors written in state-dict order as raw little-endian bytes), so a
/// copy, a load and the original save to identical bytes and the runner's SHA-256 check can compare them.
/// Layout: "COHORT-TORCH", format version, architecture, step, the module's tensors (name, dtype, shape, data), then per
/// optimizer its name, type and states.
/// </para>
/// </summary>
internal static class TorchCheckpoint
{
    private const string Magic = "COHORT-TORCH";
    private const int FormatVersion = 1;

    public static void Write(Stream destination, TorchState state, long step)
    {
        ArgumentNullException.ThrowIfNull(destination);
        using var writer = new BinaryWriter(destination, Encoding.UTF8, leaveOpen: true);
        writer.Write(Magic);
        writer.Write(FormatVersion);
        writer.Write(state.Architecture);
        writer.Write(step);
        var entries = state.Module.state_dict();
        writer.Write(entries.Count);
        foreach (var (name, tensor) in entries)
        {
            writer.Write(name);
            tensor.Save(writer);
        }

        writer.Write(state.Optimizers.Count);
        foreach (var (name, optimizer) in state.Optimizers)
        {
            writer.Write(name);
            writer.Write(optimizer.GetType().Name);
            var states = optimizer.state_dict().State;
            writer.Write(states.Count);
            foreach (var s in states)
            {
                s.SaveStateDict(writer);
            }
        }

        writer.Flush();
    }

    /// <summary>
    /// Reads a checkpoint written by <see cref="Write"/> for the same architecture into <paramref name="state"/> and
    /// returns its step. With <paramref name="weightsOnly"/> only the module's tensors are replaced (optimizer state and
    /// step stay), and the returned step is the checkpoint's. Must not run inside a caller's dispose scope.
    /// </summary>
    public static long Read(Stream source, TorchState state, string sourceName, bool weightsOnly = false)
    {
        ArgumentNullException.ThrowIfNull(source);
        using var reader = new BinaryReader(source, Encoding.UTF8, leaveOpen: true);
        try
        {
            var magic = reader.ReadString();
            if (magic != Magic)
            {
                throw Invalid(sourceName, "is not a Cohort TorchSharp checkpoint");
            }

            var version = reader.ReadInt32();
            if (version != FormatVersion)
            {
                throw Invalid(sourceName, $"has format version {version}; this Cohort reads version {FormatVersion}");
            }

            var architecture = reader.ReadString();
            if (architecture != state.Architecture)
            {
                throw Invalid(sourceName, $"holds a '{architecture}', not a '{state.Architecture}'");
            }

            var step = reader.ReadInt64();
            var entries = state.Module.state_dict();
            var count = reader.ReadInt32();
            if (count != entries.Count)
            {
                throw Invalid(sourceName, $"has {count} tensors where the module has {entries.Count}");
            }

            using (no_grad())
            {
                foreach (var (name, tensor) in entries)
                {
                    var stored = reader.ReadString();
                    if (stored != name)
                    {
                        throw Invalid(sourceName, $"has tensor '{stored}' where the module has '{name}'");
                    }

                    tensor.Load(reader);
                }
            }

            if (weightsOnly)
            {
                return step;
            }

            var optimizers = reader.ReadInt32();
            if (optimizers != state.Optimizers.Count)
            {
                throw Invalid(sourceName, $"has {optimizers} optimizers where the trainable has {state.Optimizers.Count}");
            }

            foreach (var (name, optimizer) in state.Optimizers)
            {
                var storedName = reader.ReadString();
                var type = reader.ReadString();
                if (storedName != name || type != optimizer.GetType().Name)
                {
                    throw Invalid(sourceName, $"has optimizer '{storedName}' ({type}) where the trainable has '{name}' ({optimizer.GetType().Name})");
                }

                var states = optimizer.state_dict().State;
                var n = reader.ReadInt32();
                if (n != states.Count)
                {
                    throw Invalid(sourceName, $"has {n} states for optimizer '{name}' where it has {states.Count}");
                }

                foreach (var s in states)
                {
                    s.LoadStateDict(reader);
                }
            }

            return step;
        }
        catch (Exception ex) when (ex is EndOfStreamException or ArgumentException)
        {
            throw Invalid(sourceName, $"is truncated or does not match the model ({ex.Message})", ex);
        }
    }

    /// <summary>
    /// Copies <paramref name="from"/>'s module tensors (and, unless <paramref name="weightsOnly"/>, its optimizers'
    /// states) into <paramref name="to"/>, in memory. Must not run inside a caller's dispose scope: an optimizer state
    /// the receiver lacks yet (SGD's momentum buffer) is created.
    /// </summary>
    public static void Copy(TorchState from, TorchState to, bool weightsOnly)
    {
        if (from.Architecture != to.Architecture)
        {
            throw new ArgumentException($"Cannot copy a '{from.Architecture}' into a '{to.Architecture}'.", nameof(from));
        }

        var source = from.Module.state_dict();
        var destination = to.Module.state_dict();
        using (no_grad())
        {
            foreach (var (name, tensor) in destination)
            {
                tensor.copy_(source[name]);
            }
        }

        if (weightsOnly)
        {
            return;
        }

        // Through bytes rather than OptimizerState.LoadStateDict(OptimizerState), which fails on a state whose tensors are
        // not created yet (SGD's momentum buffer before the first step).
        using var buffer = new MemoryStream();
        using var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true);
        using var reader = new BinaryReader(buffer, Encoding.UTF8, leaveOpen: true);
        for (var i = 0; i < to.Optimizers.Count; i++)
        {
            buffer.SetLength(0);
            foreach (var s in from.Optimizers[i].Optimizer.state_dict().State)
            {
                s.SaveStateDict(writer);
            }

            writer.Flush();
            buffer.Position = 0;
            foreach (var s in to.Optimizers[i].Optimizer.state_dict().State)
            {
                s.LoadStateDict(reader);
            }
        }
    }

    private static InvalidDataException Invalid(string sourceName, string what, Exception? inner = null) =>
        new($"Checkpoint {sourceName} {what}.", inner);
}

/// <summary>What a TorchSharp trainable's checkpoint holds: its module tree and its named optimizers.</summary>
/// <param name="Architecture">A description that must match between a checkpoint and the trainable reading it.</param>
/// <param name="Module">The root module: its state dict is the weights.</param>
/// <param name="Optimizers">The optimizers, in a fixed order, with names that identify them in the checkpoint.</param>
internal sealed record TorchState(string Architecture, nn.Module Module, IReadOnlyList<(string Name, OptimizerHelper Optimizer)> Optimizers);
