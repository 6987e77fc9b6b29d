"""The embedded model: a small masked diffusion tagger (data, tokenizer, model, training, evaluation)."""
