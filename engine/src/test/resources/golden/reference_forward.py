#!/usr/bin/env python3
"""Reference logits for the golden fixtures of GoldenLogitsTest.

A plain-torch forward pass (no transformers needed), written line by line from the eager code of
Hugging Face transformers:
  src/transformers/models/llama/modeling_llama.py   (Llama; Qwen2 adds q/k/v biases)
  src/transformers/models/gemma2/modeling_gemma2.py (Gemma-2)
  src/transformers/models/gpt2/modeling_gpt2.py     (GPT-2)
  src/transformers/models/qwen3/modeling_qwen3.py   (Qwen3)
It reads a Hugging Face folder (config.json + model.safetensors, F32/F16/BF16) and prints JSON:
the file's SHA-256, the token ids, and the float32 logits of one full forward pass.

Usage (the folders come from GoldenLogitsTest run with -Dlaai.golden.dir=DIR):
  python3 reference_forward.py DIR/gemma2 1,17,42,5,88,23,61,9,30,77,12 > gemma2.json
Runs with torch >= 1.13 (Debian's python3-torch) and numpy.
"""
import hashlib
import json
import math
import struct
import sys

import torch

DTYPES = {"F32": torch.float32, "F16": torch.float16, "BF16": torch.bfloat16, "F64": torch.float64}


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    out = {}
    for name, info in header.items():
        if name == "__metadata__":
            continue
        begin, end = info["data_offsets"]
        t = torch.frombuffer(bytearray(body[begin:end]), dtype=DTYPES[info["dtype"]])
        out[name] = t.reshape(info["shape"]).to(torch.float32)
    return out, hashlib.sha256(data).hexdigest()


# ------------------------------------------------------------------------------------------------
# shared pieces (modeling_llama.py / modeling_gemma2.py)

def rotate_half(x):
    x1 = x[..., : x.shape[-1] // 2]
    x2 = x[..., x.shape[-1] // 2:]
    return torch.cat((-x2, x1), dim=-1)


def rotary(head_dim, base, positions):
    inv_freq = 1.0 / (base ** (torch.arange(0, head_dim, 2, dtype=torch.int64).float() / head_dim))
    freqs = (inv_freq[None, :, None] @ positions[None, None, :].float()).transpose(1, 2)
    emb = torch.cat((freqs, freqs), dim=-1)
    return emb.cos(), emb.sin()  # [1, T, d]


def repeat_kv(x, n_rep):
    b, kvh, t, d = x.shape
    if n_rep == 1:
        return x
    return x[:, :, None, :, :].expand(b, kvh, n_rep, t, d).reshape(b, kvh * n_rep, t, d)


def causal_mask(t, window=None):
    """0 where key k may be seen from query q (k <= q, and q - k < window), finfo.min elsewhere."""
    q = torch.arange(t)[:, None]
    k = torch.arange(t)[None, :]
    allowed = k <= q
    if window:
        allowed = allowed & (q - k < window)
    m = torch.zeros(t, t)
    m[~allowed] = torch.finfo(torch.float32).min
    return m[None, None]


def linear(x, w, b=None):
    return torch.nn.functional.linear(x, w, b)


def gelu_tanh(x):
    # NewGELUActivation; gelu_pytorch_tanh is torch's gelu(approximate="tanh"), the same formula
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * torch.pow(x, 3.0))))


# ------------------------------------------------------------------------------------------------
# Llama / Mistral / Qwen2 (modeling_llama.py, modeling_qwen2.py)

