"""A linear-chain CRF over a text's words, trained beside a project's diffusion model and multiplied into its
denoising steps as a prior (docs/training.md, "The word prior"). The engine reads the same crf.json
(core/crf/): features.py and marginals.py here are the reference its parity tests check against."""
