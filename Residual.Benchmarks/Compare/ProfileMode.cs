using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.Linq;
using Residual;
using Residual.Kernels;

namespace Residual.Benchmarks;

/// <summary>
/// <c>--profile</c>: where a config's forward + backward spends its time, kernel by kernel. Replays the kernel
/// calls of one GPT-2 pre-norm block (the ones the generated code makes, with the runtime's LayerNorm and
/// residual kernels standing in for the generated fused helpers) for every layer of the config, timing each
/// call with a stopwatch, and prints milliseconds per step and the share of each kernel.
/// </summary>
/// <remarks>Options: <c>--configs M,L</c>, <c>--threads 1,2</c>, <c>--steps 20</c>.</remarks>
public static class ProfileMode
{
    public static int Run(string[] args)
    {
        var configs = ModeOptions.Configs(args);
        var threads = ModeOptions.Threads(args);
        int steps = int.Parse(ModeOptions.Option(args, "--steps") ?? "20", CultureInfo.InvariantCulture);
        foreach (var config in configs)
        {
            var block = new Replay(config);
            foreach (int t in threads)
            {
                Parallelism.MaxThreads = t;
                for (int i = 0; i < 3; i++) block.Step(null);
                var totals = new Dictionary<string, double>();
                for (int i = 0; i < steps; i++) block.Step(totals);
                double sum = totals.Values.Sum() / steps;
                Console.WriteLine($"{config.Name} threads={t}: {sum:0.00} ms per step (kernels only), {config.FlopsPerStep / sum / 1e6:0} GFLOP/s");
                foreach (var (name, ms) in totals.OrderByDescending(e => e.Value))
                    Console.WriteLine($"  {name,-26} {ms / steps,8:0.000} ms  {ms / steps / sum,6:0.0%}");
            }
        }
        return 0;
    }

    /// <summary>One block's buffers and its kernel sequence, replayed <see cref="BenchConfig.Layers"/> times per step.</summary>
    private sealed class Replay
    {
        private readonly BenchConfig _c;
        private readonly int _rows, _hidden;
        private readonly float[] _x, _n1, _mean, _rstd, _qkv, _att, _heads, _attnOut, _x2, _n2, _fc, _act, _mlpOut, _y;
        private readonly float[] _wQkv, _bQkv, _wProj, _bProj, _wFc, _bFc, _wOut, _bOut, _gain, _bias;
        private readonly float[] _gQkv, _gbQkv, _gProj, _gbProj, _gFc, _gbFc, _gOut, _gbOut, _gGain, _gBias;
        private readonly float[] _dy, _dAct, _dFc, _dN, _dX2, _dHeads, _dQkv, _dAtt, _dX;

        public Replay(BenchConfig c)
        {
            _c = c;
            _rows = c.Batch * c.Time;
            _hidden = 4 * c.Width;
            int w = c.Width, r = _rows, h = _hidden;
            var rng = new Rng(5);
            float[] Fill(int n, float s = 1f) { var a = new float[n]; for (int i = 0; i < n; i++) a[i] = (float)rng.NextNormal() * s; return a; }
            _x = Fill(r * w); _n1 = new float[r * w]; _mean = new float[r]; _rstd = new float[r];
            _qkv = new float[r * 3 * w]; _att = new float[c.Batch * c.Heads * c.Time * c.Time]; _heads = new float[r * w];
            _attnOut = new float[r * w]; _x2 = new float[r * w]; _n2 = new float[r * w]; _fc = new float[r * h]; _act = new float[r * h];
            _mlpOut = new float[r * w]; _y = new float[r * w];
            float s = 0.02f;
            _wQkv = Fill(3 * w * w, s); _bQkv = Fill(3 * w, s); _wProj = Fill(w * w, s); _bProj = Fill(w, s);
            _wFc = Fill(h * w, s); _bFc = Fill(h, s); _wOut = Fill(w * h, s); _bOut = Fill(w, s); _gain = Fill(w); _bias = Fill(w);
            _gQkv = new float[3 * w * w]; _gbQkv = new float[3 * w]; _gProj = new float[w * w]; _gbProj = new float[w];
            _gFc = new float[h * w]; _gbFc = new float[h]; _gOut = new float[w * h]; _gbOut = new float[w]; _gGain = new float[w]; _gBias = new float[w];
            _dy = Fill(r * w, 1e-2f); _dAct = new float[r * h]; _dFc = new float[r * h]; _dN = new float[r * w]; _dX2 = new float[r * w];
            _dHeads = new float[r * w]; _dQkv = new float[r * 3 * w]; _dAtt = new float[_att.Length]; _dX = new float[r * w];
        }

