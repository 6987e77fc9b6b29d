"""Old name of dnw.dream.finetune, kept because people run `python -m dnw.finetune` from older instructions."""

import runpy

if __name__ == "__main__":
    runpy.run_module("dnw.dream.finetune", run_name="__main__", alter_sys=True)
