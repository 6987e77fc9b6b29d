"""Dream / Qwen2-style checkpoints: ONNX export, fine-tuning, the PyTorch forward worker, shaped stand-ins (transformers needed here only)."""
