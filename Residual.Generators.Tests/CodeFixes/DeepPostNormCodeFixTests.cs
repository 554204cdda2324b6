using System;
using System.Threading.Tasks;
using Residual.CodeFixes.Fixes;
using Xunit;
using Verify = Residual.Generators.Tests.CodeFixes.CodeFixVerifier<Residual.CodeFixes.Fixes.DeepPostNormCodeFix>;

namespace Residual.Generators.Tests.CodeFixes;

/// <summary>RES0011: "Switch the block to pre-norm" and "Scale the residuals (DeepNorm)".</summary>
public sealed class DeepPostNormCodeFixTests
{
    private static string Model(string model, string attend, string mix) => $$"""
        using Residual;

        {{model}}
        public partial class DeepLm : Transformer<PostBlock>;

        [Block(Width = 16)]
        public partial class PostBlock
        {
            {{attend}}
            [Sublayer(typeof(Attention), Heads = 2)]
            public partial Attention Attend { get; }

            {{mix}}
            [Sublayer(typeof(FeedForward))]
            public partial FeedForward Mix { get; }
        }
        """;

    [Fact]
    public Task Switch_to_pre_norm_keeps_each_norm_and_adds_the_final_norm_pre_norm_needs() => Verify.VerifyAsync(
        Model("[Model(Vocab = 8, Context = 4, {|RES0011:Layers = 24|}, FinalNorm = Norm.None)]",
            "[Residual, PostNorm(Norm.RMSNorm)]", "[Residual] [PostNorm(Norm.RMSNorm)]"),
        Model("[Model(Vocab = 8, Context = 4, Layers = 24, FinalNorm = Norm.RMSNorm)]",
            "[Residual, PreNorm(Norm.RMSNorm)]", "[Residual] [PreNorm(Norm.RMSNorm)]"),
        "Switch the block to pre-norm", DeepPostNormCodeFix.SwitchToPreNormKey, "DeepLm", "PostBlock");

    [Fact]
    public Task Switch_to_pre_norm_leaves_a_declared_final_norm_alone() => Verify.VerifyAsync(
        Model("[Model(Vocab = 8, Context = 4, {|RES0011:Layers = 13|})]",
            "[Residual, PostNorm]", "[Residual, PostNormAttribute(Norm.LayerNorm)]"),
        Model("[Model(Vocab = 8, Context = 4, Layers = 13)]",
            "[Residual, PreNorm]", "[Residual, PreNormAttribute(Norm.LayerNorm)]"),
        "Switch the block to pre-norm", DeepPostNormCodeFix.SwitchToPreNormKey, "DeepLm", "PostBlock");

    [Fact]
    public Task DeepNorm_sets_alpha_on_each_post_norm_residual_and_keeps_other_arguments() => Verify.VerifyAsync(
        Model("[Model(Vocab = 8, Context = 4, {|RES0011:Layers = 24|}, FinalNorm = Norm.None)]",
            "[Residual, PostNorm(Norm.LayerNorm)]", "[Residual(Scale = 0.5, Alpha = 1), PostNorm(Norm.LayerNorm)]"),
        Model("[Model(Vocab = 8, Context = 4, Layers = 24, FinalNorm = Norm.None)]",
            "[Residual(Alpha = 2.63), PostNorm(Norm.LayerNorm)]", "[Residual(Scale = 0.5, Alpha = 2.63), PostNorm(Norm.LayerNorm)]"),
        "Scale the residuals (DeepNorm)", DeepPostNormCodeFix.DeepNormKey, "DeepLm", "PostBlock");

    [Fact]
    public Task DeepNorm_leaves_pre_norm_sublayers_alone() => Verify.VerifyTextAsync(
        [Model("[Model(Vocab = 8, Context = 4, {|RES0011:Layers = 100|})]",
            "[Residual, {|RES0004:PreNorm(Norm.LayerNorm)|}]", "[Residual, PostNorm(Norm.LayerNorm)]")
            .Replace("public partial FeedForward Mix { get; }", "public partial FeedForward Mix { get; }\n\n    [Residual, PostNorm(Norm.LayerNorm)]\n    [Sublayer(typeof(FeedForward), Hidden = 8)]\n    public partial FeedForward Last { get; }")],
        [Model("[Model(Vocab = 8, Context = 4, Layers = 100)]",
            "[Residual, {|RES0004:PreNorm(Norm.LayerNorm)|}]", "[Residual(Alpha = 3.76), PostNorm(Norm.LayerNorm)]")
            .Replace("public partial FeedForward Mix { get; }", "public partial FeedForward Mix { get; }\n\n    [Residual(Alpha = 3.76), PostNorm(Norm.LayerNorm)]\n    [Sublayer(typeof(FeedForward), Hidden = 8)]\n    public partial FeedForward Last { get; }")],
        "Scale the residuals (DeepNorm)", DeepPostNormCodeFix.DeepNormKey);

    [Theory]
    [InlineData(13, 2.26)]
    [InlineData(24, 2.63)]
    [InlineData(100, 3.76)]
    [InlineData(1000, 6.69)]
    public void DeepNorm_alpha_is_the_decoder_only_constant_of_DeepNet(int layers, double rounded)
    {
        Assert.Equal(Math.Pow(2 * layers, 0.25), DeepPostNormCodeFix.DeepNormAlpha(layers), 12);
        Assert.Equal(rounded, Math.Round(DeepPostNormCodeFix.DeepNormAlpha(layers), 2));
    }
}
