using Cohort.Core.Hyperparameters;

namespace Cohort.Cli.Spec;

/// <summary>
/// A resolved experiment spec (docs/spec.md): what a spec file says, validated, with every default filled in. Pure data
/// with value equality; <see cref="SpecJson"/> writes it back as JSON (stored with the run), and that JSON parses back
/// through <see cref="SpecLoader.Parse(string, string)"/> to an equal spec.
/// </summary>
/// <param name="Version">The format version; always 1.</param>
/// <param name="Experiment">The experiment name (<c>[a-z0-9-_.]+</c>).</param>
/// <param name="Seed">The root seed (default 0); the CLI's <c>--seed</c> overrides it with <c>spec with { Seed = n }</c>.</param>
/// <param name="Objective">The metric runs optimise and its direction.</param>
/// <param name="Trainable">What is trained.</param>
/// <param name="Hyperparameters">The searched hyperparameters, in file order.</param>
/// <param name="Constants">Fixed hyperparameters, never explored.</param>
/// <param name="Steps">Training steps per member, the same for every method.</param>
/// <param name="Ready">When members are evaluated (and, for PBT, ready to exploit/explore).</param>
/// <param name="Runs">The search methods to run, in file order, names unique.</param>
public sealed record ExperimentSpec(
    int Version,
    string Experiment,
    ulong Seed,
    ObjectiveSpec Objective,
    TrainableSpec Trainable,
    SpecList<HyperparameterSpec> Hyperparameters,
    HyperparameterSet Constants,
    long Steps,
    ReadySpec Ready,
    SpecList<RunSpec> Runs);

/// <summary>The metric to optimise, read from the trainable's validation metrics, and whether lower or higher is better.</summary>
public sealed record ObjectiveSpec(string Metric, ObjectiveDirection Mode);

public enum ObjectiveDirection
{
    Minimize,
    Maximize,
}

/// <summary>
/// What is trained: the PBT paper's toy problem, a network from the engine (<see cref="Network"/> set), or the
/// synthetic separable problem (<see cref="Synthetic"/> set).
/// </summary>
public sealed record TrainableSpec(TrainableKind Kind, NetworkSpec? Network, SyntheticSpec? Synthetic = null, NoisyQuadraticSpec? NoisyQuadratic = null);

/// <summary>
/// The noisy quadratic model (Cohort.Training.NoisyQuadratic; Zhang et al. 2019): SGD on ½ Σ h_i x_i², h_i = i^−p,
/// i = 1 … <see cref="Dimensions"/>, with gradient noise of covariance H / <see cref="BatchSize"/>; tuned through <c>lr</c>.
/// </summary>
/// <c>noise: expected</c> (<see cref="Expected"/>) tracks the iterate's mean and variance exactly instead of sampling.
public sealed record NoisyQuadraticSpec(int Dimensions, double CurvaturePower, double BatchSize, bool Expected = false);

/// <summary>
/// The synthetic separable problem (Cohort.Training.Synthetic): <see cref="Dimensions"/> hyperparameters
/// <c>h0</c> … <c>h{D−1}</c> in [0, 1] and Gaussian evaluation noise of standard deviation <see cref="Noise"/>.
/// </summary>
public sealed record SyntheticSpec(int Dimensions, double Noise);

public enum TrainableKind
{
    /// <summary>Jaderberg et al. 2017, Figure 2: maximise Q(θ) = 1.2 − (θ0² + θ1²) through the surrogate Q̂(θ|h).</summary>
    Toy,

    Network,

    /// <summary>A separable problem with many hyperparameters and noisy evaluations (paper 004's crossover claim).</summary>
    Synthetic,

    /// <summary>The noisy quadratic model: a cheap learning-rate testbed where greedy decay is tempting and wrong (FIRE PBT).</summary>
    NoisyQuadratic,
}

