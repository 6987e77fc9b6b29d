"""The workbench's Python side, in four parts without import cycles (training/README.md): tagger/ (the embedded
model), package/ (model packages: export, fine-tuning, batch annotation), dream/ (Dream/Qwen2: needs transformers)
and oracle/ (parity references), over the shared modules here (sampler head, graph export, devices)."""
