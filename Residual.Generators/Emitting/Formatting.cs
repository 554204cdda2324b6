using System.Globalization;
using System.Linq;
using System.Text;

namespace Residual.Generators.Emitting;

internal static class Formatting
{
    public const string GeneratedCode = "[global::System.CodeDom.Compiler.GeneratedCode(\"Residual.Generators\", \"0.1.0\")]";

    /// <summary>A C# float literal that round-trips.</summary>
    public static string Float(double value)
    {
        var text = ((float)value).ToString("R", CultureInfo.InvariantCulture);
        return text + "f";
    }

    /// <summary>A C# double literal that round-trips (for descriptions).</summary>
    public static string Double(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary><c>attn.c_attn.weight</c> → <c>AttnCAttnWeight</c>.</summary>
    public static string Pascal(string name)
    {
        var sb = new StringBuilder();
        foreach (var part in name.Split('.', '_').Where(p => p.Length > 0))
            sb.Append(char.ToUpperInvariant(part[0])).Append(part.Substring(1));
        return sb.ToString();
    }

    /// <summary><c>Attend</c> → <c>attend</c> (a local-variable prefix).</summary>
    public static string Camel(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name.Substring(1);

    public static string String(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";
}
