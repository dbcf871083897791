#!/usr/bin/env python3
"""Reference gradients for tickmind's trainer, from PyTorch (re-runnable, seeded).

Builds the policy architecture of examples/pytorch/tickmind_bc.py at a tiny size, runs one batch
(with an absent token and targets on two tokens), and saves inputs, weights, the loss and every
parameter's gradient in tickmind's layout to tests/fixtures/training/reference_grads.npz.
Needs Debian's python3-torch and python3-numpy:

    /usr/bin/python3 scripts/export_training_fixture.py [OUT.npz]
"""
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "examples", "pytorch"))
from tickmind_bc import TokenTransformer, tickmind_weights  # noqa: E402

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(__file__), "..", "tests", "fixtures", "training", "reference_grads.npz")
B, T, FEAT, D, LAYERS, HEADS, FF, CLASSES = 3, 4, 5, 8, 2, 2, 12, 6

torch.manual_seed(7)
model = TokenTransformer(FEAT, D, LAYERS, HEADS, FF, CLASSES).double()
# Float64 math on float32-representable values: the saved float32 inputs and weights are exact.
with torch.no_grad():
    for p in model.parameters():
        p.copy_(p.float().double())
x = torch.randn(B, T, FEAT).double()
mask = torch.zeros(B, T, dtype=torch.bool)
mask[1, 3] = True
targets = torch.full((B, T), -1, dtype=torch.long)
targets[:, 0] = torch.tensor([1, 4, 2])
targets[0, 1] = 5
logits = model(x, mask)
loss = F.cross_entropy(logits.reshape(-1, CLASSES), targets.reshape(-1), ignore_index=-1)
loss.backward()

arrays = {"tokens": x.numpy().astype(np.float32), "mask": mask.numpy(), "targets": targets.numpy().astype(np.int32),
          "loss": np.array([loss.item()], dtype=np.float64), "logits": logits.detach().numpy().astype(np.float32)}
for name, w in tickmind_weights(model).items():
    arrays[f"weight.{name}"] = w
for name, p in model.named_parameters():
    g = p.grad.numpy()
    arrays[f"grad.{name}"] = np.ascontiguousarray(g.T if g.ndim == 2 else g).astype(np.float32)
os.makedirs(os.path.dirname(OUT), exist_ok=True)
np.savez_compressed(OUT, **arrays)
print(f"wrote {OUT}: loss {loss.item():.6f}, {sum(1 for k in arrays if k.startswith('grad.'))} gradients")
