using System.Reflection;
using Cohort.Core.Trainables;
using Cohort.Spec.Sections;

namespace Cohort.Spec.Plugins;

/// <summary>
/// The settings of <c>trainable: {kind: plugin, assembly: …, type: …, options: {…}}</c>.
/// </summary>
/// <param name="Assembly">The plugin assembly, an absolute path (a relative one in the file starts at the spec's directory).</param>
/// <param name="Type">The full name of a public type implementing <see cref="ITrainableFactory"/>.</param>
/// <param name="Options">The <c>options</c> mapping, in file order, every value as written.</param>
public sealed record PluginSettings(string Assembly, string Type, SpecList<KeyValuePair<string, string>> Options) : ITrainableSettings
{
    /// <summary>The options as a dictionary, as the factory's constructor receives them.</summary>
    public IReadOnlyDictionary<string, string> OptionsDictionary() => Options.ToDictionary(o => o.Key, o => o.Value, StringComparer.Ordinal);
}

/// <summary>
/// <c>kind: plugin</c>: a trainable from the user's own assembly, loaded in its own load context
/// (<see cref="PluginAssemblies"/>). The type implements <see cref="ITrainableFactory"/> and has a public constructor
/// taking the options (<c>IReadOnlyDictionary&lt;string, string&gt;</c>) and the run's <see cref="TrainableContext"/>
/// (seed, data directory, logger), or the options only, or nothing; it should be cheap (load data in
/// <see cref="ITrainableFactory.Create"/> or lazily), because validation builds one, with
/// <see cref="TrainableContext.Quiet"/> for seed 0 and the default data directory, to read its
/// <see cref="ITrainableFactory.Declaration"/>.
/// </summary>
public sealed class PluginSection : TrainableSection<PluginSettings>
{
    /// <inheritdoc/>
    public override string Name => "plugin";

    /// <inheritdoc/>
    public override IReadOnlyList<string> Keys { get; } = ["assembly", "type", "options"];

    /// <summary>Builds the plugin's factory: loads the assembly, finds the type and calls its constructor.</summary>
    /// <param name="settings">The plugin's settings.</param>
    /// <param name="context">The run's seed, data directory and logger; null: <see cref="TrainableContext.Quiet"/> for seed 0, as validation uses.</param>
    /// <exception cref="ArgumentException">The assembly, the type or the constructor fails; the message says which.</exception>
    public static ITrainableFactory Create(PluginSettings settings, TrainableContext? context = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var assembly = PluginAssemblies.Load(settings.Assembly);
        var type = PluginAssemblies.FindType<ITrainableFactory>(assembly, settings.Type);
        var options = settings.OptionsDictionary();
        try
        {
            if (type.GetConstructor([typeof(IReadOnlyDictionary<string, string>), typeof(TrainableContext)]) is { } withContext)
            {
                return (ITrainableFactory)withContext.Invoke([options, context ?? TrainableContext.Quiet(0)]);
            }

            if (type.GetConstructor([typeof(IReadOnlyDictionary<string, string>)]) is { } withOptions)
            {
                return (ITrainableFactory)withOptions.Invoke([options]);
            }

            if (type.GetConstructor(System.Type.EmptyTypes) is { } plain)
            {
                if (options.Count > 0)
                {
                    throw new ArgumentException($"{settings.Type} takes no options (it has no constructor taking IReadOnlyDictionary<string, string>); remove 'options'.", nameof(settings));
                }

                return (ITrainableFactory)plain.Invoke([]);
            }
        }
        catch (TargetInvocationException e) when (e.InnerException is { } inner)
        {
            throw new ArgumentException($"{settings.Type} rejected its options: {inner.Message}", nameof(settings), inner);
        }

        throw new ArgumentException($"{settings.Type} needs a public constructor taking IReadOnlyDictionary<string, string> (the options) and TrainableContext, the options only, or nothing.", nameof(settings));
    }

    /// <inheritdoc/>
    protected override PluginSettings? Read(SpecMap map)
    {
        var assembly = map.Required("assembly")?.FilePath();
        var type = map.Required("type")?.Text();
        var options = new List<KeyValuePair<string, string>>();
        var optionsOk = true;
        if (map.Get("options") is { IsNull: false } node && node.Entries() is { } entries)
        {
            foreach (var entry in entries)
            {
                if (entry.Value.Scalar is { } value)
                {
                    options.Add(new(entry.Key, value));
                }
                else
                {
                    entry.Value.Error("expected a number, a boolean or a string (options are handed to the plugin as text)", entry.Value.Describe());
                    optionsOk = false;
                }
            }
        }
        else if (map.Get("options") is { IsNull: false })
        {
            optionsOk = false;
        }

        if (assembly is null || type is null || !optionsOk)
        {
            return null;
        }

        var settings = new PluginSettings(assembly, type, SpecList<KeyValuePair<string, string>>.From(options));
        try
        {
            _ = PluginAssemblies.Load(assembly);
        }
        catch (ArgumentException e)
        {
            map.Get("assembly")!.Error(e.Message.Split(" (Parameter", 2)[0]);
            return null;
        }

        try
        {
            _ = Create(settings);
        }
        catch (ArgumentException e)
        {
            var at = e.ParamName == "typeName" ? map.Get("type")! : map.Get("options") ?? map.Get("type")!;
            at.Error(e.Message.Split(" (Parameter", 2)[0]);
            return null;
        }

        return settings;
    }

    /// <inheritdoc/>
    protected override void Write(PluginSettings settings, SpecWriter writer)
    {
        writer.Write("assembly", settings.Assembly);
        writer.Write("type", settings.Type);
        writer.Nested("options", o =>
        {
            foreach (var (key, value) in settings.Options)
            {
                o.Write(key, value);
            }
        });
    }

    /// <inheritdoc/>
    protected override TrainableDeclaration Declare(PluginSettings settings) => Create(settings).Declaration;

    /// <inheritdoc/>
    protected override Task<ITrainableFactory> CreateFactoryAsync(PluginSettings settings, TrainableContext context, CancellationToken cancellationToken) =>
        Task.FromResult(Create(settings, context));
}
