#!/usr/bin/env python3
"""Writes golden.json: PyTorch reference values for Cohort's optimizer steps and layer gradients.

Run with Debian's interpreter and python3-torch: /usr/bin/python3 make_golden.py > golden.json
Not run by CI; the committed golden.json is the data the tests read (GoldenTests.cs).
"""
import json
import torch
import torch.nn as nn

torch.manual_seed(0)
out = {}

# Optimizer trajectories: fixed gradients per step, weights after every step.
w0 = torch.tensor([0.5, -1.25, 2.0, 0.0, -0.1, 3.0, 0.75, -2.5, 1.0, 0.2, -0.6, 1.5, -3.0, 0.05, 0.9, -0.4, 2.2])
grads = [torch.randn(w0.numel()) for _ in range(3)]
cases = {
    "sgd_momentum": (torch.optim.SGD, dict(lr=0.1, momentum=0.9, weight_decay=0.01)),
    "sgd_nesterov": (torch.optim.SGD, dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.01)),
    "adam": (torch.optim.Adam, dict(lr=0.01, betas=(0.8, 0.95), eps=1e-6, weight_decay=0.05)),
    "adamw": (torch.optim.AdamW, dict(lr=0.01, betas=(0.8, 0.95), eps=1e-6, weight_decay=0.05)),
}
out["w0"] = w0.tolist()
out["grads"] = [g.tolist() for g in grads]
for name, (cls, kw) in cases.items():
    p = nn.Parameter(w0.clone())
    opt = cls([p], **kw)
    traj = []
    for g in grads:
        p.grad = g.clone()
        opt.step()
        traj.append(p.detach().tolist())
    out[name] = {"hyper": {k: (list(v) if isinstance(v, tuple) else v) for k, v in kw.items()}, "weights": traj}

def dump(model, x, y, loss_fn):
    model.zero_grad()
    loss = loss_fn(model(x), y)
    loss.backward()
    weights, biases, wgrads, bgrads = [], [], [], []
    for m in model:
        if isinstance(m, (nn.Linear, nn.Conv2d)):
            weights += m.weight.detach().flatten().tolist()
            wgrads += m.weight.grad.flatten().tolist()
            biases += m.bias.detach().flatten().tolist()
            bgrads += m.bias.grad.flatten().tolist()
    return {"x": x.flatten().tolist(), "y": y.flatten().float().tolist(), "loss": loss.item(),
            "parameters": weights + biases, "gradients": wgrads + bgrads}

mlp = nn.Sequential(nn.Linear(4, 5), nn.Tanh(), nn.Linear(5, 3))
out["mlp_ce"] = dump(mlp, torch.randn(3, 4), torch.tensor([2, 0, 1]), nn.CrossEntropyLoss())
mlp2 = nn.Sequential(nn.Linear(3, 20), nn.ReLU(), nn.Linear(20, 2))
out["mlp_mse"] = dump(mlp2, torch.randn(4, 3), torch.randn(4, 2), nn.MSELoss())
cnn = nn.Sequential(nn.Conv2d(2, 3, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(3, 4, 2), nn.Sigmoid(),
                    nn.AvgPool2d(2), nn.Flatten(), nn.Linear(4, 3))
out["cnn_ce"] = dump(cnn, torch.randn(2, 2, 6, 6), torch.tensor([1, 2]), nn.CrossEntropyLoss())
print(json.dumps(out))
