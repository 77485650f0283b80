using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using Cohort.Core.Scheduling;
using Cohort.Core.Trainables;
using Cohort.Spec.Methods;
using Cohort.Spec.Plugins;
using Cohort.Spec.Sections;

namespace Cohort.Spec;

/// <summary>
/// The registered sections — search methods and trainable kinds — and everything done with a spec through them:
/// reading and validating (<see cref="Load"/>, <see cref="Parse"/>), writing (<see cref="ToJson(ExperimentSpec)"/>),
/// and mapping onto Core (<see cref="CreateScheduler"/>, <see cref="Declare"/>, <see cref="CreateFactoryAsync"/>).
/// Immutable: <see cref="Add"/> returns a new catalog. <see cref="Default"/> holds the built-in methods and the
/// <c>plugin</c> kind; a host adds its trainable kinds (Cohort.Training's <c>TrainingSections.All</c>, …).
/// </summary>
public sealed class SpecCatalog
{
    private readonly ConcurrentDictionary<string, SpecCatalog> _withPlugins = new(StringComparer.Ordinal);

    private SpecCatalog(IReadOnlyList<IMethodSection> methods, IReadOnlyList<ITrainableSection> trainables)
    {
        Methods = methods;
        Trainables = trainables;
    }

    /// <summary>No section at all.</summary>
    public static SpecCatalog Empty { get; } = new([], []);

    /// <summary>The built-in methods (<see cref="BuiltInMethods.All"/>) and the <c>plugin</c> trainable kind.</summary>
    public static SpecCatalog Default { get; } = Empty.Add([.. BuiltInMethods.All, new PluginSection()]);

    /// <summary>The method sections, in registration order.</summary>
    public IReadOnlyList<IMethodSection> Methods { get; }

    /// <summary>The trainable kind sections, in registration order.</summary>
    public IReadOnlyList<ITrainableSection> Trainables { get; }

    /// <summary>A catalog with <paramref name="sections"/> added; throws <see cref="ArgumentException"/> when a name is taken.</summary>
    public SpecCatalog Add(params IEnumerable<ISpecSection> sections)
    {
        ArgumentNullException.ThrowIfNull(sections);
        var methods = Methods.ToList();
        var trainables = Trainables.ToList();
        foreach (var section in sections)
        {
            ArgumentNullException.ThrowIfNull(section);
            switch (section)
            {
                case IMethodSection m when methods.All(x => x.Name != m.Name):
                    methods.Add(m);
                    break;
                case ITrainableSection t when trainables.All(x => x.Name != t.Name):
                    trainables.Add(t);
                    break;
                case IMethodSection or ITrainableSection:
                    throw new ArgumentException($"A section named '{section.Name}' is already registered ({section.GetType().FullName}).", nameof(sections));
                default:
                    throw new ArgumentException($"{section.GetType().FullName} is neither a method nor a trainable section.", nameof(sections));
            }
        }

        return new SpecCatalog(methods, trainables);
    }

    /// <summary>The method section named <paramref name="name"/>, or null.</summary>
    public IMethodSection? Method(string name) => Methods.FirstOrDefault(m => string.Equals(m.Name, name, StringComparison.Ordinal));

