using System.IO;
using System.Linq;
using Microsoft.CodeAnalysis;
using Residual.Generators.Tests.Infrastructure;
using Xunit;

namespace Residual.Generators.Tests;

/// <summary>A block generated in one library, stacked by a model in another assembly.</summary>
public class CrossAssemblyTests
{
    private const string Library = """
        using Residual;

        namespace Blocks;

        [Block(Width = 16)]
        public partial class SharedBlock
        {
            [Residual, PreNorm(Norm.LayerNorm)]
            [Sublayer(typeof(Attention), Heads = 2)]
            public partial Attention Attend { get; }

            [Residual, PreNorm(Norm.LayerNorm)]
            [Sublayer(typeof(FeedForward))]
            public partial FeedForward Mix { get; }
        }
        """;

    private const string App = """
        using Residual;

        [Model(Vocab = 5, Context = 4, Layers = 2)]
        public partial class AppModel : Transformer<Blocks.SharedBlock>;
        """;

    [Fact]
    public void Model_stacking_a_block_from_a_referenced_assembly_is_generated()
    {
        var library = GeneratorHarness.RunAs("SharedBlocks", Library);
        library.AssertCleanCompilation();
        using var image = new MemoryStream();
        Assert.True(library.Output.Emit(image).Success);

        var app = GeneratorHarness.RunWith("App", [MetadataReference.CreateFromImage(image.ToArray())], App);
        app.AssertNoGeneratorException();
        Assert.Equal(["AppModel.Residual.g.cs"], app.Sources.Keys);
        // The block's generated file is in the other assembly: the header names no file of this one.
        Assert.Contains("× SharedBlock.", app.Sources["AppModel.Residual.g.cs"]);
        Assert.DoesNotContain("(see ", app.Sources["AppModel.Residual.g.cs"]);
        app.AssertCleanCompilation();
    }
}
