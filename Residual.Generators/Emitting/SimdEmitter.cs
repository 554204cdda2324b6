using System;
using System.Collections.Generic;

namespace Residual.Generators.Emitting;

/// <summary>
/// Emits the width-specialised SIMD helpers (norms, residual adds and their backward twins). Each
/// helper walks one row of <c>Width</c> floats with <c>Vector512</c>, else <c>Vector256</c>, else
/// scalar code; the vector loop bound and the scalar tail are decided here, from the constant width.
/// </summary>
internal sealed class SimdEmitter
{
    private readonly IndentedWriter _w;
    private readonly int _width;

    public SimdEmitter(IndentedWriter writer, int width)
    {
        _w = writer;
        _width = width;
    }

    /// <summary>
    /// One pass over a row. <paramref name="vecPrelude"/>, <paramref name="vecStep"/> and
    /// <paramref name="vecEpilogue"/> use <c>{V}</c> for the vector class; the scalar step runs the
    /// tail and the whole row where no SIMD is available. The index variable is <c>i</c>.
    /// </summary>
    private void Loop(string vecPrelude, string vecStep, string vecEpilogue, string scalarStep)
    {
        var branches = new List<(string Condition, string V, int Lanes)>
        {
            ("Vector512.IsHardwareAccelerated", "Vector512", 16),
            ("Vector256.IsHardwareAccelerated", "Vector256", 8),
        };
        bool first = true;
        foreach (var (condition, v, lanes) in branches)
        {
            int end = _width - _width % lanes;
            if (end == 0) continue; // narrower than one vector: the scalar path covers it
            using (_w.Block((first ? "if (" : "else if (") + condition + ")"))
            {
                if (vecPrelude.Length > 0) _w.Lines(vecPrelude.Replace("{V}", v));
                EmitFor(0, end, lanes, vecStep.Replace("{V}", v));
                if (vecEpilogue.Length > 0) _w.Lines(vecEpilogue.Replace("{V}", v));
                if (end < _width) EmitFor(end, _width, 1, scalarStep);
            }
            first = false;
        }
        if (first)
        {
            EmitFor(0, _width, 1, scalarStep);
            return;
        }
        using (_w.Block("else"))
            EmitFor(0, _width, 1, scalarStep);
    }

    private void EmitFor(int start, int end, int step, string body)
    {
        string header = $"for (int i = {start}; i < {end}; {(step == 1 ? "i++" : "i += " + step)})";
        var lines = body.Replace("\r\n", "\n").TrimEnd('\n').Split('\n');
        if (lines.Length == 1)
        {
            _w.Line(header);
            _w.Indent().Line(lines[0]).Outdent();
        }
        else
        {
            using (_w.Block(header)) _w.Lines(body);
        }
    }

    private void Header(string summary, string signature)
    {
        _w.Line("/// <summary>" + summary + "</summary>");
        _w.Line(Formatting.GeneratedCode);
        _w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
        _w.Line(signature);
    }

    private void RowCheck(params string[] spans)
    {
        foreach (var s in spans)
            _w.Line($"if ({s}.Length < rows * {_width}) throw new ArgumentException($\"{s} has {{{s}.Length}} floats; expected rows·{_width} = {{rows * {_width}}}.\", nameof({s}));");
    }

    private void RowRef(string name, string span) =>
        _w.Line($"ref float {name} = ref Unsafe.Add(ref MemoryMarshal.GetReference({span}), r * {_width});");

