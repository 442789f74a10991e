#!/usr/bin/python3
"""PyTorch's ordinary training step on edp4j's benchmark workloads (jmh Workload / StepBenchmark).

    /usr/bin/python3 scripts/peer/torch_step.py [--threads 2] [--warm-seconds 10] [--steps 40] model:batch ...

Models, as org.edp4j.nn.Models builds them for org.edp4j.jmh.Workload:
  mlp      Linear 784-512, ReLU, Linear 512-512, ReLU, Linear 512-10 on dense input
  text     Embedding(20,000 x 128) (dense gradient, as nn.Embedding's default), masked mean-pool over
           T = 128 with a padding mask (each row's real length uniform in [64, 128]), Linear 128-128,
           Tanh, Linear 128-2
  text-bag the text model with nn.EmbeddingBag(mode="mean", padding_idx=0) in place of the Embedding and
           the mean (edp4j's EmbeddingBag layer does that); measured no faster than text here (8.0 against
           7.9 ms, 10.7 against 8.5, batch 256, 2026-11-30), so text stays PyTorch's step in the comparison
  encoder  token Embedding(20,000 x 256) + learned position Embedding(128 x 256), 4 pre-LayerNorm blocks
           (nn.TransformerEncoderLayer: d_model 256, 4 heads, feed-forward 1024, GELU tanh approximation,
           dropout 0, norm_first, batch_first; the batch's padding mask as src_key_padding_mask), a final
           LayerNorm, masked mean-pool, Linear 256-2
One step: optimizer.zero_grad(set_to_none=True), forward, cross-entropy (mean over the batch),
backward, torch.optim.SGD(lr=0.05).step(): the ordinary step edp4j's `.nonPrivate()` step computes
(edp4j sums the per-example losses and divides the summed gradient by the batch: the same arithmetic
up to the order). Warm-up for --warm-seconds (at least 10 steps), then --steps timed steps (the encoder:
a quarter, at least 5); prints one JSON object per case with the median step time in ms.

The threading setup comes from the environment the driver (step_vs_pytorch.py) sets: OMP_NUM_THREADS,
OMP_WAIT_POLICY, OMP_PROC_BIND, OMP_PLACES, OPENBLAS_CORETYPE, LD_LIBRARY_PATH (OpenBLAS variant).
"""
import argparse
import json
import os
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

VOCAB = 20_000
SEQ = 128


class Bag(nn.Module):
    def __init__(self, dim=128, hidden=128, classes=2):
        super().__init__()
        self.emb = nn.Embedding(VOCAB, dim)
        self.l1 = nn.Linear(dim, hidden)
        self.l2 = nn.Linear(hidden, classes)

    def forward(self, tokens, mask):
        e = self.emb(tokens) * mask.unsqueeze(-1)
        pooled = e.sum(1) / mask.sum(1, keepdim=True)
        return self.l2(torch.tanh(self.l1(pooled)))


class FusedBag(nn.Module):
    """Bag with nn.EmbeddingBag(mode="mean", padding_idx=0): the same function (padding ids are 0
    and excluded from the mean; an all-padding row gives 0), without the [B, T, d] rows."""

    def __init__(self, dim=128, hidden=128, classes=2):
        super().__init__()
        self.emb = nn.EmbeddingBag(VOCAB, dim, mode="mean", padding_idx=0)
        self.l1 = nn.Linear(dim, hidden)
        self.l2 = nn.Linear(hidden, classes)

    def forward(self, tokens, mask):
        return self.l2(torch.tanh(self.l1(self.emb(tokens))))


class Encoder(nn.Module):
    def __init__(self, d=256, layers=4, heads=4, ffn=1024, classes=2):
        super().__init__()
        self.tok = nn.Embedding(VOCAB, d)
        self.pos = nn.Embedding(SEQ, d)
        layer = nn.TransformerEncoderLayer(d, heads, ffn, dropout=0.0,
                                           activation=lambda x: F.gelu(x, approximate="tanh"),
                                           batch_first=True, norm_first=True)
        self.blocks = nn.TransformerEncoder(layer, layers, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, classes)

    def forward(self, tokens, mask):
        x = self.tok(tokens) + self.pos.weight[: tokens.shape[1]]
        x = self.norm(self.blocks(x, src_key_padding_mask=mask == 0))
        m = mask.unsqueeze(-1)
        return self.head((x * m).sum(1) / m.sum(1))


def workload(model, batch, gen):
    if model == "mlp":
        net = nn.Sequential(nn.Linear(784, 512), nn.ReLU(), nn.Linear(512, 512), nn.ReLU(), nn.Linear(512, 10))
        x = (torch.rand(batch, 784, generator=gen),)
        y = torch.randint(0, 10, (batch,), generator=gen)
        return net, x, y
    lengths = torch.randint(SEQ // 2, SEQ + 1, (batch,), generator=gen)
    mask = (torch.arange(SEQ).unsqueeze(0) < lengths.unsqueeze(1)).float()
    tokens = torch.randint(1, VOCAB, (batch, SEQ), generator=gen) * mask.long()
    y = torch.randint(0, 2, (batch,), generator=gen)
    net = Bag() if model == "text" else FusedBag() if model == "text-bag" else Encoder()
    return net, (tokens, mask), y


def time_case(model, batch, warm_seconds, steps):
    gen = torch.Generator().manual_seed(99)
    torch.manual_seed(1234)
    net, x, y = workload(model, batch, gen)
    opt = torch.optim.SGD(net.parameters(), lr=0.05)

    def step():
        opt.zero_grad(set_to_none=True)
        loss = F.cross_entropy(net(*x), y)
        loss.backward()
        opt.step()

    t_end = time.perf_counter() + warm_seconds
    warm = 0
    while warm < 10 or time.perf_counter() < t_end:
        step()
        warm += 1
    n = max(5, steps // 4) if model == "encoder" else steps
    ms = []
    for _ in range(n):
        t0 = time.perf_counter()
        step()
        ms.append((time.perf_counter() - t0) * 1e3)
    q = statistics.quantiles(ms, n=4)
    return {"model": model, "batch": batch, "threads": torch.get_num_threads(), "ms": statistics.median(ms),
            "q1": q[0], "q3": q[2], "steps": n, "warm_steps": warm}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--warm-seconds", type=float, default=10)
    ap.add_argument("--steps", type=int, default=40)
    ap.add_argument("cases", nargs="+", help="model:batch, e.g. mlp:256 text:256 encoder:64")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    torch.set_grad_enabled(True)
    env = {k: os.environ.get(k, "") for k in ("OMP_WAIT_POLICY", "OMP_PROC_BIND", "OMP_PLACES", "OPENBLAS_CORETYPE",
                                              "LD_LIBRARY_PATH")}
    for c in args.cases:
        model, batch = c.split(":")
        r = time_case(model, int(batch), args.warm_seconds, args.steps)
        r.update(torch=torch.__version__, env=env)
        print(json.dumps(r), flush=True)


if __name__ == "__main__":
    main()
