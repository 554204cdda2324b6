using System;

namespace Residual.Runtime.Tests.Kernels;

/// <summary>
/// Plain scalar double-precision versions of every kernel, written as directly from the formulas as
/// possible (no blocking, no fusion), so that they are easy to check by eye. Backward references return
/// the gradient contribution only (the tests add the starting contents themselves).
/// </summary>
internal static class ScalarReference
{
    public static double[] MatMulForward(float[] x, float[] w, float[] bias, int rows, int inF, int outF)
    {
        var y = new double[rows * outF];
        for (int r = 0; r < rows; r++)
            for (int o = 0; o < outF; o++)
            {
                double s = bias.Length == 0 ? 0 : bias[o];
                for (int k = 0; k < inF; k++) s += (double)x[r * inF + k] * w[o * inF + k];
                y[r * outF + o] = s;
            }
        return y;
    }

    public static double[] MatMulBackwardInput(float[] dy, float[] w, int rows, int inF, int outF)
    {
        var dx = new double[rows * inF];
        for (int r = 0; r < rows; r++)
            for (int k = 0; k < inF; k++)
                for (int o = 0; o < outF; o++) dx[r * inF + k] += (double)dy[r * outF + o] * w[o * inF + k];
        return dx;
    }

    public static double[] MatMulBackwardWeight(float[] dy, float[] x, int rows, int inF, int outF)
    {
        var dw = new double[outF * inF];
        for (int o = 0; o < outF; o++)
            for (int k = 0; k < inF; k++)
                for (int r = 0; r < rows; r++) dw[o * inF + k] += (double)dy[r * outF + o] * x[r * inF + k];
        return dw;
    }

    public static double[] MatMulBackwardBias(float[] dy, int rows, int outF)
    {
        var db = new double[outF];
        for (int r = 0; r < rows; r++)
            for (int o = 0; o < outF; o++) db[o] += dy[r * outF + o];
        return db;
    }

