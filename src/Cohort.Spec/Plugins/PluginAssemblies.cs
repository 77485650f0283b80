using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.Loader;
using Cohort.Core.Trainables;
using Cohort.Spec.Sections;

namespace Cohort.Spec.Plugins;

/// <summary>
/// Loads plugin assemblies, each in its own <see cref="AssemblyLoadContext"/> that shares with the host every assembly
/// the host ships (Cohort.Core, Cohort.Spec, … — so the plugin's <see cref="ITrainableFactory"/> is the host's) and
/// resolves the plugin's other dependencies from its own directory (its <c>.deps.json</c>). An assembly is loaded once
/// per process, whatever the spelling of its path.
/// </summary>
public static class PluginAssemblies
{
    private static readonly ConcurrentDictionary<string, Lazy<Assembly>> s_assemblies = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<string, Lazy<IReadOnlyList<ISpecSection>>> s_sections = new(StringComparer.Ordinal);

    /// <summary>The assembly at <paramref name="path"/>, loaded in its own context; throws <see cref="ArgumentException"/> naming the file when it cannot be loaded.</summary>
    public static Assembly Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        var lazy = s_assemblies.GetOrAdd(full, p => new Lazy<Assembly>(() => LoadNew(p)));
        try
        {
            return lazy.Value;
        }
        catch (ArgumentException)
        {
            s_assemblies.TryRemove(full, out _);
            throw;
        }
    }

    /// <summary>
    /// The sections the assembly at <paramref name="path"/> registers with <see cref="SpecSectionAttribute"/>, one
    /// instance each; throws <see cref="ArgumentException"/> when it cannot be loaded or a registered type is not a section.
    /// </summary>
    public static IReadOnlyList<ISpecSection> Sections(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        var full = Path.GetFullPath(path);
        var lazy = s_sections.GetOrAdd(full, p => new Lazy<IReadOnlyList<ISpecSection>>(() => CreateSections(p)));
        try
        {
            return lazy.Value;
        }
        catch (ArgumentException)
        {
            s_sections.TryRemove(full, out _);
            throw;
        }
    }

    /// <summary>
    /// The public type <paramref name="typeName"/> of <paramref name="assembly"/>, which must implement
    /// <typeparamref name="T"/>; throws <see cref="ArgumentException"/> listing the candidates otherwise.
    /// </summary>
    public static Type FindType<T>(Assembly assembly, string typeName)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        ArgumentException.ThrowIfNullOrWhiteSpace(typeName);
        var candidates = ExportedTypes(assembly).Where(t => typeof(T).IsAssignableFrom(t) && !t.IsAbstract).Select(t => t.FullName!).ToArray();
        var type = assembly.GetType(typeName, throwOnError: false);
        if (type is null || !type.IsPublic)
        {
            throw new ArgumentException(
                $"{Path.GetFileName(assembly.Location)} has no public type '{typeName}'{NameSuggestions.DidYouMean(typeName, candidates)}; "
                + (candidates.Length == 0 ? $"it has no type implementing {typeof(T).Name}" : $"types implementing {typeof(T).Name}: {string.Join(", ", candidates)}"),
                nameof(typeName));
        }

        if (!typeof(T).IsAssignableFrom(type) || type.IsAbstract)
        {
            var shared = type.GetInterfaces().Any(i => i.FullName == typeof(T).FullName)
                ? $" (it implements a {typeof(T).Name} from another copy of {typeof(T).Assembly.GetName().Name}: reference the host's, do not ship your own)"
                : "";
            throw new ArgumentException($"Type '{typeName}' does not implement {typeof(T).FullName}{shared}.", nameof(typeName));
        }

        return type;
    }

    private static Assembly LoadNew(string path)
    {
        if (!File.Exists(path))
        {
            throw new ArgumentException($"plugin assembly {path} does not exist (build the plugin first)", nameof(path));
        }

        try
        {
            return new PluginLoadContext(path).LoadFromAssemblyPath(path);
        }
        catch (Exception e) when (e is BadImageFormatException or FileLoadException or FileNotFoundException)
        {
            throw new ArgumentException($"plugin assembly {path} cannot be loaded: {e.Message}", nameof(path), e);
        }
    }

    private static IReadOnlyList<ISpecSection> CreateSections(string path)
    {
        var assembly = Load(path);
        var sections = new List<ISpecSection>();
        foreach (var attribute in assembly.GetCustomAttributes<SpecSectionAttribute>())
        {
            var type = attribute.SectionType;
            if (!typeof(ISpecSection).IsAssignableFrom(type) || type.IsAbstract || type.GetConstructor(Type.EmptyTypes) is null)
            {
                throw new ArgumentException(
                    $"{Path.GetFileName(path)} registers {type.FullName}, which is not an {nameof(IMethodSection)} or {nameof(ITrainableSection)} with a public parameterless constructor",
                    nameof(path));
            }

            sections.Add((ISpecSection)Activator.CreateInstance(type)!);
        }

        if (sections.Count == 0)
        {
            throw new ArgumentException(
                $"{Path.GetFileName(path)} registers no section (add [assembly: {nameof(SpecSectionAttribute)[..^"Attribute".Length]}(typeof(MySection))]); a plugin trainable alone needs no 'plugins' entry: use trainable kind plugin",
                nameof(path));
        }

        return sections;
    }

    private static Type[] ExportedTypes(Assembly assembly)
    {
        try
        {
            return assembly.GetExportedTypes();
        }
        catch (Exception e) when (e is ReflectionTypeLoadException or FileNotFoundException or FileLoadException)
        {
            throw new ArgumentException($"the types of {Path.GetFileName(assembly.Location)} cannot be loaded: {e.Message}", nameof(assembly), e);
        }
    }

    /// <summary>Resolves a plugin's own dependencies from its directory; every assembly the host ships comes from the host.</summary>
    private sealed class PluginLoadContext(string path) : AssemblyLoadContext("cohort-plugin:" + Path.GetFileName(path))
    {
        private static readonly Lazy<HashSet<string>> s_hostAssemblies = new(HostAssemblies);
        private readonly AssemblyDependencyResolver _resolver = new(path);

        protected override Assembly? Load(AssemblyName assemblyName)
        {
            if (assemblyName.Name is { } name && s_hostAssemblies.Value.Contains(name))
            {
                return null; // the default context's copy: one ITrainableFactory, one ILogger, …
            }

            return _resolver.ResolveAssemblyToPath(assemblyName) is { } file ? LoadFromAssemblyPath(file) : null;
        }

        protected override IntPtr LoadUnmanagedDll(string unmanagedDllName) =>
            _resolver.ResolveUnmanagedDllToPath(unmanagedDllName) is { } file ? LoadUnmanagedDllFromPath(file) : IntPtr.Zero;

        private static HashSet<string> HostAssemblies()
        {
            var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
            if (AppContext.GetData("TRUSTED_PLATFORM_ASSEMBLIES") is string tpa)
            {
                foreach (var file in tpa.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
                {
                    names.Add(Path.GetFileNameWithoutExtension(file));
                }
            }

            foreach (var loaded in Default.Assemblies)
            {
                if (loaded.GetName().Name is { } name)
                {
                    names.Add(name);
                }
            }

            return names;
        }
    }
}
