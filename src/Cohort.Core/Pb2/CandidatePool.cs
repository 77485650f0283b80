namespace Cohort.Core.Pb2;

/// <summary>
/// Random candidates for the acquisition, shared by the explores of one round (the same model, time and categorical
/// choices; each explore's pending list extends the last one's). For each candidate it keeps k* and L⁻¹k* over the
/// process's inputs solved so far and Σ(L⁻¹k*)², so a later explore in the round only adds the rows of the choices made
/// since: GP-BUCB's sequential choice over a common candidate set.
/// </summary>
internal sealed class CandidatePool
{
    private readonly double[][] _candidates;
    private readonly double[][] _k;
    private readonly double[][] _v;
    private readonly double[] _quad;

    /// <param name="key">What the pool is valid for: the model and conditioning lineage it was built on.</param>
    /// <param name="point">The fixed coordinates (time, categories) of every candidate.</param>
    /// <param name="candidates">The continuous coordinates of each candidate.</param>
    /// <param name="previous">The last round's pool, whose buffers this one takes over (it must not be used afterwards).</param>
    public CandidatePool(object key, double[] point, double[][] candidates, CandidatePool? previous = null)
    {
        Key = key;
        Point = point;
        _candidates = candidates;
        _k = new double[candidates.Length][];
        _v = new double[candidates.Length][];
        _quad = new double[candidates.Length];
        for (var c = 0; c < candidates.Length; c++)
        {
            _k[c] = previous is not null && c < previous._k.Length ? previous._k[c] : [];
            _v[c] = previous is not null && c < previous._v.Length ? previous._v[c] : [];
        }
    }

    public object Key { get; }

    public double[] Point { get; }

    public int Count => _candidates.Length;

    /// <summary>How many leading inputs of the process every candidate's L⁻¹k* covers.</summary>
    public int Solved { get; set; }

    public double[] Candidate(int c) => _candidates[c];

    public double Quad(int c) => _quad[c];

    public void AddQuad(int c, double quad) => _quad[c] += quad;

    /// <summary>Candidate c's k* and L⁻¹k* arrays, grown to hold <paramref name="length"/> entries.</summary>
    public (double[] K, double[] V) Rows(int c, int length)
    {
        if (_k[c].Length < length)
        {
            var capacity = Math.Max(length, 2 * _k[c].Length);
            Array.Resize(ref _k[c], capacity);
            Array.Resize(ref _v[c], capacity);
        }

        return (_k[c], _v[c]);
    }

    /// <summary>Whether the pool holds for this lineage and these fixed coordinates.</summary>
    public bool Matches(object key, double[] point) =>
        ReferenceEquals(Key, key) && Point.AsSpan().SequenceEqual(point);
}
