using System;
using System.Collections.Generic;
using System.Linq;

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

    private const string ParallelRows = "global::Residual.ParallelRows";

    /// <summary>
    /// Columns per block of a column pass: a multiple of every vector width, so a block's columns take the same
    /// vector or scalar path as in the row-by-row loop, whatever the split.
    /// </summary>
    private const int ColumnBlock = 16;

    private static string Signature(string returnType, string name, (string Type, string Name)[] parameters) =>
        $"internal static {returnType} {name}(" + string.Join(", ", parameters.Select(p => p.Type + " " + p.Name)) + ", int rows)";

    /// <summary><c>var job = new NameRows { Input = input, … };</c></summary>
    private void NewJob(string local, string type, (string Type, string Name)[] fields, string extra = "") =>
        _w.Line($"var {local} = new {type} {{ " + string.Join(", ", fields.Select(f => Field(f.Name) + " = " + f.Name)) + extra + " };");

    private static string Field(string name) => char.ToUpperInvariant(name[0]) + name.Substring(1);

    /// <summary>
    /// A nested <c>ref struct</c> job: the spans as fields, and <c>Run(start, end)</c> that copies them to locals
    /// named like the helper's parameters (so the row code reads the same as in the helper) and then runs
    /// <paramref name="body"/>.
    /// </summary>
    private void Job(string type, string summary, (string Type, string Name)[] fields, Action body)
    {
        _w.Line("/// <summary>" + summary + "</summary>");
        _w.Line(Formatting.GeneratedCode);
        using (_w.Block($"private ref struct {type} : global::Residual.IRowJob"))
        {
            foreach (var group in fields.GroupBy(f => f.Type))
                _w.Line($"public {group.Key} " + string.Join(", ", group.Select(f => Field(f.Name))) + ";");
            _w.Line();
            _w.Line("[MethodImpl(MethodImplOptions.AggressiveOptimization)]");
            using (_w.Block("public void Run(int start, int end)"))
            {
                foreach (var group in fields.GroupBy(f => f.Type))
                    _w.Line(group.Key + " " + string.Join(", ", group.Select(f => f.Name + " = " + Field(f.Name))) + ";");
                body();
            }
        }
        _w.Line();
    }

    /// <summary>
    /// A helper whose rows are independent: it checks its spans, then runs job <c>NameRows</c> (the row loop) split
    /// by rows between threads when there are enough of them.
    /// </summary>
    private void RowHelper(string name, string summary, (string Type, string Name)[] parameters, string[] checkedSpans, Action rowLoop)
    {
        Header(summary, Signature("void", name, parameters));
        using (_w.Block(""))
        {
            RowCheck(checkedSpans);
            NewJob("job", name + "Rows", parameters);
            _w.Line($"{ParallelRows}.Run(ref job, rows, {ParallelRows}.Parts(rows, {_width}));");
        }
        _w.Line();
        Job(name + "Rows", $"<see cref=\"{name}\"/> on rows <c>[start, end)</c>: every row is read and written by one thread.", parameters, rowLoop);
    }

    /// <summary>
    /// A norm backward, whose parameter gradients sum over all rows. On one thread: one pass per row, the parameter
    /// gradients as the rows come. On several, in the same job (one fork-join): each part takes a range of rows for
    /// dInput, without the parameter gradients, then a range of columns for them, where every column still adds
    /// rows 0, 1, … in order with the same operations, so the bits do not depend on the thread count.
    /// </summary>
    private void NormBackwardHelper(string name, string summary, (string Type, string Name)[] parameters, string[] checkedSpans,
        Action rowLoop, Action columnLoop)
    {
        Header(summary, Signature("void", name, parameters));
        using (_w.Block(""))
        {
            RowCheck(checkedSpans);
            _w.Line("// One part: the parameter gradients in the pass over each row. Several: by columns, after the part's rows.");
            _w.Line($"int parts = {ParallelRows}.Parts(rows, {_width});");
            NewJob("job", name + "Rows", parameters, ", ParameterGradients = parts == 1, Rows = rows");
            _w.Line($"{ParallelRows}.Run(ref job, rows, parts);");
        }
        _w.Line();
        var fields = parameters.Concat(new[] { ("bool", "parameterGradients"), ("int", "rows") }).ToArray();
        Job(name + "Rows",
            $"<see cref=\"{name}\"/> on rows <c>[start, end)</c>: their dInput, and with <c>ParameterGradients</c> (one part) the weight and bias gradients as the rows come; else those of this part's share of the columns, over all rows.",
            fields, () =>
            {
                _w.Line("ref float w = ref MemoryMarshal.GetReference(weight);");
                using (_w.Block("for (int r = start; r < end; r++)"))
                    rowLoop();
                using (_w.Block("if (!parameterGradients)"))
                {
                    int blocks = (_width + ColumnBlock - 1) / ColumnBlock;
                    _w.Line($"// This part's blocks of {ColumnBlock} columns, in proportion to its rows: the parts' column ranges tile [0, {_width}).");
                    _w.Line($"int c0 = (int)((long){blocks} * start / rows) * {ColumnBlock}, c1 = Math.Min((int)((long){blocks} * end / rows) * {ColumnBlock}, {_width});");
                    columnLoop();
                }
            });
    }

    private static (string Type, string Name) Out(string name) => ("Span<float>", name);

    private static (string Type, string Name) In(string name) => ("ReadOnlySpan<float>", name);

    /// <param name="fusedAdd">
    /// Emit <c>ResidualAddLayerNorm</c> instead: <c>y = x + f</c> (stored, the next stream) and the norm of y, in one
    /// pass over each row: the sum feeds the mean as it is written, and the later passes find y in L1.
    /// </param>
    public void LayerNormForward(bool fusedAdd = false)
    {
        int c = _width;
        var parameters = fusedAdd
            ? new[] { Out("y"), Out("output"), Out("mean"), Out("rstd"), In("input"), In("branch"), In("weight"), In("bias") }
            : new[] { Out("output"), Out("mean"), Out("rstd"), In("input"), In("weight"), In("bias") };
        RowHelper(fusedAdd ? "ResidualAddLayerNorm" : "LayerNormForward",
            fusedAdd
                ? $"Residual add fused with the next LayerNorm, {c} floats per row: <c>y = input + branch</c>, then <c>out = (y - mean)·rstd·weight + bias</c>."
                : $"LayerNorm over {c} floats per row: <c>out = (x - mean)·rstd·weight + bias</c>.",
            parameters,
            fusedAdd ? new[] { "input", "branch", "y", "output" } : new[] { "input", "output" },
            () =>
            {
                _w.Line("ref float w = ref MemoryMarshal.GetReference(weight);");
                _w.Line("ref float b = ref MemoryMarshal.GetReference(bias);");
                using (_w.Block("for (int r = start; r < end; r++)"))
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
            });
    }

    /// <param name="residual">
    /// Emit <c>LayerNormBackwardResidual</c> instead, for a plain residual around a pre-norm sublayer: it also adds
    /// <c>dResidual</c> (the gradient arriving on the identity path) into dInput in the same pass.
    /// </param>
    public void LayerNormBackward(bool residual = false)
    {
        int c = _width;
        var parameters = residual
            ? new[] { Out("dInput"), Out("dWeight"), Out("dBias"), In("dOutput"), In("dResidual"), In("input"), In("weight"), In("mean"), In("rstd") }
            : new[] { Out("dInput"), Out("dWeight"), Out("dBias"), In("dOutput"), In("input"), In("weight"), In("mean"), In("rstd") };
        NormBackwardHelper(residual ? "LayerNormBackwardResidual" : "LayerNormBackward",
            residual
                ? $"LayerNorm backward fused with the identity path, {c} floats per row: <c>dInput += dResidual + LayerNorm'ᵀ·dOutput</c>; accumulates into <paramref name=\"dWeight\"/> and <paramref name=\"dBias\"/>."
                : $"LayerNorm backward over {c} floats per row; accumulates into <paramref name=\"dInput\"/>, <paramref name=\"dWeight\"/> and <paramref name=\"dBias\"/>.",
            parameters,
            residual ? new[] { "input", "dOutput", "dResidual", "dInput" } : new[] { "input", "dOutput", "dInput" },
            () =>
            {
                RowRef("x", "input");
                RowRef("dy", "dOutput");
                RowRef("dx", "dInput");
                if (residual) RowRef("dr", "dResidual");
                _w.Line("float m = mean[r], s = rstd[r];");
                _w.Line("float sumD = 0f, sumDX = 0f;");
                using (_w.Block("if (parameterGradients)"))
                {
                    _w.Line("ref float dw = ref MemoryMarshal.GetReference(dWeight);");
                    _w.Line("ref float db = ref MemoryMarshal.GetReference(dBias);");
                    _w.Line("// Pass 1: mean of dnorm = dy·w and of dnorm·x̂, and the weight/bias gradients.");
                    LayerNormPass1(weights: true);
                }
                using (_w.Block("else"))
                {
                    _w.Line("// Pass 1: mean of dnorm = dy·w and of dnorm·x̂ (the weight/bias gradients come in the column pass).");
                    LayerNormPass1(weights: false);
                }
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
            },
            () => ColumnPass(layerNorm: true));
    }

    /// <summary>
    /// LayerNorm backward's first pass over a row: the sums for dInput and, with <paramref name="weights"/>, the
    /// weight and bias gradients (the same operations per column as <see cref="ColumnPass"/>, which does them alone).
    /// </summary>
    private void LayerNormPass1(bool weights)
    {
        string vecWeights = weights
            ? "\n    {V}.StoreUnsafe({V}.FusedMultiplyAdd(g, xh, {V}.LoadUnsafe(ref dw, (nuint)i)), ref dw, (nuint)i);\n    {V}.StoreUnsafe({V}.LoadUnsafe(ref db, (nuint)i) + g, ref db, (nuint)i);"
            : "";
        string scalarWeights = weights ? "\n    Unsafe.Add(ref dw, i) += g * xh;\n    Unsafe.Add(ref db, i) += g;" : "";
        Loop("{V}<float> accD = {V}<float>.Zero, accDX = {V}<float>.Zero, vm = {V}.Create(m), vs = {V}.Create(s);",
            "{\n    {V}<float> g = {V}.LoadUnsafe(ref dy, (nuint)i);\n    {V}<float> xh = ({V}.LoadUnsafe(ref x, (nuint)i) - vm) * vs;\n    {V}<float> dn = g * {V}.LoadUnsafe(ref w, (nuint)i);\n    accD += dn;\n    accDX = {V}.FusedMultiplyAdd(dn, xh, accDX);" + vecWeights + "\n}",
            "sumD += {V}.Sum(accD);\nsumDX += {V}.Sum(accDX);",
            "{\n    float g = Unsafe.Add(ref dy, i);\n    float xh = (Unsafe.Add(ref x, i) - m) * s;\n    float dn = g * Unsafe.Add(ref w, i);\n    sumD += dn;\n    sumDX += dn * xh;" + scalarWeights + "\n}");
    }

    /// <summary>Vectors of columns a column job carries through all rows at once (4 + 4 accumulators, 4 loads per stream and row).</summary>
    private const int ColumnGroup = 4;

    /// <summary>
    /// The column part of a norm backward's job: the parameter gradients of columns <c>[c0, c1)</c>, over all rows.
    /// Each group of columns keeps its dWeight (and dBias) in registers while it walks rows 0, 1, … in order, with
    /// the same operations per column as the row pass (vector FMA where the row loop has vectors, scalar
    /// <c>+= g·x̂</c> in its tail), so the sums have the same bits; one store per column at the end, so two threads
    /// never write the cache line their column ranges share more than once.
    /// </summary>
    /// <param name="layerNorm">x̂ = (x − mean)·rstd and a bias gradient; else RMSNorm's x̂ = x·rstd and no bias.</param>
    private void ColumnPass(bool layerNorm)
    {
        int c = _width;
        _w.Line("ref float dw = ref MemoryMarshal.GetReference(dWeight);");
        if (layerNorm) _w.Line("ref float db = ref MemoryMarshal.GetReference(dBias);");
        _w.Line("ref float x0 = ref MemoryMarshal.GetReference(input);");
        _w.Line("ref float dy0 = ref MemoryMarshal.GetReference(dOutput);");
        _w.Line("int i = c0;");
        string rowScalars = layerNorm ? "float m = mean[r], s = rstd[r];" : "float s = rstd[r];";
        bool first = true;
        foreach (var (condition, v, lanes) in new[] { ("Vector512.IsHardwareAccelerated", "Vector512", 16), ("Vector256.IsHardwareAccelerated", "Vector256", 8) })
        {
            int vecEnd = c - c % lanes;
            if (vecEnd == 0) continue;
            string bound = vecEnd == c ? "c1" : $"Math.Min(c1, {vecEnd})";
            using (_w.Block((first ? "if (" : "else if (") + condition + ")"))
            {
                _w.Line($"int vecEnd = {bound};");
                foreach (int group in new[] { ColumnGroup, 1 })
                {
                    string step = group == 1 ? $"i += {lanes}" : $"i += {group * lanes}";
                    string cond = group == 1 ? "i < vecEnd" : $"i + {group * lanes} <= vecEnd";
                    using (_w.Block($"for (; {cond}; {step})"))
                    {
                        for (int k = 0; k < group; k++)
                        {
                            string at = k == 0 ? "(nuint)i" : $"(nuint)(i + {k * lanes})";
                            _w.Line($"{v}<float> dw{k} = {v}.LoadUnsafe(ref dw, {at})" + (layerNorm ? $", db{k} = {v}.LoadUnsafe(ref db, {at});" : ";"));
                        }
                        using (_w.Block("for (int r = 0; r < rows; r++)"))
                        {
                            _w.Line(rowScalars);
                            _w.Line(layerNorm ? $"{v}<float> vm = {v}.Create(m), vs = {v}.Create(s);" : $"{v}<float> vs = {v}.Create(s);");
                            _w.Line($"ref float x = ref Unsafe.Add(ref x0, r * {c} + i);");
                            _w.Line($"ref float dy = ref Unsafe.Add(ref dy0, r * {c} + i);");
                            for (int k = 0; k < group; k++)
                            {
                                string at = $"(nuint){k * lanes}";
                                _w.Line($"{v}<float> g{k} = {v}.LoadUnsafe(ref dy, {at});");
                                _w.Line(layerNorm
                                    ? $"dw{k} = {v}.FusedMultiplyAdd(g{k}, ({v}.LoadUnsafe(ref x, {at}) - vm) * vs, dw{k});"
                                    : $"dw{k} = {v}.FusedMultiplyAdd(g{k}, {v}.LoadUnsafe(ref x, {at}) * vs, dw{k});");
                                if (layerNorm) _w.Line($"db{k} += g{k};");
                            }
                        }
                        for (int k = 0; k < group; k++)
                        {
                            string at = k == 0 ? "(nuint)i" : $"(nuint)(i + {k * lanes})";
                            _w.Line($"{v}.StoreUnsafe(dw{k}, ref dw, {at});");
                            if (layerNorm) _w.Line($"{v}.StoreUnsafe(db{k}, ref db, {at});");
                        }
                    }
                }
            }
            first = false;
        }
        _w.Line("// The scalar tail (and every column without SIMD): the row loop's scalar step, column by column.");
        using (_w.Block("for (; i < c1; i++)"))
        {
            _w.Line(layerNorm ? "float sw = Unsafe.Add(ref dw, i), sb = Unsafe.Add(ref db, i);" : "float sw = Unsafe.Add(ref dw, i);");
            using (_w.Block("for (int r = 0; r < rows; r++)"))
            {
                _w.Line($"float g = Unsafe.Add(ref dy0, r * {c} + i);");
                _w.Line(layerNorm
                    ? $"float xh = (Unsafe.Add(ref x0, r * {c} + i) - mean[r]) * rstd[r];"
                    : $"float xh = Unsafe.Add(ref x0, r * {c} + i) * rstd[r];");
                _w.Line("sw += g * xh;");
                if (layerNorm) _w.Line("sb += g;");
            }
            _w.Line("Unsafe.Add(ref dw, i) = sw;");
            if (layerNorm) _w.Line("Unsafe.Add(ref db, i) = sb;");
        }
    }

    /// <param name="fusedAdd">Emit <c>ResidualAddRmsNorm</c> instead: <c>y = x + f</c> (stored) and the norm of y in one pass over each row.</param>
    public void RmsNormForward(bool fusedAdd = false)
    {
        int c = _width;
        var parameters = fusedAdd
            ? new[] { Out("y"), Out("output"), Out("rstd"), In("input"), In("branch"), In("weight") }
            : new[] { Out("output"), Out("rstd"), In("input"), In("weight") };
        RowHelper(fusedAdd ? "ResidualAddRmsNorm" : "RmsNormForward",
            fusedAdd
                ? $"Residual add fused with the next RMSNorm, {c} floats per row: <c>y = input + branch</c>, then <c>out = y·rstd·weight</c>."
                : $"RMSNorm over {c} floats per row: <c>out = x·rstd·weight</c>, <c>rstd = 1/sqrt(mean(x²) + eps)</c>.",
            parameters,
            fusedAdd ? new[] { "input", "branch", "y", "output" } : new[] { "input", "output" },
            () =>
            {
                _w.Line("ref float w = ref MemoryMarshal.GetReference(weight);");
                using (_w.Block("for (int r = start; r < end; r++)"))
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
            });
    }

    /// <param name="residual">Emit <c>RmsNormBackwardResidual</c> instead: it also adds <c>dResidual</c> (the identity path's gradient) into dInput in the same pass.</param>
    public void RmsNormBackward(bool residual = false)
    {
        int c = _width;
        var parameters = residual
            ? new[] { Out("dInput"), Out("dWeight"), In("dOutput"), In("dResidual"), In("input"), In("weight"), In("rstd") }
            : new[] { Out("dInput"), Out("dWeight"), In("dOutput"), In("input"), In("weight"), In("rstd") };
        NormBackwardHelper(residual ? "RmsNormBackwardResidual" : "RmsNormBackward",
            residual
                ? $"RMSNorm backward fused with the identity path, {c} floats per row: <c>dInput += dResidual + RMSNorm'ᵀ·dOutput</c>; accumulates into <paramref name=\"dWeight\"/>."
                : $"RMSNorm backward over {c} floats per row; accumulates into <paramref name=\"dInput\"/> and <paramref name=\"dWeight\"/>.",
            parameters,
            residual ? new[] { "input", "dOutput", "dResidual", "dInput" } : new[] { "input", "dOutput", "dInput" },
            () =>
            {
                RowRef("x", "input");
                RowRef("dy", "dOutput");
                RowRef("dx", "dInput");
                if (residual) RowRef("dr", "dResidual");
                _w.Line("float s = rstd[r];");
                _w.Line("float sumDX = 0f;");
                using (_w.Block("if (parameterGradients)"))
                {
                    _w.Line("ref float dw = ref MemoryMarshal.GetReference(dWeight);");
                    _w.Line("// Pass 1: mean of dnorm·x̂ (dnorm = dy·w, x̂ = x·rstd), and the weight gradient.");
                    RmsNormPass1(weights: true);
                }
                using (_w.Block("else"))
                {
                    _w.Line("// Pass 1: mean of dnorm·x̂ (dnorm = dy·w, x̂ = x·rstd); the weight gradient comes in the column pass.");
                    RmsNormPass1(weights: false);
                }
                _w.Line($"float meanDX = sumDX * (1f / {c});");
                string dxIn = residual ? "{V}.LoadUnsafe(ref dx, (nuint)i) + {V}.LoadUnsafe(ref dr, (nuint)i)" : "{V}.LoadUnsafe(ref dx, (nuint)i)";
                _w.Line(residual
                    ? "// Pass 2: dx += dResidual + (dnorm - x̂·mean(dnorm·x̂))·rstd (the identity path and the norm's path)."
                    : "// Pass 2: dx += (dnorm - x̂·mean(dnorm·x̂))·rstd.");
                Loop("{V}<float> vmdx = {V}.Create(meanDX), vs = {V}.Create(s);",
                    "{\n    {V}<float> xh = {V}.LoadUnsafe(ref x, (nuint)i) * vs;\n    {V}<float> dn = {V}.LoadUnsafe(ref dy, (nuint)i) * {V}.LoadUnsafe(ref w, (nuint)i);\n    {V}.StoreUnsafe(" + dxIn + " + (dn - xh * vmdx) * vs, ref dx, (nuint)i);\n}",
                    "",
                    "Unsafe.Add(ref dx, i) += " + (residual ? "Unsafe.Add(ref dr, i) + " : "") + "(Unsafe.Add(ref dy, i) * Unsafe.Add(ref w, i) - Unsafe.Add(ref x, i) * s * meanDX) * s;");
            },
            () => ColumnPass(layerNorm: false));
    }

    /// <summary>RMSNorm backward's first pass over a row: the sum for dInput and, with <paramref name="weights"/>, the weight gradient.</summary>
    private void RmsNormPass1(bool weights)
    {
        string vecWeights = weights ? "\n    {V}.StoreUnsafe({V}.FusedMultiplyAdd(g, xh, {V}.LoadUnsafe(ref dw, (nuint)i)), ref dw, (nuint)i);" : "";
        string scalarWeights = weights ? "\n    Unsafe.Add(ref dw, i) += g * xh;" : "";
        Loop("{V}<float> acc = {V}<float>.Zero, vs = {V}.Create(s);",
            "{\n    {V}<float> g = {V}.LoadUnsafe(ref dy, (nuint)i);\n    {V}<float> xh = {V}.LoadUnsafe(ref x, (nuint)i) * vs;\n    acc = {V}.FusedMultiplyAdd(g * {V}.LoadUnsafe(ref w, (nuint)i), xh, acc);" + vecWeights + "\n}",
            "sumDX += {V}.Sum(acc);",
            "{\n    float g = Unsafe.Add(ref dy, i);\n    float xh = Unsafe.Add(ref x, i) * s;\n    sumDX += g * Unsafe.Add(ref w, i) * xh;" + scalarWeights + "\n}");
    }

    public void ResidualAdd()
    {
        RowHelper("ResidualAdd", $"Residual add over {_width} floats per row: <c>y = x + f</c> (the identity path plus the branch).",
            new[] { Out("y"), In("x"), In("f") }, new[] { "x", "f", "y" },
            () =>
            {
                using (_w.Block("for (int r = start; r < end; r++)"))
                {
                    RowRef("xr", "x"); RowRef("fr", "f"); RowRef("yr", "y");
                    Loop("", "{V}.StoreUnsafe({V}.LoadUnsafe(ref xr, (nuint)i) + {V}.LoadUnsafe(ref fr, (nuint)i), ref yr, (nuint)i);", "",
                        "Unsafe.Add(ref yr, i) = Unsafe.Add(ref xr, i) + Unsafe.Add(ref fr, i);");
                }
            });
    }

    public void ResidualAddScaled()
    {
        RowHelper("ResidualAddScaled", $"Scaled residual add over {_width} floats per row: <c>y = alpha·x + scale·f</c>.",
            new[] { Out("y"), In("x"), In("f"), ("float", "alpha"), ("float", "scale") }, new[] { "x", "f", "y" },
            () =>
            {
                using (_w.Block("for (int r = start; r < end; r++)"))
                {
                    RowRef("xr", "x"); RowRef("fr", "f"); RowRef("yr", "y");
                    Loop("{V}<float> va = {V}.Create(alpha), vs = {V}.Create(scale);",
                        "{V}.StoreUnsafe({V}.FusedMultiplyAdd(va, {V}.LoadUnsafe(ref xr, (nuint)i), vs * {V}.LoadUnsafe(ref fr, (nuint)i)), ref yr, (nuint)i);", "",
                        "Unsafe.Add(ref yr, i) = alpha * Unsafe.Add(ref xr, i) + scale * Unsafe.Add(ref fr, i);");
                }
            });
    }

    public void ResidualBackward()
    {
        RowHelper("ResidualBackward", $"Residual backward over {_width} floats per row: <c>dx += alpha·dy</c> (the identity path: dy reaches dx unchanged when alpha = 1) and <c>df += scale·dy</c> (the branch).",
            new[] { Out("dx"), Out("df"), In("dy"), ("float", "alpha"), ("float", "scale") }, new[] { "dy", "dx", "df" },
            () =>
            {
                using (_w.Block("for (int r = start; r < end; r++)"))
                {
                    RowRef("dyr", "dy"); RowRef("dxr", "dx"); RowRef("dfr", "df");
                    Loop("{V}<float> va = {V}.Create(alpha), vs = {V}.Create(scale);",
                        "{\n    {V}<float> g = {V}.LoadUnsafe(ref dyr, (nuint)i);\n    {V}.StoreUnsafe({V}.FusedMultiplyAdd(va, g, {V}.LoadUnsafe(ref dxr, (nuint)i)), ref dxr, (nuint)i);\n    {V}.StoreUnsafe({V}.FusedMultiplyAdd(vs, g, {V}.LoadUnsafe(ref dfr, (nuint)i)), ref dfr, (nuint)i);\n}", "",
                        "{\n    float g = Unsafe.Add(ref dyr, i);\n    Unsafe.Add(ref dxr, i) += alpha * g;\n    Unsafe.Add(ref dfr, i) += scale * g;\n}");
                }
            });
    }

    /// <summary>Rows per chunk of <c>Dot</c>: its row sums wait on the stack (4 KB) until they are added in order.</summary>
    private const int DotChunk = 1024;

    public void Dot()
    {
        int c = _width;
        Header($"<c>Σ a·b</c> over rows of {c} floats (the gradient of a learnable residual scale).",
            Signature("float", "Dot", new[] { In("a"), In("b") }));
        using (_w.Block(""))
        {
            RowCheck("a", "b");
            _w.Line("// Threads compute the row sums of a chunk; the total adds them in row order, so the bits do not depend on the thread count.");
            _w.Line($"Span<float> sums = stackalloc float[{DotChunk}];");
            _w.Line("float total = 0f;");
            using (_w.Block($"for (int first = 0; first < rows; first += {DotChunk})"))
            {
                _w.Line($"int n = Math.Min({DotChunk}, rows - first);");
                _w.Line($"var job = new DotRows {{ A = a.Slice(first * {c}), B = b.Slice(first * {c}), Sums = sums }};");
                _w.Line($"{ParallelRows}.Run(ref job, n, {ParallelRows}.Parts(n, {c}));");
                _w.Line("for (int r = 0; r < n; r++)");
                _w.Indent().Line("total += sums[r];").Outdent();
            }
            _w.Line("return total;");
        }
        _w.Line();
        Job("DotRows", "<see cref=\"Dot\"/>'s row sums for rows <c>[start, end)</c> of a chunk, into <c>Sums</c>.", new[] { In("a"), In("b"), Out("sums") }, () =>
        {
            using (_w.Block("for (int r = start; r < end; r++)"))
            {
                RowRef("ar", "a"); RowRef("br", "b");
                _w.Line("float sum = 0f;");
                Loop("{V}<float> acc = {V}<float>.Zero;",
                    "acc = {V}.FusedMultiplyAdd({V}.LoadUnsafe(ref ar, (nuint)i), {V}.LoadUnsafe(ref br, (nuint)i), acc);",
                    "sum += {V}.Sum(acc);",
                    "sum += Unsafe.Add(ref ar, i) * Unsafe.Add(ref br, i);");
                _w.Line("sums[r] = sum;");
            }
        });
    }
}
