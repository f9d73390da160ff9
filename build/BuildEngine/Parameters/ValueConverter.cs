using System.Globalization;

namespace BuildEngine.Parameters;

/// <summary>Raw values from one source, and how relative paths in them are resolved.</summary>
internal sealed record RawValue(IReadOnlyList<string> Values, string Source, string PathBase);

/// <summary>A value that does not fit its parameter: one line saying what, where and what was expected.</summary>
public sealed class ParameterException(string message) : Exception(message);

/// <summary>Converts raw strings from the command line, environment or JSON into a parameter's type.</summary>
internal static class ValueConverter
{
    public static bool IsSupported(Type type)
    {
        var element = ElementType(type);
        var single = Nullable.GetUnderlyingType(element) ?? element;
        return single == typeof(string) || single == typeof(bool) || single == typeof(int) ||
               single == typeof(long) || single == typeof(AbsolutePath) || single.IsEnum;
    }

    public static Type ElementType(Type type) => type.IsArray ? type.GetElementType()! : type;

    public static string Describe(Type type)
    {
        var element = ElementType(type);
        var single = Nullable.GetUnderlyingType(element) ?? element;
        var name = single == typeof(AbsolutePath) ? "path" : single.IsEnum ? "enum" : single.Name switch
        {
            "String" => "string",
            "Boolean" => "bool",
            "Int32" => "int",
            "Int64" => "long",
            _ => single.Name,
        };
        return type.IsArray ? name + "[]" : name;
    }

    public static object? Convert(ParameterNode parameter, RawValue raw)
    {
        var type = parameter.Type;
        foreach (var value in raw.Values)
        {
            if (parameter.Constraints.CheckRaw(value, parameter.IsSecret) is { } refused)
                throw Error(parameter, raw, value, refused);
        }
        if (type.IsArray)
        {
            var elementType = type.GetElementType()!;
            var items = raw.Values.SelectMany(SplitList).ToArray();
            var array = Array.CreateInstance(elementType, items.Length);
            for (var i = 0; i < items.Length; i++)
                array.SetValue(ConvertSingle(parameter, elementType, items[i], raw), i);
            return array;
        }

        if (raw.Values.Count == 0)
        {
            if ((Nullable.GetUnderlyingType(type) ?? type) == typeof(bool))
                return true;
            throw Error(parameter, raw, null, "a value");
        }
        if (raw.Values.Count > 1)
            throw Error(parameter, raw, string.Join(' ', raw.Values), "a single value");
        return ConvertSingle(parameter, type, raw.Values[0], raw);
    }

    private static IEnumerable<string> SplitList(string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    private static object? ConvertSingle(ParameterNode parameter, Type type, string value, RawValue raw)
    {
        var single = Nullable.GetUnderlyingType(type) ?? type;
        if (single == typeof(string))
        {
            // An empty value leaves a parameter without a default unset, as it was before (VPC_ID= in a context).
            if (value.Length == 0 && parameter.DefaultValue is null)
                return value;
            // The declared default needs no check (the build's author wrote it); a settings file repeating it is common.
            if (!parameter.IsSecret && value == parameter.DefaultValue)
                return value;
            if (parameter.Constraints.CheckText(value) is { } expected)
                throw Error(parameter, raw, value, expected);
            return value;
        }
        if (single == typeof(bool))
        {
            if (bool.TryParse(value, out var flag)) return flag;
            throw Error(parameter, raw, value, "true or false");
        }
        if (single == typeof(int))
        {
            if (int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)) return InRange(parameter, raw, value, number);
            throw Error(parameter, raw, value, WholeNumber(parameter));
        }
        if (single == typeof(long))
        {
            if (long.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number)) return InRange(parameter, raw, value, number);
            throw Error(parameter, raw, value, WholeNumber(parameter));
        }
        if (single == typeof(AbsolutePath))
        {
            return ToPath(parameter, raw, value);
        }
        if (single.IsEnum)
        {
            var wanted = ParameterNames.Normalize(value);
            foreach (var name in Enum.GetNames(single))
            {
                if (ParameterNames.Normalize(name) == wanted)
                    return Enum.Parse(single, name);
            }
            throw Error(parameter, raw, value, "one of " + string.Join(", ", Enum.GetNames(single)));
        }
        throw new ParameterException($"Parameter '{parameter.Name}' has unsupported type {type.Name}.");
    }

    private static T InRange<T>(ParameterNode parameter, RawValue raw, string value, T number) where T : IConvertible =>
        parameter.Constraints.CheckNumber(number.ToInt64(CultureInfo.InvariantCulture)) is { } expected
            ? throw Error(parameter, raw, value, expected)
            : number;

    private static string WholeNumber(ParameterNode parameter) =>
        parameter.Constraints.NumberExpected;

    private static AbsolutePath ToPath(ParameterNode parameter, RawValue raw, string value)
    {
        if (string.IsNullOrWhiteSpace(value)) throw Error(parameter, raw, value, "a path");
        AbsolutePath path;
        try
        {
            path = AbsolutePath.Create(Path.IsPathRooted(value) ? value : Path.Combine(raw.PathBase, value));
        }
        catch (Exception e) when (e is ArgumentException or PathTooLongException or NotSupportedException or IOException)
        {
            throw Error(parameter, raw, value, "a path this system can open");
        }
        if (parameter.Constraints.MustExist && !path.FileExists())
            throw Error(parameter, raw, value, Directory.Exists(path) ? "a file, not a folder" : "an existing file");
        return path;
    }

    private static ParameterException Error(ParameterNode parameter, RawValue raw, string? value, string expected)
    {
        var shown = value is null ? "(no value)" : parameter.IsSecret ? "***" : ArgumentText.Show(value);
        return new ParameterException(
            $"Parameter '{parameter.Name}'{(raw.Source.Contains("(--", StringComparison.Ordinal) ? "" : $" ({parameter.Option})")} from {raw.Source}: value {shown} is not valid; expected {expected}.");
    }
}
