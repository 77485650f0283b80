using System.Globalization;
using System.Runtime.CompilerServices;
using Cohort.Core.GaussianProcesses;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Randomness;
using Cohort.Core.Strategies;

namespace Cohort.Core.Pb2;

/// <summary>
/// PB2's explore (Parker-Holder, Nguyen and Roberts, "Provably Efficient Online Hyperparameter Optimization with
/// Population-Based Bandits", NeurIPS 2020, Algorithm 2): new hyperparameters for a member are chosen by a
/// time-varying GP bandit (TV-GP-UCB) fitted to every member's reward change per unit of time.
/// <list type="number">
/// <item><b>Data</b>: each scored task of the run (<see cref="ExploreContext.History"/>) whose start checkpoint's score
/// is known gives (t, h, y): t its start step in ready intervals (the run's longest task), h its hyperparameters
/// normalised to [0, 1] (log-scaled ones in log space), y = Δscore/Δsteps. The <see cref="Pb2ExploreOptions.Window"/> latest
/// by start step (ties by member, so not by the order one round's results were told) are kept (the data bound: the GP's cost is cubic in it, and the time kernel discounts older data anyway). y is
/// standardised and clipped to ±<see cref="Pb2ExploreOptions.TargetClip"/>; a diverged task
/// counts as the worst, −clip (so the GP learns where training blows up instead of crashing on it).</item>
/// <item><b>Model</b>: k((t, h, c), (t', h', c')) = σ_f² exp(−‖h − h'‖²/(2ℓ²)) · exp(−m(c, c')/(2ℓ_c²)) · (1 − ε)^{|t−t'|/2}
/// (<see cref="TimeVaryingKernel"/>, <see cref="OverlapKernel"/>; m counts differing categoricals), noise σ_n².
/// (σ_f², ℓ, ε, σ_n², ℓ_c) maximise the marginal likelihood (Nelder–Mead in log space, warm-started from the run's
/// previous fit; ε ≤ 0.5 as in the authors' code), on up to <see cref="Pb2ExploreOptions.FitWindow"/> observations
/// spread over the window and refitted on the schedule of <see cref="Pb2ExploreOptions.RefitEvery"/>; the posterior
/// always conditions on the whole window.</item>
/// <item><b>Batch</b>: choices already made for other members and not yet observed
/// (<see cref="ExploreContext.Pending"/>) are added at their posterior mean, which leaves the mean unchanged and shrinks
/// the variance around them (GP-BUCB, Desautels et al. 2014; the paper's batch rule), so one round's choices spread out.</item>
/// <item><b>Categoricals</b> (PB2-Mix, NeurIPS 2021): each categorical's choice is drawn from a time-varying EXP3 bandit
/// (<see cref="CategoryBandit"/>) over the window's rewards; the continuous parameters are then chosen by the GP
/// conditioned on those choices through the overlap kernel. A bandit rather than a GP over one-hot codes because choices
/// have no order or distance, the number of them stays small, and EXP3's guarantee holds against the non-stationary
/// rewards PBT produces.</item>
/// <item><b>Acquisition</b>: UCB μ(x) + √β_t σ(x), β_t = c₁ max(1, ln(c₂ n)) (n observations; c₁ = 0.2, c₂ = 0.4 as in
/// the authors' implementation, a scaled-down form of GP-UCB's logarithmic schedule), maximised over [0, 1]^p: the
/// current point and <see cref="Pb2ExploreOptions.Candidates"/> uniform points from the run's generator (one pool per
/// round, shared by its explores: <see cref="CandidatePool"/>), then compass search from the best
/// <see cref="Pb2ExploreOptions.LocalSearches"/>. Deterministic for a generator state.
/// Integers are rounded and every value is brought inside its bounds by the parameter itself.</item>
/// </list>
/// With no data yet (the first round, whose tasks started from scratch) the GP is its prior and the choices spread
/// over the space. The strategy keeps per-run state (the last fit) keyed on the run's history, so one instance may
/// serve several runs; a run replayed from its results rebuilds the same state.
/// </summary>
public sealed class Pb2Explore : IExploreStrategy
{
    private const int MinObservationsToFit = 3;

