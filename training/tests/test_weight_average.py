"""The moving average of the weights both trainers export, and the training arithmetic they choose."""

import torch
from dnw.devices import adamw, cpu_has_bf16, mixed_precision
from dnw.tagger.weight_average import WeightAverage


def test_the_average_warms_up_then_follows_slowly():
    model = torch.nn.Linear(2, 1)
    with torch.no_grad():
        model.weight.fill_(0.0)
    avg = WeightAverage(model, decay=0.999)
    with torch.no_grad():
        model.weight.fill_(1.0)
    avg.update(model, step=0)  # warm-up: decay min(0.999, 1/10) = 0.1, so the new weights dominate
    assert torch.allclose(avg.weights["weight"], torch.full((1, 2), 0.9))
    for step in range(1, 5000):
        avg.update(model, step)
    assert torch.allclose(avg.weights["weight"], torch.ones(1, 2), atol=1e-2)
    merged = avg.merged(model)
    assert set(merged) == set(model.state_dict())  # every key, averaged where it is a float


def test_mixed_precision_is_chosen_by_the_hardware_unless_forced():
    cpu = torch.device("cpu")
    assert mixed_precision(cpu, "fp32") is None
    assert mixed_precision(cpu, "bf16") is torch.bfloat16
    assert mixed_precision(cpu, "auto") is (torch.bfloat16 if cpu_has_bf16() else None)


def test_adamw_is_fused_on_the_cpu_and_steps():
    p = torch.nn.Parameter(torch.ones(3))
    opt = adamw([p], torch.device("cpu"), lr=0.1)
    assert opt.defaults["fused"] is True
    p.grad = torch.ones(3)
    opt.step()
    assert torch.all(p < 1.0)