/// <summary>A network trainable.</summary>
/// <param name="Dataset">One of the known dataset names (<see cref="SpecLoader.KnownDatasets"/>).</param>
/// <param name="Model">The architecture.</param>
/// <param name="Optimizer">Default Adam.</param>
/// <param name="BatchSize">Default 32.</param>
/// <param name="ValidationFraction">Share of the training data held out for validation, in (0, 1); default 0.2.</param>
/// <param name="TestFraction">Share held out for test when the dataset has no canonical test split, in [0, 1); default 0.2.</param>
/// <param name="EvalSamples">Cap on validation samples per evaluation; 0 = all.</param>
/// <param name="StandardizeTargets">
/// Regression only: train on targets standardised with the training split's statistics; the <c>mse</c> and <c>rmse</c>
/// metrics stay in the target's own units (<c>loss</c> is in standardised units).
/// </param>
public sealed record NetworkSpec(
    string Dataset,
    NetworkModelSpec Model,
    OptimizerKind Optimizer,
    int BatchSize,
    double ValidationFraction,
    double TestFraction,
    int EvalSamples,
    bool StandardizeTargets = false)
{
    /// <summary>
    /// <c>seeded</c> (default): Cohort's split drawn from the experiment seed. <c>keras</c>: the public Keras code of
    /// paper 000 — rows shuffled by NumPy's RandomState(<see cref="SplitSeed"/>), the first (1 − test_fraction) for
    /// training (Boston: 404 of 506) and the rest for test, then the last validation_fraction of the training part
    /// for validation (Keras validation_split; 0.3: 122 rows), all in shuffled order.
    /// </summary>
    public DataSplitKind Split { get; init; } = DataSplitKind.Seeded;

    /// <summary>NumPy RandomState seed of the <c>keras</c> split (Keras's Boston default: 113).</summary>
    public uint SplitSeed { get; init; } = 113;

    /// <summary>Whether features are z-scored on the training split (default true; false: raw, as Keras loads them).</summary>
    public bool StandardizeFeatures { get; init; } = true;

    /// <summary>Mini-batch order: <c>shuffled</c> (default) or <c>sequential</c> (same batches for every member, no shuffling).</summary>
    public BatchOrderKind BatchOrder { get; init; } = BatchOrderKind.Shuffled;

    /// <summary>Whether the <c>loss</c> metric includes the l1/l2 penalty as Keras reports it (default false).</summary>
    public bool LossIncludesPenalty { get; init; }
}

/// <summary>How a dataset is split into train, validation and test.</summary>
public enum DataSplitKind
{
    Seeded,
    Keras,
}

/// <summary>Mini-batch order of a network trainable.</summary>
public enum BatchOrderKind
{
    Shuffled,
    Sequential,
}

/// <summary>
/// The architecture: <c>mlp</c> (hidden default [64]), <c>fc</c> (the fully connected net, hidden default [1024, 1024])
/// or <c>lenet5</c> (fixed layers; <see cref="Hidden"/> empty).
/// </summary>
public sealed record NetworkModelSpec(ModelKind Kind, SpecList<int> Hidden, ActivationKind Activation, bool Dropout);

public enum ModelKind
{
    Mlp,
    Lenet5,
    Fc,

    /// <summary>A LeNet-style conv net whose shape comes from hyperparameters (paper 004 sec. 4.2.3; Cohort.Training ConvNetShape).</summary>
    Convnet,
}

public enum ActivationKind
{
    Relu,
    Tanh,
    Sigmoid,
}

public enum OptimizerKind
{
    Adam,
    AdamW,
    Sgd,
}

/// <summary>
/// A searched hyperparameter. Numeric ones have <see cref="Min"/>/<see cref="Max"/> (and integers integral bounds);
/// categorical ones have <see cref="Choices"/>. <see cref="Grid"/> holds the resolved grid values (a count in the file
/// is expanded: linearly or log spaced between the bounds, integers rounded and deduplicated; a categorical without a
/// grid uses all its choices); empty when a numeric hyperparameter has no grid. For a categorical one
/// <see cref="Scale"/> is <see cref="HyperparameterScale.Linear"/> and <see cref="Min"/>/<see cref="Max"/> are null.
/// </summary>
public sealed record HyperparameterSpec(
    string Name,
    HyperparameterKind Kind,
    HyperparameterScale Scale,
    double? Min,
    double? Max,
    SpecList<string> Choices,
    PriorKind Prior,
    SpecList<HyperValue> Grid);

