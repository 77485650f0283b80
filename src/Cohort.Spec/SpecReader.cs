using System.Globalization;
using System.Text.RegularExpressions;
using Cohort.Core.Hyperparameters;
using Cohort.Core.Scheduling;
using Cohort.Core.Trainables;
using Cohort.Spec.Plugins;
using Cohort.Spec.Sections;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Cohort.Spec;

/// <summary>
/// Walks the YAML node tree of one spec: the experiment-level keys here, a run's method keys and the trainable's kind
/// keys in the sections the catalog names. Every error is collected on the way (a bad value is reported and its part
/// left out, so that validation goes on); then the hyperparameters, constants and objective are checked against the
/// trainable's declaration, and each run's scheduler is built once.
/// </summary>
internal sealed partial class SpecReader(SpecReadSession session)
{
    /// <summary>Keys of every run, whatever its method.</summary>
    internal static readonly string[] CommonRunKeys = ["name", "method", "population", "points", "timeout_seconds", "retries"];

    private static readonly string[] s_rootKeys = ["version", "experiment", "seed", "objective", "trainable", "hyperparameters", "constants", "steps", "ready", "runs", "plugins"];
    private static readonly string[] s_objectiveKeys = ["metric", "mode", "target"];
    private static readonly string[] s_hyperparameterKeys = ["type", "scale", "min", "max", "grid", "prior", "choices"];
    private static readonly string[] s_readyKeys = ["every", "burn_in"];
    private static readonly (string, ObjectiveMode)[] s_directions = [("minimize", ObjectiveMode.Minimize), ("maximize", ObjectiveMode.Maximize)];
    private static readonly (string, HyperparameterType)[] s_types = [("float", HyperparameterType.Continuous), ("int", HyperparameterType.Integral), ("categorical", HyperparameterType.Categorical)];
    private static readonly (string, ParameterScale)[] s_scales = [("linear", ParameterScale.Linear), ("log", ParameterScale.Log)];
    private static readonly (string, bool)[] s_priors = [("uniform", true)];

    private const long MaxGridSize = MethodReadContext.MaxPopulation;

    /// <summary>Every searched hyperparameter name in the file, including those whose definition has errors.</summary>
    private readonly List<string> _declared = [];

    /// <summary>Where each hyperparameter and constant was written, for declaration errors.</summary>
    private readonly Dictionary<string, SpecEntry> _hyperparameterEntries = new(StringComparer.Ordinal);
    private readonly Dictionary<string, SpecEntry> _constantEntries = new(StringComparer.Ordinal);

    private SpecCatalog Catalog => session.Catalog;

    public ExperimentSpec? Read(string text)
    {
        if (Load(text) is not { } rootNode)
        {
            return null;
        }

        var root = rootNode.AsMap(s_rootKeys);
        if (root is null)
        {
            return null;
        }

        var plugins = root.Get("plugins") is { } pluginsNode ? Plugins(pluginsNode) : SpecList<string>.Empty;
        var version = root.Required("version")?.Whole(x => x == 1, "1 (the only spec version)");
        var experiment = root.Required("experiment")?.Name();
        var seed = root.Get("seed") is { } seedNode ? seedNode.Seed() : 0UL;
        var objectiveNode = root.Required("objective");
        var (objective, target) = objectiveNode is null ? (null, null) : Objective(objectiveNode);
        var trainableNode = root.Required("trainable");
        var trainable = trainableNode is null ? null : Trainable(trainableNode);
        var hyperparameters = root.Get("hyperparameters") is { } h ? Hyperparameters(h) : SpecList<HyperparameterSpec>.Empty;
        var constants = root.Get("constants") is { } c ? Constants(c, hyperparameters) : HyperparameterSet.Empty;
        var steps = root.Required("steps")?.Whole(x => x >= 1, "an integer ≥ 1");
        var ready = root.Get("ready") is { } r ? Ready(r, steps) : new ReadySpec((int)Math.Min(steps ?? 1, int.MaxValue), 0);
        var runs = root.Required("runs") is { } runsNode ? Runs(runsNode, hyperparameters, steps, ready) : null;
        if (trainable is not null && objective is not null && hyperparameters is not null && plugins is not null)
        {
            CheckDeclaration(root, trainableNode!, objectiveNode!, trainable, objective, hyperparameters, constants);
        }

        if (session.Errors.Count > 0 || version is null || experiment is null || objective is null || trainable is null || steps is null
            || runs is null || ready is null || hyperparameters is null || plugins is null || seed is null)
        {
            return null;
        }

        var spec = new ExperimentSpec((int)version.Value, experiment, seed.Value, objective, trainable, hyperparameters, constants, steps.Value, ready, runs)
        {
            Plugins = plugins,
            Target = target,
        };
        BuildSchedulers(spec, root.Get("runs")!);
        return session.Errors.Count > 0 ? null : spec;
    }