    /// <param name="fusedAdd">
    /// Emit <c>ResidualAddLayerNorm</c> instead: <c>y = x + f</c> (stored, the next stream) and the norm of y, in one
    /// pass over each row: the sum feeds the mean as it is written, and the later passes find y in L1.
    /// </param>
    public void LayerNormForward(bool fusedAdd = false)
    {
        int c = _width;
        if (fusedAdd)
            Header($"Residual add fused with the next LayerNorm, {c} floats per row: <c>y = input + branch</c>, then <c>out = (y - mean)·rstd·weight + bias</c>.",
                "internal static void ResidualAddLayerNorm(Span<float> y, Span<float> output, Span<float> mean, Span<float> rstd, ReadOnlySpan<float> input, ReadOnlySpan<float> branch, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int rows)");
        else
            Header($"LayerNorm over {c} floats per row: <c>out = (x - mean)·rstd·weight + bias</c>.",
                "internal static void LayerNormForward(Span<float> output, Span<float> mean, Span<float> rstd, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias, int rows)");
        using (_w.Block(""))
        {
            if (fusedAdd) RowCheck("input", "branch", "y", "output"); else RowCheck("input", "output");
            _w.Line("ref float w = ref MemoryMarshal.GetReference(weight);");
            _w.Line("ref float b = ref MemoryMarshal.GetReference(bias);");
            using (_w.Block("for (int r = 0; r < rows; r++)"))
            {
                if (fusedAdd)
                {
                    RowRef("xr", "input"); RowRef("fr", "branch");
                    RowRef("x", "y"); // below, x is the row being normalised: the new stream y
                }
                else
                    RowRef("x", "input");
                RowRef("o", "output");
                _w.Line("float sum = 0f;");
                if (fusedAdd)
                    Loop("{V}<float> acc = {V}<float>.Zero;",
                        "{\n    {V}<float> v = {V}.LoadUnsafe(ref xr, (nuint)i) + {V}.LoadUnsafe(ref fr, (nuint)i);\n    {V}.StoreUnsafe(v, ref x, (nuint)i);\n    acc += v;\n}",
                        "sum += {V}.Sum(acc);",
                        "{\n    float v = Unsafe.Add(ref xr, i) + Unsafe.Add(ref fr, i);\n    Unsafe.Add(ref x, i) = v;\n    sum += v;\n}");
                else
                    Loop("{V}<float> acc = {V}<float>.Zero;", "acc += {V}.LoadUnsafe(ref x, (nuint)i);", "sum += {V}.Sum(acc);",
                        "sum += Unsafe.Add(ref x, i);");
                _w.Line($"float m = sum * (1f / {c});");
                _w.Line("float sq = 0f;");
                Loop("{V}<float> acc = {V}<float>.Zero, vm = {V}.Create(m);",
                    "{\n    {V}<float> d = {V}.LoadUnsafe(ref x, (nuint)i) - vm;\n    acc = {V}.FusedMultiplyAdd(d, d, acc);\n}",
                    "sq += {V}.Sum(acc);",
                    "sq += (Unsafe.Add(ref x, i) - m) * (Unsafe.Add(ref x, i) - m);");
                _w.Line($"float s = 1f / MathF.Sqrt(sq * (1f / {c}) + 1e-5f);");
                Loop("{V}<float> vm = {V}.Create(m), vs = {V}.Create(s);",
                    "{V}.StoreUnsafe(({V}.LoadUnsafe(ref x, (nuint)i) - vm) * vs * {V}.LoadUnsafe(ref w, (nuint)i) + {V}.LoadUnsafe(ref b, (nuint)i), ref o, (nuint)i);",
                    "",
                    "Unsafe.Add(ref o, i) = (Unsafe.Add(ref x, i) - m) * s * Unsafe.Add(ref w, i) + Unsafe.Add(ref b, i);");
                _w.Line("mean[r] = m;");
                _w.Line("rstd[r] = s;");
            }
        }
        _w.Line();
    }

