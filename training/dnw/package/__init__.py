"""Model packages: a trained run exported to a package, the weights a package carries, fine-tuning a package, batch annotation with one."""
