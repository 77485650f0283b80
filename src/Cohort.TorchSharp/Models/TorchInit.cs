using static TorchSharp.torch;

namespace Cohort.TorchSharp.Models;

/// <summary>
/// Weight initialisation from a given generator (LibTorch's module constructors draw from its process-wide default
/// generator, which parallel members share). The schemes are the engine's (<c>InitializerKind.Auto</c>), so that a
/// TorchSharp model and the engine's model of the same shape start from the same distribution: He normal
/// (σ = √(2 / fan_in)) for layers followed by ReLU or LeakyReLU, Glorot uniform (±√(6 / (fan_in + fan_out))) otherwise;
/// biases zero.
/// </summary>
public static class TorchInit
{
    /// <summary>He et al. 2015: normal with σ = √(2 / fan_in), in place; the bias (if any) is zeroed.</summary>
    public static void He(Tensor weight, Tensor? bias, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(weight);
        var (fanIn, _) = Fans(weight);
        using (no_grad())
        {
            weight.normal_(0, Math.Sqrt(2.0 / fanIn), generator);
            bias?.zero_();
        }
    }

    /// <summary>Glorot and Bengio 2010: uniform on ±√(6 / (fan_in + fan_out)), in place; the bias (if any) is zeroed.</summary>
    public static void Glorot(Tensor weight, Tensor? bias, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(weight);
        var (fanIn, fanOut) = Fans(weight);
        var bound = Math.Sqrt(6.0 / (fanIn + fanOut));
        using (no_grad())
        {
            weight.uniform_(-bound, bound, generator);
            bias?.zero_();
        }
    }

    /// <summary>Normal with mean <paramref name="mean"/> and σ <paramref name="std"/> (DCGAN: 0, 0.02), in place; the bias (if any) is zeroed.</summary>
    public static void Normal(Tensor weight, Tensor? bias, double mean, double std, Generator generator)
    {
        ArgumentNullException.ThrowIfNull(weight);
        using (no_grad())
        {
            weight.normal_(mean, std, generator);
            bias?.zero_();
        }
    }

    /// <summary>
    /// (fan_in, fan_out) of a weight as PyTorch computes them: dimension 1 × receptive field and dimension 0 × receptive
    /// field ([out, in] for linear layers, [out, in, k, k] for convolutions, [in, out, k, k] for transposed ones).
    /// </summary>
    private static (double FanIn, double FanOut) Fans(Tensor weight)
    {
        var shape = weight.shape;
        if (shape.Length < 2)
        {
            throw new ArgumentException($"A weight has at least 2 dimensions; got [{string.Join(", ", shape)}].", nameof(weight));
        }

        long receptive = 1;
        for (var i = 2; i < shape.Length; i++)
        {
            receptive *= shape[i];
        }

        return (shape[1] * receptive, shape[0] * receptive);
    }
}