    /// <param name="residual">
    /// Emit <c>LayerNormBackwardResidual</c> instead, for a plain residual around a pre-norm sublayer: it also adds
    /// <c>dResidual</c> (the gradient arriving on the identity path) into dInput in the same pass.
    /// </param>
    public void LayerNormBackward(bool residual = false)
    {
        int c = _width;
        if (residual)
            Header($"LayerNorm backward fused with the identity path, {c} floats per row: <c>dInput += dResidual + LayerNorm'ᵀ·dOutput</c>; accumulates into <paramref name=\"dWeight\"/> and <paramref name=\"dBias\"/>.",
                "internal static void LayerNormBackwardResidual(Span<float> dInput, Span<float> dWeight, Span<float> dBias, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> dResidual, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> mean, ReadOnlySpan<float> rstd, int rows)");
        else
            Header($"LayerNorm backward over {c} floats per row; accumulates into <paramref name=\"dInput\"/>, <paramref name=\"dWeight\"/> and <paramref name=\"dBias\"/>.",
                "internal static void LayerNormBackward(Span<float> dInput, Span<float> dWeight, Span<float> dBias, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> mean, ReadOnlySpan<float> rstd, int rows)");
        using (_w.Block(""))
        {
            if (residual) RowCheck("input", "dOutput", "dResidual", "dInput"); else RowCheck("input", "dOutput", "dInput");
            _w.Line("ref float w = ref MemoryMarshal.GetReference(weight);");
            _w.Line("ref float dw = ref MemoryMarshal.GetReference(dWeight);");
            _w.Line("ref float db = ref MemoryMarshal.GetReference(dBias);");
            using (_w.Block("for (int r = 0; r < rows; r++)"))
            {
                RowRef("x", "input");
                RowRef("dy", "dOutput");
                RowRef("dx", "dInput");
                if (residual) RowRef("dr", "dResidual");
                _w.Line("float m = mean[r], s = rstd[r];");
                _w.Line("// Pass 1: mean of dnorm = dy·w and of dnorm·x̂, and the weight/bias gradients.");
                _w.Line("float sumD = 0f, sumDX = 0f;");
                Loop("{V}<float> accD = {V}<float>.Zero, accDX = {V}<float>.Zero, vm = {V}.Create(m), vs = {V}.Create(s);",
                    "{\n    {V}<float> g = {V}.LoadUnsafe(ref dy, (nuint)i);\n    {V}<float> xh = ({V}.LoadUnsafe(ref x, (nuint)i) - vm) * vs;\n    {V}<float> dn = g * {V}.LoadUnsafe(ref w, (nuint)i);\n    accD += dn;\n    accDX = {V}.FusedMultiplyAdd(dn, xh, accDX);\n    {V}.StoreUnsafe({V}.FusedMultiplyAdd(g, xh, {V}.LoadUnsafe(ref dw, (nuint)i)), ref dw, (nuint)i);\n    {V}.StoreUnsafe({V}.LoadUnsafe(ref db, (nuint)i) + g, ref db, (nuint)i);\n}",
                    "sumD += {V}.Sum(accD);\nsumDX += {V}.Sum(accDX);",
                    "{\n    float g = Unsafe.Add(ref dy, i);\n    float xh = (Unsafe.Add(ref x, i) - m) * s;\n    float dn = g * Unsafe.Add(ref w, i);\n    sumD += dn;\n    sumDX += dn * xh;\n    Unsafe.Add(ref dw, i) += g * xh;\n    Unsafe.Add(ref db, i) += g;\n}");
                _w.Line($"float meanD = sumD * (1f / {c}), meanDX = sumDX * (1f / {c});");
                string dxIn = residual ? "{V}.LoadUnsafe(ref dx, (nuint)i) + {V}.LoadUnsafe(ref dr, (nuint)i)" : "{V}.LoadUnsafe(ref dx, (nuint)i)";
                string dxInScalar = residual ? "Unsafe.Add(ref dr, i) + " : "";
                _w.Line(residual
                    ? "// Pass 2: dx += dResidual + (dnorm - mean(dnorm) - x̂·mean(dnorm·x̂))·rstd (the identity path and the norm's path)."
                    : "// Pass 2: dx += (dnorm - mean(dnorm) - x̂·mean(dnorm·x̂))·rstd.");
                Loop("{V}<float> vmd = {V}.Create(meanD), vmdx = {V}.Create(meanDX), vm = {V}.Create(m), vs = {V}.Create(s);",
                    "{\n    {V}<float> xh = ({V}.LoadUnsafe(ref x, (nuint)i) - vm) * vs;\n    {V}<float> dn = {V}.LoadUnsafe(ref dy, (nuint)i) * {V}.LoadUnsafe(ref w, (nuint)i);\n    {V}.StoreUnsafe(" + dxIn + " + (dn - vmd - xh * vmdx) * vs, ref dx, (nuint)i);\n}",
                    "",
                    "{\n    float xh = (Unsafe.Add(ref x, i) - m) * s;\n    float dn = Unsafe.Add(ref dy, i) * Unsafe.Add(ref w, i);\n    Unsafe.Add(ref dx, i) += " + dxInScalar + "(dn - meanD - xh * meanDX) * s;\n}");
            }
        }
        _w.Line();
    }

