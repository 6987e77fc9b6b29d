"""Parity oracles: the PyTorch reference of the engine's sampler and prompts, and the checks that an exported graph matches its checkpoint."""
