using Cohort.Engine.Models;
using TorchSharp;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cohort.TorchSharp.Models;

/// <summary>
/// The built-in TorchSharp models, the same architectures as the engine's <see cref="ModelSpec"/> factories so that the
/// two engines can be compared on equal terms: <see cref="Mlp"/> (paper 000's Boston 13-64-1, the FC 3072-1024-1024-10
/// of paper 003) and <see cref="LeNet5"/>. Each draws its initial weights and its dropout masks from the generator it
/// is given (<see cref="TorchInit"/>, <see cref="GeneratorDropout"/>).
/// </summary>
public static class TorchModels
{
    /// <summary>
    /// Multi-layer perceptron inputs → hidden[0] → … → outputs, each hidden layer followed by
    /// <paramref name="activation"/> and, with <paramref name="dropout"/>, a <see cref="GeneratorDropout"/>. Input
    /// [batch, inputs] (a [batch, C, H, W] input is flattened). Paper 000's Boston model is <c>Mlp(13, [64], 1, g)</c>.
    /// </summary>
    public static nn.Module<Tensor, Tensor> Mlp(
        int inputs, IReadOnlyList<int> hidden, int outputs, torch.Generator generator,
        ActivationKind activation = ActivationKind.Relu, bool dropout = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(outputs, 1);
        ArgumentNullException.ThrowIfNull(hidden);
        ArgumentNullException.ThrowIfNull(generator);
        var layers = new List<(string, nn.Module<Tensor, Tensor>)> { ("flatten", nn.Flatten()) };
        var width = inputs;
        for (var i = 0; i < hidden.Count; i++)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(hidden[i], 1, nameof(hidden));
            var linear = nn.Linear(width, hidden[i]);
            Initialize(linear.weight!, linear.bias, activation, generator);
            layers.Add(($"dense{i}", linear));
            layers.Add(($"act{i}", Activation(activation)));
            if (dropout)
            {
                layers.Add(($"dropout{i}", new GeneratorDropout(generator)));
            }

            width = hidden[i];
        }

        var output = nn.Linear(width, outputs);
        TorchInit.Glorot(output.weight!, output.bias, generator);
        layers.Add(("output", output));
        return nn.Sequential(layers);
    }

    /// <summary>
    /// LeNet-5 as the engine's <see cref="ModelSpec.LeNet5"/>: on [batch, 1, 28, 28], conv 6@5×5 pad 2, ReLU, max-pool 2,
    /// conv 16@5×5, ReLU, max-pool 2, flatten, dense 120, ReLU, dense 84, ReLU, dense 10 (logits); with
    /// <paramref name="dropout"/>, a <see cref="GeneratorDropout"/> after each hidden dense activation.
    /// </summary>
    public static nn.Module<Tensor, Tensor> LeNet5(torch.Generator generator, bool dropout = false)
    {
        ArgumentNullException.ThrowIfNull(generator);
        var conv1 = nn.Conv2d(1, 6, 5, padding: 2);
        var conv2 = nn.Conv2d(6, 16, 5);
        var fc1 = nn.Linear(400, 120);
        var fc2 = nn.Linear(120, 84);
        var fc3 = nn.Linear(84, 10);
        foreach (var (weight, bias) in new[] { (conv1.weight!, conv1.bias), (conv2.weight!, conv2.bias), (fc1.weight!, fc1.bias), (fc2.weight!, fc2.bias) })
        {
            TorchInit.He(weight, bias, generator);
        }

        TorchInit.Glorot(fc3.weight!, fc3.bias, generator);
        var layers = new List<(string, nn.Module<Tensor, Tensor>)>
        {
            ("conv1", conv1), ("relu1", nn.ReLU()), ("pool1", nn.MaxPool2d(2)),
            ("conv2", conv2), ("relu2", nn.ReLU()), ("pool2", nn.MaxPool2d(2)),
            ("flatten", nn.Flatten()),
            ("fc1", fc1), ("relu3", nn.ReLU()),
        };
        if (dropout)
        {
            layers.Add(("dropout1", new GeneratorDropout(generator)));
        }

        layers.Add(("fc2", fc2));
        layers.Add(("relu4", nn.ReLU()));
        if (dropout)
        {
            layers.Add(("dropout2", new GeneratorDropout(generator)));
        }

        layers.Add(("fc3", fc3));
        return nn.Sequential(layers);
    }

    /// <summary>
    /// The weights an l1/l2 penalty applies to, in network order: every parameter named <c>weight</c> with at least two
    /// dimensions (linear and convolution kernels; not biases, not batch-norm scales). Layer K of the per-layer
    /// hyperparameters <c>l1_K</c> / <c>l2_K</c> is the K-th of these.
    /// </summary>
    public static IReadOnlyList<Parameter> PenalizedWeights(nn.Module module)
    {
        ArgumentNullException.ThrowIfNull(module);
        return [.. module.named_parameters()
            .Where(p => (p.name == "weight" || p.name.EndsWith(".weight", StringComparison.Ordinal)) && p.parameter.dim() >= 2)
            .Select(p => p.parameter)];
    }

    private static void Initialize(Tensor weight, Tensor? bias, ActivationKind activation, torch.Generator generator)
    {
        if (activation is ActivationKind.Relu or ActivationKind.LeakyRelu)
        {
            TorchInit.He(weight, bias, generator);
        }
        else
        {
            TorchInit.Glorot(weight, bias, generator);
        }
    }

    private static nn.Module<Tensor, Tensor> Activation(ActivationKind kind) => kind switch
    {
        ActivationKind.Relu => nn.ReLU(),
        ActivationKind.LeakyRelu => nn.LeakyReLU(0.01),
        ActivationKind.Tanh => nn.Tanh(),
        ActivationKind.Sigmoid => nn.Sigmoid(),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown activation."),
    };
}