    /// <param name="fusedAdd">Emit <c>ResidualAddRmsNorm</c> instead: <c>y = x + f</c> (stored) and the norm of y in one pass over each row.</param>
    public void RmsNormForward(bool fusedAdd = false)
    {
        int c = _width;
        if (fusedAdd)
            Header($"Residual add fused with the next RMSNorm, {c} floats per row: <c>y = input + branch</c>, then <c>out = y·rstd·weight</c>.",
                "internal static void ResidualAddRmsNorm(Span<float> y, Span<float> output, Span<float> rstd, ReadOnlySpan<float> input, ReadOnlySpan<float> branch, ReadOnlySpan<float> weight, int rows)");
        else
            Header($"RMSNorm over {c} floats per row: <c>out = x·rstd·weight</c>, <c>rstd = 1/sqrt(mean(x²) + eps)</c>.",
                "internal static void RmsNormForward(Span<float> output, Span<float> rstd, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, int rows)");
        using (_w.Block(""))
        {
            if (fusedAdd) RowCheck("input", "branch", "y", "output"); else RowCheck("input", "output");
            _w.Line("ref float w = ref MemoryMarshal.GetReference(weight);");
            using (_w.Block("for (int r = 0; r < rows; r++)"))
            {
                if (fusedAdd)
                {
                    RowRef("xr", "input"); RowRef("fr", "branch");
                    RowRef("x", "y"); // below, x is the row being normalised: the new stream y
                }
                else
                    RowRef("x", "input");
                RowRef("o", "output");
                _w.Line("float sq = 0f;");
                if (fusedAdd)
                    Loop("{V}<float> acc = {V}<float>.Zero;",
                        "{\n    {V}<float> v = {V}.LoadUnsafe(ref xr, (nuint)i) + {V}.LoadUnsafe(ref fr, (nuint)i);\n    {V}.StoreUnsafe(v, ref x, (nuint)i);\n    acc = {V}.FusedMultiplyAdd(v, v, acc);\n}",
                        "sq += {V}.Sum(acc);",
                        "{\n    float v = Unsafe.Add(ref xr, i) + Unsafe.Add(ref fr, i);\n    Unsafe.Add(ref x, i) = v;\n    sq += v * v;\n}");
                else
                    Loop("{V}<float> acc = {V}<float>.Zero;",
                        "{\n    {V}<float> v = {V}.LoadUnsafe(ref x, (nuint)i);\n    acc = {V}.FusedMultiplyAdd(v, v, acc);\n}",
                        "sq += {V}.Sum(acc);",
                        "sq += Unsafe.Add(ref x, i) * Unsafe.Add(ref x, i);");
                _w.Line($"float s = 1f / MathF.Sqrt(sq * (1f / {c}) + 1e-5f);");
                Loop("{V}<float> vs = {V}.Create(s);",
                    "{V}.StoreUnsafe({V}.LoadUnsafe(ref x, (nuint)i) * vs * {V}.LoadUnsafe(ref w, (nuint)i), ref o, (nuint)i);",
                    "",
                    "Unsafe.Add(ref o, i) = Unsafe.Add(ref x, i) * s * Unsafe.Add(ref w, i);");
                _w.Line("rstd[r] = s;");
            }
        }
        _w.Line();
    }

