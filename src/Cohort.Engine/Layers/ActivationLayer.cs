using System.Numerics.Tensors;
using Cohort.Engine.Kernels;
using Cohort.Engine.Models;

namespace Cohort.Engine.Layers;

/// <summary>Element-wise activation (ReLU, LeakyReLU, tanh, sigmoid); derivatives from the stored output or input.</summary>
internal sealed class ActivationLayer(int[] shape, ActivationKind kind, float negativeSlope) : Layer(shape, shape)
{
    public ActivationKind Kind { get; } = kind;

    public override void Forward(
        ReadOnlySpan<float> parameters, ReadOnlySpan<float> x, Span<float> y, int batch, bool training, PassContext context)
    {
        var n = batch * InputSize;
        var xs = x[..n];
        var ys = y[..n];
        switch (Kind)
        {
            case ActivationKind.Relu:
                TensorPrimitives.Max(xs, 0f, ys);
                break;
            case ActivationKind.LeakyRelu:
                Elementwise.LeakyRelu(xs, negativeSlope, ys);
                break;
            case ActivationKind.Tanh:
                TensorPrimitives.Tanh(xs, ys);
                break;
            default:
                TensorPrimitives.Sigmoid(xs, ys);
                break;
        }
    }

    public override void Backward(
        ReadOnlySpan<float> parameters, Span<float> gradients, ReadOnlySpan<float> x, ReadOnlySpan<float> y,
        ReadOnlySpan<float> dy, Span<float> dx, int batch, PassContext context)
    {
        if (dx.IsEmpty)
        {
            return;
        }

        var n = batch * InputSize;
        switch (Kind)
        {
            case ActivationKind.Relu:
                Elementwise.ReluBackward(y[..n], dy[..n], dx[..n]);
                break;
            case ActivationKind.LeakyRelu:
                Elementwise.LeakyReluBackward(x[..n], dy[..n], negativeSlope, dx[..n]);
                break;
            case ActivationKind.Tanh:
                Elementwise.TanhBackward(y[..n], dy[..n], dx[..n]);
                break;
            default:
                Elementwise.SigmoidBackward(y[..n], dy[..n], dx[..n]);
                break;
        }
    }
}
