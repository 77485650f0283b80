namespace Cohort.Engine.Kernels;

/// <summary>Whether a GEMM operand is used as stored or transposed.</summary>
public enum Transpose
{
    No,
    Yes,
}

/// <summary>
/// General matrix multiply, BLAS style, row-major: C = alpha · op(A) · op(B) + beta · C, where op(A) is m×k and
/// op(B) is k×n. lda/ldb/ldc are the row strides of the stored matrices. Results are bitwise identical for any
/// <c>threads</c>: threads split C into fixed blocks and every element's k-reduction runs in a fixed order.
/// </summary>
public static class Gemm
{
    // PLACEHOLDER reference implementation: replaced by the blocked SIMD kernel. Keep the signature.
    public static void Compute(
        Transpose transA, Transpose transB, int m, int n, int k, float alpha,
        ReadOnlySpan<float> a, int lda, ReadOnlySpan<float> b, int ldb,
        float beta, Span<float> c, int ldc, int threads = 1)
    {
        for (var i = 0; i < m; i++)
        {
            for (var j = 0; j < n; j++)
            {
                var sum = 0f;
                for (var p = 0; p < k; p++)
                {
                    var av = transA == Transpose.No ? a[i * lda + p] : a[p * lda + i];
                    var bv = transB == Transpose.No ? b[p * ldb + j] : b[j * ldb + p];
                    sum += av * bv;
                }

                c[i * ldc + j] = beta == 0f ? alpha * sum : alpha * sum + beta * c[i * ldc + j];
            }
        }
    }
}
