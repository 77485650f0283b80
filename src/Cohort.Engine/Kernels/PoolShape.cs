namespace Cohort.Engine.Kernels;

/// <summary>
/// Shape of a square pooling window over NCHW float32 tensors, no padding (LeCun et al. 1998's sub-sampling layers;
/// max pooling as in paper 000 sec. 4.2's LeNet-5): input [Batch, Channels, Height, Width], output
/// [Batch, Channels, OutHeight, OutWidth] with OutHeight = (Height − Size) / Stride + 1 (floor: trailing rows and
/// columns that do not fill a window are ignored, as PyTorch's default).
/// </summary>
public readonly record struct PoolShape(int Batch, int Channels, int Height, int Width, int Size, int Stride)
{
    /// <summary>Output rows: (Height − Size) / Stride + 1.</summary>
    public int OutHeight => Stride > 0 ? (Height - Size) / Stride + 1 : 0;

    /// <summary>Output columns: (Width − Size) / Stride + 1.</summary>
    public int OutWidth => Stride > 0 ? (Width - Size) / Stride + 1 : 0;

    /// <summary>Floats in the input: Batch·Channels·Height·Width.</summary>
    public int InputLength => Batch * Channels * Height * Width;

    /// <summary>Floats in the output: Batch·Channels·OutHeight·OutWidth.</summary>
    public int OutputLength => Batch * Channels * OutHeight * OutWidth;

    /// <summary>Throws <see cref="ArgumentException"/> naming the offending value when the shape is not usable.</summary>
    public void Validate()
    {
        if (Batch <= 0 || Channels <= 0 || Height <= 0 || Width <= 0 || Size <= 0 || Stride <= 0)
        {
            throw new ArgumentException($"Pooling shape values must be positive: {this}.");
        }

        if (Size > Height || Size > Width)
        {
            throw new ArgumentException($"Pooling window {Size} does not fit the input {Height}x{Width}.");
        }

        if ((long)Batch * Channels * Height * Width > int.MaxValue)
        {
            throw new ArgumentException($"Pooling shape {this} is too large for int indexing.");
        }
    }
}
