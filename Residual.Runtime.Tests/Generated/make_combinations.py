#!/usr/bin/env python3
"""Writes CombinationBlocks.cs: one single-sublayer block per combination of sublayer kind,
norm placement, norm and residual wiring. Run from this folder after editing the lists."""
kinds = [("Attention", "[Sublayer(typeof(Attention), Heads = 4)]", "Attention"),
         ("Gelu", "[Sublayer(typeof(FeedForward), Hidden = 36)]", "FeedForward"),
         ("Relu", "[Sublayer(typeof(FeedForward), Hidden = 36, Activation = Activation.Relu)]", "FeedForward")]
placements = [("Pre", "PreNorm"), ("Post", "PostNorm")]
norms = [("LayerNorm", "Norm.LayerNorm"), ("RmsNorm", "Norm.RMSNorm")]
wirings = [("Residual", "Residual"), ("Plain", "Plain"),
           ("Scaled", "Residual(Scale = 0.5, Alpha = 1.3)"), ("Learnable", "Residual(Scale = 0.7, Learnable = true)")]

def block(name, wiring, sub, ty):
    return f"""[Block(Width = 20)]
public partial class {name}
{{
    [{wiring}]
    {sub}
    public partial {ty} F {{ get; }}
}}
"""

out = ["""// One single-sublayer block per combination of sublayer kind × norm placement × norm × residual
// wiring, each checked against the double-precision reference in GeneratedBlockTests.
// Written by make_combinations.py (the combinations are data): edit its lists, not the classes.
using System;
using System.Collections.Generic;
using Residual;

namespace Residual.Runtime.Tests.Generated;
"""]
names = []
for kn, sub, ty in kinds:
    for pn, pa in placements:
        for nn, na in norms:
            for wn, wa in wirings:
                names.append(f"{kn}{pn}{nn}{wn}Block")
                out.append(block(names[-1], f"{wa}, {pa}({na})", sub, ty))
    for wn, wa in wirings:
        names.append(f"{kn}NoNorm{wn}Block")
        out.append(block(names[-1], wa, sub, ty))
out.append("""/// <summary>Factories for every combination, by name.</summary>
public static class Combinations
{
    public static readonly IReadOnlyDictionary<string, Func<ModelOptions, IBlock>> Blocks = new Dictionary<string, Func<ModelOptions, IBlock>>
    {""")
out += [f"        [nameof({n})] = o => new {n}(o)," for n in names]
out.append("""    };
}
""")
with open("CombinationBlocks.cs", "w") as f:
    f.write("\n".join(out))
