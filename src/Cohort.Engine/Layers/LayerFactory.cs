using Cohort.Engine.Models;

namespace Cohort.Engine.Layers;

/// <summary>Turns a <see cref="LayerSpec"/> into a layer for a given input shape, validating the combination.</summary>
internal static class LayerFactory
{
    public static Layer Create(LayerSpec spec, int[] inputShape, int maxBatch, int threads, int index) => spec switch
    {
        DenseSpec d when d.Units >= 1 => new DenseLayer(inputShape, d.Units),
        ActivationSpec a when Enum.IsDefined(a.Kind) => new ActivationLayer(inputShape, a.Kind, a.NegativeSlope),
        DropoutSpec => new DropoutLayer(inputShape, maxBatch),
        FlattenSpec => new FlattenLayer(inputShape),
        Conv2dSpec c => CreateConv(c, inputShape, maxBatch, threads, index),
        Pool2dSpec p => CreatePool(p, inputShape, maxBatch, index),
        _ => throw new ArgumentException($"Layer {index} ({spec.Describe()}) is not valid.", nameof(spec)),
    };

    private static Layer CreateConv(Conv2dSpec c, int[] inputShape, int maxBatch, int threads, int index)
    {
        RequireImage(inputShape, index, c.Describe());
        if (c.Filters < 1 || c.Kernel < 1 || c.Stride < 1 || c.Padding < 0 || c.Padding >= c.Kernel)
        {
            throw new ArgumentException($"Layer {index} ({c.Describe()}) has a non-positive size or a padding not below the kernel size.", nameof(c));
        }

        var outH = ((inputShape[1] + (2 * c.Padding) - c.Kernel) / c.Stride) + 1;
        var outW = ((inputShape[2] + (2 * c.Padding) - c.Kernel) / c.Stride) + 1;
        if (outH < 1 || outW < 1)
        {
            throw new ArgumentException(
                $"Layer {index} ({c.Describe()}) does not fit input [{string.Join(',', inputShape)}].", nameof(c));
        }

        return new Conv2dLayer(inputShape, c, maxBatch, threads);
    }

    private static Layer CreatePool(Pool2dSpec p, int[] inputShape, int maxBatch, int index)
    {
        RequireImage(inputShape, index, p.Describe());
        if (p.Size < 1 || p.EffectiveStride < 1 || p.Size > inputShape[1] || p.Size > inputShape[2])
        {
            throw new ArgumentException(
                $"Layer {index} ({p.Describe()}) does not fit input [{string.Join(',', inputShape)}].", nameof(p));
        }

        return new Pool2dLayer(inputShape, p, maxBatch);
    }

    private static void RequireImage(int[] inputShape, int index, string what)
    {
        if (inputShape.Length != 3)
        {
            throw new ArgumentException(
                $"Layer {index} ({what}) needs a [C, H, W] input, got [{string.Join(',', inputShape)}].", nameof(inputShape));
        }
    }
}