    /// <summary>The trainable kind section named <paramref name="name"/>, or null.</summary>
    public ITrainableSection? Trainable(string name) => Trainables.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.Ordinal));

    /// <summary>Reads and validates the spec file at <paramref name="path"/>; relative paths in it start at its directory.</summary>
    /// <exception cref="SpecException">The file is missing or unreadable, or the spec is invalid.</exception>
    public ExperimentSpec Load(string path) => Load(path, []);

    /// <summary>
    /// Reads the spec file at <paramref name="path"/> with <paramref name="overrides"/> applied in order (the CLI's
    /// <c>--set</c>), and validates the result like a file; errors in an override name it.
    /// </summary>
    /// <exception cref="SpecException">The file is missing or unreadable, an override does not apply, or the spec is invalid.</exception>
    public ExperimentSpec Load(string path, IReadOnlyList<SpecOverride> overrides)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var message = e is FileNotFoundException or DirectoryNotFoundException ? "the spec file does not exist" : "the spec file cannot be read: " + e.Message;
            throw new SpecException([new SpecError(path, "", null, message, 0, 0)]);
        }

        return Read(text, path, Path.GetDirectoryName(Path.GetFullPath(path)), overrides);
    }

    /// <summary>
    /// Parses and validates spec text (YAML or JSON); <paramref name="fileName"/> labels the errors, and relative paths
    /// start at <paramref name="baseDirectory"/> (default: the current directory).
    /// </summary>
    /// <exception cref="SpecException">The spec is invalid; <see cref="SpecException.Errors"/> lists every problem.</exception>
    public ExperimentSpec Parse(string text, string fileName, string? baseDirectory = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentNullException.ThrowIfNull(fileName);
        return Read(text, fileName, baseDirectory, []);
    }

    private ExperimentSpec Read(string text, string fileName, string? baseDirectory, IReadOnlyList<SpecOverride> overrides)
    {
        var session = new SpecReadSession(fileName, baseDirectory, this, overrides);
        var spec = new SpecReader(session).Read(text);
        if (session.Errors.Count > 0 || spec is null)
        {
            throw new SpecException(session.Errors);
        }

        return spec;
    }

    /// <summary>
    /// The whole spec as JSON, every default filled in, with the spec file's own key names (docs/spec.md): stored with
    /// the run, it documents it completely and <see cref="Parse"/> reads it back to an equal spec.
    /// </summary>
    public string ToJson(ExperimentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var catalog = For(spec);
        return Write(w =>
        {
            w.Write("version", spec.Version);
            w.Write("experiment", spec.Experiment);
            w.Write("seed", spec.Seed);
            if (spec.Plugins.Count > 0)
            {
                w.Write("plugins", spec.Plugins);
            }

            w.Nested("objective", o =>
            {
                o.Write("metric", spec.Objective.Metric);
                o.Write("mode", spec.Objective.Mode == ObjectiveMode.Maximize ? "maximize" : "minimize");
                if (spec.Target is { } target)
                {
                    o.Write("target", target);
                }
            });
            w.Nested("trainable", t =>
            {
                t.Write("kind", spec.Trainable.Kind);
                catalog.TrainableOf(spec).Write(spec.Trainable.Settings, t);
            });
            w.Nested("hyperparameters", hs =>
            {
                foreach (var h in spec.Hyperparameters)
                {
                    hs.Nested(h.Name, x => WriteHyperparameter(x, h));
                }
            });
            w.Write("constants", spec.Constants);
            w.Write("steps", spec.Steps);
            w.Nested("ready", r =>
            {
                r.Write("every", spec.Ready.Every);
                r.Write("burn_in", spec.Ready.BurnIn);
            });
            w.NestedList("runs", spec.Runs, (r, run) => catalog.WriteRun(r, run));
        });
    }

    /// <summary>One run of <paramref name="spec"/> as JSON (stored as <c>RunRecord.SpecJson</c>).</summary>
    public string ToJson(ExperimentSpec spec, RunSpec run)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(run);
        var catalog = For(spec);
        return Write(w => catalog.WriteRun(w, run));
    }

    /// <summary>Core's options for <paramref name="run"/>.</summary>
    public MethodOptions CreateOptions(ExperimentSpec spec, RunSpec run)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(run);
        return For(spec).MethodOf(run).CreateOptions(spec, run);
    }

    /// <summary>The scheduler of <paramref name="run"/>, fresh (nothing told yet).</summary>
    public IPopulationScheduler CreateScheduler(ExperimentSpec spec, RunSpec run)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(run);
        return For(spec).MethodOf(run).CreateScheduler(spec, run);
    }

    /// <summary>What the spec's trainable accepts and reports, from its settings alone.</summary>
    public TrainableDeclaration Declare(ExperimentSpec spec)
    {
        ArgumentNullException.ThrowIfNull(spec);
        return For(spec).TrainableOf(spec).Declare(spec.Trainable.Settings);
    }

    /// <summary>The spec's trainable factory (loads, and if needed downloads, data; loads plugins).</summary>
    public Task<ITrainableFactory> CreateFactoryAsync(ExperimentSpec spec, TrainableContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(context);
        return For(spec).TrainableOf(spec).CreateFactoryAsync(spec.Trainable.Settings, context with { Space = context.Space ?? SpecMapping.Space(spec) }, cancellationToken);
    }

    /// <summary>This catalog extended by the sections of <paramref name="spec"/>'s plugins.</summary>
    private SpecCatalog For(ExperimentSpec spec) =>
        spec.Plugins.Count == 0
            ? this
            : _withPlugins.GetOrAdd(string.Join('\n', spec.Plugins), _ => spec.Plugins.Aggregate(this, (c, p) => c.Add(PluginAssemblies.Sections(p).Where(s => !c.Contains(s)))));

    /// <summary>Whether <paramref name="section"/> itself (not just its name) is registered: a plugin's sections are loaded once.</summary>
    private bool Contains(ISpecSection section) => Methods.Any(m => ReferenceEquals(m, section)) || Trainables.Any(t => ReferenceEquals(t, section));

    private IMethodSection MethodOf(RunSpec run) =>
        Method(run.Method) ?? throw new ArgumentException($"No method '{run.Method}' is registered; known: {string.Join(", ", Methods.Select(m => m.Name))}.", nameof(run));

    private ITrainableSection TrainableOf(ExperimentSpec spec) =>
        Trainable(spec.Trainable.Kind) ?? throw new ArgumentException(
            $"No trainable kind '{spec.Trainable.Kind}' is registered; known: {string.Join(", ", Trainables.Select(t => t.Name))}.", nameof(spec));

    private void WriteRun(SpecWriter w, RunSpec run)
    {
        w.Write("name", run.Name);
        w.Write("method", run.Method);
        w.Write("population", run.Population);
        if (run.Points.Count > 0)
        {
            w.Write("points", run.Points);
        }

        MethodOf(run).Write(run.Settings, w);
        w.Write("timeout_seconds", run.TimeoutSeconds);
        w.Write("retries", run.Retries);
        StopKeys.Write(w, run.Stop);
    }

    private static void WriteHyperparameter(SpecWriter w, HyperparameterSpec h)
    {
        w.Write("type", HyperparameterDeclaration.TypeName(h.Type));
        if (h.Type == HyperparameterType.Categorical)
        {
            w.Write("choices", h.Choices);
        }
        else
        {
            w.Write("scale", h.Scale == Core.Hyperparameters.ParameterScale.Log ? "log" : "linear");
            w.Write("min", h.Min!.Value);
            w.Write("max", h.Max!.Value);
        }

        w.Write("prior", "uniform");
        if (h.Grid.Count > 0)
        {
            w.Write("grid", h.Grid);
        }
    }

    private static string Write(Action<SpecWriter> body)
    {
        using var stream = new MemoryStream();
        using (var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true }))
        {
            json.WriteStartObject();
            body(new SpecWriter(json));
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, checked((int)stream.Length));
    }
}
