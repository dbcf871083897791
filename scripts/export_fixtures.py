#!/usr/bin/env python3
"""Export the reference ONNX fixtures used by tickmind's parity tests.

Re-runnable and deterministic (seeded). Needs PyTorch and onnx, e.g. Debian's
`apt-get install python3-torch python3-onnx`, then:

    /usr/bin/python3 scripts/export_fixtures.py [OUT_DIR]

Writes, per fixture, `<name>.onnx`, reference inputs/outputs as `.npy`, and a
`manifest.json` describing them. CI never runs this: the outputs are committed.
"""
import json
import os
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
    os.path.dirname(__file__), "..", "tests", "fixtures", "models")
TOKENS = 10
REF_BATCH = 3


def gelu(x):
    # A plain function (not the string "gelu") keeps PyTorch off its fused
    # encoder fast path, so the export shows the Erf-based GELU pattern.
    return F.gelu(x)


def relu(x):
    return F.relu(x)


class Mlp(nn.Module):
    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Linear(200, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(),
            nn.Linear(256, 32))

    def forward(self, obs):
        return self.net(obs)


class TokenTransformer(nn.Module):
    """One token per player: embed, encode with a key-padding mask, per-token head."""

    def __init__(self, features, d, layers, heads, ff, activation, actions=97):
        super().__init__()
        self.embed = nn.Linear(features, d)
        layer = nn.TransformerEncoderLayer(
            d, heads, ff, dropout=0.0, activation=activation, batch_first=True)
        self.encoder = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.head = nn.Linear(d, actions)

    def forward(self, tokens, mask):
        return self.head(self.encoder(self.embed(tokens), src_key_padding_mask=mask))


class LayerNormOnly(nn.Module):
    def __init__(self, d):
        super().__init__()
        self.norm = nn.LayerNorm(d)
        with torch.no_grad():
            self.norm.weight.uniform_(0.5, 1.5)
            self.norm.bias.uniform_(-0.5, 0.5)

    def forward(self, x):
        return self.norm(x)


def padding_mask(batch, gen):
    # True = padded (absent or dead player); token 0 (self) is never padded.
    mask = torch.rand(batch, TOKENS, generator=gen) < 0.3
    mask[:, 0] = False
    return mask


