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

Many shards and many processes. `--data` takes several files and directories: a directory stands
for every `.npz` in it (else, for a LeRobot v3 dataset directory, its Parquet files
`data/chunk-*/file-*.parquet` where pyarrow or pandas is installed; else the same in its
subdirectories), e.g. the one shard per demo that `tickmind import-demo` writes.
All shards must be recorded in one token layout. Under torchrun the same script trains with
DistributedDataParallel (gloo on CPU; `--device cuda` uses nccl, one GPU per process): the episodes
are dealt out to the processes (disjoint, balanced by frames, the same deal on every process), each
process loads and trains on its own share, gradients and validation metrics are all-reduced, and
rank 0 prints and writes the ONNX file — the same export as the single-process run:

    torchrun --standalone --nproc_per_node 4 examples/pytorch/tickmind_bc.py --data shards/ --out bot.onnx
    torchrun --nnodes 2 --node_rank 0 --master_addr HOST --master_port 29500 --nproc_per_node 8 \\
        examples/pytorch/tickmind_bc.py --data shards/ --out bot.onnx     # --node_rank 1 on the second machine

(Debian 12's torch 1.13 on Python 3.11 needs `--redirects 1 --tee 1` after `torchrun`: its default
`--redirects 0` fails there.) Plain `python3` is one process and trains exactly as before. The
same data, seed and number of processes give the same model.

Needs Debian's `apt-get install python3-torch python3-onnx python3-numpy` (no other packages).
"""
import argparse
import glob
import inspect
import json
import math
import os
import sys
import time
import zipfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

CLASSES = 97
EVAL_ROWS = 4096  # validation forward passes in chunks of this many rows


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


# --- data: shards -----------------------------------------------------------------------------


def fail(message):
    """A usage or data error: one line on stderr (from rank 0 alone under torchrun) and exit status 2.
    Every process reads the same headers, so every process fails the same way, before any collective."""
    if int(os.environ.get("RANK", "0")) == 0:
        print(f"tickmind_bc: {message}", file=sys.stderr)
    sys.exit(2)


class NpzShard:
    """A `.npz` written by `tickmind record` (or `tickmind import-demo`): its spec in `spec_json`."""

    def __init__(self, path):
        self.path = path

    def _open(self):
        try:
            z = np.load(self.path)
        except (OSError, ValueError, EOFError, zipfile.BadZipFile) as err:
            fail(f"{self.path}: not a readable .npz ({err})")
        if not isinstance(z, np.lib.npyio.NpzFile):
            fail(f"{self.path}: a single array, not an .npz archive of a dataset")
        return z

    def header(self):
        """(spec, episode_index per frame) without reading the frames."""
        with self._open() as z:
            missing = [k for k in ("spec_json", "episode_index", "observation.state", "observation.mask", "action") if k not in z.files]
            if missing:
                fail(f"{self.path}: no {', '.join(missing)} in it; is it a dataset written by tickmind record?")
            return json.loads(z["spec_json"].tobytes()), z["episode_index"]

    def columns(self):
        with self._open() as z:
            return z["observation.state"], z["observation.mask"], z["action"]


class ParquetShard:
    """One data file (`data/chunk-*/file-*.parquet`) of a LeRobot v3 dataset directory; the spec is the
    directory's `meta/info.json` (tickmind's section). Read with pyarrow, else pandas, where installed."""

    def __init__(self, path, root):
        self.path, self.root = path, root

    def header(self):
        info_path = os.path.join(self.root, "meta", "info.json")
        try:
            with open(info_path, encoding="utf-8") as f:
                info = json.load(f)
        except (OSError, ValueError) as err:
            fail(f"{info_path}: cannot read it ({err})")
        spec = {"features": info.get("features", {}), "extra": (info.get("tickmind") or {}).get("extra", {})}
        return spec, read_parquet(self.path, ["episode_index"])["episode_index"]

    def columns(self):
        c = read_parquet(self.path, ["observation.state", "observation.mask", "action"])
        return c["observation.state"], c["observation.mask"], c["action"]


def read_parquet(path, names):
    """Columns of a Parquet file as numpy arrays, a LIST column as (rows, width): with pyarrow, else pandas."""
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        return read_parquet_pandas(path, names)
    table = pq.read_table(path, columns=names)
    out = {}
    for name in names:
        col = table.column(name).combine_chunks()
        if pa.types.is_list(col.type) or pa.types.is_large_list(col.type) or pa.types.is_fixed_size_list(col.type):
            out[name] = col.flatten().to_numpy(zero_copy_only=False).reshape(len(col), -1)
        else:
            out[name] = col.to_numpy(zero_copy_only=False)
    return out


def read_parquet_pandas(path, names):
    no_engine = f"{path}: reading Parquet needs pyarrow (or pandas with fastparquet); install it, or train on the dataset's .npz (tickmind record --format npz|both)"
    try:
        import pandas as pd

        frame = pd.read_parquet(path, columns=names)
    except ImportError:
        fail(no_engine)
    out = {}
    for name in names:
        values = frame[name].to_numpy()
        is_list = len(values) > 0 and isinstance(values[0], (list, tuple, np.ndarray))
        out[name] = np.stack([np.asarray(v) for v in values]) if is_list else values
    return out


def lerobot_root(path):
    """The dataset directory above a Parquet data file (the one with meta/info.json)."""
    d = os.path.dirname(os.path.abspath(path))
    for _ in range(4):
        if os.path.isfile(os.path.join(d, "meta", "info.json")):
            return d
        d = os.path.dirname(d)
    fail(f"{path}: no meta/info.json above it; a Parquet shard must lie in a LeRobot v3 dataset directory")


def shards_in(directory):
    """Every .npz in the directory; else a LeRobot dataset's Parquet data files; else the same in its subdirectories."""
    names = sorted(os.listdir(directory))
    npz = [os.path.join(directory, n) for n in names if n.endswith(".npz") and os.path.isfile(os.path.join(directory, n))]
    if npz:
        return [NpzShard(p) for p in npz]
    if os.path.isfile(os.path.join(directory, "meta", "info.json")):
        return [ParquetShard(p, directory) for p in sorted(glob.glob(os.path.join(directory, "data", "chunk-*", "file-*.parquet")))]
    found = []
    for n in names:
        sub = os.path.join(directory, n)
        if os.path.isdir(sub) and not n.startswith("."):
            found += shards_in(sub)
    return found


