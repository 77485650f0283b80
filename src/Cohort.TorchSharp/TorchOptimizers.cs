using System.Globalization;
using Cohort.Core.Hyperparameters;
using Cohort.Training.Networks;
using TorchSharp.Modules;
using static TorchSharp.torch;

namespace Cohort.TorchSharp;

/// <summary>The optimizers the built-in TorchSharp trainables create.</summary>
public enum TorchOptimizerKind
{
    /// <summary><c>torch.optim.SGD</c> (momentum, weight decay; no Nesterov).</summary>
    Sgd,

    /// <summary><c>torch.optim.Adam</c> (weight decay added to the gradient).</summary>
    Adam,

    /// <summary><c>torch.optim.AdamW</c> (decoupled weight decay).</summary>
    AdamW,
}

/// <summary>
/// An optimizer whose parameter groups carry live hyperparameters. <see cref="Apply"/> sets every group's options from
/// a <see cref="HyperparameterSet"/>: a name present sets its option, a name absent restores the value the optimizer was
/// created with (as the engine's trainables do, so a task's hyperparameters alone decide the options). Names, for an
/// optimizer bound with suffix s (empty for a single optimizer; <c>_g</c> and <c>_d</c> for a GAN's two):
/// <list type="bullet">
/// <item><c>learning_rate</c>+s → every group's learning rate (all optimizers); finite, ≥ 0.</item>
/// <item><c>momentum</c>+s → SGD's and RMSprop's momentum; finite, ≥ 0.</item>
/// <item><c>beta1</c>+s, <c>beta2</c>+s → Adam's and AdamW's β₁, β₂; in [0, 1).</item>
/// <item><c>epsilon</c>+s → Adam's, AdamW's and RMSprop's ε; finite, ≥ 0.</item>
/// <item><c>weight_decay</c>+s → weight decay of SGD, Adam, AdamW, RMSprop; finite, ≥ 0.</item>
/// </list>
/// A name the optimizer has no option for is an error naming it.
/// </summary>
internal sealed class LiveOptimizer
{
    private readonly Dictionary<string, Action<ParamGroup, double>> _setters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<ParamGroup, double>> _getters = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Func<double, bool>> _valid = new(StringComparer.Ordinal);
    private readonly List<Dictionary<string, double>> _defaults = [];

    public LiveOptimizer(string name, OptimizerHelper optimizer, string suffix = "")
    {
        Name = name;
        Optimizer = optimizer;
        Suffix = suffix;
        Add(NetworkHyperparameters.LearningRate, (g, v) => g.LearningRate = v, g => g.LearningRate, NonNegative);
        switch (optimizer)
        {
            case SGD:
                Add(NetworkHyperparameters.Momentum, (g, v) => Options<SGD.Options>(g).momentum = v, g => Options<SGD.Options>(g).momentum!.Value, NonNegative);
                Add(NetworkHyperparameters.WeightDecay, (g, v) => Options<SGD.Options>(g).weight_decay = v, g => Options<SGD.Options>(g).weight_decay!.Value, NonNegative);
                break;
            case Adam:
                Add(NetworkHyperparameters.Beta1, (g, v) => Options<Adam.Options>(g).beta1 = v, g => Options<Adam.Options>(g).beta1!.Value, Beta);
                Add(NetworkHyperparameters.Beta2, (g, v) => Options<Adam.Options>(g).beta2 = v, g => Options<Adam.Options>(g).beta2!.Value, Beta);
                Add(NetworkHyperparameters.Epsilon, (g, v) => Options<Adam.Options>(g).eps = v, g => Options<Adam.Options>(g).eps!.Value, NonNegative);
                Add(NetworkHyperparameters.WeightDecay, (g, v) => Options<Adam.Options>(g).weight_decay = v, g => Options<Adam.Options>(g).weight_decay!.Value, NonNegative);
                break;
            case AdamW:
                Add(NetworkHyperparameters.Beta1, (g, v) => Options<AdamW.Options>(g).beta1 = v, g => Options<AdamW.Options>(g).beta1!.Value, Beta);
                Add(NetworkHyperparameters.Beta2, (g, v) => Options<AdamW.Options>(g).beta2 = v, g => Options<AdamW.Options>(g).beta2!.Value, Beta);
                Add(NetworkHyperparameters.Epsilon, (g, v) => Options<AdamW.Options>(g).eps = v, g => Options<AdamW.Options>(g).eps!.Value, NonNegative);
                Add(NetworkHyperparameters.WeightDecay, (g, v) => Options<AdamW.Options>(g).weight_decay = v, g => Options<AdamW.Options>(g).weight_decay!.Value, NonNegative);
                break;
            case RMSProp:
                Add(NetworkHyperparameters.Momentum, (g, v) => Options<RMSProp.Options>(g).momentum = v, g => Options<RMSProp.Options>(g).momentum!.Value, NonNegative);
                Add(NetworkHyperparameters.Epsilon, (g, v) => Options<RMSProp.Options>(g).eps = v, g => Options<RMSProp.Options>(g).eps!.Value, NonNegative);
                Add(NetworkHyperparameters.WeightDecay, (g, v) => Options<RMSProp.Options>(g).weight_decay = v, g => Options<RMSProp.Options>(g).weight_decay!.Value, NonNegative);
                break;
        }

        foreach (var group in Groups)
        {
            _defaults.Add(_getters.ToDictionary(kv => kv.Key, kv => kv.Value(group), StringComparer.Ordinal));
        }
    }

