using System.Threading.Tasks;
using Residual.CodeFixes.Fixes;
using Xunit;
using Verify = Residual.Generators.Tests.CodeFixes.CodeFixVerifier<Residual.CodeFixes.Fixes.NoFinalNormCodeFix>;

namespace Residual.Generators.Tests.CodeFixes;

/// <summary>RES0010: "Add a final LayerNorm" (or RMSNorm, as the block's pre-norms) on the model's FinalNorm.</summary>
public sealed class NoFinalNormCodeFixTests
{
    private static string Model(string attribute, string norm = "Norm.LayerNorm") => $$"""
        using Residual;

        {{attribute}}
        public partial class TinyLm : Transformer<GptBlock>;

        [Block(Width = 16)]
        public partial class GptBlock
        {
            [Residual, PreNorm({{norm}})]
            [Sublayer(typeof(Attention), Heads = 2)]
            public partial Attention Attend { get; }

            [Residual, PreNorm({{norm}})]
            [Sublayer(typeof(FeedForward))]
            public partial FeedForward Mix { get; }
        }
        """;

    [Theory]
    [InlineData("[Model(Vocab = 8, Context = 4, Layers = 2, {|RES0010:FinalNorm = Norm.None|})]", "[Model(Vocab = 8, Context = 4, Layers = 2, FinalNorm = Norm.LayerNorm)]")]
    [InlineData("[Model(Vocab = 8, {|RES0010:FinalNorm = global::Residual.Norm.None|}, Layers = 2, Context = 4)]", "[Model(Vocab = 8, FinalNorm = global::Residual.Norm.LayerNorm, Layers = 2, Context = 4)]")]
    [InlineData("[ModelAttribute(Vocab = 8, Context = 4, Layers = 2, {|RES0010:FinalNorm = 0|})]", "[ModelAttribute(Vocab = 8, Context = 4, Layers = 2, FinalNorm = Norm.LayerNorm)]")]
    public Task Sets_a_final_layer_norm(string before, string after) => Verify.VerifyAsync(
        Model(before), Model(after), "Add a final LayerNorm", NoFinalNormCodeFix.AddFinalNormKey, "TinyLm", "GptBlock");

    [Fact]
    public Task An_rms_norm_block_gets_a_final_rms_norm() => Verify.VerifyAsync(
        Model("[Model(Vocab = 8, Context = 4, Layers = 2, {|RES0010:FinalNorm = Norm.None|})]", "Norm.RMSNorm"),
        Model("[Model(Vocab = 8, Context = 4, Layers = 2, FinalNorm = Norm.RMSNorm)]", "Norm.RMSNorm"),
        "Add a final RMSNorm", NoFinalNormCodeFix.AddFinalNormKey, "TinyLm", "GptBlock");
}
