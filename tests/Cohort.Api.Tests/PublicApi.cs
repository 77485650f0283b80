using System.Globalization;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;

namespace Cohort.Api.Tests;

/// <summary>
/// The public surface of an assembly as sorted text, one line per type and per member, read by reflection: what users
/// can call (public members, and protected ones of types they can derive from), with C#-like signatures and nullability.
/// </summary>
internal static class PublicApi
{
    private static readonly NullabilityInfoContext s_nullability = new();

    public static IReadOnlyList<string> Lines(Assembly assembly)
    {
        var lines = new List<string>();
        foreach (var type in assembly.GetExportedTypes().OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            var name = TypeName(type, full: true);
            lines.Add(name + " : " + Declaration(type));
            lines.AddRange(Members(type).Select(m => name + " :: " + m).Distinct().Order(StringComparer.Ordinal));
        }

        return lines;
    }

    private static string Declaration(Type type)
    {
        var parts = new List<string>();
        if (type.IsEnum)
        {
            parts.Add("enum");
        }
        else if (type.IsInterface)
        {
            parts.Add("interface");
        }
        else if (type.IsValueType)
        {
            parts.Add(IsRecord(type) ? "record struct" : "struct");
        }
        else if (type.IsSubclassOf(typeof(Delegate)))
        {
            parts.Add("delegate");
        }
        else
        {
            if (type.IsAbstract && type.IsSealed)
            {
                parts.Add("static");
            }
            else if (type.IsAbstract)
            {
                parts.Add("abstract");
            }
            else if (type.IsSealed)
            {
                parts.Add("sealed");
            }

            parts.Add(IsRecord(type) ? "record" : "class");
        }

        var bases = new List<string>();
        if (type.BaseType is { } b && b != typeof(object) && b != typeof(ValueType) && b != typeof(Enum) && !type.IsSubclassOf(typeof(Delegate)))
        {
            bases.Add(TypeName(b, full: true));
        }

        var inherited = type.BaseType?.GetInterfaces() ?? [];
        bases.AddRange(type.GetInterfaces().Where(i => !inherited.Contains(i) && (i.IsPublic || i.IsNestedPublic))
            .Select(i => TypeName(i, full: true)).Order(StringComparer.Ordinal));
        return string.Join(" ", parts) + (bases.Count > 0 ? " : " + string.Join(", ", bases) : "");
    }

    private static bool IsRecord(Type type) =>
        type.GetMethod("<Clone>$", BindingFlags.Public | BindingFlags.Instance) is not null
        || (type.IsValueType && type.GetMethod("PrintMembers", BindingFlags.NonPublic | BindingFlags.Instance) is not null);

    private static IEnumerable<string> Members(Type type)
    {
        const BindingFlags flags = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance | BindingFlags.Static | BindingFlags.DeclaredOnly;
        if (type.IsEnum)
        {
            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                yield return string.Create(CultureInfo.InvariantCulture, $"{field.Name} = {Convert.ToInt64(field.GetRawConstantValue(), CultureInfo.InvariantCulture)}");
            }

            yield break;
        }

        if (type.IsSubclassOf(typeof(Delegate)))
        {
            yield return "Invoke" + Signature(type.GetMethod("Invoke")!);
            yield break;
        }

        var derivable = !type.IsSealed && !type.IsInterface;
        bool Visible(MethodBase? m) => m is not null && (m.IsPublic || (derivable && (m.IsFamily || m.IsFamilyOrAssembly)));
        bool VisibleField(FieldInfo f) => f.IsPublic || (derivable && (f.IsFamily || f.IsFamilyOrAssembly));

        foreach (var ctor in type.GetConstructors(flags).Where(Visible))
        {
            if (IsRecord(type) && ctor.GetParameters() is [var only] && only.ParameterType == type)
            {
                continue; // the record's copy constructor
            }

            yield return Access(ctor) + "ctor" + Parameters(ctor.GetParameters());
        }

        foreach (var field in type.GetFields(flags).Where(VisibleField))
        {
            var modifiers = field.IsLiteral ? "const " : (field.IsStatic ? "static " : "") + (field.IsInitOnly ? "readonly " : "");
            var value = field.IsLiteral ? " = " + Literal(field.GetRawConstantValue()) : "";
            yield return Access(field) + modifiers + "field " + field.Name + " : " + TypeName(field.FieldType, nullability: s_nullability.Create(field)) + value;
        }

        foreach (var property in type.GetProperties(flags))
        {
            var get = property.GetMethod;
            var set = property.SetMethod;
            if (!Visible(get) && !Visible(set))
            {
                continue;
            }

            if (IsRecord(type) && property.Name == "EqualityContract")
            {
                continue;
            }

            var accessor = Visible(get) ? get! : set!;
            var accessors = (Visible(get) ? "get; " : "") + (Visible(set) ? (IsInit(set!) ? "init; " : "set; ") : "");
            var indexer = property.GetIndexParameters() is { Length: > 0 } index ? "[" + string.Join(", ", index.Select(p => TypeName(p.ParameterType))) + "]" : "";
            yield return Access(accessor) + Modifiers(accessor) + "property " + property.Name + indexer + " : " + TypeName(property.PropertyType, nullability: s_nullability.Create(property)) + " { " + accessors + "}";
        }