class SmallCnn(nn.Module):
    """A small image classifier: two Conv+BN+ReLU blocks, max pooling, global average pooling,
    a BatchNorm1d on the pooled features, a linear head (32x32 RGB -> 10 classes)."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1, stride=2), nn.BatchNorm2d(32), nn.ReLU(),
            nn.AdaptiveAvgPool2d(1))
        self.norm = nn.BatchNorm1d(32)
        self.head = nn.Linear(32, 10)

    def forward(self, image):
        return self.head(self.norm(torch.flatten(self.features(image), 1)))


class GruClassifier(nn.Module):
    """Sequence classifier: a GRU over 20 steps of 8 features, its last hidden state, a linear head."""

    def __init__(self):
        super().__init__()
        self.gru = nn.GRU(8, 16, batch_first=True)
        self.head = nn.Linear(16, 5)

    def forward(self, seq):
        _, h = self.gru(seq)
        return self.head(h[-1])


class LstmClassifier(nn.Module):
    """Sequence classifier: a bidirectional LSTM, mean over time, a linear head."""

    def __init__(self):
        super().__init__()
        self.lstm = nn.LSTM(8, 12, batch_first=True, bidirectional=True)
        self.head = nn.Linear(24, 5)

    def forward(self, seq):
        out, _ = self.lstm(seq)
        return self.head(out.mean(dim=1))


class AudioConv1d(nn.Module):
    """Keyword-spotting style audio model on 400 raw samples: strided and dilated 1-D convolutions,
    average and global pooling, a linear head over 4 keywords."""

    def __init__(self):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv1d(1, 8, 9, stride=2), nn.ReLU(),
            nn.Conv1d(8, 16, 5, stride=2, dilation=2), nn.ReLU(),
            nn.AvgPool1d(2), nn.AdaptiveAvgPool1d(1))
        self.head = nn.Linear(16, 4)

    def forward(self, audio):
        return self.head(torch.flatten(self.net(audio), 1))


def randomize_batchnorm(model, gen):
    """Non-trivial running statistics, so the exported BatchNormalization does real work."""
    for m in model.modules():
        if isinstance(m, (nn.BatchNorm1d, nn.BatchNorm2d)):
            m.running_mean.copy_(torch.randn(m.num_features, generator=gen) * 0.2)
            m.running_var.copy_(torch.rand(m.num_features, generator=gen) + 0.5)
            m.weight.data.copy_(torch.rand(m.num_features, generator=gen) + 0.5)
            m.bias.data.copy_(torch.randn(m.num_features, generator=gen) * 0.1)
    return model


def export(name, model, example, names, dynamic, opset, description):
    model.eval()
    path = os.path.join(OUT, f"{name}.onnx")
    # Grad stays enabled while tracing: PyTorch's fused attention fast path
    # (not exportable) only runs under no_grad.
    torch.onnx.export(model, example, path, input_names=names["inputs"],
                      output_names=names["outputs"], dynamic_axes=dynamic,
                      opset_version=opset, do_constant_folding=True)
    with torch.no_grad():
        outputs = model(*example)
    if not isinstance(outputs, tuple):
        outputs = (outputs,)
    entry = {"name": name, "file": f"{name}.onnx", "opset": opset,
             "description": description, "inputs": [], "outputs": []}
    for input_name, value in zip(names["inputs"], example):
        arr = value.numpy()
        file = f"{name}.in.{input_name}.npy"
        np.save(os.path.join(OUT, file), arr)
        entry["inputs"].append({"name": input_name, "shape": list(arr.shape),
                                "dtype": str(arr.dtype), "file": file})
    for output_name, value in zip(names["outputs"], outputs):
        arr = value.numpy()
        file = f"{name}.out.{output_name}.npy"
        np.save(os.path.join(OUT, file), arr)
        entry["outputs"].append({"name": output_name, "shape": list(arr.shape),
                                 "dtype": str(arr.dtype), "file": file})
    print(f"{name}: {os.path.getsize(path)} bytes, opset {opset}")
    return entry


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(7)
    gen = torch.Generator().manual_seed(11)
    batch_axes = {0: "batch"}
    fixtures = []

    fixtures.append(export(
        "mlp_200_256_256_32", Mlp(), (torch.randn(REF_BATCH, 200, generator=gen),),
        {"inputs": ["obs"], "outputs": ["logits"]},
        {"obs": batch_axes, "logits": batch_axes}, 13,
        "MLP policy 200->256->256->32 with ReLU (Gemm)"))

    token_io = {"inputs": ["tokens", "mask"], "outputs": ["logits"]}
    token_axes = {"tokens": batch_axes, "mask": batch_axes, "logits": batch_axes}
    fixtures.append(export(
        "transformer_d64_l2", TokenTransformer(24, 64, 2, 4, 128, gelu),
        (torch.randn(REF_BATCH, TOKENS, 24, generator=gen), padding_mask(REF_BATCH, gen)),
        token_io, token_axes, 14,
        "Token transformer d=64, 2 layers, 4 heads, GELU, key-padding mask; "
        "opset 14 so LayerNorm is decomposed"))
    fixtures.append(export(
        "transformer_d128_l4", TokenTransformer(24, 128, 4, 4, 256, relu),
        (torch.randn(REF_BATCH, TOKENS, 24, generator=gen), padding_mask(REF_BATCH, gen)),
        token_io, token_axes, 17,
        "Token transformer d=128, 4 layers, 4 heads, ReLU, key-padding mask; "
        "opset 17 (LayerNormalization op)"))
    fixtures.append(export(
        "layernorm_decomposed", LayerNormOnly(64),
        (torch.randn(REF_BATCH, TOKENS, 64, generator=gen),),
        {"inputs": ["x"], "outputs": ["y"]}, {"x": batch_axes, "y": batch_axes}, 13,
        "nn.LayerNorm exported at opset 13: ReduceMean/Sub/Pow/ReduceMean/Add/Sqrt/Div/Mul/Add"))

    # Non-policy models a game ships (issue 10): image, sequence and audio classifiers.
    fixtures.append(export(
        "cnn_image_classifier", randomize_batchnorm(SmallCnn(), gen),
        (torch.randn(REF_BATCH, 3, 32, 32, generator=gen),),
        {"inputs": ["image"], "outputs": ["logits"]}, {"image": batch_axes, "logits": batch_axes}, 13,
        "Small CNN image classifier: Conv+BN+ReLU, MaxPool, strided Conv+BN+ReLU, GlobalAveragePool, "
        "BatchNorm1d, Linear (32x32 RGB -> 10)"))
    fixtures.append(export(
        "gru_sequence_classifier", GruClassifier(),
        (torch.randn(REF_BATCH, 20, 8, generator=gen),),
        {"inputs": ["seq"], "outputs": ["logits"]}, {"seq": batch_axes, "logits": batch_axes}, 13,
        "GRU sequence classifier: GRU(8 -> 16) over 20 steps, last hidden state, Linear (-> 5)"))
    fixtures.append(export(
        "lstm_sequence_classifier", LstmClassifier(),
        (torch.randn(REF_BATCH, 20, 8, generator=gen),),
        {"inputs": ["seq"], "outputs": ["logits"]}, {"seq": batch_axes, "logits": batch_axes}, 13,
        "Bidirectional LSTM(8 -> 12) sequence classifier, mean over time, Linear (-> 5)"))
    fixtures.append(export(
        "audio_conv1d", AudioConv1d(),
        (torch.randn(REF_BATCH, 1, 400, generator=gen),),
        {"inputs": ["audio"], "outputs": ["logits"]}, {"audio": batch_axes, "logits": batch_axes}, 13,
        "1-D conv audio model (keyword spotting): strided and dilated Conv1d, AvgPool1d, "
        "GlobalAveragePool, Linear (400 samples -> 4)"))

    with open(os.path.join(OUT, "manifest.json"), "w") as f:
        json.dump({"generator": "scripts/export_fixtures.py",
                   "torch": torch.__version__, "fixtures": fixtures}, f, indent=2)
        f.write("\n")


if __name__ == "__main__":
    main()