def find_shards(paths):
    shards = []
    for p in paths:
        if os.path.isdir(p):
            found = shards_in(p)
            if not found:
                fail(f"{p}: no .npz and no LeRobot dataset (meta/info.json with data/chunk-*/file-*.parquet) in it or below it")
            shards += found
        elif os.path.isfile(p):
            shards.append(ParquetShard(p, lerobot_root(p)) if p.endswith(".parquet") else NpzShard(p))
        else:
            fail(f"{p}: no such file or directory")
    seen = {}
    for s in shards:
        key = os.path.realpath(s.path)
        if key in seen:
            fail(f"{s.path}: given twice (also as {seen[key]})")
        seen[key] = s.path
    return shards


def layout_difference(a, b):
    """What differs between two token layouts, in a few words."""
    first = ["mode", "tokens", "featuresPerToken"]
    keys = [k for k in first if k in a or k in b] + sorted((set(a) | set(b)) - set(first))
    parts = []
    for k in keys:
        if a.get(k) != b.get(k):
            va, vb = a.get(k), b.get(k)
            short = all(v is None or isinstance(v, (int, float, str, bool)) for v in (va, vb))
            parts.append(f"{k} {json.dumps(va)} vs {json.dumps(vb)}" if short else f"{k} differ")
    return ", ".join(parts) or "key order"


# --- training ---------------------------------------------------------------------------------


def distributed_env():
    """(under torchrun?, world size, rank, local rank), from torchrun's environment variables."""
    if "RANK" in os.environ and "WORLD_SIZE" in os.environ:
        return True, int(os.environ["WORLD_SIZE"]), int(os.environ["RANK"]), int(os.environ.get("LOCAL_RANK", "0"))
    return False, 1, 0, 0