    /// <param name="residual">Emit <c>RmsNormBackwardResidual</c> instead: it also adds <c>dResidual</c> (the identity path's gradient) into dInput in the same pass.</param>
    public void RmsNormBackward(bool residual = false)
    {
        int c = _width;
        if (residual)
            Header($"RMSNorm backward fused with the identity path, {c} floats per row: <c>dInput += dResidual + RMSNorm'ᵀ·dOutput</c>; accumulates into <paramref name=\"dWeight\"/>.",
                "internal static void RmsNormBackwardResidual(Span<float> dInput, Span<float> dWeight, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> dResidual, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> rstd, int rows)");
        else
            Header($"RMSNorm backward over {c} floats per row; accumulates into <paramref name=\"dInput\"/> and <paramref name=\"dWeight\"/>.",
                "internal static void RmsNormBackward(Span<float> dInput, Span<float> dWeight, ReadOnlySpan<float> dOutput, ReadOnlySpan<float> input, ReadOnlySpan<float> weight, ReadOnlySpan<float> rstd, int rows)");
        using (_w.Block(""))
        {
            if (residual) RowCheck("input", "dOutput", "dResidual", "dInput"); else RowCheck("input", "dOutput", "dInput");
            _w.Line("ref float w = ref MemoryMarshal.GetReference(weight);");
            _w.Line("ref float dw = ref MemoryMarshal.GetReference(dWeight);");
            using (_w.Block("for (int r = 0; r < rows; r++)"))
            {
                RowRef("x", "input");
                RowRef("dy", "dOutput");
                RowRef("dx", "dInput");
                if (residual) RowRef("dr", "dResidual");
                _w.Line("float s = rstd[r];");
                _w.Line("// Pass 1: mean of dnorm·x̂ (dnorm = dy·w, x̂ = x·rstd), and the weight gradient.");
                _w.Line("float sumDX = 0f;");
                Loop("{V}<float> acc = {V}<float>.Zero, vs = {V}.Create(s);",
                    "{\n    {V}<float> g = {V}.LoadUnsafe(ref dy, (nuint)i);\n    {V}<float> xh = {V}.LoadUnsafe(ref x, (nuint)i) * vs;\n    acc = {V}.FusedMultiplyAdd(g * {V}.LoadUnsafe(ref w, (nuint)i), xh, acc);\n    {V}.StoreUnsafe({V}.FusedMultiplyAdd(g, xh, {V}.LoadUnsafe(ref dw, (nuint)i)), ref dw, (nuint)i);\n}",
                    "sumDX += {V}.Sum(acc);",
                    "{\n    float g = Unsafe.Add(ref dy, i);\n    float xh = Unsafe.Add(ref x, i) * s;\n    sumDX += g * Unsafe.Add(ref w, i) * xh;\n    Unsafe.Add(ref dw, i) += g * xh;\n}");
                _w.Line($"float meanDX = sumDX * (1f / {c});");
                string dxIn = residual ? "{V}.LoadUnsafe(ref dx, (nuint)i) + {V}.LoadUnsafe(ref dr, (nuint)i)" : "{V}.LoadUnsafe(ref dx, (nuint)i)";
                _w.Line(residual
                    ? "// Pass 2: dx += dResidual + (dnorm - x̂·mean(dnorm·x̂))·rstd (the identity path and the norm's path)."
                    : "// Pass 2: dx += (dnorm - x̂·mean(dnorm·x̂))·rstd.");
                Loop("{V}<float> vmdx = {V}.Create(meanDX), vs = {V}.Create(s);",
                    "{\n    {V}<float> xh = {V}.LoadUnsafe(ref x, (nuint)i) * vs;\n    {V}<float> dn = {V}.LoadUnsafe(ref dy, (nuint)i) * {V}.LoadUnsafe(ref w, (nuint)i);\n    {V}.StoreUnsafe(" + dxIn + " + (dn - xh * vmdx) * vs, ref dx, (nuint)i);\n}",
                    "",
                    "Unsafe.Add(ref dx, i) += " + (residual ? "Unsafe.Add(ref dr, i) + " : "") + "(Unsafe.Add(ref dy, i) * Unsafe.Add(ref w, i) - Unsafe.Add(ref x, i) * s * meanDX) * s;");
            }
        }
        _w.Line();
    }

