namespace Cohort.Engine.Kernels;

/// <summary>
/// Max and average pooling over square windows of NCHW float32 tensors, no padding (the sub-sampling layers of
/// LeNet-5, paper 000 sec. 4.2 uses max pooling). output[b, c, oy, ox] pools input[b, c, oy·S + i, ox·S + j] for
/// 0 ≤ i, j &lt; Size.
/// </summary>
public static class Pooling
{
    /// <summary>
    /// Max pooling. <paramref name="argmax"/> receives, per output element, the index into <paramref name="input"/>
    /// of the maximum. Ties go to the first element in row-major window order; a NaN in the window wins (the first
    /// NaN), so NaNs propagate.
    /// </summary>
    public static void MaxForward(in PoolShape s, ReadOnlySpan<float> input, Span<float> output, Span<int> argmax)
    {
        s.Validate();
        Expect(input.Length, s.InputLength, nameof(input));
        Expect(output.Length, s.OutputLength, nameof(output));
        Expect(argmax.Length, s.OutputLength, nameof(argmax));
        int h = s.Height, w = s.Width, oh = s.OutHeight, ow = s.OutWidth, size = s.Size, stride = s.Stride;
        var planes = s.Batch * s.Channels;
        var o = 0;
        if (size == 2 && stride == 2)
        {
            for (var p = 0; p < planes; p++)
            {
                var plane = p * h * w;
                for (var y = 0; y < oh; y++)
                {
                    var r0 = plane + 2 * y * w;
                    var r1 = r0 + w;
                    for (var x = 0; x < ow; x++, o++)
                    {
                        int i0 = r0 + 2 * x, i1 = i0 + 1, i2 = r1 + 2 * x, i3 = i2 + 1;
                        var best = input[i0];
                        var at = i0;
                        Take(input[i1], i1, ref best, ref at);
                        Take(input[i2], i2, ref best, ref at);
                        Take(input[i3], i3, ref best, ref at);
                        output[o] = best;
                        argmax[o] = at;
                    }
                }
            }

            return;
        }

        for (var p = 0; p < planes; p++)
        {
            var plane = p * h * w;
            for (var y = 0; y < oh; y++)
            {
                for (var x = 0; x < ow; x++, o++)
                {
                    var start = plane + y * stride * w + x * stride;
                    var best = input[start];
                    var at = start;
                    for (var i = 0; i < size; i++)
                    {
                        var row = start + i * w;
                        for (var j = 0; j < size; j++)
                        {
                            Take(input[row + j], row + j, ref best, ref at);
                        }
                    }

                    output[o] = best;
                    argmax[o] = at;
                }
            }
        }
    }

    /// <summary>
    /// Max pooling backward: inputGrad is overwritten with Σ over outputs o of outputGrad[o] at index argmax[o]
    /// (windows may overlap when Stride &lt; Size, so contributions add).
    /// </summary>
    public static void MaxBackward(in PoolShape s, ReadOnlySpan<float> outputGrad, ReadOnlySpan<int> argmax, Span<float> inputGrad)
    {
        s.Validate();
        Expect(outputGrad.Length, s.OutputLength, nameof(outputGrad));
        Expect(argmax.Length, s.OutputLength, nameof(argmax));
        Expect(inputGrad.Length, s.InputLength, nameof(inputGrad));
        inputGrad.Clear();
        for (var o = 0; o < outputGrad.Length; o++)
        {
            inputGrad[argmax[o]] += outputGrad[o];
        }
    }

    /// <summary>Average pooling: output = (1 / Size²) · Σ over the window.</summary>
    public static void AverageForward(in PoolShape s, ReadOnlySpan<float> input, Span<float> output)
    {
        s.Validate();
        Expect(input.Length, s.InputLength, nameof(input));
        Expect(output.Length, s.OutputLength, nameof(output));
        int h = s.Height, w = s.Width, oh = s.OutHeight, ow = s.OutWidth, size = s.Size, stride = s.Stride;
        var scale = 1f / (size * size);
        var planes = s.Batch * s.Channels;
        var o = 0;
        for (var p = 0; p < planes; p++)
        {
            var plane = p * h * w;
            for (var y = 0; y < oh; y++)
            {
                for (var x = 0; x < ow; x++, o++)
                {
                    var start = plane + y * stride * w + x * stride;
                    var sum = 0f;
                    for (var i = 0; i < size; i++)
                    {
                        var row = start + i * w;
                        for (var j = 0; j < size; j++)
                        {
                            sum += input[row + j];
                        }
                    }

                    output[o] = sum * scale;
                }
            }
        }
    }

    /// <summary>
    /// Average pooling backward: inputGrad is overwritten; each input element receives outputGrad / Size² from
    /// every window containing it.
    /// </summary>
    public static void AverageBackward(in PoolShape s, ReadOnlySpan<float> outputGrad, Span<float> inputGrad)
    {
        s.Validate();
        Expect(outputGrad.Length, s.OutputLength, nameof(outputGrad));
        Expect(inputGrad.Length, s.InputLength, nameof(inputGrad));
        int h = s.Height, w = s.Width, oh = s.OutHeight, ow = s.OutWidth, size = s.Size, stride = s.Stride;
        var scale = 1f / (size * size);
        var planes = s.Batch * s.Channels;
        inputGrad.Clear();
        var o = 0;
        for (var p = 0; p < planes; p++)
        {
            var plane = p * h * w;
            for (var y = 0; y < oh; y++)
            {
                for (var x = 0; x < ow; x++, o++)
                {
                    var start = plane + y * stride * w + x * stride;
                    var g = outputGrad[o] * scale;
                    for (var i = 0; i < size; i++)
                    {
                        var row = start + i * w;
                        for (var j = 0; j < size; j++)
                        {
                            inputGrad[row + j] += g;
                        }
                    }
                }
            }
        }
    }

    private static void Take(float v, int index, ref float best, ref int at)
    {
        if (v > best || (float.IsNaN(v) && !float.IsNaN(best)))
        {
            best = v;
            at = index;
        }
    }

    private static void Expect(int actual, int expected, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"{name} has {actual} elements but the shape needs {expected}.", name);
        }
    }
}
