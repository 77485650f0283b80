using System.Diagnostics;
using System.Globalization;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Trainables;
using Cohort.Training.Reinforcement;

var steps = 60_000;
var every = 2000;
var h = HyperparameterSet.Empty;
var options = new DeepDoubleSarsaOptions();
ulong seed = 1;
for (var i = 0; i < args.Length - 1; i += 2)
{
    var v = args[i + 1];
    switch (args[i])
    {
        case "--steps": steps = int.Parse(v, CultureInfo.InvariantCulture); break;
        case "--every": every = int.Parse(v, CultureInfo.InvariantCulture); break;
        case "--seed": seed = ulong.Parse(v, CultureInfo.InvariantCulture); break;
        case "--hidden": options = options with { Hidden = v.Split(',').Select(int.Parse).ToArray() }; break;
        case "--batch": options = options with { BatchSize = int.Parse(v, CultureInfo.InvariantCulture) }; break;
        case "--replay": options = options with { ReplayCapacity = int.Parse(v, CultureInfo.InvariantCulture) }; break;
        default: h = h.With(args[i][2..], HyperValue.Of(double.Parse(v, CultureInfo.InvariantCulture))); break;
    }
}

var factory = new DeepDoubleSarsaTrainableFactory(options);
using var t = (DeepDoubleSarsaTrainable)factory.Create(seed);
t.Apply(h);
var sw = Stopwatch.StartNew();
var evalTime = 0.0;
for (var s = 0; s < steps; s += every)
{
    t.Train(every, seed * 1000 + (ulong)s, CancellationToken.None);
    var e0 = sw.Elapsed.TotalSeconds;
    var m = t.Evaluate(DataSplit.Validation);
    evalTime += sw.Elapsed.TotalSeconds - e0;
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{t.Step,7} ep {m["episodes"],5} eval {m["return"],6:F1} train {m["train_return"],6:F1} eps {t.Settings.Epsilon(t.Step):F2}  {sw.Elapsed.TotalSeconds:F1}s (eval {evalTime:F1}s)"));
}
