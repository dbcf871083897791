#!/usr/bin/env python3
"""Behavior cloning of a tickmind policy in PyTorch, from the `.npz` that `tickmind record` writes.

The same architecture as tickmind's own trainer (the token transformer: a linear embedding,
pre-norm layers of masked multi-head attention and a GELU MLP, a final LayerNorm with no affine
weights, a per-token head over the 97 movement classes), the same loss — on the agent's own token
for egocentric recordings, on every deciding player's token for joint ones — AdamW with warm-up
and cosine decay, and a validation split by episode. Everything about the observation comes from
the dataset's token layout (`extra.observation` of its spec: mode, tokens, feature blocks, the
sensor), which the exported policy carries as its spec's `observation`, so tickmind loads and runs
the result with the world it was recorded in:

    /usr/bin/python3 examples/pytorch/tickmind_bc.py --data demos/dataset.npz --out bot.onnx
    npx tickmind model check bot.onnx
    npm run arena -- --ct policy:bot.onnx

Needs Debian's `apt-get install python3-torch python3-onnx python3-numpy` (no other packages).
"""
import argparse
import json
import math
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

CLASSES = 97


class Norm(nn.Module):
    """LayerNorm without trained affine weights (as in tickmind's graph). Its scale and shift are
    constant buffers, not omitted: PyTorch 1.13 exports an affine-free LayerNorm with an empty
    scale input, which ONNX checkers reject."""

    def __init__(self, d):
        super().__init__()
        self.register_buffer("scale", torch.ones(d))
        self.register_buffer("shift", torch.zeros(d))

    def forward(self, x):
        return F.layer_norm(x, self.scale.shape, self.scale, self.shift, eps=1e-5)


class Layer(nn.Module):
    """One pre-norm encoder layer; parameter names match tickmind's (layers.N.qkv, .out, .ff1, .ff2)."""

    def __init__(self, d, heads, ff):
        super().__init__()
        self.d, self.heads = d, heads
        self.qkv = nn.Linear(d, 3 * d)
        self.out = nn.Linear(d, d)
        self.ff1 = nn.Linear(d, ff)
        self.ff2 = nn.Linear(ff, d)
        self.norm1, self.norm2 = Norm(d), Norm(d)

    def forward(self, h, mask_add):
        b, t, d = h.shape[0], h.shape[1], self.d  # d stays a Python int: the export needs it static
        dh = d // self.heads
        q, k, v = self.qkv(self.norm1(h)).split(d, dim=-1)
        q, k, v = (x.reshape(b, t, self.heads, dh).transpose(1, 2) for x in (q, k, v))  # (b, heads, t, dh)
        scores = q @ k.transpose(-1, -2) * (1.0 / math.sqrt(dh)) + mask_add  # absent keys get -1e9
        ctx = (scores.softmax(dim=-1) @ v).transpose(1, 2).reshape(b, t, d)
        h = h + self.out(ctx)
        return h + self.ff2(F.gelu(self.ff1(self.norm2(h))))


class TokenTransformer(nn.Module):
    """tokens (batch, T, F) float, mask (batch, T) bool (True = absent) -> logits (batch, T, classes)."""

    def __init__(self, features, d=64, layers=2, heads=4, ff=None, classes=CLASSES):
        super().__init__()
        self.d = d
        self.embed = nn.Linear(features, d)
        self.layers = nn.ModuleList(Layer(d, heads, ff or 2 * d) for _ in range(layers))
        self.head = nn.Linear(d, classes)
        self.final = Norm(d)

    def forward(self, tokens, mask):
        mask_add = (mask.to(torch.float32) * -1e9)[:, None, None, :]
        h = self.embed(tokens)
        for layer in self.layers:
            h = layer(h, mask_add)
        return self.head(self.final(h))


def tickmind_weights(model):
    """The model's parameters in tickmind's layout (matrices are in x @ W form: torch's transposed)."""
    out = {}
    for name, p in model.named_parameters():
        w = p.detach().numpy()
        out[name] = np.ascontiguousarray(w.T if w.ndim == 2 else w).astype(np.float32)
    return out