    public void ResidualAdd()
    {
        Header($"Residual add over {_width} floats per row: <c>y = x + f</c> (the identity path plus the branch).",
            "internal static void ResidualAdd(Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> f, int rows)");
        using (_w.Block(""))
        {
            RowCheck("x", "f", "y");
            using (_w.Block("for (int r = 0; r < rows; r++)"))
            {
                RowRef("xr", "x"); RowRef("fr", "f"); RowRef("yr", "y");
                Loop("", "{V}.StoreUnsafe({V}.LoadUnsafe(ref xr, (nuint)i) + {V}.LoadUnsafe(ref fr, (nuint)i), ref yr, (nuint)i);", "",
                    "Unsafe.Add(ref yr, i) = Unsafe.Add(ref xr, i) + Unsafe.Add(ref fr, i);");
            }
        }
        _w.Line();
    }

    public void ResidualAddScaled()
    {
        Header($"Scaled residual add over {_width} floats per row: <c>y = alpha·x + scale·f</c>.",
            "internal static void ResidualAddScaled(Span<float> y, ReadOnlySpan<float> x, ReadOnlySpan<float> f, float alpha, float scale, int rows)");
        using (_w.Block(""))
        {
            RowCheck("x", "f", "y");
            using (_w.Block("for (int r = 0; r < rows; r++)"))
            {
                RowRef("xr", "x"); RowRef("fr", "f"); RowRef("yr", "y");
                Loop("{V}<float> va = {V}.Create(alpha), vs = {V}.Create(scale);",
                    "{V}.StoreUnsafe({V}.FusedMultiplyAdd(va, {V}.LoadUnsafe(ref xr, (nuint)i), vs * {V}.LoadUnsafe(ref fr, (nuint)i)), ref yr, (nuint)i);", "",
                    "Unsafe.Add(ref yr, i) = alpha * Unsafe.Add(ref xr, i) + scale * Unsafe.Add(ref fr, i);");
            }
        }
        _w.Line();
    }

    public void ResidualBackward()
    {
        Header($"Residual backward over {_width} floats per row: <c>dx += alpha·dy</c> (the identity path: dy reaches dx unchanged when alpha = 1) and <c>df += scale·dy</c> (the branch).",
            "internal static void ResidualBackward(Span<float> dx, Span<float> df, ReadOnlySpan<float> dy, float alpha, float scale, int rows)");
        using (_w.Block(""))
        {
            RowCheck("dy", "dx", "df");
            using (_w.Block("for (int r = 0; r < rows; r++)"))
            {
                RowRef("dyr", "dy"); RowRef("dxr", "dx"); RowRef("dfr", "df");
                Loop("{V}<float> va = {V}.Create(alpha), vs = {V}.Create(scale);",
                    "{\n    {V}<float> g = {V}.LoadUnsafe(ref dyr, (nuint)i);\n    {V}.StoreUnsafe({V}.FusedMultiplyAdd(va, g, {V}.LoadUnsafe(ref dxr, (nuint)i)), ref dxr, (nuint)i);\n    {V}.StoreUnsafe({V}.FusedMultiplyAdd(vs, g, {V}.LoadUnsafe(ref dfr, (nuint)i)), ref dfr, (nuint)i);\n}", "",
                    "{\n    float g = Unsafe.Add(ref dyr, i);\n    Unsafe.Add(ref dxr, i) += alpha * g;\n    Unsafe.Add(ref dfr, i) += scale * g;\n}");
            }
        }
        _w.Line();
    }

    public void Dot()
    {
        Header($"<c>Σ a·b</c> over rows of {_width} floats (the gradient of a learnable residual scale).",
            "internal static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b, int rows)");
        using (_w.Block(""))
        {
            RowCheck("a", "b");
            _w.Line("float total = 0f;");
            using (_w.Block("for (int r = 0; r < rows; r++)"))
            {
                RowRef("ar", "a"); RowRef("br", "b");
                _w.Line("float sum = 0f;");
                Loop("{V}<float> acc = {V}<float>.Zero;",
                    "acc = {V}.FusedMultiplyAdd({V}.LoadUnsafe(ref ar, (nuint)i), {V}.LoadUnsafe(ref br, (nuint)i), acc);",
                    "sum += {V}.Sum(acc);",
                    "sum += Unsafe.Add(ref ar, i) * Unsafe.Add(ref br, i);");
                _w.Line("total += sum;");
            }
            _w.Line("return total;");
        }
        _w.Line();
    }
}
