using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Cohort.Engine.Kernels;

/// <summary>
/// im2col lowering of one image for convolution as GEMM (Chellapilla et al. 2006): the image [C, H, W] becomes the
/// column matrix [C·KH·KW, OH·OW], row r = (c·KH + kh)·KW + kw, column j = oh·OW + ow, holding
/// image[c, oh·SH − PH + kh, ow·SW − PW + kw] or 0 where that falls in the padding. Then
/// output[oc, :] = weight[oc, :] · columns. <see cref="Col2Im"/> is its adjoint (scatter-add).
/// </summary>
public static class Im2Col
{
    /// <summary>
    /// Writes the column matrix of one image. <paramref name="image"/> has C·H·W floats, <paramref name="columns"/>
    /// has C·KH·KW rows of <paramref name="columnStride"/> floats (≥ OH·OW; 0 means OH·OW); only the first OH·OW of
    /// each row are written. The batch size of <paramref name="s"/> is ignored.
    /// </summary>
    public static void Compute(in Conv2dShape s, ReadOnlySpan<float> image, Span<float> columns, int columnStride = 0)
    {
        s.Validate();
        var stride = Check(s, image.Length, columns.Length, columnStride);
        ComputeUnchecked(s, image, columns, stride);
    }

    /// <summary>
    /// Adds the column matrix back into one image: image[c, ih, iw] += columns[r, j] for every (r, j) that
    /// <see cref="Compute"/> reads from (c, ih, iw). Accumulates; clear <paramref name="image"/> first for a plain
    /// col2im. Layout as in <see cref="Compute"/>.
    /// </summary>
    public static void Col2Im(in Conv2dShape s, ReadOnlySpan<float> columns, Span<float> image, int columnStride = 0)
    {
        s.Validate();
        var stride = Check(s, image.Length, columns.Length, columnStride);
        Col2ImUnchecked(s, columns, image, stride);
    }

    private static int Check(in Conv2dShape s, int imageLength, int columnsLength, int columnStride)
    {
        var n = s.OutHeight * s.OutWidth;
        var stride = columnStride == 0 ? n : columnStride;
        if (stride < n)
        {
            throw new ArgumentException($"columnStride {columnStride} is less than OutHeight·OutWidth {n}.", nameof(columnStride));
        }

        if (imageLength != s.InputImageLength)
        {
            throw new ArgumentException($"image has {imageLength} floats but the shape needs {s.InputImageLength}.");
        }

        var need = (long)(s.PatchSize - 1) * stride + n;
        if (columnsLength < need)
        {
            throw new ArgumentException($"columns has {columnsLength} floats but the shape needs {need}.");
        }

        return stride;
    }

    /// <summary>Valid output range [lo, hi) along one axis for kernel offset k: 0 ≤ o·stride − pad + k &lt; size.</summary>
    private static void ValidRange(int outSize, int size, int stride, int pad, int k, out int lo, out int hi)
    {
        // o·stride ≥ pad − k  and  o·stride ≤ size − 1 + pad − k
        if (stride == 1)
        {
            lo = Math.Clamp(pad - k, 0, outSize);
            hi = Math.Clamp(size + pad - k, lo, outSize);
            return;
        }

        var first = pad - k;
        lo = first <= 0 ? 0 : Math.Min(outSize, (first + stride - 1) / stride);
        var last = size - 1 + pad - k;
        hi = last < 0 ? 0 : Math.Min(outSize, last / stride + 1);
        if (hi < lo)
        {
            hi = lo;
        }
    }

