using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

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
            MaxForward2x2(planes, h, w, oh, ow, input, output, argmax);
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
        ref var dx = ref MemoryMarshal.GetReference(inputGrad);
        for (var o = 0; o < outputGrad.Length; o++)
        {
            // argmax comes from MaxForward on the same shape; a stray index is caught rather than written through.
            var i = argmax[o];
            if ((uint)i >= (uint)inputGrad.Length)
            {
                throw new ArgumentException($"argmax[{o}] = {i} is outside the input of {inputGrad.Length} elements.", nameof(argmax));
            }

            Unsafe.Add(ref dx, i) += outputGrad[o];
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Take(float v, int index, ref float best, ref int at)
    {
        // v wins when it is greater, or when it is the first NaN: !(v <= best) holds for both, and a NaN best
        // (best != best) never loses. Written without branches: the comparisons are unpredictable.
        var take = !(v <= best) & !float.IsNaN(best);
        best = take ? v : best;
        at = take ? index : at;
    }

    /// <summary>
    /// The LeNet case (Size 2, Stride 2): 8 outputs at a time from 16 input columns of two rows (4 from 8 when the
    /// output is narrower than 8), deinterleaved into even and odd columns; the four window elements are taken in row-major order with the same rule as
    /// <see cref="Take"/>. A row's last block may overlap the previous block (recomputed, identical).
    /// </summary>
    private static unsafe void MaxForward2x2(
        int planes, int h, int w, int oh, int ow, ReadOnlySpan<float> input, Span<float> output, Span<int> argmax)
    {
        var split = Vector256.Create(0, 2, 4, 6, 1, 3, 5, 7);
        var even = Vector256.Create(0, 2, 4, 6, 8, 10, 12, 14);
        var one = Vector256.Create(1);
        var down = Vector256.Create(w);
        fixed (float* pIn = input, pOut = output)
        fixed (int* pArg = argmax)
        {
            for (var p = 0; p < planes; p++)
            {
                var plane = p * h * w;
                for (var y = 0; y < oh; y++)
                {
                    var r0 = plane + 2 * y * w;
                    var r1 = r0 + w;
                    var o = (p * oh + y) * ow;
                    var x = 0;
                    if (ow >= 8)
                    {
                        while (x < ow)
                        {
                            var xx = Math.Min(x, ow - 8);
                            var i0 = r0 + 2 * xx;
                            var i2 = r1 + 2 * xx;
                            var e0 = Vector256.Shuffle(Vector256.Load(pIn + i0), split);
                            var f0 = Vector256.Shuffle(Vector256.Load(pIn + i0 + 8), split);
                            var e1 = Vector256.Shuffle(Vector256.Load(pIn + i2), split);
                            var f1 = Vector256.Shuffle(Vector256.Load(pIn + i2 + 8), split);
                            var index = Vector256.Create(i0) + even;
                            var best = Vector256.Create(e0.GetLower(), f0.GetLower());
                            var at = index;
                            TakeVector(Vector256.Create(e0.GetUpper(), f0.GetUpper()), index + one, ref best, ref at);
                            TakeVector(Vector256.Create(e1.GetLower(), f1.GetLower()), index + down, ref best, ref at);
                            TakeVector(Vector256.Create(e1.GetUpper(), f1.GetUpper()), index + down + one, ref best, ref at);
                            best.Store(pOut + o + xx);
                            at.Store(pArg + o + xx);
                            x = xx + 8;
                        }
                    }
                    else if (ow >= 4)
                    {
                        while (x < ow)
                        {
                            // 4 outputs from one 8-column load per row: lower half even columns, upper half odd.
                            var xx = Math.Min(x, ow - 4);
                            var i0 = r0 + 2 * xx;
                            var i2 = r1 + 2 * xx;
                            var e0 = Vector256.Shuffle(Vector256.Load(pIn + i0), split);
                            var e1 = Vector256.Shuffle(Vector256.Load(pIn + i2), split);
                            var index = Vector128.Create(i0) + even.GetLower();
                            var best = e0.GetLower();
                            var at = index;
                            TakeVector(e0.GetUpper(), index + one.GetLower(), ref best, ref at);
                            TakeVector(e1.GetLower(), index + down.GetLower(), ref best, ref at);
                            TakeVector(e1.GetUpper(), index + down.GetLower() + one.GetLower(), ref best, ref at);
                            best.Store(pOut + o + xx);
                            at.Store(pArg + o + xx);
                            x = xx + 4;
                        }
                    }

                    for (; x < ow; x++)
                    {
                        int i0 = r0 + 2 * x, i2 = r1 + 2 * x;
                        var best = pIn[i0];
                        var at = i0;
                        Take(pIn[i0 + 1], i0 + 1, ref best, ref at);
                        Take(pIn[i2], i2, ref best, ref at);
                        Take(pIn[i2 + 1], i2 + 1, ref best, ref at);
                        pOut[o + x] = best;
                        pArg[o + x] = at;
                    }
                }
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TakeVector(Vector128<float> v, Vector128<int> index, ref Vector128<float> best, ref Vector128<int> at)
    {
        var take = ~Vector128.LessThanOrEqual(v, best) & Vector128.Equals(best, best);
        best = Vector128.ConditionalSelect(take, v, best);
        at = Vector128.ConditionalSelect(take.AsInt32(), index, at);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void TakeVector(Vector256<float> v, Vector256<int> index, ref Vector256<float> best, ref Vector256<int> at)
    {
        // Lanes where !(v <= best) and best is not NaN, as in Take.
        var take = ~Vector256.LessThanOrEqual(v, best) & Vector256.Equals(best, best);
        best = Vector256.ConditionalSelect(take, v, best);
        at = Vector256.ConditionalSelect(take.AsInt32(), index, at);
    }

    private static void Expect(int actual, int expected, string name)
    {
        if (actual != expected)
        {
            throw new ArgumentException($"{name} has {actual} elements but the shape needs {expected}.", name);
        }
    }
}
