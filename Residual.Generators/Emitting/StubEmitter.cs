using System.Linq;
using Residual.Generators.Specs;
using static Residual.Generators.Emitting.Formatting;

namespace Residual.Generators.Emitting;

/// <summary>
/// Writes the stub of a refused block or model (see <see cref="StubSpec"/>): just enough for the user's declaration to
/// compile, every member throwing an <c>InvalidOperationException</c> that names the RES error. No layout, no
/// <c>Forward</c>: the build still fails, on the RES error.
/// </summary>
internal static class StubEmitter
{
    private const string R = "global::Residual.";

    public static string EmitBlock(BlockSpec spec, StubSpec stub)
    {
        var w = new IndentedWriter();
        Header(w, "[Block]", spec.Name, stub);
        BlockEmitter.OpenNamespace(w, spec.Namespace, helpers: null);
        string exception = Throw(spec.Name, stub);
        using (w.Block("partial class " + GeneratedNames.Identifier(spec.Name) + " : " + R + "IBlock"))
        {
            foreach (var p in stub.Properties)
            {
                w.Line(GeneratedCode);
                string accessors = string.Join(" ", p.Accessors.Select(a => $"{a} => {exception};"));
                w.Line($"{(p.Modifiers.Length > 0 ? p.Modifiers + " " : "")}partial {p.Type} {GeneratedNames.Identifier(p.Name)} {{ {accessors} }}");
                w.Line();
            }
            w.Line("// IBlock, so that a model stacking this block still compiles.");
            w.Line(GeneratedCode);
            w.Line($"{R}BlockDescription {R}IBlock.Description => {exception};");
            w.Line(GeneratedCode);
            w.Line($"global::System.Collections.Generic.IReadOnlyList<{R}TensorInfo> {R}IBlock.Layout => {exception};");
            w.Line(GeneratedCode);
            w.Line($"long {R}IBlock.ActivationFloats(int batch, int time) => {exception};");
            w.Line(GeneratedCode);
            w.Line($"long {R}IBlock.ScratchFloats(int batch, int time) => {exception};");
            w.Line(GeneratedCode);
            w.Line($"global::System.Span<float> {R}IBlock.Parameters => {exception};");
            w.Line(GeneratedCode);
            w.Line($"global::System.Span<float> {R}IBlock.Gradients => {exception};");
            w.Line(GeneratedCode);
            w.Line($"void {R}IBlock.Forward(global::System.ReadOnlySpan<float> x, global::System.Span<float> y, global::System.Span<float> activations, int batch, int time) => {exception};");
            w.Line(GeneratedCode);
            w.Line($"void {R}IBlock.Backward(global::System.ReadOnlySpan<float> x, global::System.ReadOnlySpan<float> dy, global::System.Span<float> dx, global::System.Span<float> activations, global::System.Span<float> scratch, int batch, int time) => {exception};");
        }
        BlockEmitter.CloseNamespace(w, spec.Namespace);
        return w.Complete();
    }

    public static string EmitModel(ModelSpec spec, StubSpec stub)
    {
        var w = new IndentedWriter();
        Header(w, "[Model]", spec.Name, stub);
        BlockEmitter.OpenNamespace(w, spec.Namespace, helpers: null);
        string exception = Throw(spec.Name, stub);
        using (w.Block("partial class " + GeneratedNames.Identifier(spec.Name)))
        {
            if (stub.Constructor)
            {
                w.Line("/// <summary>Throws: the model was not generated (see the exception's message).</summary>");
                w.Line("/// <param name=\"options\">Unused.</param>");
                w.Line(GeneratedCode);
                w.Line($"public {GeneratedNames.Identifier(spec.Name)}({R}ModelOptions? options = null)");
                w.Line($"    : base(global::{GeneratedNames.HelperNamespace}.Refusal.Throw<{R}ModelDescription>({String(Message(spec.Name, stub))}), global::System.Array.Empty<{R}TensorInfo>(), options)");
                w.Line("{");
                w.Line("}");
                w.Line();
            }
            foreach (var name in stub.Constants)
            {
                // The declared values, valid or not: only so that code using them compiles; the model itself throws.
                int value = name switch { "Vocab" => spec.Vocab, "Context" => spec.Context, "Layers" => spec.Layers, _ => spec.Block.Width };
                w.Line($"/// <summary>{name} as declared (the model was not generated).</summary>");
                w.Line(GeneratedCode);
                w.Line($"public const int {name} = {value};");
                w.Line();
            }
            w.Line("/// <inheritdoc/>");
            w.Line(GeneratedCode);
            w.Line($"protected override long ActivationFloats(int batch, int time) => {exception};");
            w.Line();
            w.Line("/// <inheritdoc/>");
            w.Line(GeneratedCode);
            w.Line($"protected override long ScratchFloats(int batch, int time) => {exception};");
            w.Line();
            w.Line("/// <inheritdoc/>");
            w.Line(GeneratedCode);
            w.Line($"protected override void ForwardCore(global::System.ReadOnlySpan<int> tokens, global::System.Span<float> logits, global::System.Span<float> activations, int batch, int time) => {exception};");
            w.Line();
            w.Line("/// <inheritdoc/>");
            w.Line(GeneratedCode);
            w.Line($"protected override void BackwardCore(global::System.ReadOnlySpan<int> tokens, global::System.ReadOnlySpan<float> dLogits, global::System.Span<float> activations, global::System.Span<float> scratch, int batch, int time) => {exception};");
        }
        BlockEmitter.CloseNamespace(w, spec.Namespace);
        if (stub.Constructor)
        {
            // A base-constructor argument cannot be a throw expression; a file-local helper throws instead.
            w.Line();
            w.Line("namespace " + GeneratedNames.HelperNamespace);
            w.Line("{");
            w.Indent();
            w.Line(GeneratedCode);
            using (w.Block("file static class Refusal"))
                w.Line("internal static T Throw<T>(string message) => throw new global::System.InvalidOperationException(message);");
            w.Outdent();
            w.Line("}");
        }
        return w.Complete();
    }

    private static void Header(IndentedWriter w, string kind, string name, StubSpec stub)
    {
        w.Line("// <auto-generated/>");
        w.Line($"// Residual.Generators did not generate the {kind} declaration of {name}:");
        w.Line($"//   {stub.Reason}");
        w.Line("// This stub only lets the declaration compile, so that the build reports that RES error rather than");
        w.Line("// unimplemented members; every member throws. Fix the declaration and the real code replaces it.");
        w.Line();
        w.Line("#nullable enable");
        w.Line();
    }

    private static string Message(string name, StubSpec stub) =>
        $"Residual.Generators did not generate '{name}' because of {stub.Reason} Fix the declaration (see the build's RES diagnostics).";

    private static string Throw(string name, StubSpec stub) =>
        $"throw new global::System.InvalidOperationException({String(Message(name, stub))})";
}
