using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Cohort.Engine.Models;

/// <summary>Element-wise activation functions.</summary>
public enum ActivationKind
{
    /// <summary>max(x, 0).</summary>
    Relu,

    /// <summary>x for x &gt; 0, slope·x otherwise.</summary>
    LeakyRelu,

    /// <summary>tanh(x).</summary>
    Tanh,

    /// <summary>1 / (1 + e^−x).</summary>
    Sigmoid,
}

/// <summary>Pooling reductions.</summary>
public enum PoolKind
{
    /// <summary>Maximum of the window.</summary>
    Max,

    /// <summary>Mean of the window.</summary>
    Average,
}

/// <summary>How weights are initialised (biases always start at zero).</summary>
public enum InitializerKind
{
    /// <summary>He for layers followed by ReLU/LeakyReLU, Glorot otherwise.</summary>
    Auto,

    /// <summary>He et al. 2015: normal with standard deviation √(2 / fan_in).</summary>
    He,

    /// <summary>Glorot and Bengio 2010: uniform on ±√(6 / (fan_in + fan_out)).</summary>
    Glorot,
}

/// <summary>One layer of a sequential model. Immutable description; the engine builds buffers from it.</summary>
public abstract record LayerSpec
{
    private protected LayerSpec()
    {
    }

    /// <summary>Canonical text used for the model fingerprint (stable across versions: do not change).</summary>
    public abstract string Describe();
}

/// <summary>Fully connected layer y = x·Wᵀ + b, W stored [units, inputs]. Flattens its input implicitly.</summary>
public sealed record DenseSpec(int Units) : LayerSpec
{
    /// <inheritdoc />
    public override string Describe() => string.Create(CultureInfo.InvariantCulture, $"dense({Units})");
}

/// <summary>Element-wise activation; <paramref name="NegativeSlope"/> is used by LeakyReLU only.</summary>
public sealed record ActivationSpec(ActivationKind Kind, float NegativeSlope = 0.01f) : LayerSpec
{
    /// <inheritdoc />
    public override string Describe() => Kind == ActivationKind.LeakyRelu
        ? string.Create(CultureInfo.InvariantCulture, $"leaky_relu({NegativeSlope:R})")
        : Kind switch
        {
            ActivationKind.Relu => "relu",
            ActivationKind.Tanh => "tanh",
            ActivationKind.Sigmoid => "sigmoid",
            _ => throw new ArgumentOutOfRangeException(nameof(Kind), Kind, "Unknown activation."),
        };
}

/// <summary>
/// Inverted dropout (Srivastava et al. 2014): in training mode each unit is zeroed with probability p and the
/// survivors are scaled by 1/(1−p); identity in inference mode. p is not part of the spec: it is the live
/// <c>dropout</c> hyperparameter of the trainer, so it can change between two steps.
/// </summary>
public sealed record DropoutSpec : LayerSpec
{
    /// <inheritdoc />
    public override string Describe() => "dropout";
}

/// <summary>Reshapes [C, H, W] to a vector (a copy; it changes no values).</summary>
public sealed record FlattenSpec : LayerSpec
{
    /// <inheritdoc />
    public override string Describe() => "flatten";
}

/// <summary>2-D convolution over [C, H, W] input with <paramref name="Filters"/> square kernels.</summary>
public sealed record Conv2dSpec(int Filters, int Kernel, int Stride = 1, int Padding = 0) : LayerSpec
{
    /// <inheritdoc />
    public override string Describe() =>
        string.Create(CultureInfo.InvariantCulture, $"conv2d({Filters},{Kernel},{Stride},{Padding})");
}

/// <summary>2-D pooling over square windows; <paramref name="Stride"/> 0 means "equal to the size".</summary>
public sealed record Pool2dSpec(PoolKind Kind, int Size, int Stride = 0) : LayerSpec
{
    /// <summary>The effective stride.</summary>
    public int EffectiveStride => Stride == 0 ? Size : Stride;

    /// <inheritdoc />
    public override string Describe() => string.Create(
        CultureInfo.InvariantCulture, $"{(Kind == PoolKind.Max ? "maxpool" : "avgpool")}({Size},{EffectiveStride})");
}