def deal(episodes, lengths, world):
    """Episodes to processes: longest first, each to the process with the fewest frames so far (ties: the
    lower rank; equal lengths keep their seeded order). Disjoint, balanced, and the same on every process."""
    owner, load = {}, [0] * world
    for e in sorted(episodes, key=lambda e: -lengths[e]):
        r = min(range(world), key=lambda r: (load[r], r))
        owner[e] = r
        load[r] += int(lengths[e])
    return owner, load


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True, nargs="+", action="extend",
                    help="dataset .npz files written by tickmind record, or directories of them (or LeRobot v3 Parquet datasets); may repeat")
    ap.add_argument("--out", required=True, help="policy .onnx to write")
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--batch", type=int, default=64, help="rows per step on each process")
    ap.add_argument("--lr", type=float, default=1e-3)
    ap.add_argument("--d", type=int, default=64)
    ap.add_argument("--layers", type=int, default=None,
                    help="encoder layers (default: 2 for joint data, 1 for egocentric data, as tickmind train)")
    ap.add_argument("--heads", type=int, default=4)
    ap.add_argument("--device", choices=["cpu", "cuda"], default="cpu",
                    help="cpu (under torchrun: the gloo backend) or cuda (nccl, the GPU LOCAL_RANK for each process)")
    args = ap.parse_args()
    distributed, world, rank, local_rank = distributed_env()
    lead = rank == 0
    say = print if lead else (lambda *a, **k: None)

    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)

    # Every process reads every shard's header (spec and episode column, not the frames), so all of
    # them agree on the layout, the split and the deal without talking.
    shards = find_shards(args.data)
    layout, layout_from = None, None
    shard_episode, lengths = [], []  # per shard: the global episode of each frame; per global episode: frames
    for s in shards:
        s_spec, episode = s.header()
        s_layout = (s_spec.get("extra") or {}).get("observation")
        if not isinstance(s_layout, dict):
            fail(f"{s.path}: its spec has no extra.observation (the token layout); record it with a current tickmind record")
        if layout is None:
            layout, layout_from = s_layout, s.path
        elif s_layout != layout:
            fail(f"{layout_from} and {s.path} are recorded in different token layouts ({layout_difference(layout, s_layout)}, in that order); all shards must share one")
        _, inverse, counts = np.unique(np.asarray(episode).reshape(-1), return_inverse=True, return_counts=True)
        shard_episode.append(len(lengths) + inverse.reshape(-1))
        lengths += counts.tolist()
    if not lengths:
        fail(f"{', '.join(args.data)}: no frames")
    tokens, features, mode = layout["tokens"], layout["featuresPerToken"], layout["mode"]
    if args.layers is None:
        args.layers = 1 if mode == "egocentric" else 2
    names = [n for b in layout.get("blocks", []) for n in b["names"][:4]]
    say(f"{mode} rows of {tokens} tokens x {features} floats; blocks {[b['kind'] for b in layout.get('blocks', [])]} ({', '.join(names[:12])}, ...)")
    frames = sum(lengths)
    if len(shards) > 1:
        kinds = sorted({type(s).__name__[:-5].lower() for s in shards})
        say(f"{len(shards)} shards ({', '.join(kinds)}) in one token layout")

    # Validation split by episode: no frame of a held-out episode is trained on.
    episodes = np.arange(len(lengths))
    rng.shuffle(episodes)
    held = set(episodes[: max(1, round(0.1 * len(episodes)))].tolist()) if len(episodes) > 1 else set()
    train_episodes = [int(e) for e in episodes if int(e) not in held]
    say(f"{frames} frames from {len(episodes)} episodes: {frames - sum(lengths[e] for e in held)} train, {sum(lengths[e] for e in held)} validation")
    if len(train_episodes) < world:
        n = len(train_episodes)
        fail(f"{n} training episode{'' if n == 1 else 's'} for {world} processes: each process needs at least one; run fewer processes or give more data")
    train_owner, train_load = deal(train_episodes, lengths, world)
    val_owner, _ = deal([int(e) for e in episodes if int(e) in held], lengths, world)
    owner = np.array([train_owner.get(e, val_owner.get(e, -1)) for e in range(len(lengths))])
    is_val = np.array([e in held for e in range(len(lengths))])

    # This process loads the frames of its own episodes only, in file order.
    obs_parts, mask_parts, action_parts, val_parts = [], [], [], []
    for s, ep in zip(shards, shard_episode):
        mine = owner[ep] == rank
        if not mine.any():
            continue
        state, mask, action = s.columns()
        if state.reshape(len(ep), -1).shape[1] != tokens * features or mask.reshape(len(ep), -1).shape[1] != tokens:
            fail(f"{s.path}: rows of {state.size // max(1, len(ep))} floats and {mask.size // max(1, len(ep))} mask values, its layout says {tokens} x {features} and {tokens}")
        action = action.astype(np.int64).reshape(len(ep), -1)
        if mode == "egocentric":
            action = np.concatenate([action[:, :1], np.full((len(ep), tokens - 1), -1, np.int64)], axis=1)
        elif action.shape[1] != tokens:
            fail(f"{s.path}: {action.shape[1]} actions per joint row, expected one per token ({tokens})")
        obs_parts.append(state.reshape(len(ep), tokens, features)[mine].astype(np.float32, copy=False))
        mask_parts.append(mask.reshape(len(ep), tokens)[mine].astype(bool, copy=False))
        # Egocentric: one class per frame, on the agent's own token 0. Joint: one per token, -1 where nobody decided.
        action_parts.append(action[mine])
        val_parts.append(is_val[ep[mine]])
        del state, mask, action
    obs, mask, action = np.concatenate(obs_parts), np.concatenate(mask_parts), np.concatenate(action_parts)
    val_rows = np.concatenate(val_parts)
    train_idx, val_idx = np.nonzero(~val_rows)[0], np.nonzero(val_rows)[0]

    device = torch.device("cpu")
    if args.device == "cuda":
        if not torch.cuda.is_available():
            fail("--device cuda: this PyTorch sees no CUDA device")
        device = torch.device("cuda", local_rank)
        torch.cuda.set_device(device)
    backend = "nccl" if args.device == "cuda" else "gloo"
    if distributed:
        import torch.distributed as dist
        from torch.nn.parallel import DistributedDataParallel

        dist.init_process_group(backend)
        mine = torch.tensor([len(train_idx), len(val_idx), sum(1 for e in train_owner.values() if e == rank)], device=device)
        per_rank = [torch.zeros_like(mine) for _ in range(world)]
        dist.all_gather(per_rank, mine)
        per_rank = [t.tolist() for t in per_rank]
    per_epoch = math.ceil(max(train_load) / args.batch)  # the same on every process: ranks with fewer frames wrap around
    if world > 1:
        say(f"world size {world} ({backend}): " + "; ".join(f"rank {r}: {t} train + {v} validation frames, {e} training episodes" for r, (t, v, e) in enumerate(per_rank))
            + f"; {per_epoch} steps per epoch of {args.batch} rows on each rank ({world * args.batch} rows per step)")

    model = TokenTransformer(features, args.d, args.layers, args.heads).to(device)
    decay = [p for n, p in model.named_parameters() if n.endswith("weight")]
    no_decay = [p for n, p in model.named_parameters() if n.endswith("bias")]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": no_decay, "weight_decay": 0.0}], lr=args.lr)
    net = DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None) if world > 1 else model
    steps = args.epochs * per_epoch
    warmup = max(1, round(0.05 * steps))
    x_all, m_all, y_all = torch.from_numpy(obs), torch.from_numpy(mask), torch.from_numpy(action)

    def loss_of(module, idx):
        """Cross-entropy over the tokens that carry a class (ignore_index -1), and their logits and targets."""
        logits = module(x_all[idx].to(device), m_all[idx].to(device)).reshape(-1, CLASSES)
        target = y_all[idx].to(device).reshape(-1)
        return F.cross_entropy(logits, target, ignore_index=-1), logits, target

    def evaluate(idx):
        """(loss, accuracy) over this process's rows in idx, summed over all processes."""
        total = torch.zeros(3, dtype=torch.float64, device=device)  # loss x targets, hits, targets
        with torch.no_grad():
            for i in range(0, len(idx), EVAL_ROWS):
                loss, logits, target = loss_of(model, idx[i : i + EVAL_ROWS])
                keep = target >= 0
                n = int(keep.sum())
                if n:
                    hits = (logits[keep].argmax(-1) == target[keep]).float().mean()
                    total += torch.stack([loss.double() * n, hits.double() * n, torch.tensor(float(n), dtype=torch.float64, device=device)])
        if world > 1:
            dist.all_reduce(total)
        loss_sum, hits, n = total.tolist()
        return (loss_sum / n, hits / n) if n else (float("nan"), float("nan"))

    # One process: the order comes from the split's generator, as it always has; several: a stream per rank.
    order_rng = rng if world == 1 else np.random.default_rng([args.seed, rank])
    step, best, best_state, started = 0, None, None, time.time()
    for epoch in range(1, args.epochs + 1):
        net.train()
        order = train_idx[order_rng.permutation(len(train_idx))]
        if len(order) < max(train_load):
            order = np.resize(order, max(train_load))
        for i in range(0, len(order), args.batch):
            idx = order[i : i + args.batch]
            for g in opt.param_groups:
                g["lr"] = learning_rate(step, steps, args.lr, warmup)
            loss = loss_of(net, idx)[0]
            opt.zero_grad()
            loss.backward()  # under DDP: gradients averaged over the processes here
            opt.step()
            step += 1
        val_loss, val_acc = evaluate(val_idx if held else train_idx)
        say(f"epoch {epoch}: validation loss {val_loss:.3f}, accuracy {100 * val_acc:.1f} % ({time.time() - started:.0f} s)")
        if best is None or val_loss < best[0]:
            best = (val_loss, val_acc, epoch)
            if lead:
                best_state = {k: v.detach().clone() for k, v in model.state_dict().items()}

    if lead:
        model.load_state_dict(best_state)
        # A layout with blocks goes into a version-2 spec as it is; an older recording's flat layout into version 1.
        versioned = "blocks" in layout
        observation = layout if versioned else {
            "tokens": tokens, "featuresPerToken": features, "entityFeatures": layout["entityFeatures"], "rays": layout["rays"], "stack": 1,
            **({"objectives": layout["objectives"]} if layout.get("objectives") else {}),
        }
        data = args.data[0] if len(args.data) == 1 else " ".join(args.data)
        if len(data) > 400:
            data = f"{args.data[0]} and {len(args.data) - 1} more"
        training = {"data": data, "frames": int(frames), "epochs": args.epochs, "bestEpoch": best[2], "seed": args.seed, "valLoss": round(best[0], 4), "valAccuracy": round(best[1], 4)}
        if len(shards) > 1:
            training["shards"] = len(shards)
        if world > 1:
            training["processes"] = world
        policy_spec = {
            "version": 2 if versioned else 1,
            "mode": mode,
            "observation": observation,
            "action": {"heads": [{"name": "movement", "classes": CLASSES}]},
            "io": {"tokens": "tokens", "mask": "mask", "logits": "logits"},
            "architecture": {"kind": "token-transformer", "d": args.d, "layers": args.layers, "heads": args.heads, "ff": 2 * args.d, "framework": "pytorch"},
            "trained": True,
            "training": training,
        }
        export(model.cpu(), tokens, features, args.out, policy_spec)
        print(f"wrote {args.out}: validation accuracy {100 * best[1]:.1f} % (epoch {best[2]})")
    if distributed:
        dist.barrier()  # the others wait for rank 0's export before the group goes away
        dist.destroy_process_group()


def export(model, tokens, features, path, policy_spec):
    """ONNX (opset 17, dynamic batch) with the tickmind policy spec in metadata_props."""
    import onnx

    model.eval()
    example = (torch.zeros(2, tokens, features), torch.zeros(2, tokens, dtype=torch.bool))
    # Newer PyTorch exports through dynamo by default (opset-18 operators converted down, weights in a
    # side file), which onnxruntime-web rejects; its TorchScript exporter writes what 1.13 writes.
    legacy = {"dynamo": False} if "dynamo" in inspect.signature(torch.onnx.export).parameters else {}
    torch.onnx.export(
        model, example, path, opset_version=17, input_names=["tokens", "mask"], output_names=["logits"],
        dynamic_axes={"tokens": {0: "batch"}, "mask": {0: "batch"}, "logits": {0: "batch"}}, **legacy,
    )
    m = onnx.load(path)
    entry = m.metadata_props.add()
    entry.key, entry.value = "tickmind.policy", json.dumps(policy_spec)
    onnx.save(m, path)


if __name__ == "__main__":
    main()