/// <summary>The <c>type</c> of a searched hyperparameter: <c>float</c>, <c>int</c> or <c>categorical</c>.</summary>
public enum HyperparameterKind
{
    /// <summary><c>float</c>: a real number in [min, max].</summary>
    Continuous,

    /// <summary><c>int</c>: an integer in [min, max]; stays an integer after any perturbation.</summary>
    Integral,

    /// <summary><c>categorical</c>: one of the choices.</summary>
    Categorical,
}

public enum HyperparameterScale
{
    Linear,
    Log,
}

/// <summary>The distribution random initialisation and resampling draw from: uniform in the hyperparameter's scale.</summary>
public enum PriorKind
{
    Uniform,
}

/// <summary>Members are evaluated every <see cref="Every"/> steps once <see cref="BurnIn"/> steps are done (paper 000 "ready").</summary>
public sealed record ReadySpec(int Every, int BurnIn);

/// <summary>One search method of the experiment.</summary>
/// <param name="Name">Unique within the experiment.</param>
/// <param name="Method">grid, random or pbt.</param>
/// <param name="Population">Members: the grid size (or points count) for grid, as given for random, given or derived for pbt.</param>
/// <param name="Points">Explicit initial points (every searched hyperparameter set), replacing the grid product / init; empty otherwise.</param>
/// <param name="Pbt">PBT options; null unless <see cref="Method"/> is pbt.</param>
/// <param name="TimeoutSeconds">Per-task timeout (synchronous PBT's generation barrier); 0 = none.</param>
/// <param name="Retries">How often a failed task is retried from its checkpoint before the member is excluded.</param>
/// <param name="Ga">Genetic-algorithm options; null unless <see cref="Method"/> is ga.</param>
/// <param name="Fire">FIRE PBT options; null unless <see cref="Method"/> is fire.</param>
public sealed record RunSpec(
    string Name,
    RunMethod Method,
    int Population,
    SpecList<HyperparameterSet> Points,
    PbtSpec? Pbt,
    double TimeoutSeconds,
    int Retries,
    GaSpec? Ga = null,
    FireSpec? Fire = null);

public enum RunMethod
{
    Grid,
    Random,
    Pbt,

    /// <summary>Paper 004's genetic algorithm in PBT mode.</summary>
    Ga,

    /// <summary>Paper 001's FIRE PBT: sub-populations, evaluators and the improvement-rate fitness.</summary>
    Fire,
}

/// <summary>
/// FIRE PBT (paper 001 sec. 3–4); the run's population is the total number of workers W = n·S + |H|.
/// </summary>
/// <param name="SubPopulations">n (default 2).</param>
/// <param name="SubPopulationSize">S (derived from W when not given).</param>
/// <param name="Evaluators">|H| (derived: W − n·S, about ¾ of the parents' total).</param>
/// <param name="EvalEvery">Steps between evaluations of Q (curve points); divides <c>ready.every</c>; default <c>ready.every</c>.</param>
/// <param name="PStat">p_stat (default 0.01).</param>
/// <param name="MaxEvalSteps">max_eval_steps (default 3 × <c>ready.every</c>).</param>
/// <param name="MinStepsBeforeEval">min_steps_before_eval for P2, P3, … (missing entries are 0).</param>
/// <param name="Exploit">The within-sub-population exploit (default truncation 25%).</param>
/// <param name="Explore">The within-sub-population explore (default perturb by {0.5, 0.8, 1.25, 2.0}).</param>
public sealed record FireSpec(
    int SubPopulations,
    int SubPopulationSize,
    int Evaluators,
    int EvalEvery,
    double PStat,
    long MaxEvalSteps,
    SpecList<long> MinStepsBeforeEval,
    ExploitSpec Exploit,
    ExploreSpec Explore);