    /// <summary>The optimizer's name in checkpoints.</summary>
    public string Name { get; }

    public OptimizerHelper Optimizer { get; }

    /// <summary>Appended to every hyperparameter name this optimizer reads.</summary>
    public string Suffix { get; }

    /// <summary>The hyperparameter names this optimizer reads.</summary>
    public IEnumerable<string> Names => _setters.Keys.Select(n => n + Suffix);

    /// <summary>The parameter groups.</summary>
    public IEnumerable<ParamGroup> Groups => Optimizer.ParamGroups.Cast<ParamGroup>();

    /// <summary>Creates one of the built-in optimizers over <paramref name="parameters"/>, with the engine's defaults.</summary>
    public static OptimizerHelper Create(TorchOptimizerKind kind, IEnumerable<Parameter> parameters) => kind switch
    {
        TorchOptimizerKind.Sgd => optim.SGD(parameters, 1e-3),
        TorchOptimizerKind.Adam => optim.Adam(parameters),
        TorchOptimizerKind.AdamW => optim.AdamW(parameters, weight_decay: 0),
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown optimizer."),
    };

    /// <summary>Sets every group's options from <paramref name="hyperparameters"/> (absent names: the creation values).</summary>
    public void Apply(HyperparameterSet hyperparameters)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var option in _setters.Keys)
        {
            var name = option + Suffix;
            if (!hyperparameters.ContainsKey(name))
            {
                continue;
            }

            var value = hyperparameters.GetNumber(name);
            if (!_valid[option](value))
            {
                throw new ArgumentOutOfRangeException(
                    nameof(hyperparameters), value, string.Create(CultureInfo.InvariantCulture, $"Hyperparameter '{name}' = {value:R} is out of range for {Optimizer.GetType().Name}."));
            }

            values[option] = value;
        }

        var k = 0;
        foreach (var group in Groups)
        {
            foreach (var (option, set) in _setters)
            {
                set(group, values.TryGetValue(option, out var v) ? v : _defaults[k][option]);
            }

            k++;
        }
    }

    private void Add(string option, Action<ParamGroup, double> set, Func<ParamGroup, double> get, Func<double, bool> valid)
    {
        _setters[option] = set;
        _getters[option] = get;
        _valid[option] = valid;
    }

    private static T Options<T>(ParamGroup group) where T : OptimizerOptions => (T)group.Options;

    private static bool NonNegative(double v) => double.IsFinite(v) && v >= 0;

    private static bool Beta(double v) => v is >= 0 and < 1;
}
