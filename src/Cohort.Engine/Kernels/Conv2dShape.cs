namespace Cohort.Engine.Kernels;

/// <summary>
/// Shape of a 2-D convolution over NCHW float32 tensors (LeCun et al. 1998, sec. II-B; paper 000 sec. 4.2 uses it
/// for LeNet-5): input [Batch, InChannels, Height, Width], weight [OutChannels, InChannels·KernelHeight·KernelWidth],
/// output [Batch, OutChannels, OutHeight, OutWidth] with OutHeight = (Height + 2·PadHeight − KernelHeight) /
/// StrideHeight + 1 (and likewise for the width). Padding is zero padding. <see cref="Validate"/> is called by every
/// kernel at entry.
/// </summary>
public readonly record struct Conv2dShape(
    int Batch, int InChannels, int Height, int Width, int OutChannels, int KernelHeight, int KernelWidth,
    int StrideHeight = 1, int StrideWidth = 1, int PadHeight = 0, int PadWidth = 0)
{
    /// <summary>Output rows: (Height + 2·PadHeight − KernelHeight) / StrideHeight + 1.</summary>
    public int OutHeight => StrideHeight > 0 ? (Height + 2 * PadHeight - KernelHeight) / StrideHeight + 1 : 0;

    /// <summary>Output columns: (Width + 2·PadWidth − KernelWidth) / StrideWidth + 1.</summary>
    public int OutWidth => StrideWidth > 0 ? (Width + 2 * PadWidth - KernelWidth) / StrideWidth + 1 : 0;

    /// <summary>Rows of the im2col matrix and columns of the weight matrix: InChannels·KernelHeight·KernelWidth.</summary>
    public int PatchSize => InChannels * KernelHeight * KernelWidth;

    /// <summary>Floats in one input image: InChannels·Height·Width.</summary>
    public int InputImageLength => InChannels * Height * Width;

    /// <summary>Floats in one output image: OutChannels·OutHeight·OutWidth.</summary>
    public int OutputImageLength => OutChannels * OutHeight * OutWidth;

    /// <summary>Floats in the weight: OutChannels·InChannels·KernelHeight·KernelWidth.</summary>
    public int WeightLength => OutChannels * PatchSize;

    /// <summary>Throws <see cref="ArgumentException"/> naming the offending value when the shape is not usable.</summary>
    public void Validate()
    {
        Positive(Batch, nameof(Batch));
        Positive(InChannels, nameof(InChannels));
        Positive(Height, nameof(Height));
        Positive(Width, nameof(Width));
        Positive(OutChannels, nameof(OutChannels));
        Positive(KernelHeight, nameof(KernelHeight));
        Positive(KernelWidth, nameof(KernelWidth));
        Positive(StrideHeight, nameof(StrideHeight));
        Positive(StrideWidth, nameof(StrideWidth));
        if (PadHeight < 0 || PadHeight >= KernelHeight)
        {
            throw new ArgumentException(
                $"PadHeight must be in [0, KernelHeight) but is {PadHeight} (KernelHeight {KernelHeight}).");
        }

        if (PadWidth < 0 || PadWidth >= KernelWidth)
        {
            throw new ArgumentException(
                $"PadWidth must be in [0, KernelWidth) but is {PadWidth} (KernelWidth {KernelWidth}).");
        }

        if (Height + 2 * PadHeight < KernelHeight || Width + 2 * PadWidth < KernelWidth)
        {
            throw new ArgumentException(
                $"Kernel {KernelHeight}x{KernelWidth} does not fit the padded input {Height}x{Width} (pad {PadHeight}, {PadWidth}).");
        }

        if ((long)Batch * Math.Max(InputImageLength, (long)OutChannels * OutHeight * OutWidth) > int.MaxValue
            || (long)PatchSize * OutHeight * OutWidth > int.MaxValue)
        {
            throw new ArgumentException($"Convolution shape {this} is too large for int indexing.");
        }
    }

    private static void Positive(int value, string name)
    {
        if (value <= 0)
        {
            throw new ArgumentException($"{name} must be positive but is {value}.", name);
        }
    }
}