    // θ = (log σ_f², log ℓ, log ε, log σ_n², log ℓ_c).
    private static readonly double[] s_lower = [Math.Log(0.05), Math.Log(0.02), Math.Log(1e-4), Math.Log(1e-4), Math.Log(0.1)];
    private static readonly double[] s_upper = [Math.Log(20.0), Math.Log(5.0), Math.Log(0.5), Math.Log(4.0), Math.Log(10.0)];
    private static readonly double[] s_default = [0.0, Math.Log(0.3), Math.Log(0.1), Math.Log(0.1), 0.0];

    private readonly ConditionalWeakTable<IReadOnlyList<ExploreObservation>, RunState> _runs = new();

    public Pb2Explore(Pb2ExploreOptions? options = null)
    {
        options ??= new Pb2ExploreOptions();
        options.Validate();
        Options = options;
    }

    public Pb2ExploreOptions Options { get; }

    public string Name => "pb2";

    public ExploreResult Explore(ExploreContext context, Rng rng)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(rng);
        var run = _runs.GetValue(context.History, _ => new RunState());
        var (surrogate, lineage) = Prepare(context, run, remember: true);
        var encoding = surrogate.Encoding;
        var point = new double[encoding.Dimensions];
        point[0] = surrogate.Time;
        var p = encoding.Continuous.Length;
        var after = context.Current;
        var parts = new List<string>();

        for (var j = 0; j < encoding.Categorical.Length; j++)
        {
            var parameter = encoding.Categorical[j];
            var probabilities = surrogate.CategoryProbabilities(j);
            var choice = CategoryBandit.Draw(probabilities, rng.NextDouble());
            point[1 + p + j] = choice;
            after = after.With(parameter.Name, parameter.Choices[choice]);
            parts.Add(string.Create(CultureInfo.InvariantCulture, $"{parameter.Name}=exp3(p={probabilities[choice]:G3})"));
        }

        if (p > 0)
        {
            var u = MaximizeAcquisition(surrogate, point, context, rng, run, lineage);
            for (var i = 0; i < p; i++)
            {
                var parameter = encoding.Continuous[i];
                after = after.With(parameter.Name, HyperValue.Of(Pb2Encoding.FromUnit(parameter, u[i])));
            }

            var (mean, sd) = surrogate.Predict(after);
            parts.Insert(0, string.Create(CultureInfo.InvariantCulture, $"ucb(n={surrogate.Observations} beta={surrogate.Beta:G3} mean={mean:G3} sd={sd:G3})"));
        }