    /// <summary>Parses the YAML; reports syntax errors (a tab in an indentation at its own line) and an empty or multi-document file.</summary>
    private SpecNode? Load(string text)
    {
        var stream = new YamlStream();
        var scanner = new Scanner(new StringReader(text));
        try
        {
            stream.Load(new Parser(scanner));
        }
        catch (YamlException e)
        {
            if (FirstTabIndent(text) is { } tab)
            {
                session.Error(new SpecError(session.File, "", null, "YAML syntax error: a tab in the indentation; YAML indents with spaces only", tab.Line, tab.Column));
            }
            else
            {
                session.Error(new SpecError(session.File, "", null, "YAML syntax error: " + e.Message, (int)e.Start.Line, (int)e.Start.Column));
            }

            return null;
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails this way on some inputs cut short, e.g. an unclosed flow collection.
            var at = scanner.CurrentPosition;
            session.Error(new SpecError(session.File, "", null, "YAML syntax error: unexpected end of input (an unclosed [, { or quote?)", (int)at.Line, (int)at.Column));
            return null;
        }

        if (stream.Documents.Count == 0 || SpecNode.IsNullNode(stream.Documents[0].RootNode))
        {
            session.Error(new SpecError(session.File, "", null, "the spec is empty; expected a mapping with version, experiment, objective, trainable, steps and runs", 1, 1));
            return null;
        }

        if (stream.Documents.Count > 1)
        {
            session.Error("", stream.Documents[1].RootNode, "expected one YAML document, found " + stream.Documents.Count.ToString(CultureInfo.InvariantCulture));
        }

        var root = stream.Documents[0].RootNode;
        var applied = true;
        foreach (var change in session.Overrides)
        {
            applied &= change.ApplyTo(root, session);
        }

        return applied ? new SpecNode(root, "", session) : null;
    }

    /// <summary>The first line whose indentation holds a tab (1-based line and column), or null.</summary>
    private static (int Line, int Column)? FirstTabIndent(string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            var indent = line.Length - line.TrimStart(' ', '\t').Length;
            var tab = line.IndexOf('\t', StringComparison.Ordinal);
            if (tab >= 0 && tab < indent && indent < line.TrimEnd('\r').Length)
            {
                return (i + 1, tab + 1);
            }
        }