/// <summary>
/// Paper 004's genetic algorithm (PBT mode): per-locus crossover and mutation rates (defaults 0.33 and 0.05) and how
/// the weights parent is chosen (<c>fitness</c>: a third fitness-proportional parent; <c>best</c>: the fitter of the
/// two hyperparameter parents).
/// <para>Topology mode (paper 004 sec. 4.2; <c>mode: topology</c>): every individual trains from scratch to the
/// <see cref="Target"/> or the step cap; <see cref="Generations"/> generations; the fom is the time to the target counted
/// in <see cref="Time"/> (steps, cost or seconds). Demes (sec. 6.2): <see cref="Demes"/> sub-populations on a
/// <see cref="DemeLayout"/> with <see cref="MigrationRate"/> (both modes).</para>
/// </summary>
public sealed record GaSpec(
    double CrossoverRate,
    double MutationRate,
    GaWeightsParent WeightsParent,
    Cohort.Core.Scheduling.GaMode Mode = Cohort.Core.Scheduling.GaMode.Pbt,
    int Generations = 250,
    double? Target = null,
    Cohort.Core.Scheduling.TimeMeasure Time = Cohort.Core.Scheduling.TimeMeasure.Steps,
    int Demes = 1,
    Cohort.Core.Scheduling.DemeLayout DemeLayout = Cohort.Core.Scheduling.DemeLayout.Ring,
    double MigrationRate = 0.05);

public enum GaWeightsParent
{
    Fitness,
    Best,
}

/// <summary>Population based training options (paper 000 sec. 3, paper 002 Algorithm 1).</summary>
public sealed record PbtSpec(
    PbtMode Mode,
    PbtInit Init,
    ExploitSpec Exploit,
    ExploreSpec Explore,
    BoundaryMode Boundary,
    PbtAblation Ablation,
    bool CopyHyperparameters = true)
{
    /// <summary>Whether an exploit copies the donor's optimizer state with its weights (default true; false: Keras set_weights).</summary>
    public bool CopyOptimizerState { get; init; } = true;
}

public enum PbtMode
{
    Synchronous,
    Asynchronous,
}

/// <summary>How the initial population is drawn: a progressive sub-sample of the grid (paper 000 sec. 3), the whole grid, the priors, or <see cref="RunSpec.Points"/>.</summary>
public enum PbtInit
{
    GridSubsample,
    Grid,
    Random,
    Points,
}

/// <summary>
/// Exploit: <c>truncation</c> (the bottom <see cref="Fraction"/> copies a member of the top fraction; paper 000 uses 0.2),
/// <c>tournament</c> (binary tournament), <c>best-into-worst</c> (the <see cref="Count"/> worst copy the best).
/// </summary>
public sealed record ExploitSpec(ExploitStrategyKind Strategy, double? Fraction, int? Count)
{
    /// <summary>Truncation only: cut by <c>count</c> (default) or by <c>percentile</c> (paper 000's Keras code).</summary>
    public TruncationRuleKind Rule { get; init; } = TruncationRuleKind.Count;
}

/// <summary>How truncation selection cuts the top and bottom.</summary>
public enum TruncationRuleKind
{
    Count,
    Percentile,
}

public enum ExploitStrategyKind
{
    Truncation,
    Tournament,
    BestIntoWorst,
}

/// <summary>
/// Explore: <c>perturb</c> multiplies by one of <see cref="Factors"/> (default {0.8, 1.2}); <c>log-noise</c> adds
/// N(0, <see cref="Sigma"/>) in log base <see cref="Base"/> (paper 003: σ = 0.5, base 2). Either resamples from the prior
/// with <see cref="ResampleProbability"/>.
/// </summary>
public sealed record ExploreSpec(ExploreStrategyKind Strategy, SpecList<double> Factors, double? Sigma, double? Base, double ResampleProbability);

public enum ExploreStrategyKind
{
    Perturb,
    LogNoise,

    /// <summary><c>noise</c>: additive N(0, σ·(max − min)) noise in each hyperparameter's own scale.</summary>
    Noise,
}

/// <summary>How a value pushed past a bound comes back: clamped to it, or reflected off it.</summary>
public enum BoundaryMode
{
    Clamp,
    Reflect,
}

/// <summary>PBT with one half switched off (paper 000 Figure 2's ablations).</summary>
public enum PbtAblation
{
    None,
    ExploreOnly,
    ExploitOnly,
}