    internal static unsafe void ComputeUnchecked(in Conv2dShape s, ReadOnlySpan<float> image, Span<float> columns, int columnStride)
    {
        int h = s.Height, w = s.Width, kh = s.KernelHeight, kw = s.KernelWidth;
        int sh = s.StrideHeight, sw = s.StrideWidth, ph = s.PadHeight, pw = s.PadWidth;
        int oh = s.OutHeight, ow = s.OutWidth;
        fixed (float* pImage = image, pColumns = columns)
        {
            var row = 0;
            for (var c = 0; c < s.InChannels; c++)
            {
                var plane = pImage + (long)c * h * w;
                for (var ky = 0; ky < kh; ky++)
                {
                    ValidRange(oh, h, sh, ph, ky, out var yLo, out var yHi);
                    for (var kx = 0; kx < kw; kx++, row++)
                    {
                        ValidRange(ow, w, sw, pw, kx, out var xLo, out var xHi);
                        var dst = pColumns + (long)row * columnStride;
                        if (yLo > 0)
                        {
                            new Span<float>(dst, yLo * ow).Clear();
                        }

                        if (yHi < oh)
                        {
                            new Span<float>(dst + yHi * ow, (oh - yHi) * ow).Clear();
                        }

                        var x0 = xLo * sw - pw + kx;
                        var len = xHi - xLo;
                        var edges = xLo > 0 || xHi < ow;
                        var vectorEdges = edges && ow >= 8 && xLo <= 8 && ow - xHi <= 8;
                        for (var y = yLo; y < yHi; y++)
                        {
                            var d = dst + y * ow;
                            var src = plane + (y * sh - ph + ky) * w + x0;
                            if (vectorEdges)
                            {
                                // Zero the first and last 8 columns; the copy below overwrites the valid part.
                                Vector256<float>.Zero.Store(d);
                                Vector256<float>.Zero.Store(d + ow - 8);
                            }
                            else if (edges)
                            {
                                for (var x = 0; x < xLo; x++)
                                {
                                    d[x] = 0f;
                                }

                                for (var x = xHi; x < ow; x++)
                                {
                                    d[x] = 0f;
                                }
                            }

                            if (sw == 1)
                            {
                                CopyShort(src, d + xLo, len);
                            }
                            else
                            {
                                for (int x = 0, ix = 0; x < len; x++, ix += sw)
                                {
                                    d[xLo + x] = src[ix];
                                }
                            }
                        }
                    }
                }
            }
        }
    }

    /// <summary>Copies a short row without a call: 8-wide blocks, the last one overlapping.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static unsafe void CopyShort(float* src, float* dst, int len)
    {
        if (len >= 8 && len <= 16)
        {
            var head = Vector256.Load(src);
            var tail = Vector256.Load(src + len - 8);
            head.Store(dst);
            tail.Store(dst + len - 8);
        }
        else if (len > 16)
        {
            var i = 0;
            for (; i + 8 <= len; i += 8)
            {
                Vector256.Load(src + i).Store(dst + i);
            }

            if (i < len)
            {
                Vector256.Load(src + len - 8).Store(dst + len - 8);
            }
        }
        else
        {
            for (var i = 0; i < len; i++)
            {
                dst[i] = src[i];
            }
        }
    }

    internal static unsafe void Col2ImUnchecked(in Conv2dShape s, ReadOnlySpan<float> columns, Span<float> image, int columnStride)
    {
        int h = s.Height, w = s.Width, kh = s.KernelHeight, kw = s.KernelWidth;
        int sh = s.StrideHeight, sw = s.StrideWidth, ph = s.PadHeight, pw = s.PadWidth;
        int oh = s.OutHeight, ow = s.OutWidth;
        fixed (float* pImage = image, pColumns = columns)
        {
            var row = 0;
            for (var c = 0; c < s.InChannels; c++)
            {
                var plane = pImage + (long)c * h * w;
                for (var ky = 0; ky < kh; ky++)
                {
                    ValidRange(oh, h, sh, ph, ky, out var yLo, out var yHi);
                    for (var kx = 0; kx < kw; kx++, row++)
                    {
                        ValidRange(ow, w, sw, pw, kx, out var xLo, out var xHi);
                        var len = xHi - xLo;
                        var src = pColumns + (long)row * columnStride;
                        var x0 = xLo * sw - pw + kx;
                        for (var y = yLo; y < yHi; y++)
                        {
                            var srcRow = src + y * ow + xLo;
                            var dst = plane + (y * sh - ph + ky) * w + x0;
                            if (sw == 1)
                            {
                                var j = 0;
                                for (; j + 8 <= len; j += 8)
                                {
                                    (Vector256.Load(dst + j) + Vector256.Load(srcRow + j)).Store(dst + j);
                                }

                                for (; j < len; j++)
                                {
                                    dst[j] += srcRow[j];
                                }
                            }
                            else
                            {
                                for (int j = 0, ix = 0; j < len; j++, ix += sw)
                                {
                                    dst[ix] += srcRow[j];
                                }
                            }
                        }
                    }
                }
            }
        }
    }
}