def learning_rate(step, total, peak, warmup, floor=0.05):
    if step < warmup:
        return peak * (step + 1) / warmup
    progress = min(1.0, (step - warmup) / max(1, total - warmup))
    return peak * (floor + (1 - floor) * 0.5 * (1 + math.cos(math.pi * progress)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True, help="dataset.npz written by tickmind record")
    ap.add_argument("--out", required=True, help="policy .onnx to write")
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch", type=int, default=64)
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--d", type=int, default=64)
    ap.add_argument("--layers", type=int, default=2)
    ap.add_argument("--heads", type=int, default=4)
    args = ap.parse_args()

    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    data = np.load(args.data)
    spec = json.loads(data["spec_json"].tobytes())
    layout = spec["extra"]["observation"]  # the token layout: what every float of a row is
    tokens, features, mode = layout["tokens"], layout["featuresPerToken"], layout["mode"]
    names = [n for b in layout.get("blocks", []) for n in b["names"][:4]]
    print(f"{mode} rows of {tokens} tokens x {features} floats; blocks {[b['kind'] for b in layout.get('blocks', [])]} ({', '.join(names[:12])}, ...)")
    obs = data["observation.state"].reshape(-1, tokens, features).astype(np.float32)
    mask = data["observation.mask"].astype(bool)
    # Egocentric: one class per frame, on the agent's own token 0. Joint: one per token, -1 where nobody decided.
    action = data["action"].astype(np.int64).reshape(len(obs), -1)
    if mode == "egocentric":
        action = np.concatenate([action[:, :1], np.full((len(obs), tokens - 1), -1, np.int64)], axis=1)
    episode = data["episode_index"]

    # Validation split by episode: no frame of a held-out episode is trained on.
    episodes = np.unique(episode)
    rng.shuffle(episodes)
    held = set(episodes[: max(1, round(0.1 * len(episodes)))].tolist()) if len(episodes) > 1 else set()
    is_val = np.array([e in held for e in episode])
    train_idx, val_idx = np.nonzero(~is_val)[0], np.nonzero(is_val)[0]
    print(f"{len(obs)} frames from {len(episodes)} episodes: {len(train_idx)} train, {len(val_idx)} validation")

    model = TokenTransformer(features, args.d, args.layers, args.heads)
    decay = [p for n, p in model.named_parameters() if n.endswith("weight")]
    no_decay = [p for n, p in model.named_parameters() if n.endswith("bias")]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}], lr=args.lr)
    steps = args.epochs * math.ceil(len(train_idx) / args.batch)
    warmup = max(1, round(0.05 * steps))
    x_all, m_all, y_all = torch.from_numpy(obs), torch.from_numpy(mask), torch.from_numpy(action)

    def loss_of(idx):
        """Cross-entropy over the tokens that carry a class (ignore_index -1), and their logits and targets."""
        logits = model(x_all[idx], m_all[idx]).reshape(-1, CLASSES)
        target = y_all[idx].reshape(-1)
        return F.cross_entropy(logits, target, ignore_index=-1), logits, target

    def evaluate(idx):
        with torch.no_grad():
            loss, logits, target = loss_of(idx)
            keep = target >= 0
            return loss.item(), (logits[keep].argmax(-1) == target[keep]).float().mean().item()

    step, best, best_state, started = 0, None, None, time.time()
    for epoch in range(1, args.epochs + 1):
        order = train_idx[rng.permutation(len(train_idx))]
        for i in range(0, len(order), args.batch):
            idx = order[i : i + args.batch]
            for g in opt.param_groups:
                g["lr"] = learning_rate(step, steps, args.lr, warmup)
            loss = loss_of(idx)[0]
            opt.zero_grad()
            loss.backward()
            opt.step()
            step += 1
        val_loss, val_acc = evaluate(val_idx if len(val_idx) else train_idx)
        print(f"epoch {epoch}: validation loss {val_loss:.3f}, accuracy {100 * val_acc:.1f} % ({time.time() - started:.0f} s)")
        if best is None or val_loss < best[0]:
            best, best_state = (val_loss, val_acc, epoch), {k: v.clone() for k, v in model.state_dict().items()}
    model.load_state_dict(best_state)

    # A layout with blocks goes into a version-2 spec as it is; an older recording's flat layout into version 1.
    versioned = "blocks" in layout
    observation = layout if versioned else {
        "tokens": tokens, "featuresPerToken": features, "entityFeatures": layout["entityFeatures"], "rays": layout["rays"], "stack": 1,
        **({"objectives": layout["objectives"]} if layout.get("objectives") else {}),
    }
    policy_spec = {
        "version": 2 if versioned else 1,
        "mode": mode,
        "observation": observation,
        "action": {"heads": [{"name": "movement", "classes": CLASSES}]},
        "io": {"tokens": "tokens", "mask": "mask", "logits": "logits"},
        "architecture": {"kind": "token-transformer", "d": args.d, "layers": args.layers, "heads": args.heads, "ff": 2 * args.d, "framework": "pytorch"},
        "trained": True,
        "training": {"data": args.data, "frames": int(len(obs)), "epochs": args.epochs, "bestEpoch": best[2], "seed": args.seed, "valLoss": round(best[0], 4), "valAccuracy": round(best[1], 4)},
    }
    export(model, tokens, features, args.out, policy_spec)
    print(f"wrote {args.out}: validation accuracy {100 * best[1]:.1f} % (epoch {best[2]})")


def export(model, tokens, features, path, policy_spec):
    """ONNX (opset 17, dynamic batch) with the tickmind policy spec in metadata_props."""
    import onnx

    model.eval()
    example = (torch.zeros(2, tokens, features), torch.zeros(2, tokens, dtype=torch.bool))
    torch.onnx.export(
        model, example, path, opset_version=17, input_names=["tokens", "mask"], output_names=["logits"],
        dynamic_axes={"tokens": {0: "batch"}, "mask": {0: "batch"}, "logits": {0: "batch"}},
    )
    m = onnx.load(path)
    entry = m.metadata_props.add()
    entry.key, entry.value = "tickmind.policy", json.dumps(policy_spec)
    onnx.save(m, path)


if __name__ == "__main__":
    main()