        public void Step(Dictionary<string, double>? totals)
        {
            int w = _c.Width, r = _rows, h = _hidden, b = _c.Batch, t = _c.Time, heads = _c.Heads;
            void Time(string name, Action run)
            {
                long start = Stopwatch.GetTimestamp();
                run();
                if (totals != null)
                    totals[name] = totals.GetValueOrDefault(name) + Stopwatch.GetElapsedTime(start).TotalMilliseconds;
            }

            for (int layer = 0; layer < _c.Layers; layer++)
            {
                Time("layernorm fwd", () => LayerNormKernel.Forward(_n1, _mean, _rstd, _x, _gain, _bias, r, w));
                Time("gemm fwd qkv", () => MatMul.Forward(_qkv, _n1, _wQkv, _bQkv, r, w, 3 * w));
                Time("attention fwd", () => CausalAttention.Forward(_heads, _att, _qkv, b, t, w, heads));
                Time("gemm fwd proj", () => MatMul.Forward(_attnOut, _heads, _wProj, _bProj, r, w, w));
                Time("residual fwd", () => ResidualAdd.Forward(_x2, _x, _attnOut, 1f, 1f));
                Time("layernorm fwd", () => LayerNormKernel.Forward(_n2, _mean, _rstd, _x2, _gain, _bias, r, w));
                Time("gemm fwd fc", () => MatMul.Forward(_fc, _n2, _wFc, _bFc, r, w, h));
                Time("gelu fwd", () => Gelu.Forward(_act, _fc));
                Time("gemm fwd out", () => MatMul.Forward(_mlpOut, _act, _wOut, _bOut, r, h, w));
                Time("residual fwd", () => ResidualAdd.Forward(_y, _x2, _mlpOut, 1f, 1f));
            }
            for (int layer = 0; layer < _c.Layers; layer++)
            {
                Time("gemm dW", () => MatMul.BackwardWeight(_gOut, _dy, _act, r, h, w));
                Time("bias grad", () => MatMul.BackwardBias(_gbOut, _dy, r, w));
                Time("gemm dx", () => MatMul.BackwardInput(_dAct, _dy, _wOut, r, h, w, accumulate: false));
                Time("gelu bwd", () => Gelu.Backward(_dFc, _dAct, _fc, accumulate: false));
                Time("gemm dW", () => MatMul.BackwardWeight(_gFc, _dFc, _n2, r, w, h));
                Time("bias grad", () => MatMul.BackwardBias(_gbFc, _dFc, r, h));
                Time("gemm dx", () => MatMul.BackwardInput(_dN, _dFc, _wFc, r, w, h, accumulate: false));
                Time("layernorm bwd", () => LayerNormKernel.Backward(_dX2, _gGain, _gBias, _dN, _x2, _gain, _mean, _rstd, r, w));
                Time("gemm dW", () => MatMul.BackwardWeight(_gProj, _dX2, _heads, r, w, w));
                Time("bias grad", () => MatMul.BackwardBias(_gbProj, _dX2, r, w));
                Time("gemm dx", () => MatMul.BackwardInput(_dHeads, _dX2, _wProj, r, w, w, accumulate: false));
                Time("attention bwd", () => CausalAttention.Backward(_dQkv, _dAtt, _dHeads, _qkv, _att, b, t, w, heads, accumulate: false));
                Time("gemm dW", () => MatMul.BackwardWeight(_gQkv, _dQkv, _n1, r, w, 3 * w));
                Time("bias grad", () => MatMul.BackwardBias(_gbQkv, _dQkv, r, 3 * w));
                Time("gemm dx", () => MatMul.BackwardInput(_dN, _dQkv, _wQkv, r, w, 3 * w, accumulate: false));
                Time("layernorm bwd", () => LayerNormKernel.Backward(_dX, _gGain, _gBias, _dN, _x, _gain, _mean, _rstd, r, w));
            }
        }
    }
}
