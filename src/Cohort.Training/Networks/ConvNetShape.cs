using System.Globalization;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Trainables;
using Cohort.Engine.Models;

namespace Cohort.Training.Networks;

/// <summary>
/// The shape of a LeNet-style convolutional network taken from hyperparameters (paper 004 sec. 4.2.3, Table 3, whose
/// names it uses): conv <see cref="Filters1"/>@<see cref="Kernel1"/>², ReLU, max-pool 2, conv <see cref="Filters2"/>@<see cref="Kernel2"/>²,
/// ReLU, max-pool 2, flatten, dense <see cref="Dense"/>, ReLU, dropout, dense (classes). Convolutions pad by ⌊(k − 1)/2⌋
/// ("same" for odd kernels). Paper 004's original hyperparameters (from its reference ahaye2018) are filters 32/64,
/// kernels 5, dense 1024: <see cref="Paper004Original"/>.
/// </summary>
public sealed record ConvNetShape(int Filters1, int Filters2, int Kernel1, int Kernel2, int Dense)
{
    /// <summary>Table 3: conv_filters1.</summary>
    public const string Filters1Name = "conv_filters1";

    /// <summary>Table 3: conv_filters2.</summary>
    public const string Filters2Name = "conv_filters2";

    /// <summary>Table 3: conv_kernel_sz1.</summary>
    public const string Kernel1Name = "conv_kernel_sz1";

    /// <summary>Table 3: conv_kernel_sz2.</summary>
    public const string Kernel2Name = "conv_kernel_sz2";

    /// <summary>Table 3: dense_sz.</summary>
    public const string DenseName = "dense_sz";

    /// <summary>The shape hyperparameters' names.</summary>
    public static IReadOnlyList<string> Names { get; } = [Filters1Name, Filters2Name, Kernel1Name, Kernel2Name, DenseName];

    /// <summary>The shape hyperparameters as a trainable declares them: whole numbers ≥ 1, kernels fitting the 28×28 input (see <see cref="Validate"/>).</summary>
    public static IReadOnlyList<HyperparameterDeclaration> Declarations { get; } =
    [
        HyperparameterDeclaration.Whole(Filters1Name, ValueRange.AtLeast(1), "filters of the first convolution (default 32)"),
        HyperparameterDeclaration.Whole(Filters2Name, ValueRange.AtLeast(1), "filters of the second convolution (default 64)"),
        HyperparameterDeclaration.Whole(Kernel1Name, ValueRange.Closed(1, 28), "kernel size of the first convolution (default 5)"),
        HyperparameterDeclaration.Whole(Kernel2Name, ValueRange.Closed(1, 14), "kernel size of the second convolution (default 5)"),
        HyperparameterDeclaration.Whole(DenseName, ValueRange.AtLeast(1), "units of the hidden dense layer (default 1024)"),
    ];

    /// <summary>Paper 004 Table 3, "Reported in ahaye2018": filters 32/64, kernels 5/5, dense 1024.</summary>
    public static ConvNetShape Paper004Original { get; } = new(32, 64, 5, 5, 1024);

    /// <summary>The shape in <paramref name="h"/>, each missing name taken from <paramref name="defaults"/>; validates sizes.</summary>
    public static ConvNetShape From(HyperparameterSet h, ConvNetShape defaults)
    {
        ArgumentNullException.ThrowIfNull(h);
        ArgumentNullException.ThrowIfNull(defaults);
        var shape = new ConvNetShape(
            Get(Filters1Name, defaults.Filters1),
            Get(Filters2Name, defaults.Filters2),
            Get(Kernel1Name, defaults.Kernel1),
            Get(Kernel2Name, defaults.Kernel2),
            Get(DenseName, defaults.Dense));
        shape.Validate();
        return shape;

        int Get(string name, int fallback) => h.ContainsKey(name) ? h.GetInt(name) : fallback;
    }

    /// <summary>The hyperparameters of <paramref name="h"/> that are not shape (the training ones).</summary>
    public static HyperparameterSet TrainingPart(HyperparameterSet h)
    {
        ArgumentNullException.ThrowIfNull(h);
        return HyperparameterSet.From(h.Where(kv => !Names.Contains(kv.Key, StringComparer.Ordinal)));
    }

    /// <summary>Throws when a size is below 1 or a kernel is above 28.</summary>
    public void Validate()
    {
        foreach (var (name, value) in new[] { (Filters1Name, Filters1), (Filters2Name, Filters2), (Kernel1Name, Kernel1), (Kernel2Name, Kernel2), (DenseName, Dense) })
        {
            if (value < 1)
            {
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"'{name}' must be >= 1 (got {value})."), name);
            }
        }

        if (Kernel1 > 28 || Kernel2 > 14)
        {
            throw new ArgumentException(string.Create(CultureInfo.InvariantCulture, $"Kernels must fit the 28x28 input (got {Kernel1} and {Kernel2})."));
        }
    }

    /// <summary>The model for a [channels, size, size] input and <paramref name="classes"/> outputs.</summary>
    public ModelSpec Build(IReadOnlyList<int> inputShape, int classes, bool dropout = true)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        Validate();
        var layers = new List<LayerSpec>
        {
            new Conv2dSpec(Filters1, Kernel1, 1, (Kernel1 - 1) / 2),
            new ActivationSpec(ActivationKind.Relu),
            new Pool2dSpec(PoolKind.Max, 2),
            new Conv2dSpec(Filters2, Kernel2, 1, (Kernel2 - 1) / 2),
            new ActivationSpec(ActivationKind.Relu),
            new Pool2dSpec(PoolKind.Max, 2),
            new FlattenSpec(),
            new DenseSpec(Dense),
            new ActivationSpec(ActivationKind.Relu),
        };
        if (dropout)
        {
            layers.Add(new DropoutSpec());
        }

        layers.Add(new DenseSpec(classes));
        return new ModelSpec(inputShape, layers);
    }

    /// <summary>e.g. <c>conv 32@5 / 64@5, dense 1024</c>.</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"conv {Filters1}@{Kernel1} / {Filters2}@{Kernel2}, dense {Dense}");
}
