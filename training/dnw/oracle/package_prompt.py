"""Prompt ids for a text, exactly as the engine builds them (main/engine/prompt.ts).

The prompt is rendered once with a sentinel where the text goes, split there into prefix and suffix, and the three
parts are tokenised separately (no special tokens added): ids = [bos if prompt.addBos] + prefix + text + suffix.
Tokenising the text on its own keeps text-token boundaries (and so aligned-BIO offsets) exact.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from tokenizers import Tokenizer

SENTINEL = "\ue000DNW_TEXT\ue000"


def render_parts(manifest: dict, package: Path) -> tuple[str, str]:
    """(prefix, suffix) around the text for the manifest's prompt."""
    prompt = manifest["prompt"]
    if prompt["kind"] == "raw":
        rendered = prompt["template"].replace("{text}", SENTINEL)
    else:
        import jinja2

        config_path = package / "tokenizer_config.json"
        config = json.loads(config_path.read_text()) if config_path.exists() else {}
        template = prompt.get("chatTemplate") or config["chat_template"]
        messages = [{"role": "system", "content": prompt["system"]}] if prompt.get("system") else []
        messages.append({"role": "user", "content": prompt["user"].replace("{text}", SENTINEL)})
        env = jinja2.Environment(trim_blocks=True, lstrip_blocks=True)
        special = {k: config.get(k) for k in ("bos_token", "eos_token")}
        rendered = env.from_string(template).render(messages=messages, add_generation_prompt=True, **special)
    prefix, _, suffix = rendered.partition(SENTINEL)
    return prefix, suffix


class PromptBuilder:
    """Tokenises texts into prompt ids for one package."""

    def __init__(self, package: Path):
        self.manifest = json.loads((package / "manifest.json").read_text())
        self.tokenizer = Tokenizer.from_file(str(package / self.manifest["tokenizer"]))
        self.prefix, self.suffix = render_parts(self.manifest, package)

    def encode(self, text: str) -> list[int]:
        return self.tokenizer.encode(text, add_special_tokens=False).ids if text else []

    def prompt(self, text: str) -> tuple[list[int], int]:
        """(prompt ids, number of text tokens)."""
        bos = [self.manifest["tokens"]["bos"]] if self.manifest["prompt"].get("addBos") else []
        text_ids = self.encode(text)
        return bos + self.encode(self.prefix) + text_ids + self.encode(self.suffix), len(text_ids)

    def canvas_length(self, max_new_tokens: int | str, text_tokens: int, prompt_tokens: int) -> int:
        """max_new_tokens, or for 'auto' the size the output format needs (engine: core/sampler/canvas.ts)."""
        room = self.manifest["maxLength"] - prompt_tokens
        output = self.manifest["output"]
        if output["format"] == "aligned-bio":
            return text_tokens  # one label per text token, whatever max_new_tokens says
        if max_new_tokens != "auto":
            return int(max_new_tokens)
        per, extra = auto_canvas_ratio(output)
        return max(1, min(room, math.ceil(text_tokens * per) + extra))

    def decode(self, ids: list[int]) -> str:
        return self.tokenizer.decode(ids, skip_special_tokens=False)


def auto_canvas_ratio(output: dict) -> tuple[float, int]:
    canvas = output.get("canvas") or {}
    default = {"inline-tags": (1.5, 8), "bio-lines": (3.0, 8)}.get(output["format"], (1.0, 0))
    return float(canvas.get("perTextToken", default[0])), int(canvas.get("extra", default[1]))