        foreach (var e in type.GetEvents(flags).Where(e => Visible(e.AddMethod)))
        {
            yield return Access(e.AddMethod!) + "event " + e.Name + " : " + TypeName(e.EventHandlerType!);
        }

        foreach (var method in type.GetMethods(flags).Where(Visible))
        {
            if (method.IsSpecialName && !method.Name.StartsWith("op_", StringComparison.Ordinal))
            {
                continue; // accessors
            }

            if (method.Name is "<Clone>$" || (IsRecord(type) && method.Name is "PrintMembers" or "Deconstruct" && method.IsFamily))
            {
                continue;
            }

            yield return Access(method) + Modifiers(method) + "method " + method.Name + Generics(method) + Signature(method);
        }
    }

    private static bool IsInit(MethodInfo setter) =>
        setter.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(IsExternalInit));

    private static string Access(MemberInfo member) => member switch
    {
        MethodBase m when m.IsPublic => "",
        FieldInfo f when f.IsPublic => "",
        _ => "protected ",
    };

    private static string Modifiers(MethodInfo method)
    {
        if (method.IsStatic)
        {
            return "static ";
        }

        if (method.DeclaringType!.IsInterface)
        {
            return method.IsAbstract ? "" : "default ";
        }

        if (method.IsAbstract)
        {
            return "abstract ";
        }

        if (method.IsVirtual && !method.IsFinal)
        {
            return method.GetBaseDefinition() == method ? "virtual " : "override ";
        }

        return method.IsVirtual && method.GetBaseDefinition() != method ? "override " : "";
    }

    private static string Generics(MethodInfo method) =>
        method.IsGenericMethodDefinition ? "<" + string.Join(", ", method.GetGenericArguments().Select(a => a.Name)) + ">" : "";

    private static string Signature(MethodInfo method) =>
        Parameters(method.GetParameters()) + " : " + TypeName(method.ReturnType, nullability: s_nullability.Create(method.ReturnParameter));

    private static string Parameters(ParameterInfo[] parameters) =>
        "(" + string.Join(", ", parameters.Select(Parameter)) + ")";

    private static string Parameter(ParameterInfo p)
    {
        var sb = new StringBuilder();
        if (p.GetCustomAttribute<ParamArrayAttribute>() is not null || p.GetCustomAttributes().Any(a => a.GetType().Name == "ParamCollectionAttribute"))
        {
            sb.Append("params ");
        }

        var type = p.ParameterType;
        if (type.IsByRef)
        {
            sb.Append(p.IsOut ? "out " : p.IsIn ? "in " : "ref ");
            type = type.GetElementType()!;
        }

        sb.Append(TypeName(type, nullability: s_nullability.Create(p))).Append(' ').Append(p.Name);
        if (p.HasDefaultValue)
        {
            sb.Append(" = ").Append(p.DefaultValue is null && type.IsValueType && Nullable.GetUnderlyingType(type) is null ? "default" : Literal(p.DefaultValue));
        }

        return sb.ToString();
    }

    private static string Literal(object? value) => value switch
    {
        null => "null",
        string s => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\r", "\\r", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal) + "\"",
        bool b => b ? "true" : "false",
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    private static string TypeName(Type type, bool full = false, NullabilityInfo? nullability = null)
    {
        if (type.IsByRef)
        {
            return TypeName(type.GetElementType()!, full, nullability?.ElementType ?? nullability);
        }

        var nullable = nullability is { ReadState: NullabilityState.Nullable } && !type.IsValueType ? "?" : "";
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return TypeName(underlying, full) + "?";
        }

        if (type.IsArray)
        {
            return TypeName(type.GetElementType()!, full, nullability?.ElementType) + "[" + new string(',', type.GetArrayRank() - 1) + "]" + nullable;
        }

        if (type.IsGenericParameter)
        {
            return type.Name + nullable;
        }

        var name = Keyword(type) ?? (full && type.IsNested ? TypeName(type.DeclaringType!, full: true) + "." + type.Name
            : full ? type.Namespace + "." + type.Name
            : type.Name);
        if (type.IsGenericType)
        {
            var tick = name.IndexOf('`', StringComparison.Ordinal);
            if (tick >= 0)
            {
                name = name[..tick];
            }

            var arguments = type.GetGenericArguments();
            var argumentNullability = nullability?.GenericTypeArguments;
            name += "<" + string.Join(", ", arguments.Select((a, i) => TypeName(a, nullability: argumentNullability is { Length: > 0 } n && i < n.Length ? n[i] : null))) + ">";
        }

        return name + nullable;
    }

    private static string? Keyword(Type type) =>
        type == typeof(void) ? "void"
        : type == typeof(object) ? "object"
        : type == typeof(string) ? "string"
        : type == typeof(bool) ? "bool"
        : type == typeof(byte) ? "byte"
        : type == typeof(int) ? "int"
        : type == typeof(uint) ? "uint"
        : type == typeof(long) ? "long"
        : type == typeof(ulong) ? "ulong"
        : type == typeof(float) ? "float"
        : type == typeof(double) ? "double"
        : null;
}