        return null;
    }

    /// <summary><c>plugins: [path.dll, …]</c>: loads each assembly and adds the sections it registers to the catalog.</summary>
    private SpecList<string>? Plugins(SpecNode node)
    {
        if (node.AsList("a list of plugin assembly paths") is not { } list)
        {
            return null;
        }

        var paths = new List<string>();
        var ok = true;
        foreach (var item in list)
        {
            if (item.FilePath() is not { } path)
            {
                ok = false;
                continue;
            }

            try
            {
                session.Catalog = Catalog.Add(PluginAssemblies.Sections(path));
                paths.Add(path);
            }
            catch (ArgumentException e)
            {
                item.Error(e.Message, item.Scalar);
                ok = false;
            }
        }

        return ok ? SpecList<string>.From(paths) : null;
    }

    /// <summary><c>objective</c>: the metric, its direction and an optional target value (null when absent).</summary>
    private (Objective? Objective, double? Target) Objective(SpecNode node)
    {
        var map = node.AsMap(s_objectiveKeys);
        if (map is null)
        {
            return (null, null);
        }

        var metric = map.Required("metric")?.Text();
        var mode = map.Choice("mode", ObjectiveMode.Minimize, s_directions);
        var target = map.Get("target")?.Number(double.IsFinite, "a finite number");
        return metric is null || mode is null || (map.Has("target") && target is null) ? (null, null) : (new Objective(metric, mode.Value), target);
    }

    /// <summary><c>trainable</c>: the kind picks the section; keys of other kinds are reported as such.</summary>
    private TrainableSpec? Trainable(SpecNode node)
    {
        var entries = node.Entries();
        if (entries is null)
        {
            return null;
        }

        var kinds = Catalog.Trainables;
        var section = entries.FirstOrDefault(e => e.Key == "kind")?.Value.Scalar is { } name ? Catalog.Trainable(name) : null;
        var allowed = section is null ? kinds.SelectMany(k => k.Keys).Distinct(StringComparer.Ordinal).ToArray() : section.Keys;
        var map = Restrict(node, entries, "kind", allowed, kinds, "trainable kind", section);
        var kindNode = map.Required("kind");
        if (kindNode is null)
        {
            return null;
        }

        if (section is null)
        {
            kindNode.Choice(kinds.Select(k => (k.Name, true)).ToArray());
            return null;
        }

        return section.Read(map) is { } settings ? new TrainableSpec(section.Name, settings) : null;
    }

    /// <summary>
    /// The mapping restricted to <paramref name="common"/> and <paramref name="allowed"/> keys; a key of another section
    /// is reported as "only for …", any other unknown key with a suggestion.
    /// </summary>
    private static SpecMap Restrict(
        SpecNode node,
        IReadOnlyList<SpecEntry> entries,
        IEnumerable<string> common,
        IReadOnlyList<string> allowed,
        IEnumerable<ISpecSection> sections,
        string what,
        ISpecSection? section)
    {
        var commonKeys = common.ToArray();
        var known = commonKeys.Concat(allowed).ToArray();
        var kept = new List<SpecEntry>();
        foreach (var entry in entries)
        {
            if (known.Contains(entry.Key, StringComparer.Ordinal))
            {
                kept.Add(entry);
                continue;
            }

            var owners = sections.Where(s => s.Keys.Contains(entry.Key, StringComparer.Ordinal)).Select(s => s.Name).ToArray();
            if (owners.Length > 0)
            {
                var none = section is not null && section.Keys.Count == 0 ? $"; {what} {section.Name} takes no other key" : "";
                entry.Value.Error($"only for {what} {string.Join(", ", owners)}{none}");
            }
            else
            {
                entry.KeyNode.Error($"unknown key{SpecReadSession.Suggest(entry.Key, known)}; expected one of {string.Join(", ", known)}", entry.Key);
            }
        }

        return new SpecMap(node, kept);
    }

    private static SpecMap Restrict(SpecNode node, IReadOnlyList<SpecEntry> entries, string common, IReadOnlyList<string> allowed, IEnumerable<ISpecSection> sections, string what, ISpecSection? section) =>
        Restrict(node, entries, [common], allowed, sections, what, section);

    private SpecList<HyperparameterSpec>? Hyperparameters(SpecNode node)
    {
        if (node.IsNull)
        {
            return SpecList<HyperparameterSpec>.Empty;
        }

        var entries = node.Entries();
        if (entries is null)
        {
            return null;
        }

        var specs = new List<HyperparameterSpec>();
        foreach (var entry in entries)
        {
            if (!HyperparameterName().IsMatch(entry.Key))
            {
                entry.KeyNode.Error("a hyperparameter name must match [A-Za-z_][A-Za-z0-9_.-]*", entry.Key);
                continue;
            }

            _declared.Add(entry.Key);
            _hyperparameterEntries[entry.Key] = entry;
            if (Hyperparameter(entry.Key, entry.Value) is { } spec)
            {
                specs.Add(spec);
            }
        }

        // Errors are recorded; the valid definitions let later sections (points, grids) still be checked.
        return SpecList<HyperparameterSpec>.From(specs);
    }

    private static HyperparameterSpec? Hyperparameter(string name, SpecNode node)
    {
        var map = node.AsMap(s_hyperparameterKeys);
        if (map is null)
        {
            return null;
        }

        var type = map.Required("type")?.Choice(s_types);
        if (type is null)
        {
            return null;
        }

        var prior = map.Choice("prior", true, s_priors);
        if (type == HyperparameterType.Categorical)
        {
            foreach (var key in new[] { "scale", "min", "max" }.Where(map.Has))
            {
                map.Get(key)!.Error("only for float and int hyperparameters; a categorical one has choices");
            }

            var choices = map.Required("choices") is { } c ? Choices(c) : null;
            SpecList<HyperValue>? grid = choices is null ? null : SpecList<HyperValue>.From(choices.Select(HyperValue.Of));
            if (map.Get("grid") is { } g && choices is not null)
            {
                grid = CategoricalGrid(g, choices);
            }

            return choices is null || grid is null || prior is null
                ? null
                : new HyperparameterSpec(name, HyperparameterType.Categorical, ParameterScale.Linear, null, null, choices, grid);
        }

        map.Get("choices")?.Error("only for categorical hyperparameters; a float or int one has min and max");
        var integral = type == HyperparameterType.Integral;
        var scale = map.Choice("scale", ParameterScale.Linear, s_scales);
        var min = map.Required("min") is { } minNode ? Bound(minNode, integral) : null;
        var max = map.Required("max") is { } maxNode ? Bound(maxNode, integral) : null;
        var boundsOk = min is not null && max is not null && scale is not null;
        if (boundsOk && min >= max)
        {
            map.Get("min")!.Error(string.Create(CultureInfo.InvariantCulture, $"min must be less than max ({Format(max!.Value)})"));
            boundsOk = false;
        }

        if (boundsOk && scale == ParameterScale.Log && min <= 0)
        {
            map.Get("min")!.Error("a log-scale hyperparameter needs min > 0");
            boundsOk = false;
        }

        SpecList<HyperValue>? numericGrid = SpecList<HyperValue>.Empty;
        if (map.Get("grid") is { } gridNode)
        {
            numericGrid = boundsOk ? NumericGrid(gridNode, integral, scale!.Value, min!.Value, max!.Value) : null;
        }

        return !boundsOk || numericGrid is null || prior is null
            ? null
            : new HyperparameterSpec(name, type.Value, scale!.Value, min, max, SpecList<string>.Empty, numericGrid);
    }

    private static double? Bound(SpecNode node, bool integral) =>
        integral
            ? node.Whole(x => Math.Abs(x) <= 1L << 53, "an integer") is { } i ? i : null
            : node.Number();

    private static SpecList<string>? Choices(SpecNode node)
    {
        var list = node.AsList();
        if (list is null)
        {
            return null;
        }

        if (list.Count == 0)
        {
            node.Error("expected at least one choice", "[]");
            return null;
        }

        var choices = new List<string>();
        foreach (var itemNode in list)
        {
            var item = itemNode.Text();
            if (item is null)
            {
                continue;
            }

            if (choices.Contains(item))
            {
                itemNode.Error("duplicate choice", item);
                continue;
            }

            choices.Add(item);
        }

        return choices.Count == list.Count ? SpecList<string>.From(choices) : null;
    }

    private static SpecList<HyperValue>? CategoricalGrid(SpecNode node, SpecList<string> choices)
    {
        var list = node.AsList("a list of choices (a categorical grid cannot be a count)");
        if (list is null)
        {
            return null;
        }

        if (list.Count == 0)
        {
            node.Error("empty grid; expected at least one choice", "[]");
            return null;
        }

        var values = new List<HyperValue>();
        foreach (var item in list)
        {
            if (Categorical(item, choices) is { } value)
            {
                if (values.Contains(value))
                {
                    item.Error("duplicate grid value", value.Category);
                    continue;
                }

                values.Add(value);
            }
        }

        return values.Count == list.Count ? SpecList<HyperValue>.From(values) : null;
    }

    private static SpecList<HyperValue>? NumericGrid(SpecNode node, bool integral, ParameterScale scale, double min, double max)
    {
        if (!node.IsList && !node.IsMapping)
        {
            var count = node.Whole(x => x is >= 2 and <= MaxGridSize, "a grid count in [2, 1000000] or a list of values");
            if (count is null)
            {
                return null;
            }

            var values = new List<HyperValue>();
            for (var i = 0; i < count; i++)
            {
                var t = (double)i / (count.Value - 1);
                var v = i == 0 ? min
                    : i == count - 1 ? max
                    : scale == ParameterScale.Log ? Math.Exp(Math.Log(min) + (t * (Math.Log(max) - Math.Log(min))))
                    : min + (t * (max - min));
                if (integral)
                {
                    v = Math.Round(v, MidpointRounding.AwayFromZero);
                }

                if (!values.Contains(v))
                {
                    values.Add(v);
                }
            }

            return SpecList<HyperValue>.From(values);
        }

        var list = node.AsList("a grid count or a list of values");
        if (list is null)
        {
            return null;
        }

        if (list.Count == 0)
        {
            node.Error("empty grid; expected a count ≥ 2 or at least one value", "[]");
            return null;
        }

        var explicitValues = new List<HyperValue>();
        foreach (var item in list)
        {
            if (NumericValue(item, integral, min, max) is { } value)
            {
                if (explicitValues.Contains(value))
                {
                    item.Error("duplicate grid value", Format(value.Number));
                    continue;
                }

                explicitValues.Add(value);
            }
        }

        return explicitValues.Count == list.Count ? SpecList<HyperValue>.From(explicitValues) : null;
    }

    private static HyperValue? NumericValue(SpecNode node, bool integral, double min, double max)
    {
        var range = string.Create(CultureInfo.InvariantCulture, $"[{Format(min)}, {Format(max)}]");
        double? value = integral
            ? node.Whole(x => x >= min && x <= max, "an integer in " + range)
            : node.Number(x => x >= min && x <= max, "a number in " + range);
        return value is { } v ? HyperValue.Of(v) : (HyperValue?)null;
    }

    private static HyperValue? Categorical(SpecNode node, SpecList<string> choices)
    {
        var text = node.Text();
        if (text is null)
        {
            return null;
        }

        if (!choices.Contains(text))
        {
            node.Error($"expected one of the choices {string.Join(", ", choices)}{SpecReadSession.Suggest(text, choices)}", text);
            return null;
        }

        return HyperValue.Of(text);
    }

    /// <summary>A value for a searched hyperparameter, checked against its type, bounds or choices.</summary>
    private static HyperValue? ValueFor(HyperparameterSpec spec, SpecNode node) =>
        spec.Type == HyperparameterType.Categorical
            ? Categorical(node, spec.Choices)
            : NumericValue(node, spec.Type == HyperparameterType.Integral, spec.Min!.Value, spec.Max!.Value);

    private HyperparameterSet Constants(SpecNode node, SpecList<HyperparameterSpec>? searched)
    {
        if (node.IsNull || node.Entries() is not { } entries)
        {
            return HyperparameterSet.Empty;
        }

        var values = new List<KeyValuePair<string, HyperValue>>();
        foreach (var entry in entries)
        {
            var name = entry.Key;
            if (searched is not null && searched.Any(h => h.Name == name))
            {
                entry.KeyNode.Error($"'{name}' is also a searched hyperparameter; a constant is never searched", name);
                continue;
            }

            _constantEntries[name] = entry;
            var value = entry.Value;
            if (value.Scalar is not { } text)
            {
                value.Error("expected a number or a category name", value.Describe());
                continue;
            }

            if (value.IsPlainScalar && SpecNode.TryNumber(text, out var number))
            {
                if (!double.IsFinite(number))
                {
                    value.Error("expected a finite number", text);
                    continue;
                }

                values.Add(new(name, number));
            }
            else
            {
                values.Add(new(name, text));
            }
        }

        return HyperparameterSet.From(values);
    }

    private static ReadySpec? Ready(SpecNode node, long? steps)
    {
        var map = node.AsMap(s_readyKeys);
        if (map is null)
        {
            return null;
        }

        var limit = Math.Min(steps ?? int.MaxValue, int.MaxValue);
        var every = map.Whole("every", limit, x => x >= 1 && x <= limit, string.Create(CultureInfo.InvariantCulture, $"an integer in [1, steps = {limit}]"));
        var burnIn = map.Whole("burn_in", 0, x => x >= 0 && x < limit, string.Create(CultureInfo.InvariantCulture, $"an integer in [0, steps = {limit})"));
        return every is null || burnIn is null ? null : new ReadySpec((int)every.Value, (int)burnIn.Value);
    }

    private SpecList<RunSpec>? Runs(SpecNode node, SpecList<HyperparameterSpec>? hyperparameters, long? steps, ReadySpec? ready)
    {
        var list = node.AsList();
        if (list is null)
        {
            return null;
        }

        if (list.Count == 0)
        {
            node.Error("expected at least one run", "[]");
            return null;
        }

        var runs = new List<RunSpec>();
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < list.Count; i++)
        {
            if (Run(list[i], hyperparameters, steps, ready, names, i) is { } run)
            {
                runs.Add(run);
            }
        }

        return runs.Count == list.Count ? SpecList<RunSpec>.From(runs) : null;
    }

    private RunSpec? Run(SpecNode node, SpecList<HyperparameterSpec>? hyperparameters, long? steps, ReadySpec? ready, Dictionary<string, int> names, int index)
    {
        var entries = node.Entries();
        if (entries is null)
        {
            return null;
        }

        var methods = Catalog.Methods;
        var section = entries.FirstOrDefault(e => e.Key == "method")?.Value.Scalar is { } methodName ? Catalog.Method(methodName) : null;
        var allowed = section is null ? methods.SelectMany(m => m.Keys).Distinct(StringComparer.Ordinal).ToArray() : section.Keys;
        var map = Restrict(node, entries, CommonRunKeys, allowed, methods, "method", section);
        var name = map.Required("name")?.Name();
        if (name is not null)
        {
            if (names.TryGetValue(name, out var first))
            {
                map.Get("name")!.Error(string.Create(CultureInfo.InvariantCulture, $"duplicate run name; runs[{first}] already uses it"), name);
                name = null;
            }
            else
            {
                names[name] = index;
            }
        }

        var methodNode = map.Required("method");
        if (methodNode is not null && section is null)
        {
            methodNode.Choice(methods.Select(m => (m.Name, true)).ToArray());
        }

        var populationNode = map.Get("population");
        var population = populationNode?.Whole(x => x is >= 1 and <= MaxGridSize, "an integer in [1, 1000000]");
        var timeout = map.Number("timeout_seconds", 0, x => x >= 0, "a number of seconds ≥ 0 (0 = none)");
        var retries = map.Whole("retries", 2, x => x is >= 0 and <= 1000, "an integer in [0, 1000]");
        var points = map.Get("points") is { } pointsNode && hyperparameters is not null ? Points(pointsNode, hyperparameters) : SpecList<HyperparameterSet>.Empty;
        if (section is null || name is null || timeout is null || retries is null || points is null || hyperparameters is null
            || (populationNode is not null && population is null))
        {
            return null;
        }

        var context = new MethodReadContext(map, section.Name, population, points, hyperparameters, steps, ready);
        var reading = section.Read(context);
        return reading is null
            ? null
            : new RunSpec(name, section.Name, (int)reading.Population, points, timeout.Value, (int)retries.Value, reading.Settings);
    }

    private SpecList<HyperparameterSet>? Points(SpecNode node, SpecList<HyperparameterSpec> hyperparameters)
    {
        var list = node.AsList();
        if (list is null)
        {
            return null;
        }

        if (list.Count == 0)
        {
            node.Error("expected at least one point (or leave points out)", "[]");
            return null;
        }

        var points = new List<HyperparameterSet>();
        var names = _declared.ToArray();
        foreach (var item in list)
        {
            var map = item.AsMap(names, "hyperparameter");
            if (map is null)
            {
                continue;
            }

            var values = new List<KeyValuePair<string, HyperValue>>();
            foreach (var name in names)
            {
                if (map.Get(name) is not { } valueNode)
                {
                    item.ErrorAt(SpecNode.Join(item.Path, name), "missing: every point sets every searched hyperparameter");
                    continue;
                }

                if (hyperparameters.FirstOrDefault(h => h.Name == name) is { } h && ValueFor(h, valueNode) is { } value)
                {
                    values.Add(new(name, value));
                }
            }

            if (values.Count == names.Length && item.Count == names.Length)
            {
                points.Add(HyperparameterSet.From(values));
            }
        }

        return points.Count == list.Count ? SpecList<HyperparameterSet>.From(points) : null;
    }

    /// <summary>
    /// Checks the searched hyperparameters, the constants and the objective's metric against what the trainable
    /// declares (from its settings alone), each problem at the key that causes it.
    /// </summary>
    private void CheckDeclaration(
        SpecMap root,
        SpecNode trainableNode,
        SpecNode objectiveNode,
        TrainableSpec trainable,
        Objective objective,
        SpecList<HyperparameterSpec> hyperparameters,
        HyperparameterSet constants)
    {
        TrainableDeclaration declaration;
        SearchSpace space;
        try
        {
            declaration = Catalog.Trainable(trainable.Kind)!.Declare(trainable.Settings);
            space = SpecMapping.Space(hyperparameters, constants);
        }
        catch (ArgumentException e)
        {
            trainableNode.Error(e.Message);
            return;
        }

        foreach (var problem in declaration.Check(space))
        {
            var searched = _hyperparameterEntries.GetValueOrDefault(problem.Name);
            var constant = _constantEntries.GetValueOrDefault(problem.Name);
            var (path, node) = problem.Kind switch
            {
                DeclarationProblemKind.MissingHyperparameter => ("hyperparameters", root.Get("hyperparameters") ?? root.Node),
                _ when constant is not null => (constant.Value.Path, constant.Value),
                DeclarationProblemKind.UnknownHyperparameter => (searched!.KeyNode.Path, searched.KeyNode),
                DeclarationProblemKind.WrongType => Part(searched!, "type"),
                DeclarationProblemKind.LowerBoundOutside => Part(searched!, "min"),
                DeclarationProblemKind.UpperBoundOutside => Part(searched!, "max"),
                DeclarationProblemKind.NotAChoice => Part(searched!, "choices"),
                _ => (searched!.KeyNode.Path, searched.KeyNode),
            };
            node.ErrorAt(path, problem.Message, problem.Value);
        }

        if (declaration.CheckMetric(objective.Metric) is { } metric)
        {
            var metricNode = objectiveNode.Child("metric") ?? objectiveNode;
            metricNode.ErrorAt("objective.metric", metric.Message, metric.Value);
        }

        static (string, SpecNode) Part(SpecEntry entry, string key) =>
            entry.Value.Child(key) is { } part ? (part.Path, part) : (entry.KeyNode.Path, entry.KeyNode);
    }

    /// <summary>Builds each run's scheduler once, so that a spec the reader accepts is one the runner can start.</summary>
    private void BuildSchedulers(ExperimentSpec spec, SpecNode runsNode)
    {
        var items = runsNode.AsList()!;
        for (var i = 0; i < spec.Runs.Count; i++)
        {
            try
            {
                _ = Catalog.CreateScheduler(spec, spec.Runs[i]);
            }
            catch (ArgumentException e)
            {
                items[i].Error("the method cannot be set up: " + e.Message);
            }
        }
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_.-]*$")]
    private static partial Regex HyperparameterName();
}
