using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using Residual.Generators.Specs;

namespace Residual.Generators.Emitting;

/// <summary>An offset known at build time (<see cref="Constant"/>) plus sizes only custom sublayers know at run time.</summary>
internal sealed class Offset
{
    public Offset(long constant, IEnumerable<string> terms)
    {
        Constant = constant;
        Terms = terms.ToList();
    }

    public long Constant { get; }

    public IReadOnlyList<string> Terms { get; }

    public bool IsConstant => Terms.Count == 0;

    public Offset Plus(long n) => new(Constant + n, Terms);

    public Offset Plus(string term) => new(Constant, Terms.Concat(new[] { term }));

    public override string ToString() =>
        Terms.Count == 0 ? Constant.ToString(System.Globalization.CultureInfo.InvariantCulture)
        : string.Join(" + ", Terms) + (Constant != 0 ? " + " + Constant.ToString(System.Globalization.CultureInfo.InvariantCulture) : "");
}

/// <summary>A named slice of the activation or scratch buffer. Sizes are C# expressions over <c>rows</c>, <c>batch</c> and <c>time</c>.</summary>
internal sealed record Region(string Name, string Size, string IntSize, string Comment)
{
    public static Region PerRow(string name, int floatsPerRow, string comment) =>
        new(name, floatsPerRow == 1 ? "rows" : $"rows * {floatsPerRow}", floatsPerRow == 1 ? "rows" : $"rows * {floatsPerRow}", comment);
}

internal sealed class TensorPlan
{
    public TensorPlan(string name, int[] shape, string init, string value, string role, Offset offset, SubPlan? customOf = null)
    {
        Name = name;
        Shape = shape;
        Init = init;
        Value = value;
        Role = role;
        Offset = offset;
        CustomOf = customOf;
        Ident = Formatting.Pascal(name) + "Offset";
    }

    public string Name { get; }
    public string Ident { get; }
    public int[] Shape { get; }
    public string ShapeText => CustomOf is null ? "[" + string.Join(", ", Shape) + "]" : "(run-time shapes)";
    public long Count => Shape.Aggregate(1L, (a, b) => a * b);
    public string Init { get; }
    public string Value { get; }
    public string Role { get; }
    public Offset Offset { get; }
    public SubPlan? CustomOf { get; }

    /// <summary>The sublayer whose declaration this tensor comes from.</summary>
    public SubPlan? Owner { get; set; }
}

internal sealed class SubPlan
{
    private readonly Dictionary<string, string> _tensors = new();

    public SubPlan(SublayerSpec spec, int k)
    {
        Spec = spec;
        K = k;
        Local = GeneratedNames.SublayerPrefix(spec.Member, k);
        Field = "s_" + Local;
        CustomCount = "s_" + Local + "ParameterCount";
    }

    public SublayerSpec Spec { get; }
    public int K { get; }
    public string Local { get; }
    public string Field { get; }
    public string CustomCount { get; }
    public string CustomOffset { get; set; } = "";
    public string NormWeight { get; set; } = "";
    public string NormBias { get; set; } = "";
    public string ScaleIdent { get; set; } = "";

    /// <summary>Whether the output projection writes into the residual stream (initialised as a residual-branch output).</summary>
    public bool WritesResidual { get; set; }

    /// <summary>
    /// Forward fusion: this sublayer's plain residual add (<c>y = x + F</c>) and the next sublayer's pre-norm run
    /// as one pass over each row, so the new stream is normalised while it is still in L1.
    /// </summary>
    public bool AddFusedWithNextNorm { get; set; }

    /// <summary>Forward fusion, the other side: this sublayer's pre-norm was computed by the previous sublayer's add.</summary>
    public bool NormFusedWithPreviousAdd { get; set; }

    /// <summary>
    /// Backward fusion: a plain residual around a pre-norm sublayer (<c>y = x + F(Norm(x))</c>). The branch reads
    /// dy as it is (no copy into a branch gradient), and dx gets dy in the same pass as the norm's backward.
    /// </summary>
    public bool ResidualFusedWithNormBackward { get; set; }

    public void AddTensor(string relative, string ident) => _tensors[relative] = ident;

    /// <summary>The offset identifier of one of this sublayer's tensors, by its name relative to the prefix.</summary>
    public string T(string relative) => _tensors[relative];
}

internal sealed record ScratchGroup(SubPlan Owner, List<Region> Regions);

/// <summary>Everything the block emitter derives from a spec before writing: tensors, offsets, buffers.</summary>
internal sealed class BlockPlan
{
    // By spec object, not value: the reader (the names a block declares), the shared-helpers step (which helpers it calls)
    // and the emitter ask for the same object in one run, and a plan is never reused for another compilation's spec.
    private static readonly ConditionalWeakTable<BlockSpec, BlockPlan> s_plans = new();

