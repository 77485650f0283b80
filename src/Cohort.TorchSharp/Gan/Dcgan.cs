using Cohort.TorchSharp.Models;
using TorchSharp;
using TorchSharp.Modules;
using TorchSharp.Utils;
using static TorchSharp.torch;

namespace Cohort.TorchSharp.Gan;

/// <summary>The shape of a <see cref="Dcgan"/>.</summary>
/// <param name="Channels">Image channels: 1 (MNIST) or 3 (CIFAR-10).</param>
/// <param name="Size">Image side: 28 (MNIST) or 32 (CIFAR-10).</param>
/// <param name="Latent">Length of the noise vector z (DCGAN: 100).</param>
/// <param name="Width">Channels of the first discriminator convolution, w (DCGAN: 64); the others have 2w and 4w.</param>
public sealed record DcganShape(int Channels = 1, int Size = 28, int Latent = 100, int Width = 64)
{
    /// <summary>A canonical description, stored in checkpoints, e.g. <c>dcgan-1x28-z100-w64</c>.</summary>
    public string Describe() => $"dcgan-{Channels}x{Size}-z{Latent}-w{Width}";

    /// <summary>Throws naming the first invalid field.</summary>
    public void Validate()
    {
        if (Channels is not (1 or 3))
        {
            throw new ArgumentOutOfRangeException(nameof(Channels), Channels, "A DCGAN here generates 1- or 3-channel images.");
        }

        if (Size is not (28 or 32))
        {
            throw new ArgumentOutOfRangeException(nameof(Size), Size, "A DCGAN here generates 28×28 or 32×32 images.");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(Latent, 1, nameof(Latent));
        ArgumentOutOfRangeException.ThrowIfLessThan(Width, 1, nameof(Width));
    }
}

/// <summary>
/// Paper 002's GAN (sec. 4.2), a DCGAN (Radford et al. 2016) for small images. The paper gives the discriminator as
/// "2D Conv → LeakyReLU → 2D Conv → BatchNorm → 2D Conv → BatchNorm followed by output layer"; the rest follows DCGAN:
/// <list type="bullet">
/// <item>Discriminator D: conv w@4×4 stride 2 → LeakyReLU(0.2) → conv 2w@4×4 stride 2 → BatchNorm → LeakyReLU(0.2) →
/// conv 4w@k×k stride 2 → BatchNorm → LeakyReLU(0.2) → linear 4w·4·4 → 1 (a logit). Sizes 28 → 14 → 7 → 4 (k = 3) or
/// 32 → 16 → 8 → 4 (k = 4).</item>
/// <item>Generator G, its mirror with transposed convolutions: z as [z, 1, 1] → 4w@4×4 → BatchNorm → ReLU → 2w (k×k,
/// stride 2) → BatchNorm → ReLU → w (4×4, stride 2) → BatchNorm → ReLU → channels (4×4, stride 2) → tanh, images in
/// [−1, 1].</item>
/// </list>
/// Weights are initialised as DCGAN's: convolutions and the linear layer N(0, 0.02), batch-norm scales N(1, 0.02),
/// biases 0 — from the member's generator. The module's state dict (both networks, with batch-norm running statistics)
/// is the GAN's weights.
/// </summary>
public sealed class Dcgan : nn.Module
{
    [ComponentName(Name = "generator")]
    private readonly Sequential _generator;

    [ComponentName(Name = "discriminator")]
    private readonly Sequential _discriminator;

    /// <summary>Builds both networks of <paramref name="shape"/>, initialised from <paramref name="generator"/>.</summary>
    public Dcgan(DcganShape shape, torch.Generator generator)
        : base(nameof(Dcgan))
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(generator);
        shape.Validate();
        Shape = shape;
        var w = shape.Width;
        var k = shape.Size == 28 ? 3 : 4;
        _discriminator = nn.Sequential(
            ("conv1", nn.Conv2d(shape.Channels, w, 4, stride: 2, padding: 1)),
            ("act1", nn.LeakyReLU(0.2)),
            ("conv2", nn.Conv2d(w, 2 * w, 4, stride: 2, padding: 1, bias: false)),
            ("bn2", nn.BatchNorm2d(2 * w)),
            ("act2", nn.LeakyReLU(0.2)),
            ("conv3", nn.Conv2d(2 * w, 4 * w, k, stride: 2, padding: 1, bias: false)),
            ("bn3", nn.BatchNorm2d(4 * w)),
            ("act3", nn.LeakyReLU(0.2)),
            ("flatten", nn.Flatten()),
            ("output", nn.Linear(4 * w * 4 * 4, 1)));
        _generator = nn.Sequential(
            ("project", nn.ConvTranspose2d(shape.Latent, 4 * w, 4, bias: false)),
            ("bn1", nn.BatchNorm2d(4 * w)),
            ("act1", nn.ReLU()),
            ("deconv2", nn.ConvTranspose2d(4 * w, 2 * w, k, stride: 2, padding: 1, bias: false)),
            ("bn2", nn.BatchNorm2d(2 * w)),
            ("act2", nn.ReLU()),
            ("deconv3", nn.ConvTranspose2d(2 * w, w, 4, stride: 2, padding: 1, bias: false)),
            ("bn3", nn.BatchNorm2d(w)),
            ("act3", nn.ReLU()),
            ("deconv4", nn.ConvTranspose2d(w, shape.Channels, 4, stride: 2, padding: 1, bias: false)),
            ("tanh", nn.Tanh()));
        RegisterComponents();
        foreach (var (name, p) in named_parameters())
        {
            if (name.Contains(".bn", StringComparison.Ordinal))
            {
                if (name.EndsWith(".weight", StringComparison.Ordinal))
                {
                    TorchInit.Normal(p, null, 1, 0.02, generator);
                }
                else
                {
                    using var _ = no_grad();
                    p.zero_();
                }
            }
            else if (name.EndsWith(".weight", StringComparison.Ordinal))
            {
                TorchInit.Normal(p, null, 0, 0.02, generator);
            }
            else
            {
                using var _ = no_grad();
                p.zero_();
            }
        }
    }

    /// <summary>The shape.</summary>
    public DcganShape Shape { get; }

    /// <summary>G: [batch, latent, 1, 1] noise → [batch, channels, size, size] images in [−1, 1].</summary>
    public nn.Module<Tensor, Tensor> Generator => _generator;

    /// <summary>D: [batch, channels, size, size] images → [batch, 1] logits of "real".</summary>
    public nn.Module<Tensor, Tensor> Discriminator => _discriminator;
}
