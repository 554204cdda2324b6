#!/usr/bin/env python3
"""Loads a Residual checkpoint into a nanoGPT-style GPT-2 module in PyTorch and compares logits with Residual's.

    dotnet run --project Residual.Samples -c Release -- eval --dump-logits runs/default/logits.safetensors
    /usr/bin/python3 tools/load_in_pytorch.py runs/default/model.safetensors runs/default/logits.safetensors

The model file follows GPT-2's layout (docs/checkpoints.md): the Linear weights of attention and MLP are stored
[in, out] like GPT-2's Conv1D, so this module, which uses nn.Linear ([out, in]), transposes them on load; a
Hugging Face GPT2Model would load them as they are. The configuration comes from the file's __metadata__.
Needs torch and numpy only (the safetensors package is not required). A tool, not part of CI.
"""
import json
import math
import struct
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


def read_safetensors(path):
    """A minimal safetensors reader: 8-byte little-endian header length, JSON header, raw little-endian data."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    metadata = header.pop("__metadata__", {})
    dtypes = {"F32": np.float32, "F16": np.float16, "I64": np.int64, "I32": np.int32}
    tensors = {}
    for name, info in header.items():
        begin, end = info["data_offsets"]
        array = np.frombuffer(data[8 + n + begin:8 + n + end], dtype=np.dtype(dtypes[info["dtype"]]).newbyteorder("<"))
        tensors[name] = torch.from_numpy(array.reshape(info["shape"]).astype(np.float32))
    return tensors, metadata


class Block(nn.Module):
    def __init__(self, c, heads, hidden):
        super().__init__()
        self.heads = heads
        self.ln_1 = nn.LayerNorm(c, eps=1e-5)
        self.c_attn = nn.Linear(c, 3 * c)
        self.attn_proj = nn.Linear(c, c)
        self.ln_2 = nn.LayerNorm(c, eps=1e-5)
        self.c_fc = nn.Linear(c, hidden)
        self.mlp_proj = nn.Linear(hidden, c)

    def forward(self, x):
        b, t, c = x.shape
        q, k, v = self.c_attn(self.ln_1(x)).split(c, dim=2)
        q, k, v = (z.view(b, t, self.heads, c // self.heads).transpose(1, 2) for z in (q, k, v))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(c // self.heads)
        att = att.masked_fill(torch.triu(torch.ones(t, t, dtype=torch.bool), 1), float("-inf")).softmax(-1)
        x = x + self.attn_proj((att @ v).transpose(1, 2).reshape(b, t, c))
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))


class GPT(nn.Module):
    def __init__(self, vocab, context, layers, c, heads, hidden):
        super().__init__()
        self.wte = nn.Embedding(vocab, c)
        self.wpe = nn.Embedding(context, c)
        self.h = nn.ModuleList(Block(c, heads, hidden) for _ in range(layers))
        self.ln_f = nn.LayerNorm(c, eps=1e-5)

    def forward(self, idx):
        x = self.wte(idx) + self.wpe(torch.arange(idx.shape[1]))
        for block in self.h:
            x = block(x)
        return self.ln_f(x) @ self.wte.weight.T  # head tied to wte


def load(model, tensors):
    """Copies the checkpoint into the module; Conv1D-oriented weights ([in, out]) are transposed for nn.Linear."""
    sd, used = {}, set()

    def take(name, transpose=False):
        used.add(name)
        return tensors[name].T.contiguous() if transpose else tensors[name]

    for name in ("wte.weight", "wpe.weight", "ln_f.weight", "ln_f.bias"):
        sd[name] = take(name)
    for i in range(len(model.h)):
        p = f"h.{i}."
        for ours, theirs, transpose in [("ln_1", "ln_1", False), ("ln_2", "ln_2", False), ("c_attn", "attn.c_attn", True),
                                        ("attn_proj", "attn.c_proj", True), ("c_fc", "mlp.c_fc", True), ("mlp_proj", "mlp.c_proj", True)]:
            sd[p + ours + ".weight"] = take(p + theirs + ".weight", transpose)
            sd[p + ours + ".bias"] = take(p + theirs + ".bias")
    model.load_state_dict(sd, strict=True)
    if set(tensors) - used:
        raise SystemExit(f"tensors in the file that this module does not use: {sorted(set(tensors) - used)}")


def main():
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    tensors, meta = read_safetensors(sys.argv[1])
    if meta.get("model_type") != "gpt2":
        raise SystemExit(f"{sys.argv[1]} is not a GPT-2-shaped model: {meta.get('residual.model')}")
    cfg = {k: int(meta[k]) for k in ("vocab_size", "n_positions", "n_layer", "n_embd", "n_head", "n_inner")}
    if meta.get("activation_function") != "gelu_new":
        raise SystemExit("this module implements GELU (tanh) MLPs only")
    model = GPT(cfg["vocab_size"], cfg["n_positions"], cfg["n_layer"], cfg["n_embd"], cfg["n_head"], cfg["n_inner"])
    load(model, tensors)
    dump, _ = read_safetensors(sys.argv[2])
    tokens = dump["tokens"].long().unsqueeze(0)
    with torch.no_grad():
        ours = model(tokens)[0]
    theirs = dump["logits"]
    diff = (ours - theirs).abs().max().item()
    print(f"config: {cfg}")
    print(f"{tokens.shape[1]} tokens, logits {tuple(theirs.shape)}, |logits| up to {theirs.abs().max().item():.3f}")
    print(f"max |PyTorch - Residual| logit difference: {diff:.3e}")
    agree = (ours.argmax(-1) == theirs.argmax(-1)).float().mean().item()
    print(f"same most likely next character at {agree * 100:.1f}% of positions")
    sys.exit(0 if diff < 1e-3 else 1)


if __name__ == "__main__":
    main()