    /// <summary>The plan of <paramref name="spec"/>, built once per spec object (a plan is not changed after it is built).</summary>
    public static BlockPlan For(BlockSpec spec) => s_plans.GetValue(spec, static s => new BlockPlan(s));

    /// <summary>
    /// As <see cref="For"/>, for the last user, the emitter: the plan is forgotten, so that the pipeline, which keeps
    /// the spec for the next run, does not keep its plan too.
    /// </summary>
    public static BlockPlan Take(BlockSpec spec)
    {
        var plan = For(spec);
        s_plans.Remove(spec);
        return plan;
    }

    public BlockPlan(BlockSpec spec)
    {
        int c = spec.Width;
        var offset = new Offset(0, Enumerable.Empty<string>());
        TensorPlan Add(string name, int[] shape, string init, string role, string value = "0f")
        {
            var t = new TensorPlan(name, shape, init, value, role, offset) { Owner = Subs[Subs.Count - 1] };
            Tensors.Add(t);
            offset = offset.Plus(t.Count);
            return t;
        }

        int k = 0;
        foreach (var s in spec.Sublayers)
        {
            var sub = new SubPlan(s, ++k);
            Subs.Add(sub);
            string who = $"sublayer {k} ({s.Member})";
            if (s.Placement != Placement.None)
            {
                string normRole = $"{BlockEmitter.NormName(s.Norm)} of {who}";
                sub.NormWeight = Add($"ln_{k}.weight", new[] { c }, "Ones", normRole + ", weight").Ident;
                if (s.Norm == NormKind.LayerNorm) sub.NormBias = Add($"ln_{k}.bias", new[] { c }, "Zeros", normRole + ", bias").Ident;
            }
            // A plain sublayer's output projection cannot start at zero: nothing would flow past it. The last
            // sublayer of a block-wide residual writes into the residual stream (unless a post-norm follows it).
            bool feedsBlockResidual = spec.Residual is not null && k == spec.Sublayers.Count && s.Placement != Placement.Post;
            sub.WritesResidual = s.Residual || feedsBlockResidual;
            string output = sub.WritesResidual ? "ResidualOutput" : "Normal";
            switch (s.Kind)
            {
                case SublayerKind.Attention:
                    sub.AddTensor("c_attn.weight", Add($"{s.Prefix}.c_attn.weight", new[] { 3 * c, c }, "Normal", $"fused QKV projection of {who}").Ident);
                    sub.AddTensor("c_attn.bias", Add($"{s.Prefix}.c_attn.bias", new[] { 3 * c }, "Zeros", $"QKV bias of {who}").Ident);
                    sub.AddTensor("c_proj.weight", Add($"{s.Prefix}.c_proj.weight", new[] { c, c }, output, $"output projection of {who}").Ident);
                    sub.AddTensor("c_proj.bias", Add($"{s.Prefix}.c_proj.bias", new[] { c }, "Zeros", $"output bias of {who}").Ident);
                    break;
                case SublayerKind.FeedForward:
                    sub.AddTensor("c_fc.weight", Add($"{s.Prefix}.c_fc.weight", new[] { s.Hidden, c }, "Normal", $"expansion of {who}").Ident);
                    sub.AddTensor("c_fc.bias", Add($"{s.Prefix}.c_fc.bias", new[] { s.Hidden }, "Zeros", $"expansion bias of {who}").Ident);
                    sub.AddTensor("c_proj.weight", Add($"{s.Prefix}.c_proj.weight", new[] { c, s.Hidden }, output, $"output projection of {who}").Ident);
                    sub.AddTensor("c_proj.bias", Add($"{s.Prefix}.c_proj.bias", new[] { c }, "Zeros", $"output bias of {who}").Ident);
                    break;
                default:
                    var t = new TensorPlan(s.Prefix, new int[0], "", "", $"the parameters {Topology.ShortType(s.SublayerType)} describes for {who}", offset, sub) { Owner = sub };
                    Tensors.Add(t);
                    sub.CustomOffset = t.Ident;
                    offset = offset.Plus(sub.CustomCount);
                    break;
            }
            if (s.Residual && s.LearnableScale)
                sub.ScaleIdent = Add($"res_{k}.scale", new[] { 1 }, "Constant", $"learnable residual scale of {who}", Formatting.Float(s.Scale)).Ident;
        }
        if (spec.Residual is { LearnableScale: true } whole)
        {
            var t = new TensorPlan("res.scale", new[] { 1 }, "Constant", Formatting.Float(whole.Scale), "learnable scale of the block-wide residual", offset);
            Tensors.Add(t);
            BlockScaleIdent = t.Ident;
            offset = offset.Plus(t.Count);
        }
        End = offset;

        // Activations: the streams between sublayers, then per sublayer what its backward reads.
        foreach (var sub in Subs)
        {
            var s = sub.Spec;
            string l = sub.Local;
            if (sub.K > 1) Activations.Add(Region.PerRow($"x{sub.K}", c, $"stream entering sublayer {sub.K} ({s.Member})"));
            if (s.Placement == Placement.Pre) Activations.Add(Region.PerRow($"{l}Norm", c, $"{BlockEmitter.NormName(s.Norm)}(x), the input of {s.Member}"));
            if (s.Placement == Placement.Post && s.Residual) Activations.Add(Region.PerRow($"{l}Sum", c, "x + F(x), the input of the post-norm"));
            if (s.Placement != Placement.None)
            {
                if (s.Norm == NormKind.LayerNorm) Activations.Add(Region.PerRow($"{l}Mean", 1, "norm mean per row"));
                Activations.Add(Region.PerRow($"{l}Rstd", 1, "norm 1/std per row"));
            }
            switch (s.Kind)
            {
                case SublayerKind.Attention:
                    Activations.Add(Region.PerRow($"{l}Qkv", 3 * c, "q | k | v per token"));
                    Activations.Add(new Region($"{l}Att", $"rows * {s.Heads} * time", $"rows * {s.Heads} * time", "attention probabilities [batch, heads, time, time]"));
                    Activations.Add(Region.PerRow($"{l}Heads", c, "heads' outputs, concatenated"));
                    break;
                case SublayerKind.FeedForward:
                    Activations.Add(Region.PerRow($"{l}Fc", s.Hidden, "pre-activation h"));
                    Activations.Add(Region.PerRow($"{l}Act", s.Hidden, "activation a"));
                    break;
                default:
                    string size = $"{sub.Field}.ActivationFloats(Width, batch, time)";
                    Activations.Add(new Region($"{l}Custom", size, $"(int){size}", $"what {Topology.ShortType(s.SublayerType)} keeps"));
                    break;
            }
            Activations.Add(Region.PerRow($"{l}Out", c, $"F(·), the branch output of {s.Member}"));
        }
        if (spec.Residual is not null) Activations.Add(Region.PerRow(BlockOut, c, "B(x), the sublayers' output that the block-wide residual adds to x"));

        // Scratch for backward: stream gradients, branch and norm gradients, then per-sublayer internals (shared).
        if (Subs.Count >= 2) Scratch.Add(Region.PerRow("dStream0", c, "gradient of a stream between sublayers"));
        if (Subs.Count >= 3) Scratch.Add(Region.PerRow("dStream1", c, "gradient of the next stream (ping-pong)"));
        if (spec.Residual is not null) Scratch.Add(Region.PerRow(DBlock, c, "gradient at B(x), the sublayers' output"));
        if (Subs.Any(x => x.Spec.Residual && !IsPlainPreNormResidual(x.Spec))) Scratch.Add(Region.PerRow("dBranch", c, "gradient at a branch output"));
        if (Subs.Any(x => x.Spec.Placement != Placement.None)) Scratch.Add(Region.PerRow("dNorm", c, "gradient at a norm's output or input"));
        foreach (var sub in Subs)
        {
            var s = sub.Spec;
            string l = sub.Local;
            if (s.Kind == SublayerKind.Attention)
                ScratchGroups.Add(new ScratchGroup(sub, new List<Region>
                {
                    Region.PerRow($"{l}DQkv", 3 * c, "gradient of q | k | v"),
                    Region.PerRow($"{l}DHeads", c, "gradient of the heads' outputs"),
                    new($"{l}DAtt", $"rows * {s.Heads} * time", $"rows * {s.Heads} * time", "attention-probability gradient"),
                }));
            else if (s.Kind == SublayerKind.FeedForward)
                ScratchGroups.Add(new ScratchGroup(sub, new List<Region>
                {
                    Region.PerRow($"{l}DFc", s.Hidden, "gradient of h"),
                    Region.PerRow($"{l}DAct", s.Hidden, "gradient of a"),
                }));
        }

        // Fusions the topology allows (see SubPlan): only plain residuals (α = 1, scale 1) fuse.
        static bool PlainResidual(SublayerSpec x) => x.Residual && !x.LearnableScale && x.Alpha == 1.0 && x.Scale == 1.0;
        for (int i = 0; i < Subs.Count; i++)
        {
            var sub = Subs[i];
            sub.ResidualFusedWithNormBackward = PlainResidual(sub.Spec) && sub.Spec.Placement == Placement.Pre;
            if (i + 1 < Subs.Count && PlainResidual(sub.Spec) && sub.Spec.Placement != Placement.Post && Subs[i + 1].Spec.Placement == Placement.Pre)
            {
                sub.AddFusedWithNextNorm = true;
                Subs[i + 1].NormFusedWithPreviousAdd = true;
            }
        }

        bool Normed(SubPlan x, NormKind kind) => x.Spec.Placement != Placement.None && x.Spec.Norm == kind;
        UsesLayerNormForward = Subs.Any(x => Normed(x, NormKind.LayerNorm) && !x.NormFusedWithPreviousAdd);
        UsesRmsNormForward = Subs.Any(x => Normed(x, NormKind.RMSNorm) && !x.NormFusedWithPreviousAdd);
        UsesLayerNormBackward = Subs.Any(x => Normed(x, NormKind.LayerNorm) && !x.ResidualFusedWithNormBackward);
        UsesRmsNormBackward = Subs.Any(x => Normed(x, NormKind.RMSNorm) && !x.ResidualFusedWithNormBackward);
        UsesAddLayerNorm = Subs.Any(x => Normed(x, NormKind.LayerNorm) && x.NormFusedWithPreviousAdd);
        UsesAddRmsNorm = Subs.Any(x => Normed(x, NormKind.RMSNorm) && x.NormFusedWithPreviousAdd);
        UsesLayerNormBackwardResidual = Subs.Any(x => Normed(x, NormKind.LayerNorm) && x.ResidualFusedWithNormBackward);
        UsesRmsNormBackwardResidual = Subs.Any(x => Normed(x, NormKind.RMSNorm) && x.ResidualFusedWithNormBackward);
        Residual = spec.Residual;
        var residuals = Subs.Where(x => x.Spec.Residual).Select(x => (x.Spec.Scale, x.Spec.LearnableScale, x.Spec.Alpha, FusedForward: x.AddFusedWithNextNorm, FusedBackward: x.ResidualFusedWithNormBackward)).ToList();
        if (spec.Residual is { } r) residuals.Add((r.Scale, r.LearnableScale, r.Alpha, false, false));
        UsesPlainAdd = residuals.Any(x => !x.LearnableScale && x.Alpha == 1.0 && x.Scale == 1.0 && !x.FusedForward);
        UsesScaledAdd = residuals.Any(x => x.LearnableScale || x.Alpha != 1.0 || x.Scale != 1.0);
        UsesResidualBackward = residuals.Any(x => !x.FusedBackward);
        UsesDot = residuals.Any(x => x.LearnableScale);
    }