    public static (double[] Output, double[] Mean, double[] Rstd) LayerNormForward(float[] x, float[] w, float[] b, int rows, int width, double eps)
    {
        var y = new double[rows * width];
        var mean = new double[rows];
        var rstd = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double m = 0;
            for (int i = 0; i < width; i++) m += x[r * width + i];
            m /= width;
            double v = 0;
            for (int i = 0; i < width; i++) v += (x[r * width + i] - m) * (x[r * width + i] - m);
            v /= width;
            double s = 1 / Math.Sqrt(v + eps);
            for (int i = 0; i < width; i++) y[r * width + i] = (x[r * width + i] - m) * s * w[i] + b[i];
            mean[r] = m;
            rstd[r] = s;
        }
        return (y, mean, rstd);
    }

    /// <summary>
    /// LayerNorm backward from first principles: y_i = (x_i − m)·s·w_i + b_i with m = Σx/N and
    /// s = (Σ(x−m)²/N + ε)^(−1/2), so ∂y_i/∂x_j = w_i·s·(δ_ij − 1/N − x̂_i·x̂_j/N). The statistics are
    /// recomputed in double from x (not taken from the kernel's float mean/rstd).
    /// </summary>
    public static (double[] DInput, double[] DWeight, double[] DBias) LayerNormBackward(float[] dy, float[] x, float[] w, int rows, int width, double eps)
    {
        var dx = new double[rows * width];
        var dw = new double[width];
        var db = new double[width];
        var (_, mean, rstd) = LayerNormForward(x, w, new float[width], rows, width, eps);
        for (int r = 0; r < rows; r++)
        {
            double m = mean[r], s = rstd[r];
            for (int j = 0; j < width; j++)
            {
                double xhatJ = (x[r * width + j] - m) * s;
                double sum = 0;
                for (int i = 0; i < width; i++)
                {
                    double xhatI = (x[r * width + i] - m) * s;
                    double jac = w[i] * s * ((i == j ? 1 : 0) - 1.0 / width - xhatI * xhatJ / width);
                    sum += dy[r * width + i] * jac;
                }
                dx[r * width + j] = sum;
                dw[j] += dy[r * width + j] * xhatJ;
                db[j] += dy[r * width + j];
            }
        }
        return (dx, dw, db);
    }

    public static (double[] Output, double[] Rstd) RmsNormForward(float[] x, float[] w, int rows, int width, double eps)
    {
        var y = new double[rows * width];
        var rstd = new double[rows];
        for (int r = 0; r < rows; r++)
        {
            double ms = 0;
            for (int i = 0; i < width; i++) ms += (double)x[r * width + i] * x[r * width + i];
            double s = 1 / Math.Sqrt(ms / width + eps);
            for (int i = 0; i < width; i++) y[r * width + i] = x[r * width + i] * s * w[i];
            rstd[r] = s;
        }
        return (y, rstd);
    }

    /// <summary>RMSNorm backward: y_i = x_i·s·w_i with s = (Σx²/N + ε)^(−1/2), so ∂y_i/∂x_j = w_i·(s·δ_ij − x_i·x_j·s³/N).</summary>
    public static (double[] DInput, double[] DWeight) RmsNormBackward(float[] dy, float[] x, float[] w, int rows, int width, double eps)
    {
        var dx = new double[rows * width];
        var dw = new double[width];
        var (_, rstd) = RmsNormForward(x, w, rows, width, eps);
        for (int r = 0; r < rows; r++)
        {
            double s = rstd[r];
            for (int j = 0; j < width; j++)
            {
                double sum = 0;
                for (int i = 0; i < width; i++)
                {
                    double jac = w[i] * ((i == j ? s : 0) - (double)x[r * width + i] * x[r * width + j] * s * s * s / width);
                    sum += dy[r * width + i] * jac;
                }
                dx[r * width + j] = sum;
                dw[j] += (double)dy[r * width + j] * x[r * width + j] * s;
            }
        }
        return (dx, dw);
    }

    public static (double[] Output, double[] Att) AttentionForward(float[] qkv, int batch, int time, int width, int heads)
    {
        int hs = width / heads, stride = 3 * width;
        var y = new double[batch * time * width];
        var att = new double[batch * heads * time * time];
        for (int b = 0; b < batch; b++)
            for (int h = 0; h < heads; h++)
                for (int t = 0; t < time; t++)
                {
                    var scores = new double[t + 1];
                    double max = double.NegativeInfinity;
                    for (int t2 = 0; t2 <= t; t2++)
                    {
                        double dot = 0;
                        for (int i = 0; i < hs; i++)
                            dot += (double)qkv[(b * time + t) * stride + h * hs + i] * qkv[(b * time + t2) * stride + width + h * hs + i];
                        scores[t2] = dot / Math.Sqrt(hs);
                        max = Math.Max(max, scores[t2]);
                    }
                    double sum = 0;
                    for (int t2 = 0; t2 <= t; t2++) { scores[t2] = Math.Exp(scores[t2] - max); sum += scores[t2]; }
                    for (int t2 = 0; t2 <= t; t2++)
                    {
                        double a = scores[t2] / sum;
                        att[((b * heads + h) * time + t) * time + t2] = a;
                        for (int i = 0; i < hs; i++)
                            y[(b * time + t) * width + h * hs + i] += a * qkv[(b * time + t2) * stride + 2 * width + h * hs + i];
                    }
                }
        return (y, att);
    }

    /// <summary>Attention backward, with the attention weights recomputed in double.</summary>
    public static double[] AttentionBackward(float[] dy, float[] qkv, int batch, int time, int width, int heads)
    {
        int hs = width / heads, stride = 3 * width;
        double scale = 1 / Math.Sqrt(hs);
        var (_, att) = AttentionForward(qkv, batch, time, width, heads);
        var dqkv = new double[qkv.Length];
        for (int b = 0; b < batch; b++)
            for (int h = 0; h < heads; h++)
                for (int t = 0; t < time; t++)
                {
                    int row = ((b * heads + h) * time + t) * time;
                    int q = (b * time + t) * stride + h * hs;
                    var dAtt = new double[t + 1];
                    for (int t2 = 0; t2 <= t; t2++)
                    {
                        int v = (b * time + t2) * stride + 2 * width + h * hs;
                        for (int i = 0; i < hs; i++)
                        {
                            dAtt[t2] += (double)dy[(b * time + t) * width + h * hs + i] * qkv[v + i];
                            dqkv[v + i] += att[row + t2] * dy[(b * time + t) * width + h * hs + i];
                        }
                    }
                    // softmax Jacobian: ∂a_j/∂z_k = a_j(δ_jk − a_k)
                    for (int k = 0; k <= t; k++)
                    {
                        double dz = 0;
                        for (int j = 0; j <= t; j++)
                            dz += dAtt[j] * att[row + j] * ((j == k ? 1 : 0) - att[row + k]);
                        int key = (b * time + k) * stride + width + h * hs;
                        for (int i = 0; i < hs; i++)
                        {
                            dqkv[q + i] += dz * scale * qkv[key + i];
                            dqkv[key + i] += dz * scale * qkv[q + i];
                        }
                    }
                }
        return dqkv;
    }

    private const double C = 0.7978845608028654; // sqrt(2/π)

    public static double GeluForward(double x) => 0.5 * x * (1 + Math.Tanh(C * (x + 0.044715 * x * x * x)));

    public static double GeluDerivative(double x)
    {
        double u = C * (x + 0.044715 * x * x * x);
        double th = Math.Tanh(u);
        return 0.5 * (1 + th) + 0.5 * x * (1 - th * th) * C * (1 + 3 * 0.044715 * x * x);
    }

    public static double[] EmbeddingForward(int[] tokens, float[] wte, float[] wpe, int batch, int time, int width)
    {
        var y = new double[batch * time * width];
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < time; t++)
                for (int i = 0; i < width; i++)
                    y[(b * time + t) * width + i] = (double)wte[tokens[b * time + t] * width + i] + wpe[t * width + i];
        return y;
    }

    public static (double[] DToken, double[] DPosition) EmbeddingBackward(float[] dy, int[] tokens, int vocab, int context, int batch, int time, int width)
    {
        var dwte = new double[vocab * width];
        var dwpe = new double[context * width];
        for (int b = 0; b < batch; b++)
            for (int t = 0; t < time; t++)
                for (int i = 0; i < width; i++)
                {
                    dwte[tokens[b * time + t] * width + i] += dy[(b * time + t) * width + i];
                    dwpe[t * width + i] += dy[(b * time + t) * width + i];
                }
        return (dwte, dwpe);
    }

    public static double[] Softmax(float[] logits, int rows, int vocab)
    {
        var p = new double[rows * vocab];
        for (int r = 0; r < rows; r++)
        {
            double max = double.NegativeInfinity;
            for (int v = 0; v < vocab; v++) max = Math.Max(max, logits[r * vocab + v]);
            double sum = 0;
            for (int v = 0; v < vocab; v++) sum += Math.Exp(logits[r * vocab + v] - max);
            for (int v = 0; v < vocab; v++) p[r * vocab + v] = Math.Exp(logits[r * vocab + v] - max) / sum;
        }
        return p;
    }

    public static double[] CrossEntropyForward(float[] probs, int[] targets, int rows, int vocab)
    {
        var l = new double[rows];
        for (int r = 0; r < rows; r++) l[r] = -Math.Log(probs[r * vocab + targets[r]]);
        return l;
    }

    public static double[] CrossEntropyBackward(float[] probs, int[] targets, double scale, int rows, int vocab)
    {
        var d = new double[rows * vocab];
        for (int r = 0; r < rows; r++)
            for (int v = 0; v < vocab; v++)
                d[r * vocab + v] = scale * (probs[r * vocab + v] - (v == targets[r] ? 1 : 0));
        return d;
    }
}
