namespace Residual.Generators.Specs;

// Mirrors of the runtime enums (the generator cannot reference the runtime): values must match.

internal enum NormKind { None = 0, LayerNorm = 1, RMSNorm = 2 }

internal enum ActivationKind { Gelu = 0, Relu = 1 }

internal enum SublayerKind { Attention = 0, FeedForward = 1, Custom = 2 }

internal enum Placement { None = 0, Pre = 1, Post = 2 }
