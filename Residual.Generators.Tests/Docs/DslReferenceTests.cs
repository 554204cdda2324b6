using System;
using System.Linq;
using System.Reflection;
using Residual.Generators.Tests.Infrastructure;
using Xunit;

namespace Residual.Generators.Tests.Docs;

/// <summary>
/// <c>docs/dsl-reference.md</c> documents the whole attribute surface: every public attribute of Residual.Runtime
/// (as <c>[Name</c>), each of its public properties, and every value of the enums and options they take.
/// A new attribute, property or enum value fails here until the reference says what it does.
/// </summary>
public sealed class DslReferenceTests
{
    private static string Reference => RepositoryFiles.Read("docs", "dsl-reference.md");

    private static Type[] AttributeTypes =>
        typeof(BlockAttribute).Assembly.GetExportedTypes().Where(t => typeof(Attribute).IsAssignableFrom(t)).OrderBy(t => t.Name).ToArray();

    [Fact]
    public void The_runtime_has_the_attributes_this_test_looks_for() =>
        Assert.Contains(typeof(ResidualAttribute), AttributeTypes);

    [Fact]
    public void Every_public_attribute_and_each_of_its_properties_is_in_the_reference()
    {
        string text = Reference;
        var missing = (
            from type in AttributeTypes
            let shown = type.Name[..^"Attribute".Length]
            from name in new[] { "[" + shown }.Concat(type.GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly).Select(p => $"`{p.Name}`"))
            where !text.Contains(name, StringComparison.Ordinal)
            select $"{type.Name}: {name}").ToList();
        Assert.True(missing.Count == 0, "docs/dsl-reference.md does not mention:\n" + string.Join("\n", missing));
    }

    [Theory]
    [InlineData(typeof(Norm))]
    [InlineData(typeof(Activation))]
    [InlineData(typeof(OutputInit))]
    [InlineData(typeof(ParameterInit))]
    public void Every_value_of_the_enums_the_attributes_and_options_take_is_in_the_reference(Type enumType)
    {
        string text = Reference;
        var missing = Enum.GetNames(enumType).Where(n => !text.Contains($"{enumType.Name}.{n}", StringComparison.Ordinal)).ToList();
        Assert.True(missing.Count == 0, $"docs/dsl-reference.md does not mention {string.Join(", ", missing.Select(n => enumType.Name + "." + n))}.");
    }

    [Fact]
    public void Every_model_option_is_in_the_reference()
    {
        string text = Reference;
        var missing = typeof(ModelOptions).GetProperties(BindingFlags.Public | BindingFlags.Instance | BindingFlags.DeclaredOnly)
            .Where(p => p.Name != "EqualityContract" && !text.Contains($"`{p.Name}`", StringComparison.Ordinal)).Select(p => p.Name).ToList();
        Assert.True(missing.Count == 0, "docs/dsl-reference.md does not mention ModelOptions." + string.Join(", ModelOptions.", missing));
    }
}