/// <summary>
/// Immutable description of a sequential network: the per-sample input shape ([features] or [C, H, W]) and the
/// layers in order. Equality and <see cref="Fingerprint"/> are structural.
/// </summary>
public sealed record ModelSpec(
    IReadOnlyList<int> InputShape,
    IReadOnlyList<LayerSpec> Layers,
    InitializerKind Initializer = InitializerKind.Auto)
{
    /// <summary>Per-sample input shape: [features] or [channels, height, width] (a copy of the given list).</summary>
    public IReadOnlyList<int> InputShape { get; init; } =
        Array.AsReadOnly(InputShape?.ToArray() ?? throw new ArgumentNullException(nameof(InputShape)));

    /// <summary>The layers in order (a copy of the given list).</summary>
    public IReadOnlyList<LayerSpec> Layers { get; init; } =
        Array.AsReadOnly(Layers?.ToArray() ?? throw new ArgumentNullException(nameof(Layers)));

    /// <summary>Canonical one-line description, e.g. <c>in(13) dense(64) relu dense(1) init=auto</c>.</summary>
    public string Describe()
    {
        var sb = new StringBuilder();
        sb.Append("in(").AppendJoin(',', InputShape.Select(d => d.ToString(CultureInfo.InvariantCulture))).Append(')');
        foreach (var layer in Layers)
        {
            sb.Append(' ').Append(layer.Describe());
        }

        sb.Append(" init=").Append(Initializer.ToString().ToLowerInvariant());
        return sb.ToString();
    }

    /// <summary>First 8 bytes of SHA-256 of <see cref="Describe"/>, as an unsigned integer.</summary>
    public ulong Fingerprint()
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(Encoding.UTF8.GetBytes(Describe()), hash);
        return BitConverter.ToUInt64(hash);
    }

    /// <inheritdoc />
    public bool Equals(ModelSpec? other) => other is not null && Describe() == other.Describe();

    /// <inheritdoc />
    public override int GetHashCode() => Describe().GetHashCode(StringComparison.Ordinal);

    /// <summary>
    /// Multi-layer perceptron: inputs → hidden[0] → … → outputs, each hidden layer followed by the activation and,
    /// when <paramref name="dropout"/> is set, a dropout layer (paper 000 sec. 4.1.2: "dropout … after the hidden
    /// layer"). Paper 000's Boston model is <c>Mlp(13, [64], 1)</c>.
    /// </summary>
    public static ModelSpec Mlp(
        int inputs, IReadOnlyList<int> hidden, int outputs,
        ActivationKind activation = ActivationKind.Relu, bool dropout = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputs, 1);
        ArgumentNullException.ThrowIfNull(hidden);
        var layers = new List<LayerSpec>();
        foreach (var units in hidden)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(units, 1, nameof(hidden));
            layers.Add(new DenseSpec(units));
            layers.Add(new ActivationSpec(activation));
            if (dropout)
            {
                layers.Add(new DropoutSpec());
            }
        }

        layers.Add(new DenseSpec(outputs));
        return new ModelSpec([inputs], layers);
    }

    /// <summary>
    /// LeNet-5 as in paper 000 sec. 4.2 and the PyTorch peer: on 1×28×28, conv 6@5×5 pad 2, ReLU, max-pool 2,
    /// conv 16@5×5, ReLU, max-pool 2, flatten, dense 120, ReLU, dense 84, ReLU, dense 10. With
    /// <paramref name="dropout"/>, a dropout layer follows each hidden dense activation (120 and 84).
    /// </summary>
    public static ModelSpec LeNet5(bool dropout = false)
    {
        var layers = new List<LayerSpec>
        {
            new Conv2dSpec(6, 5, 1, 2),
            new ActivationSpec(ActivationKind.Relu),
            new Pool2dSpec(PoolKind.Max, 2),
            new Conv2dSpec(16, 5),
            new ActivationSpec(ActivationKind.Relu),
            new Pool2dSpec(PoolKind.Max, 2),
            new FlattenSpec(),
            new DenseSpec(120),
            new ActivationSpec(ActivationKind.Relu),
        };
        if (dropout)
        {
            layers.Add(new DropoutSpec());
        }

        layers.Add(new DenseSpec(84));
        layers.Add(new ActivationSpec(ActivationKind.Relu));
        if (dropout)
        {
            layers.Add(new DropoutSpec());
        }

        layers.Add(new DenseSpec(10));
        return new ModelSpec([1, 28, 28], layers);
    }

    /// <summary>
    /// Paper 003's fully connected net: inputs-1024-1024-outputs with ReLU (3072 for CIFAR-10, 784 for MNIST).
    /// </summary>
    public static ModelSpec Fc(int inputs = 3072, int outputs = 10, bool dropout = false) =>
        Mlp(inputs, [1024, 1024], outputs, ActivationKind.Relu, dropout);
}
