using TorchSharp;
using static TorchSharp.torch;

namespace Cohort.TorchSharp.Models;

/// <summary>
/// Inverted dropout (Srivastava et al. 2014) that draws its masks from a <see cref="torch.Generator"/> it is given
/// instead of LibTorch's process-wide default generator, so that members training in parallel threads stay
/// deterministic. In training mode each element is zeroed with probability <see cref="P"/> and the survivors are scaled
/// by 1/(1−p); identity in evaluation mode. <see cref="P"/> is a live setting (the <c>dropout</c> hyperparameter).
/// </summary>
public sealed class GeneratorDropout : nn.Module<Tensor, Tensor>
{
    private readonly torch.Generator _generator;
    private double _p;

    /// <param name="generator">The stream masks are drawn from (the owning trainable's).</param>
    /// <param name="p">The initial drop probability, in [0, 1).</param>
    public GeneratorDropout(torch.Generator generator, double p = 0)
        : base(nameof(GeneratorDropout))
    {
        ArgumentNullException.ThrowIfNull(generator);
        _generator = generator;
        P = p;
    }

    /// <summary>The probability of zeroing an element, in [0, 1).</summary>
    public double P
    {
        get => _p;
        set
        {
            if (!(value is >= 0 and < 1))
            {
                throw new ArgumentOutOfRangeException(nameof(value), value, "A dropout probability lies in [0, 1).");
            }

            _p = value;
        }
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input)
    {
        if (!training || _p == 0)
        {
            return input.alias();
        }

        // The Scalar is held until the call returns: an implicitly converted one can be finalised while LibTorch reads it.
        using var mask = empty_like(input).bernoulli_(1 - _p, _generator);
        using var keep = (1 - _p).ToScalar();
        return input.mul(mask).div_(keep);
    }
}