        return new ExploreResult(after, parts.Count == 0 ? "nothing to explore" : string.Join(" ", parts));
    }

    /// <summary>
    /// The model an explore of <paramref name="context"/> decides with, before any random draw: the run's GP (fitted
    /// anew where Explore would fit) with the pending choices added. Calling it draws nothing and leaves the run's
    /// cached fits as they are, so it does not change what Explore will choose.
    /// </summary>
    public Pb2Surrogate Surrogate(ExploreContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return Prepare(context, _runs.GetValue(context.History, _ => new RunState()), remember: false).Surrogate;
    }

    /// <summary>The surrogate for <paramref name="context"/> and the conditioning lineage it belongs to (see <see cref="CandidatePool"/>).</summary>
    private (Pb2Surrogate Surrogate, object Lineage) Prepare(ExploreContext context, RunState run, bool remember)
    {
        var model = run.ModelFor(context, Options, remember);
        var encoding = model.Encoding;
        var pending = new List<double[]>();
        foreach (var choice in context.Pending)
        {
            if (encoding.Encode(choice.Hyperparameters, choice.Step / model.TimeUnit) is { } point)
            {
                pending.Add(point);
            }
        }

        var gp = Parameters(model.Theta, encoding);
        var (process, points, lineage) = run.Conditioned(model, pending, gp, remember);
        var n = model.Process?.Count ?? 0;
        var beta = Options.BetaScale * Math.Max(1.0, Math.Log(Options.BetaGrowth * Math.Max(n, 1)));
        return (new Pb2Surrogate(encoding, context.Step / model.TimeUnit, gp, process, points, beta, n, model.CategoryProbabilities), lineage);
    }

    /// <summary>
    /// u ∈ [0, 1]^p maximising the acquisition with the time and categorical coordinates of <paramref name="point"/>
    /// fixed: the best of the current point and the round's candidate pool (drawn from the run's generator when the
    /// round's first explore needs it), refined by compass search.
    /// </summary>
    private double[] MaximizeAcquisition(Pb2Surrogate surrogate, double[] point, ExploreContext context, Rng rng, RunState run, object lineage)
    {
        var encoding = surrogate.Encoding;
        var p = encoding.Continuous.Length;
        var value = surrogate.AcquisitionAt(point).Evaluate;
        var pool = run.Pool;
        if (pool is null || !pool.Matches(lineage, point))
        {
            var drawn = new double[Options.Candidates][];
            for (var c = 0; c < drawn.Length; c++)
            {
                drawn[c] = new double[p];
                for (var i = 0; i < p; i++)
                {
                    drawn[c][i] = rng.NextDouble();
                }
            }

            pool = run.Pool = new CandidatePool(lineage, (double[])point.Clone(), drawn, run.Pool);
        }

        // The pool first, then the current point: on a flat acquisition (no data yet) ties go to a random candidate,
        // so the first round explores instead of keeping what it has.
        var pooled = surrogate.Acquisition(pool);
        var current = encoding.Encode(context.Current, 0);
        var count = pool.Count + (current is null ? 0 : 1);
        var candidates = new double[count][];
        var values = new double[count];
        for (var c = 0; c < pool.Count; c++)
        {
            candidates[c] = pool.Candidate(c);
            values[c] = pooled?[c] ?? value(pool.Candidate(c));
        }

        if (current is not null)
        {
            candidates[^1] = current[1..(1 + p)];
            values[^1] = value(candidates[^1]);
        }

        // Best first, ties in candidate order: a total order, so the unstable sort is deterministic.
        var order = new int[count];
        for (var i = 0; i < count; i++)
        {
            order[i] = i;
        }

        Array.Sort(order, (a, b) => values[a] != values[b] ? values[b].CompareTo(values[a]) : a.CompareTo(b));
        var best = candidates[order[0]];
        var bestValue = values[order[0]];
        foreach (var start in order.Take(Options.LocalSearches))
        {
            var (u, v) = CompassSearch(candidates[start], values[start], value, Options.LocalEvaluations);
            if (v > bestValue)
            {
                best = u;
                bestValue = v;
            }
        }

        return best;
    }

    /// <summary>
    /// Maximises f inside [0, 1]^p by compass search (Kolda, Lewis and Torczon 2003): try ±step along each coordinate,
    /// move to the first improvement, halve the step when none improves; stops after <paramref name="budget"/>
    /// evaluations or when the step falls below 10⁻³.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (double[] U, double Value) CompassSearch(double[] start, double value, Func<double[], double> f, int budget)
    {
        var u = (double[])start.Clone();
        var trial = (double[])start.Clone();
        var step = 0.1;
        var evaluations = 0;
        while (evaluations < budget && step >= 1e-3)
        {
            var improved = false;
            for (var i = 0; i < u.Length && evaluations < budget && !improved; i++)
            {
                foreach (var sign in (ReadOnlySpan<double>)[1.0, -1.0])
                {
                    var moved = Math.Clamp(u[i] + (sign * step), 0.0, 1.0);
                    if (moved == u[i] || evaluations >= budget)
                    {
                        continue;
                    }

                    evaluations++;
                    trial[i] = moved;
                    var v = f(trial);
                    if (v > value)
                    {
                        u[i] = moved;
                        value = v;
                        improved = true;
                        break;
                    }

                    trial[i] = u[i];
                }
            }

            if (!improved)
            {
                step /= 2;
            }
        }

        return (u, value);
    }

    private static GpModel Parameters(IReadOnlyList<double> theta, Pb2Encoding encoding)
    {
        var continuous = new SquaredExponentialKernel(Math.Exp(theta[0]), Math.Exp(theta[1]));
        IKernel inner = encoding.Categorical.Length > 0
            ? new OverlapKernel(continuous, encoding.Continuous.Length, Math.Exp(theta[4]))
            : continuous;
        return new GpModel(new TimeVaryingKernel(inner, Math.Min(Math.Exp(theta[2]), 0.5)), Math.Exp(theta[3]));
    }

    /// <summary>The data, fit and bandit of one run at one history length.</summary>
    private sealed record Model(
        Pb2Encoding Encoding,
        double TimeUnit,
        double[][] Points,
        GaussianProcess? Process,
        IReadOnlyList<double> Theta,
        double[][] CategoryProbabilities);

    /// <summary>
    /// Per-run state: the usable observations encoded so far (the history only grows, so each is encoded once), the
    /// model for the current history length, and the last fitted parameters.
    /// </summary>
    private sealed class RunState
    {
        // Encoded usable observations in the order told; coordinate 0 holds the start step (normalised per window).
        private readonly List<(ExploreObservation Observation, double[] Point)> _usable = [];
        private Pb2Encoding? _encoding;
        private int _scanned;
        private double _timeUnit = 1.0;
        private Model? _model;
        private int _modelHistoryCount = -1;
        private double[]? _theta;
        private int _fittedUsable = -1;
        private Model? _conditionedModel;
        private List<double[]> _conditionedOn = [];
        private GaussianProcess? _conditioned;
        private object _lineage = new();

        /// <summary>The candidate pool of the current round (see <see cref="CandidatePool"/>).</summary>
        public CandidatePool? Pool { get; set; }

        /// <summary>
        /// The model's process with the pending choices added at their posterior mean, and its inputs in order. Within
        /// one synchronous round each explore adds one choice to the last one's pending list, so the previous result is
        /// extended by the new points (O(n²) each) instead of rebuilt.
        /// </summary>
        public (GaussianProcess? Process, double[][] Points, object Lineage) Conditioned(Model model, List<double[]> pending, GpModel gp, bool remember)
        {
            var reuse = ReferenceEquals(_conditionedModel, model) && _conditionedOn.Count <= pending.Count
                && _conditionedOn.Select((x, i) => x.AsSpan().SequenceEqual(pending[i])).All(same => same);
            var process = reuse ? _conditioned : model.Process;
            var added = reuse ? _conditionedOn.Count : 0;
            if (pending.Count > added)
            {
                var fresh = pending.Skip(added).ToArray();
                process = process is { } p
                    ? p.ConditionOnMean(fresh)
                    : GaussianProcess.TryFit(fresh, new double[fresh.Length], gp.Kernel, gp.NoiseVariance);
            }

            if (remember)
            {
                _lineage = reuse ? _lineage : new object();
                _conditionedModel = model;
                _conditionedOn = pending;
                _conditioned = process;
            }

            return (process, [.. model.Points, .. pending], _lineage);
        }

        public Model ModelFor(ExploreContext context, Pb2ExploreOptions options, bool remember)
        {
            var history = context.History;
            if (_encoding is null || !(ReferenceEquals(_encoding.Space, context.Space) || _encoding.Space.Equals(context.Space)) || history.Count < _scanned)
            {
                if (!remember && _encoding is not null)
                {
                    // A look at another space or history must not reset this run's state.
                    return new RunState().ModelFor(context, options, remember: true);
                }

                _encoding = new Pb2Encoding(context.Space);
                _usable.Clear();
                _scanned = 0;
                _timeUnit = 1.0;
                _model = null;
                _theta = null;
                _fittedUsable = -1;
            }

            if (_model is not null && _modelHistoryCount == history.Count)
            {
                return _model;
            }

            for (; _scanned < history.Count; _scanned++)
            {
                var o = history[_scanned];
                _timeUnit = Math.Max(_timeUnit, o.EndStep - o.StartStep);
                var rate = o.RewardRate;
                if (!double.IsNaN(rate) && !double.IsPositiveInfinity(rate) && double.IsFinite(o.StartScore)
                    && _encoding.Encode(o.Hyperparameters, o.StartStep) is { } point)
                {
                    InsertInOrder((o, point));
                }
            }

            var model = Build(_encoding, options, remember);
            if (remember)
            {
                _model = model;
                _modelHistoryCount = history.Count;
            }

            return model;
        }

        /// <summary>
        /// Adds an observation to <see cref="_usable"/>, kept ordered by (start step, member): after every observation with
        /// a smaller or equal key, so results told in step order are appended (the usual case) and the order never depends
        /// on which of one round's results arrived first.
        /// </summary>
        private void InsertInOrder((ExploreObservation Observation, double[] Point) item)
        {
            var at = _usable.Count;
            while (at > 0 && Compare(_usable[at - 1].Observation, item.Observation) > 0)
            {
                at--;
            }

            _usable.Insert(at, item);

            static int Compare(ExploreObservation a, ExploreObservation b) =>
                a.StartStep != b.StartStep ? a.StartStep.CompareTo(b.StartStep) : a.Member.CompareTo(b.Member);
        }

        /// <summary>The model at the current history; with <paramref name="remember"/> false the fit is not kept.</summary>
        private Model Build(Pb2Encoding encoding, Pb2ExploreOptions options, bool remember)
        {
            // The window: the latest observations by start step (ties by member), time in ready intervals. Which ones it
            // holds, and their order, do not depend on the order one generation's results were told.
            var window = _usable.GetRange(Math.Max(0, _usable.Count - options.Window), Math.Min(options.Window, _usable.Count)).ToArray();
            var targets = Standardize(window.Select(w => w.Observation.RewardRate).ToArray(), options.TargetClip, out var constant);
            var points = window.Select(w =>
            {
                var point = (double[])w.Point.Clone();
                point[0] /= _timeUnit;
                return point;
            }).ToArray();
            var usableCount = _usable.Count;

            var theta = _theta ?? s_default;
            var refit = _theta is null || usableCount >= 2 * _fittedUsable || usableCount - _fittedUsable >= options.RefitEvery;
            if (points.Length >= MinObservationsToFit && !constant && refit)
            {
                // Fit on up to FitWindow observations spread evenly over the window, so the time scale stays identifiable.
                var family = new GpModelFamily(t => Parameters(t, encoding), s_lower, s_upper);
                var m = Math.Min(options.FitWindow, points.Length);
                var subset = Enumerable.Range(0, m).Select(k => (int)((long)k * points.Length / m)).ToArray();
                IReadOnlyList<double>[] starts = _theta is { } warm
                    ? [family.Inside(warm, 1e-6)]
                    : [.. from l in new[] { 0.2, 0.8 } from noise in new[] { 0.05, 0.5 }
                          select (IReadOnlyList<double>)[0.0, Math.Log(l), Math.Log(0.1), Math.Log(noise), 0.0]];
                var fitPoints = subset.Select(k => points[k]).ToArray();
                var fitTargets = subset.Select(k => targets[k]).ToArray();
                var gram = new Pb2Gram(fitPoints, encoding.Continuous.Length);
                var fit = MarginalLikelihood.Maximize(fitPoints, fitTargets, 0.0, family, starts, model => gram.LogLikelihood(model, fitTargets), options.FitEvaluations, 1e-3);
                theta = family.Inside(fit.Parameters, 0.0);
                if (remember)
                {
                    _theta = theta;
                    _fittedUsable = usableCount;
                }
            }

            GaussianProcess? process = null;
            if (points.Length > 0)
            {
                var model = Parameters(theta, encoding);
                process = GaussianProcess.TryFit(points, targets, model.Kernel, model.NoiseVariance);
            }

            var probabilities = new double[encoding.Categorical.Length][];
            for (var j = 0; j < probabilities.Length; j++)
            {
                var column = 1 + encoding.Continuous.Length + j;
                var plays = window
                    .Select((w, i) => (w.Observation.StartStep, (int)w.Point[column], (targets[i] + options.TargetClip) / (2 * options.TargetClip)))
                    .ToArray();
                probabilities[j] = CategoryBandit.Probabilities(plays, encoding.Categorical[j].Choices.Count, options.CategoryExploration, options.CategoryForgetting);
            }

            // Without a process (K not positive definite, which the noise floor makes all but impossible) the prior decides.
            return new Model(encoding, _timeUnit, process is null ? [] : points, process, theta, probabilities);
        }

        /// <summary>(y − mean) / sd clipped to ±clip over the finite values; −∞ (diverged) becomes −clip.</summary>
        private static double[] Standardize(double[] y, double clip, out bool constant)
        {
            var finite = y.Where(double.IsFinite).ToArray();
            var mean = finite.Length > 0 ? finite.Average() : 0.0;
            var sd = finite.Length > 0 ? Math.Sqrt(finite.Sum(v => (v - mean) * (v - mean)) / finite.Length) : 0.0;
            constant = !(sd > 1e-12 * Math.Max(1.0, Math.Abs(mean))) && finite.Length == y.Length;
            var result = new double[y.Length];
            for (var i = 0; i < y.Length; i++)
            {
                result[i] = !double.IsFinite(y[i]) ? -clip
                    : constant || !(sd > 1e-12 * Math.Max(1.0, Math.Abs(mean))) ? 0.0
                    : Math.Clamp((y[i] - mean) / sd, -clip, clip);
            }

            return result;
        }
    }
}