def llama(cfg, w, ids):
    hidden, heads = cfg["hidden_size"], cfg["num_attention_heads"]
    kvh = cfg.get("num_key_value_heads") or heads
    d = cfg.get("head_dim") or hidden // heads
    eps = cfg.get("rms_norm_eps", 1e-6)
    qkv_bias = cfg["model_type"] == "qwen2" or cfg.get("attention_bias", False)
    window = cfg.get("sliding_window") if cfg["model_type"] == "mistral" else None

    def rms(x, weight):  # LlamaRMSNorm
        dt = x.dtype
        x = x.to(torch.float32)
        var = x.pow(2).mean(-1, keepdim=True)
        x = x * torch.rsqrt(var + eps)
        return weight * x.to(dt)

    t = ids.shape[1]
    x = w["model.embed_tokens.weight"][ids]
    cos, sin = rotary(d, cfg.get("rope_theta", 10000.0), torch.arange(t))
    cos, sin = cos[:, None], sin[:, None]
    mask = causal_mask(t, window)
    for l in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{l}."
        h = rms(x, w[p + "input_layernorm.weight"])
        bias = (lambda n: w[p + n] if qkv_bias else None)
        q = linear(h, w[p + "self_attn.q_proj.weight"], bias("self_attn.q_proj.bias")).view(1, t, heads, d).transpose(1, 2)
        k = linear(h, w[p + "self_attn.k_proj.weight"], bias("self_attn.k_proj.bias")).view(1, t, kvh, d).transpose(1, 2)
        v = linear(h, w[p + "self_attn.v_proj.weight"], bias("self_attn.v_proj.bias")).view(1, t, kvh, d).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k, v = repeat_kv(k, heads // kvh), repeat_kv(v, heads // kvh)
        a = torch.matmul(q, k.transpose(2, 3)) * (d ** -0.5) + mask
        a = torch.softmax(a, dim=-1, dtype=torch.float32)
        o = torch.matmul(a, v).transpose(1, 2).reshape(1, t, heads * d)
        o_bias = cfg.get("attention_bias", False) and cfg["model_type"] != "qwen2"
        x = x + linear(o, w[p + "self_attn.o_proj.weight"], w[p + "self_attn.o_proj.bias"] if o_bias else None)
        h = rms(x, w[p + "post_attention_layernorm.weight"])
        g = linear(h, w[p + "mlp.gate_proj.weight"])
        x = x + linear(torch.nn.functional.silu(g) * linear(h, w[p + "mlp.up_proj.weight"]), w[p + "mlp.down_proj.weight"])
    x = rms(x, w["model.norm.weight"])
    head = w["model.embed_tokens.weight"] if cfg.get("tie_word_embeddings", False) else w["lm_head.weight"]
    return linear(x, head)


# ------------------------------------------------------------------------------------------------
# Gemma-2 (modeling_gemma2.py, eager attention)

def gemma2(cfg, w, ids):
    hidden, heads = cfg["hidden_size"], cfg["num_attention_heads"]
    kvh = cfg["num_key_value_heads"]
    d = cfg.get("head_dim", 256)
    eps = cfg.get("rms_norm_eps", 1e-6)
    scaling = cfg.get("query_pre_attn_scalar", 256) ** -0.5
    attn_cap = cfg.get("attn_logit_softcapping", 50.0)
    final_cap = cfg.get("final_logit_softcapping", 30.0)
    window = cfg.get("sliding_window", 4096)
    layers = cfg["num_hidden_layers"]
    types = cfg.get("layer_types") or ["sliding_attention" if (i + 1) % 2 else "full_attention" for i in range(layers)]
    assert cfg.get("hidden_activation", "gelu_pytorch_tanh") in ("gelu_pytorch_tanh", "gelu_new")

    def rms(x, weight):  # Gemma2RMSNorm: (x * (1 + w)) in float32, then back to the input dtype
        out = x.float()
        out = out * torch.rsqrt(out.pow(2).mean(-1, keepdim=True) + eps)
        out = out * (1.0 + weight.float())
        return out.type_as(x)

    t = ids.shape[1]
    x = w["model.embed_tokens.weight"][ids]
    x = x * torch.tensor(hidden ** 0.5, dtype=x.dtype)
    cos, sin = rotary(d, cfg.get("rope_theta", 10000.0), torch.arange(t))
    cos, sin = cos[:, None], sin[:, None]
    for l in range(layers):
        p = f"model.layers.{l}."
        mask = causal_mask(t, window if types[l] == "sliding_attention" else None)
        residual = x
        h = rms(x, w[p + "input_layernorm.weight"])
        q = linear(h, w[p + "self_attn.q_proj.weight"]).view(1, t, heads, d).transpose(1, 2)
        k = linear(h, w[p + "self_attn.k_proj.weight"]).view(1, t, kvh, d).transpose(1, 2)
        v = linear(h, w[p + "self_attn.v_proj.weight"]).view(1, t, kvh, d).transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        k, v = repeat_kv(k, heads // kvh), repeat_kv(v, heads // kvh)
        a = torch.matmul(q, k.transpose(2, 3)) * scaling
        if attn_cap is not None:
            a = torch.tanh(a / attn_cap) * attn_cap
        a = a + mask
        a = torch.softmax(a, dim=-1, dtype=torch.float32)
        o = torch.matmul(a, v).transpose(1, 2).reshape(1, t, heads * d)
        h = linear(o, w[p + "self_attn.o_proj.weight"])
        h = rms(h, w[p + "post_attention_layernorm.weight"])
        x = residual + h
        residual = x
        h = rms(x, w[p + "pre_feedforward_layernorm.weight"])
        h = linear(gelu_tanh(linear(h, w[p + "mlp.gate_proj.weight"])) * linear(h, w[p + "mlp.up_proj.weight"]),
                   w[p + "mlp.down_proj.weight"])
        h = rms(h, w[p + "post_feedforward_layernorm.weight"])
        x = residual + h
    x = rms(x, w["model.norm.weight"])
    head = w["model.embed_tokens.weight"] if cfg.get("tie_word_embeddings", True) else w["lm_head.weight"]
    logits = linear(x, head)
    if final_cap is not None:
        logits = torch.tanh(logits / final_cap) * final_cap
    return logits


# ------------------------------------------------------------------------------------------------
# Qwen3 (modeling_qwen3.py, eager attention): Llama's layer with an RMSNorm of each query and key
# head (q_norm, k_norm, over head_dim) between the projection and the rotation. `qk_norm` picks
# where those norms go: "before_rope" is transformers'; "none" and "after_rope" are the two wrong
# orders the golden file records too, so the Java test can show it tells them apart.

def qwen3(cfg, w, ids, qk_norm="before_rope"):
    hidden, heads = cfg["hidden_size"], cfg["num_attention_heads"]
    kvh = cfg.get("num_key_value_heads") or heads
    d = cfg.get("head_dim", 128)  # Qwen3Config's default, whatever hidden // heads is
    eps = cfg.get("rms_norm_eps", 1e-6)
    bias = cfg.get("attention_bias", False)  # on q, k, v and o alike
    assert not cfg.get("use_sliding_window", False)

    def rms(x, weight):  # Qwen3RMSNorm
        dt = x.dtype
        x = x.to(torch.float32)
        x = x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps)
        return weight * x.to(dt)

    def heads_of(x, n):  # [1, t, n·d] -> [1, t, n, d]
        return x.view(1, t, n, d)

    t = ids.shape[1]
    x = w["model.embed_tokens.weight"][ids]
    cos, sin = rotary(d, cfg.get("rope_theta", 10000.0), torch.arange(t))
    cos, sin = cos[:, None], sin[:, None]
    mask = causal_mask(t)
    for l in range(cfg["num_hidden_layers"]):
        p = f"model.layers.{l}."
        b = (lambda n: w[p + n] if bias else None)
        h = rms(x, w[p + "input_layernorm.weight"])
        q = heads_of(linear(h, w[p + "self_attn.q_proj.weight"], b("self_attn.q_proj.bias")), heads)
        k = heads_of(linear(h, w[p + "self_attn.k_proj.weight"], b("self_attn.k_proj.bias")), kvh)
        v = heads_of(linear(h, w[p + "self_attn.v_proj.weight"], b("self_attn.v_proj.bias")), kvh).transpose(1, 2)
        if qk_norm == "before_rope":
            q, k = rms(q, w[p + "self_attn.q_norm.weight"]), rms(k, w[p + "self_attn.k_norm.weight"])
        q, k = q.transpose(1, 2), k.transpose(1, 2)
        q = q * cos + rotate_half(q) * sin
        k = k * cos + rotate_half(k) * sin
        if qk_norm == "after_rope":
            q, k = rms(q, w[p + "self_attn.q_norm.weight"]), rms(k, w[p + "self_attn.k_norm.weight"])
        k, v = repeat_kv(k, heads // kvh), repeat_kv(v, heads // kvh)
        a = torch.matmul(q, k.transpose(2, 3)) * (d ** -0.5) + mask
        a = torch.softmax(a, dim=-1, dtype=torch.float32)
        o = torch.matmul(a, v).transpose(1, 2).reshape(1, t, heads * d)
        x = x + linear(o, w[p + "self_attn.o_proj.weight"], b("self_attn.o_proj.bias"))
        h = rms(x, w[p + "post_attention_layernorm.weight"])
        g = linear(h, w[p + "mlp.gate_proj.weight"])
        x = x + linear(torch.nn.functional.silu(g) * linear(h, w[p + "mlp.up_proj.weight"]), w[p + "mlp.down_proj.weight"])
    x = rms(x, w["model.norm.weight"])
    head = w["model.embed_tokens.weight"] if cfg.get("tie_word_embeddings", False) else w["lm_head.weight"]
    return linear(x, head)


# ------------------------------------------------------------------------------------------------
# GPT-2 (modeling_gpt2.py, GPT2Attention._attn)

def gpt2(cfg, w, ids):
    hidden, heads = cfg["n_embd"], cfg["n_head"]
    d = hidden // heads
    eps = cfg.get("layer_norm_epsilon", 1e-5)
    assert cfg.get("activation_function", "gelu_new") == "gelu_new"
    pre = "transformer." if "transformer.wte.weight" in w else ""

    def ln(x, name):
        return torch.nn.functional.layer_norm(x, (hidden,), w[name + ".weight"], w[name + ".bias"], eps)

    def conv1d(x, name):  # Conv1D: x @ W + b, W stored [in, out]
        return torch.addmm(w[name + ".bias"], x.view(-1, x.size(-1)), w[name + ".weight"]).view(x.size()[:-1] + (-1,))

    t = ids.shape[1]
    x = w[pre + "wte.weight"][ids] + w[pre + "wpe.weight"][torch.arange(t)][None]
    causal = torch.tril(torch.ones((t, t), dtype=torch.bool))[None, None]
    for l in range(cfg["n_layer"]):
        p = f"{pre}h.{l}."
        residual = x
        h = ln(x, p + "ln_1")
        q, k, v = conv1d(h, p + "attn.c_attn").split(hidden, dim=2)
        q, k, v = (z.view(1, t, heads, d).permute(0, 2, 1, 3) for z in (q, k, v))
        a = torch.matmul(q, k.transpose(-1, -2))
        a = a / torch.full([], v.size(-1) ** 0.5, dtype=a.dtype)
        a = torch.where(causal, a, torch.full([], torch.finfo(a.dtype).min, dtype=a.dtype))
        a = torch.softmax(a, dim=-1)
        o = torch.matmul(a, v).permute(0, 2, 1, 3).contiguous().view(1, t, hidden)
        x = residual + conv1d(o, p + "attn.c_proj")
        residual = x
        h = ln(x, p + "ln_2")
        x = residual + conv1d(gelu_tanh(conv1d(h, p + "mlp.c_fc")), p + "mlp.c_proj")
    x = ln(x, pre + "ln_f")
    return linear(x, w[pre + "wte.weight"])


def rows(logits):
    return [[float("%.7g" % v) for v in row] for row in logits.tolist()]


def main():
    folder, ids = sys.argv[1], [int(i) for i in sys.argv[2].split(",")]
    with open(folder + "/config.json") as f:
        cfg = json.load(f)
    w, sha = read_safetensors(folder + "/model.safetensors")
    forward = {"llama": llama, "mistral": llama, "qwen2": llama, "qwen3": qwen3, "gemma2": gemma2,
               "gpt2": gpt2}[cfg["model_type"]]
    ids = torch.tensor([ids])
    with torch.no_grad():
        logits = forward(cfg, w, ids)[0]
    out = {"model_type": cfg["model_type"], "sha256": sha, "ids": ids[0].tolist(),
           "reference": "plain torch " + torch.__version__ + " float32, from the transformers eager code",
           "logits": rows(logits)}
    if cfg["model_type"] == "qwen3":
        with torch.no_grad():
            out["wrong_orders"] = {order: rows(qwen3(cfg, w, ids, qk_norm=order)[0])
                                   for order in ("none", "after_rope")}
    json.dump(out, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