    /// <summary>A plain residual around a pre-norm sublayer: its backward needs no branch-gradient copy (see <see cref="SubPlan.ResidualFusedWithNormBackward"/>).</summary>
    private static bool IsPlainPreNormResidual(SublayerSpec x) =>
        x.Residual && !x.LearnableScale && x.Alpha == 1.0 && x.Scale == 1.0 && x.Placement == Placement.Pre;

    /// <summary>Activation region of the sublayers' output under a block-wide residual.</summary>
    public const string BlockOut = "blockOut";

    /// <summary>Scratch region of the gradient at <see cref="BlockOut"/>.</summary>
    public const string DBlock = "dBlock";

    /// <summary>The residual around the whole block, or null.</summary>
    public BlockResidualSpec? Residual { get; }

    /// <summary>Offset identifier of the block-wide residual's learnable scale (empty when fixed or absent).</summary>
    public string BlockScaleIdent { get; } = "";

    public List<SubPlan> Subs { get; } = new();
    public List<TensorPlan> Tensors { get; } = new();
    public Offset End { get; }
    public List<Region> Activations { get; } = new();
    public List<Region> Scratch { get; } = new();
    public List<ScratchGroup> ScratchGroups { get; } = new();
    public bool UsesLayerNorm => UsesLayerNormForward || UsesLayerNormBackward || UsesAddLayerNorm || UsesLayerNormBackwardResidual;
    public bool UsesRmsNorm => UsesRmsNormForward || UsesRmsNormBackward || UsesAddRmsNorm || UsesRmsNormBackwardResidual;
    public bool UsesLayerNormForward { get; }
    public bool UsesLayerNormBackward { get; }
    public bool UsesRmsNormForward { get; }
    public bool UsesRmsNormBackward { get; }
    public bool UsesAddLayerNorm { get; }
    public bool UsesAddRmsNorm { get; }
    public bool UsesLayerNormBackwardResidual { get; }
    public bool UsesRmsNormBackwardResidual { get; }
    public bool UsesPlainAdd { get; }
    public bool UsesScaledAdd { get; }
    public bool UsesResidualBackward { get; }
    public bool UsesDot { get; }
}
